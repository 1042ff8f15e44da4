import re
import time

import pytest
from django.core import signing
from django.db import connection

from cases.intake import complaint_close_not_a_case, complaint_open_case
from cases.models import Complaint
from cases.public import _FORM_CLOCK_SALT

pytestmark = pytest.mark.django_db


def clock(seconds_ago: int = 30) -> str:
    return signing.dumps(int(time.time()) - seconds_ago, salt=_FORM_CLOCK_SALT)


def report(**overrides):
    data = {
        "narrative": "Saya mendengar anak tetangga sering dipukul.",
        "village": "64.71.01.1001",
        "child_sex": "P",
        "child_age": "8",
        "anonymous": "on",
        "website": "",
        "clock": clock(),
    }
    data.update(overrides)
    return data


def send(client, **overrides):
    response = client.post("/lapor/", report(**overrides))
    match = re.search(r'data-testid="tracking-code">([A-Z0-9-]+)<', response.content.decode())
    return response, match.group(1) if match else None


def status_of(client, code) -> str:
    html = client.post("/lapor/status/", {"code": code}).content.decode()
    match = re.search(r'data-testid="status">\s*(.*?)\s*</div>', html, re.DOTALL)
    return match.group(1) if match else ""


def test_anyone_can_report_without_an_account_and_gets_a_code_once(client):
    response, code = send(client)
    assert response.status_code == 200 and code
    complaint = Complaint.objects.get()
    assert complaint.agency.nomenclature == "UPTD PPA"
    assert complaint.channel == "web" and complaint.filed_by is None
    assert complaint.reporter is None and complaint.reporter_is_anonymous
    assert "no-store" in response.headers["Cache-Control"]


def test_the_code_is_stored_only_as_a_keyed_hash(client):
    _response, code = send(client)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM cases_complaint")
        assert code not in repr(cursor.fetchall())


@pytest.fixture
def uptd_supervisor(uptd_ppa):
    from tests.factories import member_of

    return member_of(uptd_ppa, "supervisor")


def test_the_code_shows_the_status_and_nothing_else(client, uptd_supervisor):
    _response, code = send(client)
    assert status_of(client, code).startswith("Diterima")
    complaint = Complaint.objects.get()
    complaint_open_case(complaint=complaint, triaged_by=uptd_supervisor)
    html = client.post("/lapor/status/", {"code": code}).content.decode()
    assert "ditangani" in status_of(client, code).lower()
    assert "dipukul" not in html and complaint.case.code not in html


def test_a_complaint_closed_as_not_a_case_shows_closed(client, uptd_supervisor):
    _response, code = send(client)
    complaint = Complaint.objects.get()
    complaint_close_not_a_case(complaint=complaint, triaged_by=uptd_supervisor, reason="x")
    assert status_of(client, code) == "Selesai."


def test_an_unknown_code_says_so(client):
    assert (
        "Tidak ada laporan"
        in client.post("/lapor/status/", {"code": "AAAA-BBBB-CCCC"}).content.decode()
    )


def test_a_filled_honeypot_saves_nothing(client):
    response, code = send(client, website="http://spam.example")
    assert response.status_code == 400 and code is None
    assert not Complaint.objects.exists()


def test_a_form_sent_faster_than_a_person_could_saves_nothing(client):
    response, _code = send(client, clock=clock(seconds_ago=0))
    assert response.status_code == 400
    assert not Complaint.objects.exists()


def test_a_forged_clock_saves_nothing(client):
    response, _code = send(client, clock="not-signed")
    assert response.status_code == 400


def test_submissions_are_rate_limited_per_address(client):
    for _report in range(5):
        assert send(client)[0].status_code == 200
    response, _code = send(client)
    assert response.status_code == 429
    assert Complaint.objects.count() == 5


def test_status_checks_are_rate_limited(client):
    for _check in range(20):
        client.post("/lapor/status/", {"code": "AAAA-BBBB-CCCC"})
    assert client.post("/lapor/status/", {"code": "AAAA-BBBB-CCCC"}).status_code == 429


def test_what_happened_and_where_are_required(client):
    response, _code = send(client, narrative="", village="")
    assert response.status_code == 400
    assert not Complaint.objects.exists()


def test_an_area_without_an_intake_agency_is_told_to_call_sapa(client):
    from agencies.regions import region_import

    region_import(province="11")
    response, _code = send(client, village="11.01.01.2001")
    assert response.status_code == 400
    assert "SAPA 129" in response.content.decode()


def test_a_community_reporter_sees_the_status_of_their_own_reports_only(client, rina, citra):
    client.force_login(rina)
    send(client)
    complaint = Complaint.objects.get()
    assert complaint.filed_by == rina and complaint.channel == "komunitas"
    assert "Diterima" in client.get("/lapor/saya/").content.decode()
    assert client.get(f"/kasus/pengaduan/{complaint.pk}/").status_code == 403
    assert "dipukul" not in client.get("/lapor/saya/").content.decode()


def test_the_list_of_own_reports_is_for_community_reporters(client, ani):
    client.force_login(ani)
    assert client.get("/lapor/saya/").status_code == 403


def test_another_agency_never_sees_the_public_complaint(client, ani):
    send(client)
    complaint = Complaint.objects.get()
    client.force_login(ani)
    assert client.get(f"/kasus/pengaduan/{complaint.pk}/").status_code == 404
