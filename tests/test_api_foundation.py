"""The partner API's common rules: who may call, in which language, with what scope."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies.api_clients import api_client_revoke, token_digest
from agencies.models import ApiClient, User
from api.models import ApiRequestLog

pytestmark = pytest.mark.django_db


def _bearer(api, token):
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


def test_anonymous_gets_nothing(api):
    response = api.get("/api/v1/agencies/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_token_is_stored_as_a_digest_only(partner_token, dinsos):
    token = partner_token(dinsos)
    client = ApiClient.objects.get(agency=dinsos)
    assert token not in {client.token_prefix, client.token_digest}
    assert client.token_digest == token_digest(token)
    assert not client.user.has_usable_password()


def test_partner_reads_and_every_request_is_logged_as_client_and_agency(api, partner_token, dinsos):
    token = partner_token(dinsos)
    response = _bearer(api, token).get("/api/v1/agencies/")
    assert response.status_code == 200
    log = ApiRequestLog.objects.get()
    assert (log.agency, log.method, log.path, log.status_code) == (
        dinsos,
        "GET",
        "/api/v1/agencies/",
        200,
    )
    assert log.client.agency == dinsos


@pytest.mark.parametrize("spoil", ["revoke", "expire", "garble"])
def test_revoked_expired_or_wrong_tokens_are_refused_alike(api, partner_token, dinsos, eko, spoil):
    token = partner_token(dinsos)
    client = ApiClient.objects.get(agency=dinsos)
    if spoil == "revoke":
        api_client_revoke(client=client, revoked_by=eko)
    elif spoil == "expire":
        ApiClient.objects.filter(pk=client.pk).update(expires_at=timezone.now() - timedelta(1))
    else:
        token = token[:-2] + ("aa" if not token.endswith("aa") else "bb")
    response = _bearer(api, token).get("/api/v1/agencies/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_a_write_needs_its_scope(api, partner_token, dinsos):
    token = partner_token(dinsos, scopes=("read",))
    response = _bearer(api, token).get("/api/v1/agencies/")
    assert response.status_code == 200
    response = _bearer(api, partner_token(dinsos, scopes=("reports",))).get("/api/v1/agencies/")
    assert response.status_code == 403


def test_errors_speak_the_callers_language(api):
    english = api.get("/api/v1/agencies/", HTTP_ACCEPT_LANGUAGE="en")
    indonesian = api.get("/api/v1/agencies/", HTTP_ACCEPT_LANGUAGE="id,en;q=0.5")
    default = api.get("/api/v1/agencies/")
    assert english["Content-Language"] == "en"
    assert indonesian["Content-Language"] == "id"
    assert default["Content-Language"] == "id"
    assert english.json()["error"]["message"] != indonesian.json()["error"]["message"]


def test_session_writes_need_csrf(ani, demo_password):
    from rest_framework.test import APIClient

    browser = APIClient(HTTP_HOST="127.0.0.1", enforce_csrf_checks=True)
    browser.force_login(ani)
    # Any POST endpoint will do: CSRF is checked before the view looks at the body.
    response = browser.post("/api/v1/complaints/", {}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]


def test_service_accounts_are_not_offered_as_people(partner_token, dinsos):
    partner_token(dinsos, roles=("caseworker",))
    people = User.objects.holding_role(dinsos, "caseworker")
    assert not people.filter(api_client__isnull=False).exists()


def test_agency_list_has_a_fixed_query_count(api, partner_token, dinsos):
    token = partner_token(dinsos)
    _bearer(api, token).get("/api/v1/agencies/")  # warm the token's last-use write
    counts = []
    for size in (1, 25):
        with CaptureQueriesContext(connection) as queries:
            response = api.get("/api/v1/agencies/", {"page_size": size})
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_regions_page_by_cursor(api, partner_token, dinsos):
    _bearer(api, partner_token(dinsos))
    first = api.get("/api/v1/regions/", {"level": 2, "page_size": 5}).json()
    second = api.get(first["next"]).json()
    codes = [r["code"] for r in first["results"]] + [r["code"] for r in second["results"]]
    assert codes == sorted(set(codes)) and len(codes) == 10


def test_schema_and_docs_need_a_login(api, client, ani):
    assert api.get("/api/schema/").status_code in (401, 403)
    client.force_login(ani)
    assert client.get("/api/schema/", HTTP_HOST="127.0.0.1").status_code == 200
    docs = client.get("/api/docs/", HTTP_HOST="127.0.0.1")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "https://" not in html.replace("https://127.0.0.1", "")
