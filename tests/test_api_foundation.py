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


def _spoil(client: ApiClient, state: str, *, revoked_by) -> None:
    """Make a partner's client unusable in one of the ways a token stops working."""
    if state == "revoked":
        api_client_revoke(client=client, revoked_by=revoked_by)
    elif state == "expired":
        ApiClient.objects.filter(pk=client.pk).update(expires_at=timezone.now() - timedelta(1))
    elif state == "account_inactive":
        User.objects.filter(pk=client.user_id).update(is_active=False)
    elif state == "agency_inactive":
        type(client.agency).objects.filter(pk=client.agency_id).update(is_active=False)


UNUSABLE = ["revoked", "expired", "account_inactive", "agency_inactive"]


@pytest.mark.parametrize("state", [*UNUSABLE, "garbled"])
def test_unusable_or_wrong_tokens_are_refused_alike(api, partner_token, dinsos, eko, state):
    token = partner_token(dinsos)
    _spoil(ApiClient.objects.get(agency=dinsos), state, revoked_by=eko)
    if state == "garbled":
        token = token[:-2] + ("aa" if not token.endswith("aa") else "bb")
    response = _bearer(api, token).get("/api/v1/agencies/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


@pytest.mark.parametrize("state", ["usable", *UNUSABLE])
def test_the_token_lookup_accepts_exactly_the_usable_clients(partner_token, dinsos, eko, state):
    """The lookup checks usability on the loaded client (``ApiClient.accepts_calls``);
    ``ApiClient.objects.usable()`` is the rule it must agree with."""
    from agencies.api_clients import api_client_for_token

    token = partner_token(dinsos)
    client = ApiClient.objects.get(agency=dinsos)
    _spoil(client, state, revoked_by=eko)
    usable = ApiClient.objects.usable().filter(pk=client.pk).exists()
    assert usable == (state == "usable")
    assert (api_client_for_token(token) is not None) == usable


def test_the_token_lookup_loads_what_the_orm_loads(
    partner_token, dinsos, django_assert_num_queries
):
    """agencies.user_load writes the client's load itself; the ORM's queryset is the truth."""
    from agencies.roles import (
        LOADED_ROLES,
        adopt_membership,
        membership_of,
        roles_of,
        with_membership,
    )
    from agencies.user_load import client_with_membership

    partner_token(dinsos, roles=("caseworker", "supervisor"))
    prefix = ApiClient.objects.get(agency=dinsos).token_prefix
    expected = with_membership(
        ApiClient.objects.select_related("agency", "user"), path="user__", user_id="user_id"
    ).get(token_prefix=prefix)
    with django_assert_num_queries(1):
        loaded = client_with_membership(prefix)
        user, agency = loaded.user, loaded.agency
        membership = user.membership
        related = (membership.user, membership.agency, membership.unit, user.api_client)
    assert _fields(loaded) == _fields(expected)
    assert _fields(agency) == _fields(expected.agency)
    assert _fields(user) == _fields(expected.user)
    assert _fields(membership) == _fields(expected.user.membership)
    assert related[0] is user and related[3] is loaded
    assert _fields(related[1]) == _fields(expected.user.membership.agency)
    assert _fields(related[2]) == _fields(expected.user.membership.unit)
    assert getattr(user, LOADED_ROLES) == getattr(expected, LOADED_ROLES)
    assert getattr(user, LOADED_ROLES) == ["caseworker", "supervisor"]
    assert client_with_membership(prefix + "x") is None
    adopt_membership(user, getattr(user, LOADED_ROLES))
    assert membership_of(user) == expected.user.membership
    assert roles_of(user) == {"caseworker", "supervisor"}


def _fields(instance) -> dict | None:
    if instance is None:
        return None
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.fields}


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
    # Swagger UI styles itself inline; scripts stay Sinergi's own, on this page too.
    policy = docs["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self';" in policy + ";"
    assert "unsafe-inline" not in client.get("/", HTTP_HOST="127.0.0.1")["Content-Security-Policy"]


def _register_on_admin_site(client, admin, **overrides):
    from agencies.roles import agency_of

    client.force_login(admin)
    data = {
        "name": "SIMRS uji",
        "agency": agency_of(admin).pk,
        "roles": ["supervisor"],
        "scopes": ["read", "referrals"],
        "expires_on": (timezone.localdate() + timedelta(days=90)).isoformat(),
        **overrides,
    }
    return client.post("/admin/agencies/apiclient/add/", data, HTTP_HOST="127.0.0.1")


def test_an_admin_registers_a_client_and_sees_its_token_once(client, eko, api):
    response = _register_on_admin_site(client, eko)
    assert response.status_code == 200
    token = response.context["token"]
    registered = ApiClient.objects.get(name="SIMRS uji")
    assert registered.token_digest == token_digest(token)
    assert registered.scopes == ["read", "referrals"]
    # The token works, and the client's page never shows it again.
    assert _bearer(api, token).get("/api/v1/agencies/").status_code == 200
    page = client.get(f"/admin/agencies/apiclient/{registered.pk}/change/", HTTP_HOST="127.0.0.1")
    assert token not in page.content.decode()


def test_registration_refuses_bad_input_and_writes_nothing(client, eko):
    response = _register_on_admin_site(
        client, eko, roles=["admin"], scopes=[], expires_on="2020-01-01"
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"roles", "scopes"}
    assert not ApiClient.objects.exists()
    assert not User.objects.filter(username__startswith="api-").exists()


def test_an_admin_sees_and_revokes_only_the_clients_of_their_agency(
    client, eko, partner_token, dinsos, api
):
    from agencies.roles import agency_of

    elsewhere = dinsos if agency_of(eko) != dinsos else None
    assert elsewhere is not None
    token = partner_token(dinsos)
    other = ApiClient.objects.get(agency=dinsos)
    client.force_login(eko)
    listing = client.get("/admin/agencies/apiclient/", HTTP_HOST="127.0.0.1")
    assert other.name not in listing.content.decode()
    page = client.get(f"/admin/agencies/apiclient/{other.pk}/change/", HTTP_HOST="127.0.0.1")
    assert page.status_code in (302, 404)
    client.post(
        "/admin/agencies/apiclient/",
        {"action": "revoke", "_selected_action": [other.pk]},
        HTTP_HOST="127.0.0.1",
    )
    other.refresh_from_db()
    assert other.revoked_at is None
    assert _bearer(api, token).get("/api/v1/agencies/").status_code == 200

    mine = _register_on_admin_site(client, eko).context["token"]
    own = ApiClient.objects.get(name="SIMRS uji")
    client.post(
        "/admin/agencies/apiclient/",
        {"action": "revoke", "_selected_action": [own.pk]},
        HTTP_HOST="127.0.0.1",
    )
    own.refresh_from_db()
    assert own.revoked_at is not None and own.revoked_by == eko
    assert _bearer(api, mine).get("/api/v1/agencies/").status_code == 401


def test_the_management_command_registers_a_client(dinsos, eko, api):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(
        "api_client_register",
        "--agency=Dinsos",
        "--name=Sistem uji",
        "--role=intake",
        "--scope=read",
        "--registered-by=eko",
        stdout=out,
    )
    token = out.getvalue().strip()
    assert _bearer(api, token).get("/api/v1/agencies/").status_code == 200


def test_idempotency_keys_are_forgotten_after_a_day():
    from api.idempotency import KEY_LIFETIME, idempotency_keys_forget
    from api.models import IdempotencyKey

    old = IdempotencyKey.objects.create(principal="user:1", key="a", fingerprint="x")
    IdempotencyKey.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - KEY_LIFETIME - timedelta(minutes=1)
    )
    fresh = IdempotencyKey.objects.create(principal="user:1", key="b", fingerprint="x")
    assert idempotency_keys_forget() == 1
    assert list(IdempotencyKey.objects.all()) == [fresh]


def test_the_schema_is_valid_openapi_without_a_warning(tmp_path):
    from django.core.management import call_command

    schema = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(schema))
    assert "/api/v1/referrals/{id}/accept/" in schema.read_text()


def test_an_admin_reads_the_request_log_of_their_agency_only(
    client, eko, api, partner_token, dinsos
):
    from agencies.roles import agency_of

    _bearer(api, partner_token(dinsos)).get("/api/v1/agencies/")
    _bearer(api, partner_token(agency_of(eko))).get("/api/v1/regions/")
    client.force_login(eko)
    page = client.get("/admin/api/apirequestlog/", HTTP_HOST="127.0.0.1").content.decode()
    assert "/api/v1/regions/" in page
    assert "/api/v1/agencies/" not in page


def test_region_list_has_a_fixed_query_count(api, partner_token, dinsos):
    _bearer(api, partner_token(dinsos)).get("/api/v1/regions/")  # the token's last-use write
    counts = []
    for size in (1, 25):
        with CaptureQueriesContext(connection) as queries:
            response = api.get("/api/v1/regions/", {"page_size": size, "level": 3})
        assert len(response.json()["results"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]
