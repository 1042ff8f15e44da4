"""The authorization matrix of the partner API, generated over every API route × method ×
role × relationship (own, same agency, referred active, referred ended, other agency).

The oracle is the model's own ``visible_to``: the API must answer 404 exactly where the web
UI hides the record and never a server error where it shows it. The matrix is anchored by
rules that need no oracle: another agency's record is invisible to every role, and a case
whose referral ended is gone for the agency it was referred to.

A route added to the API without an entry in MATRIX fails ``test_every_route_has_an_entry``:
decide what it is before it ships.
"""

from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from agencies.models import Agency
from cases.models import Case, Complaint
from meetings.models import ActionItem, Meeting
from referrals.models import Referral
from tests.api_matrix_world import RELATIONSHIPS, build_world

pytestmark = pytest.mark.django_db

MODELS = {
    "case": Case,
    "complaint": Complaint,
    "referral": Referral,
    "meeting": Meeting,
    "action_item": ActionItem,
}
# What identifies a record in a list's rows.
ROW_KEY = {"case": "code"}


@dataclass(frozen=True)
class Rule:
    """``shape``: "object" (one record, by the route's path), "list" (rows of visible
    records only), "create" (a collection POST; ``refers`` names the field that points
    at a record of ``kind``), "reference" (any agency member reads it), "report"
    (aggregates: allowed exactly where the web dashboard page ``web`` is)."""

    shape: str
    kind: str = ""
    refers: str = ""
    web: str = ""


OBJ = {kind: Rule("object", kind) for kind in MODELS}
LIST = {kind: Rule("list", kind) for kind in MODELS}

MATRIX = {
    ("api-agency-list", "GET"): Rule("reference"),
    ("api-agency-detail", "GET"): Rule("reference"),
    ("api-region-list", "GET"): Rule("reference"),
    ("api-region-detail", "GET"): Rule("reference"),
    # Cases, and everything reached through one.
    ("api-case-list", "GET"): LIST["case"],
    ("api-case-list", "POST"): Rule("create", "complaint", refers="complaint"),
    ("api-case-detail", "GET"): OBJ["case"],
    ("api-case-detail", "PATCH"): OBJ["case"],
    ("api-case-person-list", "GET"): OBJ["case"],
    ("api-case-person-list", "POST"): OBJ["case"],
    # Complaints: the anonymous public POST is tested in test_api_complaints.
    ("api-complaint-list", "GET"): LIST["complaint"],
    ("api-complaint-list", "POST"): Rule("create"),
    ("api-complaint-detail", "GET"): OBJ["complaint"],
    # Referrals.
    ("api-referral-list", "GET"): LIST["referral"],
    ("api-referral-list", "POST"): Rule("create", "case", refers="case_code"),
    ("api-referral-detail", "GET"): OBJ["referral"],
    # Meetings and action items.
    ("api-meeting-list", "GET"): LIST["meeting"],
    ("api-meeting-detail", "GET"): OBJ["meeting"],
    ("api-action-item-list", "GET"): LIST["action_item"],
    ("api-action-item-detail", "GET"): OBJ["action_item"],
    ("api-action-item-detail", "PATCH"): OBJ["action_item"],
    # Reports: aggregates within the caller's aggregate scope, as on the web.
    ("api-report-agency", "GET"): Rule("report", web="/dasbor/"),
    ("api-report-network", "GET"): Rule("report", web="/dasbor/jejaring/"),
    ("api-report-trend", "GET"): Rule("report", web="/dasbor/tren/"),
    ("api-report-simfoni", "GET"): Rule("report", web="/dasbor/simfoni/"),
    ("api-report-kla", "GET"): Rule("report", web="/dasbor/kla/"),
}
# Workflow actions: POST on one record, same visibility as the record.
CASE_ACTIONS = (
    "identity",
    "start-assessment",
    "start-monitoring",
    "request-closure",
    "approve-closure",
    "reopen",
    "assign",
    "police-report",
    "violence-forms",
    "record-note",
    "record-assessment",
    "submit-plan",
    "decide-plan",
)
REFERRAL_ACTIONS = ("accept", "decline", "start", "complete", "cancel")
MATRIX.update({(f"api-case-{name}", "POST"): OBJ["case"] for name in CASE_ACTIONS})
MATRIX.update({(f"api-referral-{name}", "POST"): OBJ["referral"] for name in REFERRAL_ACTIONS})
MATRIX[("api-meeting-rsvp", "POST")] = OBJ["meeting"]
MATRIX[("api-complaint-attach", "POST")] = OBJ["complaint"]
MATRIX[("api-complaint-close", "POST")] = OBJ["complaint"]
# The one anonymous route: the public complaint form's twin, throttled per address.
MATRIX[("api-complaint-public", "POST")] = Rule("public")


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def discovered_routes() -> dict[tuple[str, str], URLPattern]:
    """(route name, method) of every endpoint under /api/v1/."""
    routes = {}
    for path, pattern in _walk(get_resolver().url_patterns):
        if not path.startswith("api/v1/") or not pattern.name:
            continue
        view = pattern.callback
        actions = getattr(view, "actions", None)
        methods = actions or [m for m in view.cls.http_method_names if hasattr(view.cls, m)]
        for method in methods:
            if method not in ("options", "head"):
                routes[(pattern.name, method.upper())] = pattern
    return routes


def test_every_route_has_an_entry():
    routes = set(discovered_routes())
    assert routes - set(MATRIX) == set(), "API routes without an authorization entry"
    assert set(MATRIX) - routes == set(), "entries for routes that no longer exist"


@pytest.fixture
def world(uptd_ppa, dinsos, eko):
    return build_world(
        agency=uptd_ppa,
        other_agency=dinsos,
        third_agency=Agency.objects.get(nomenclature="Disdukcapil"),
        admin=eko,
    )


