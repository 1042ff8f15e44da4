import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_the_landing_page_is_public_and_explains_how_to_report(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Cara melaporkan kasus" in html
    assert "129" in html


def test_the_home_page_needs_sign_in(client):
    response = client.get("/beranda/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/masuk/?next=/beranda/"


def test_signed_in_visitors_of_the_landing_page_go_home(client, ani):
    client.force_login(ani)
    assert client.get("/").headers["Location"] == "/beranda/"


def test_the_home_page_shows_the_agency_and_what_the_role_does(client, ani):
    client.force_login(ani)
    html = client.get("/beranda/").content.decode()
    assert "Dinas Sosial Kota Balikpapan" in html
    assert "Pendamping" in html
    assert "/admin/" not in html


def test_the_admin_sees_the_administration_link(client, eko):
    client.force_login(eko)
    assert 'href="/admin/"' in client.get("/beranda/").content.decode()


def test_a_user_without_an_agency_is_told_to_ask_the_administrator(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert "belum terhubung" in client.get("/beranda/").content.decode()


def test_the_home_page_runs_a_fixed_number_of_queries(client, ani, hadi, dinsos):
    from cases.models import Case
    from cases.services import case_open
    from tests.test_case_pages import open_case

    client.force_login(ani)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get("/beranda/")
        return len(queries)

    open_case(dinsos, hadi, ani, sexual=True)
    count()  # the menu's counts, kept from here on (agencies.menu_counts)
    one = count()
    for _case in range(4):
        open_case(dinsos, hadi, ani, children=2, sexual=True)
    case_open(
        opened_by=hadi,
        agency=dinsos,
        reported_at=Case.objects.first().reported_at,
        risk_level="rendah",
    )
    # user with membership and roles (the session is cached); my cases, overdue: each
    # cases + agencies + caseworkers + children + forms
    assert count() == one == 11
