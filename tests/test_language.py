import pytest

pytestmark = pytest.mark.django_db


def test_indonesian_is_the_default_even_for_english_browsers(client):
    response = client.get("/masuk/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "id"
    assert "Masuk ke Sinergi" in response.content.decode()


def test_an_anonymous_visitor_can_switch_to_english(client):
    response = client.post("/bahasa/", {"language": "en", "next": "/masuk/"})
    assert response.headers["Location"] == "/masuk/"
    assert "Sign in to Sinergi" in client.get("/masuk/").content.decode()


def test_a_signed_in_users_choice_is_remembered_on_the_account(client, ani):
    client.force_login(ani)
    client.post("/bahasa/", {"language": "en", "next": "/beranda/"})
    ani.refresh_from_db()
    assert ani.preferred_language == "en"


def test_the_remembered_language_follows_the_user_to_a_new_browser(client, ani, demo_password):
    ani.preferred_language = "en"
    ani.save(update_fields=["preferred_language"])
    response = client.post("/masuk/", {"username": "ani", "password": demo_password})
    assert response.cookies["sinergi_language"].value == "en"
    assert "Welcome, Ani" in client.get("/beranda/").content.decode()


def test_an_unknown_language_changes_nothing(client):
    client.post("/bahasa/", {"language": "xx", "next": "/"})
    assert client.get("/masuk/").headers["Content-Language"] == "id"


def test_the_switch_never_redirects_off_site(client):
    response = client.post("/bahasa/", {"language": "en", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_the_switch_is_post_only(client):
    assert client.get("/bahasa/").status_code == 405