def _as(principal) -> APIClient:
    client = APIClient(HTTP_HOST="127.0.0.1")
    if principal.token:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {principal.token}")
    else:
        client.force_login(principal.user)
    return client


def _url(name: str, pattern: URLPattern, record) -> str:
    kwargs = {}
    for key in pattern.pattern.regex.groupindex:
        kwargs[key] = record.code if key in ("code", "case_code") else record.pk
    return reverse(name, kwargs=kwargs)


def _visible(kind: str, record, user) -> bool:
    return MODELS[kind].objects.visible_to(user).filter(pk=record.pk).exists()


def _call(client, method: str, url: str, body=None):
    return getattr(client, method.lower())(url, body or {}, format="json")


def _pairs(world, kind):
    """(principal, relationship, record) for every relationship the world has for kind."""
    for principal in world.principals:
        for relationship in RELATIONSHIPS:
            record = world.record(kind, relationship, principal)
            if record is not None:
                yield principal, relationship, record


def _anchor(kind: str, relationship: str, visible: bool, label: str) -> None:
    """Rules that hold whatever the oracle says."""
    if relationship == "other_agency":
        assert not visible, f"{label}: another agency's {kind} is visible"
    if kind == "case" and relationship == "referred_ended":
        assert not visible, f"{label}: a case stays visible after its referral ended"


class _Missing:
    """A record that does not exist, to tell a refused role from a hidden record."""

    pk = 2**62
    code = "XXX-0000-00000"


def _refused_role(client, method, url) -> bool:
    """The endpoint refuses the role as a whole (like the web's 403 for a page the role
    has no business on): the answer is then the same for any id, so it leaks nothing."""
    return _call(client, method, url).status_code == 403


def _check_object(world, name, method, pattern, rule):
    failures = []
    for principal, relationship, record in _pairs(world, rule.kind):
        visible = _visible(rule.kind, record, principal.user)
        _anchor(rule.kind, relationship, visible, f"{principal.label}/{relationship}")
        client = _as(principal)
        status = _call(client, method, _url(name, pattern, record)).status_code
        if status == 403 and _refused_role(client, method, _url(name, pattern, _Missing)):
            continue
        answered_as_rule_says = status != 404 and status < 500 if visible else status == 404
        if not answered_as_rule_says:
            failures.append((principal.label, relationship, visible, status))
    return failures


def _listed_keys(client, url: str, kind: str) -> set:
    key = ROW_KEY.get(kind, "id")
    response = client.get(url, {"page_size": 200})
    if response.status_code == 403:
        return set()  # the role has no such list at all
    keys, page = set(), response.json()
    while True:
        keys |= {row[key] for row in page["results"]}
        if not page.get("next"):
            return keys
        page = client.get(page["next"]).json()


def _check_list(world, name, method, pattern, rule):
    failures = []
    key = ROW_KEY.get(rule.kind, "pk")
    for principal, relationship, record in _pairs(world, rule.kind):
        visible = _visible(rule.kind, record, principal.user)
        _anchor(rule.kind, relationship, visible, f"{principal.label}/{relationship}")
        listed = getattr(record, key) in _listed_keys(_as(principal), reverse(name), rule.kind)
        if listed != visible:
            failures.append((principal.label, relationship, visible, listed))
    return failures


def _check_create(world, name, method, pattern, rule):
    failures = []
    if not rule.refers:
        for principal in world.principals:
            status = _call(_as(principal), method, reverse(name)).status_code
            if status >= 500 or status == 404:
                failures.append((principal.label, status))
        return failures
    for principal, relationship, record in _pairs(world, rule.kind):
        visible = _visible(rule.kind, record, principal.user)
        value = record.code if rule.kind == "case" else record.pk
        status = _call(_as(principal), method, reverse(name), {rule.refers: value}).status_code
        if status >= 500 or (not visible and status not in (400, 403, 404)):
            failures.append((principal.label, relationship, visible, status))
    return failures


def _check_reference(world, name, method, pattern, rule):
    some = Agency.objects.first() if "agency" in name else None
    if "region-detail" in name:
        url = reverse(name, kwargs={"pk": world.agency.regency_id})
    elif "detail" in name:
        url = _url(name, pattern, some)
    else:
        url = reverse(name)
    return [
        (p.label, status)
        for p in world.principals
        if (status := _call(_as(p), method, url).status_code) != 200
    ]


def _check_public(world, name, method, pattern, rule):
    """Anonymous, so no record can leak through it: it must only never fail."""
    status = _call(APIClient(HTTP_HOST="127.0.0.1"), method, reverse(name)).status_code
    return [] if status < 500 and status != 404 else [("anonymous", status)]


def _check_report(world, name, method, pattern, rule):
    failures = []
    for principal in world.principals:
        web = APIClient(HTTP_HOST="127.0.0.1")
        web.force_login(principal.user)
        web_allowed = web.get(rule.web).status_code == 200
        status = _call(_as(principal), method, reverse(name)).status_code
        if status >= 500 or (status in (200, 400)) != web_allowed:
            failures.append((principal.label, web_allowed, status))
    return failures


CHECKS = {
    "object": _check_object,
    "list": _check_list,
    "create": _check_create,
    "reference": _check_reference,
    "report": _check_report,
    "public": _check_public,
}


@pytest.mark.parametrize(("name", "method"), sorted(MATRIX), ids=lambda value: str(value))
def test_route_follows_the_visibility_rules(world, name, method):
    pattern = discovered_routes()[(name, method)]
    rule = MATRIX[(name, method)]
    failures = CHECKS[rule.shape](world, name, method, pattern, rule)
    assert failures == [], "\n".join(str(failure) for failure in failures)
