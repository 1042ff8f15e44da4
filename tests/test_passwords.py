import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError

pytestmark = pytest.mark.django_db


def test_eleven_characters_are_too_few():
    with pytest.raises(ValidationError):
        validate_password("kopi-susu-1")


def test_twelve_characters_without_any_composition_rule_are_enough():
    validate_password("kopisusuhangat")
    validate_password("ini kalimat sandi yang sangat panjang " * 3)


def test_common_breached_passwords_are_refused():
    with pytest.raises(ValidationError):
        validate_password("password1234")


def test_a_password_like_the_username_is_refused(ani):
    with pytest.raises(ValidationError):
        validate_password("ani.rahmawati", user=ani)


def _reset_link(message) -> str:
    return re.search(r"https?://[^/]+(/sandi/atur/\S+)", message.body).group(1)


def test_a_reset_link_is_mailed_to_a_known_address(client, ani):
    response = client.post("/sandi/lupa/", {"email": "ani@demo.sinergi.invalid"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ani@demo.sinergi.invalid"]
    assert "/sandi/atur/" in mail.outbox[0].body


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client):
    response = client.post("/sandi/lupa/", {"email": "nobody@example.invalid"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/sandi/lupa/terkirim/"
    assert mail.outbox == []


def test_the_link_sets_a_new_password_that_meets_the_policy(client, ani):
    client.post("/sandi/lupa/", {"email": "ani@demo.sinergi.invalid"})
    form_url = client.get(_reset_link(mail.outbox[0])).headers["Location"]
    weak = client.post(form_url, {"new_password1": "short", "new_password2": "short"})
    assert weak.status_code == 200
    new = "matahari terbit di timur"
    done = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    ani.refresh_from_db()
    assert ani.check_password(new)


def test_a_used_link_no_longer_works(client, ani):
    client.post("/sandi/lupa/", {"email": "ani@demo.sinergi.invalid"})
    link = _reset_link(mail.outbox[0])
    form_url = client.get(link).headers["Location"]
    new = "matahari terbit di timur"
    client.post(form_url, {"new_password1": new, "new_password2": new})
    assert "tidak berlaku" in client.get(link, follow=True).content.decode()


def test_reset_mails_to_one_address_are_limited_to_three_an_hour(client, ani):
    for _attempt in range(5):
        response = client.post("/sandi/lupa/", {"email": "ani@demo.sinergi.invalid"})
        assert response.headers["Location"] == "/sandi/lupa/terkirim/"
    assert len(mail.outbox) == 3
