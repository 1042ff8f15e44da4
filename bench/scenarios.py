"""What the benchmark asks of the server, as whom. Runs inside the harness, after
``django.setup()`` under the production settings, against the benchmark database."""

import json
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.test import Client
from django.utils import timezone

from bench import cast
from bench.load import HttpRequest, Scenario

SESSION_BACKEND = "agencies.auth.UsernameOrEmailBackend"
PAGE = 25


@dataclass
class Credentials:
    cookies: dict[str, str]  # username -> Cookie header
    partner_token: str

    def web(self, username: str) -> dict:
        return {"Cookie": self.cookies[username]}

    def partner(self) -> dict:
        return {"Authorization": f"Bearer {self.partner_token}"}


def login_cookie(username: str) -> str:
    """A real session, as a sign-in would leave it, in the server's session store."""
    from agencies.models import User

    client = Client()
    client.force_login(User.objects.get(username=username), backend=SESSION_BACKEND)
    return f"{settings.SESSION_COOKIE_NAME}={client.session.session_key}"


def partner_client_token() -> str:
    """A partner system of the home agency acting as its supervisors may (read + cases):
    it walks the whole case list and writes case facts with If-Match."""
    from agencies.api_clients import api_client_register
    from agencies.models import Agency, ApiScope, User
    from agencies.roles import Role

    _client, token = api_client_register(
        agency=Agency.objects.get(nomenclature=cast.HOME_AGENCY_CODE),
        name=f"Benchmark {timezone.now():%Y-%m-%d %H:%M:%S}",
        roles=[Role.SUPERVISOR],
        scopes=[ApiScope.READ, ApiScope.CASES],
        expires_at=timezone.now() + timedelta(days=1),
        registered_by=User.objects.get(username=cast.SUPERVISOR),
    )
    return token


def credentials() -> Credentials:
    return Credentials(
        cookies={username: login_cookie(username) for username in cast.CAST},
        partner_token=partner_client_token(),
    )


def caseworker_case_codes(limit: int) -> list[str]:
    from agencies.models import User
    from cases.models import Case

    caseworker = User.objects.get(username=cast.CASEWORKER)
    return list(
        Case.objects.filter(lead_caseworker=caseworker)
        .order_by("-created_at")
        .values_list("code", flat=True)[:limit]
    )


def writable_cases(limit: int) -> list[tuple[str, int, int, str]]:
    """Open cases of the home agency with their current version: the write scenario's
    If-Match values."""
    from cases.models import Case
    from cases.models.choices import CaseStatus

    return list(
        Case.objects.filter(lead_agency__nomenclature=cast.HOME_AGENCY_CODE)
        .exclude(status=CaseStatus.CLOSED)
        .order_by("id")
        .values_list("code", "id", "version", "risk_level")[:limit]
    )


def case_update_request(
    credentials: Credentials, code: str, case_id: int, version: int, risk: str
) -> HttpRequest:
    """A real change every time (an unchanged value keeps the version): to another risk
    level, then back."""
    from cases.models.choices import RiskLevel

    other = next(level for level in RiskLevel.values if level != risk)
    return HttpRequest(
        "PATCH",
        f"/api/v1/cases/{code}/",
        {
            **credentials.partner(),
            "Content-Type": "application/json",
            "If-Match": f'"case-{case_id}-v{version}"',
        },
        body=json.dumps({"risk_level": other}),
        alternate_body=json.dumps({"risk_level": risk}),
    )


def update_scenario(credentials: Credentials, *, write_cases: int) -> Scenario:
    """Versions as stored now: built again after anything else has written."""
    return Scenario(
        "case_update",
        "Partner API: case update with If-Match and audit",
        [case_update_request(credentials, *case) for case in writable_cases(write_cases)],
        versioned_writes=True,
    )


def scenarios(credentials: Credentials, *, write_cases: int) -> list[Scenario]:
    web = credentials.web
    case_codes = caseworker_case_codes(200)
    return [
        Scenario(
            "web_case_list",
            "Caseworker case list (web)",
            [HttpRequest("GET", "/kasus/", web(cast.CASEWORKER))],
        ),
        Scenario(
            "api_case_list",
            "Caseworker case list (API, ours)",
            [HttpRequest("GET", f"/api/v1/cases/?page_size={PAGE}", web(cast.CASEWORKER))],
        ),
        Scenario(
            "framework_floor",
            "Framework floor: a signed-in API request that reads no record",
            [HttpRequest("GET", "/bench/floor/", web(cast.CASEWORKER))],
        ),
        Scenario(
            "naive_case_list",
            "Caseworker case list (API, naive guardian baseline)",
            [HttpRequest("GET", f"/bench/naive/cases/?page_size={PAGE}", web(cast.CASEWORKER))],
        ),
        Scenario(
            "case_detail",
            "Case detail (web, audited read)",
            [HttpRequest("GET", f"/kasus/{code}/", web(cast.CASEWORKER)) for code in case_codes],
        ),
        Scenario(
            "referral_inbox",
            "Referral inbox (web)",
            [HttpRequest("GET", "/rujukan/masuk/", web(cast.RECEIVER))],
        ),
        Scenario(
            "agency_dashboard",
            "Agency dashboard",
            [HttpRequest("GET", "/dasbor/", web(cast.HEAD))],
        ),
        Scenario(
            "network_dashboard",
            "Network dashboard",
            [HttpRequest("GET", "/dasbor/jejaring/", web(cast.NETWORK))],
        ),
        Scenario(
            "public_statistics",
            "Public statistics",
            [HttpRequest("GET", "/statistik/")],
        ),
        Scenario(
            "api_cursor_walk",
            "Partner API: every case, page by page (cursor)",
            [HttpRequest("GET", f"/api/v1/cases/?page_size={PAGE}", credentials.partner())],
            follow_next=True,
        ),
        update_scenario(credentials, write_cases=write_cases),
    ]


# What the soak mixes: every read a working day is made of.
SOAK_SCENARIOS = (
    "web_case_list",
    "api_case_list",
    "case_detail",
    "referral_inbox",
    "agency_dashboard",
    "network_dashboard",
    "public_statistics",
    "api_cursor_walk",
)


def soak_scenario(all_scenarios: list[Scenario]) -> Scenario:
    chosen = [s for s in all_scenarios if s.key in SOAK_SCENARIOS]
    mixed = []
    longest = max(len(s.requests) for s in chosen)
    for index in range(longest):
        mixed.extend(s.requests[index % len(s.requests)] for s in chosen)
    return Scenario("soak", "Soak: the reads of a working day, mixed", mixed)
