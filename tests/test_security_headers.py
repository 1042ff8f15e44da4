import pytest

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/", "/masuk/", "/sandi/lupa/"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_page_carries_a_strict_content_security_policy(client, path):
    policy = client.get(path).headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_pages_refuse_framing_and_sniffing(client, path):
    response = client.get(path)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_signed_in_pages_are_never_cached(client, ani):
    client.force_login(ani)
    response = client.get("/beranda/")
    assert "no-store" in response.headers["Cache-Control"]
    assert "private" in response.headers["Cache-Control"]


def test_a_signed_in_api_answer_is_never_cached_either(client, ani):
    """The API's base forbids caches itself (for partner systems too); the middleware
    sees it done and leaves the headers as they are."""
    client.force_login(ani)
    response = client.get("/api/v1/cases/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    directives = {part.strip() for part in response.headers["Cache-Control"].split(",")}
    assert {"no-store", "no-cache", "private", "must-revalidate", "max-age=0"} <= directives
    assert response.has_header("Expires")


def test_pages_have_no_inline_scripts(client, ani):
    client.force_login(ani)
    html = client.get("/beranda/").content.decode()
    for fragment in html.split("<script")[1:]:
        assert fragment.lstrip().startswith("src="), fragment[:80]


def test_session_cookie_is_http_only(client, ani, demo_password):
    response = client.post("/masuk/", {"username": "ani", "password": demo_password})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_the_middleware_trusts_only_real_no_store_and_private_directives():
    """The API's base forbids every cache and the middleware then leaves the answer
    alone; a header that only mentions the words (in another directive's name or value)
    is patched as any other."""
    from django.http import HttpResponse

    from agencies.middleware import _kept_by_no_cache

    def answer(cache_control):
        response = HttpResponse()
        response["Cache-Control"] = cache_control
        return response

    assert _kept_by_no_cache(answer("max-age=0, no-cache, no-store, must-revalidate, private"))
    assert not _kept_by_no_cache(answer("public, max-age=600, x-no-store-hint=private"))
    assert not _kept_by_no_cache(answer("no-store"))
