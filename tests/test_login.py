import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.utils import timezone

from agencies.middleware import SESSION_LAST_SEEN, SESSION_STARTED

pytestmark = pytest.mark.django_db


def sign_in(client, username, password):
    return client.post("/masuk/", {"username": username, "password": password})


def test_it_signs_in_by_username(client, ani, demo_password):
    response = sign_in(client, "ani", demo_password)
    assert response.status_code == 302
    assert response.headers["Location"] == "/beranda/"
    assert client.session[SESSION_KEY] == str(ani.pk)


def test_it_signs_in_by_email_in_any_case(client, ani, demo_password):
    response = sign_in(client, "ANI@demo.sinergi.invalid", demo_password)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(ani.pk)


def test_a_wrong_password_shows_the_form_again_in_indonesian(client, ani):
    response = sign_in(client, "ani", "not-the-password")
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert "tidak cocok" in response.content.decode()


def test_it_rotates_the_session_at_sign_in(client, demo_password):
    client.post("/bahasa/", {"language": "en"})
    session = client.session
    session["visited"] = True
    session.save()
    anonymous_key = session.session_key
    sign_in(client, "ani", demo_password)
    assert client.session.session_key != anonymous_key
    assert client.session["visited"] is True  # same session data, new key


def test_five_failures_lock_the_username_even_with_the_right_password(client, demo_password):
    for _attempt in range(5):
        sign_in(client, "ani", "wrong-password")
    response = sign_in(client, "ani", demo_password)
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    assert "15 menit" in response.content.decode()


def test_four_failures_do_not_lock(client, demo_password):
    for _attempt in range(4):
        sign_in(client, "ani", "wrong-password")
    assert sign_in(client, "ani", demo_password).status_code == 302


def test_unknown_usernames_lock_out_the_same_way(client):
    unknown = [sign_in(client, "nobody-here", "wrong-password") for _ in range(6)]
    known = [sign_in(client, "ani", "wrong-password") for _ in range(6)]
    assert [r.status_code for r in unknown] == [r.status_code for r in known]
    assert unknown[-1].status_code == 429
    assert _alert(unknown[-1]) == _alert(known[-1])
    assert _alert(unknown[0]) == _alert(known[0])


def _alert(response) -> str:
    html = response.content.decode()
    return html[html.index('role="alert"') :].split("</div>")[0]


def test_the_e_mail_address_shares_the_usernames_lockout(client, demo_password):
    for _attempt in range(5):
        sign_in(client, "ani", "wrong-password")
    assert sign_in(client, "ani@demo.sinergi.invalid", demo_password).status_code == 429


def test_the_lockout_ends_after_15_minutes(client, demo_password):
    for _attempt in range(5):
        sign_in(client, "ani", "wrong-password")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timezone.timedelta(minutes=16))
    assert sign_in(client, "ani", demo_password).status_code == 302


def test_a_lockout_is_per_username_and_address(client, demo_password):
    for _attempt in range(5):
        sign_in(client, "ani", "wrong-password")
    assert sign_in(client, "budi", demo_password).status_code == 302
    other_address = client.post(
        "/masuk/", {"username": "ani", "password": demo_password}, REMOTE_ADDR="10.9.8.7"
    )
    assert other_address.status_code == 302


def test_sign_out_is_a_post(client, ani):
    client.force_login(ani)
    assert client.get("/keluar/").status_code == 405
    assert client.post("/keluar/").status_code == 302
    assert SESSION_KEY not in client.session


def test_a_deactivated_user_is_out_on_the_next_request(client, ani):
    client.force_login(ani)
    assert client.get("/beranda/").status_code == 200
    ani.is_active = False
    ani.save(update_fields=["is_active"])
    response = client.get("/beranda/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/masuk/")


def _age_session(client, *, idle_seconds=0, total_seconds=0):
    session = client.session
    now = int(time.time())
    session[SESSION_LAST_SEEN] = now - idle_seconds
    session[SESSION_STARTED] = now - total_seconds
    session.save()


def test_a_session_survives_just_under_15_idle_minutes(client, ani):
    client.force_login(ani)
    _age_session(client, idle_seconds=14 * 60 + 50, total_seconds=14 * 60 + 50)
    assert client.get("/beranda/").status_code == 200


def test_a_session_ends_after_15_idle_minutes(client, ani):
    client.force_login(ani)
    _age_session(client, idle_seconds=15 * 60 + 10, total_seconds=15 * 60 + 10)
    response = client.get("/beranda/")
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_activity_keeps_a_session_alive_but_never_past_12_hours(client, ani):
    client.force_login(ani)
    _age_session(client, idle_seconds=60, total_seconds=11 * 60 * 60)
    assert client.get("/beranda/").status_code == 200
    _age_session(client, idle_seconds=60, total_seconds=12 * 60 * 60 + 1)
    assert client.get("/beranda/").status_code == 302


def test_the_idle_clock_moves_with_activity(client, ani):
    client.force_login(ani)
    _age_session(client, idle_seconds=10 * 60, total_seconds=10 * 60)
    client.get("/beranda/")
    assert int(time.time()) - client.session[SESSION_LAST_SEEN] < 5


def test_behind_a_trusted_proxy_failures_count_per_client_address(client, settings, demo_password):
    settings.TRUSTED_PROXY_COUNT = 1
    for _attempt in range(5):
        client.post(
            "/masuk/",
            {"username": "ani", "password": "wrong"},
            HTTP_X_FORWARDED_FOR="198.51.100.7",
        )
    other_office = client.post(
        "/masuk/",
        {"username": "ani", "password": demo_password},
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert other_office.status_code == 302
