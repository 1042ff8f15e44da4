import pytest

pytestmark = pytest.mark.django_db


def test_it_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


@pytest.mark.services
def test_it_reports_redis_when_configured(client, redis_url, settings):
    assert redis_url == settings.REDIS_URL
    assert client.get("/healthz").json()["redis"] == "ok"


def test_an_unreachable_redis_makes_it_fail(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "redis": "error"}


def test_it_answers_without_signing_in_and_only_to_get(client):
    assert client.post("/healthz").status_code == 405
