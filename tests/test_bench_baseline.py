"""The benchmark's naive baseline (bench.baseline): a textbook ModelViewSet filtered by
guardian's generic grant table must show a caseworker exactly what Sinergi shows, so
that the benchmark compares the cost of the same answer.

The world: a caseworker at one agency leading 27 cases, on the team of one more,
the opener of an unassigned one; cases of the same agency that are not theirs (one of
them opened by them but led by a colleague); another agency's cases, one of them
referred to the caseworker.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from guardian.shortcuts import clear_ct_cache

from agencies.models import AgencyService
from cases.models import Case, CaseTeamMember
from cases.services import case_open
from referrals import services as referrals
from referrals.services import Consent, ReferralRequest, Summary
from tests.factories import AgencyFactory, member_of

pytestmark = pytest.mark.django_db

NAIVE = "/bench/naive/cases/"
LED = 27  # more than the baseline's default page of 25


@pytest.fixture
def bench_app(settings):
    """The bench settings' additions, for this test only. Content types are cached by
    Django and guardian; the rolled-back transaction of a previous test would leave
    stale ids in those caches."""
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "bench.baseline"]
    settings.ROOT_URLCONF = "bench.urls"
    ContentType.objects.clear_cache()
    clear_ct_cache()
    yield
    ContentType.objects.clear_cache()
    clear_ct_cache()


def _case(agency, opened_by, lead=None) -> Case:
    case = case_open(
        opened_by=opened_by, agency=agency, reported_at=timezone.now(), risk_level="sedang"
    )
    if lead is not None:
        Case.objects.filter(pk=case.pk).update(lead_caseworker=lead)
    return case


def _refer(case, *, sender, to_agency, accepted_by, assignee) -> None:
    request = ReferralRequest(
        to_agency=to_agency,
        service_type="penguatan_psikologis",
        reason="Butuh psikolog",
        urgency="segera",
        summary=Summary(purpose="Pemeriksaan psikologis", chronology="Ringkasan"),
        consent=Consent(given_by="wali", given_on=timezone.localdate(), scope="rujukan"),
        shared_sections=["asesmen"],
    )
    referral = referrals.referral_send(case=case, sent_by=sender, request=request)
    referrals.referral_accept(referral=referral, accepted_by=accepted_by, assignees=[assignee])


@pytest.fixture
def world(db):
    home, away = AgencyFactory(), AgencyFactory()
    AgencyService.objects.create(agency=home, service_type="penguatan_psikologis")
    worker = member_of(home, "caseworker")
    colleague, intake = member_of(home, "caseworker"), member_of(home, "intake")
    home_supervisor = member_of(home, "supervisor")
    away_worker = member_of(away, "caseworker", "supervisor")
    for _ in range(LED):
        _case(home, intake, lead=worker)
    CaseTeamMember.objects.create(case=_case(home, intake, lead=colleague), user=worker)
    _case(home, worker)  # unassigned, opened by the worker
    _case(home, worker, lead=colleague)  # opened by the worker, led by someone else
    _case(home, intake, lead=colleague)
    referred = _case(away, away_worker, lead=away_worker)
    _refer(
        referred, sender=away_worker, to_agency=home, accepted_by=home_supervisor, assignee=worker
    )
    away_only = [_case(away, away_worker, lead=away_worker) for _ in range(2)]
    return {
        "worker": worker,
        "referred": referred,
        "away_only": away_only,
        "people": [worker, colleague, intake, home_supervisor, away_worker],
    }


def _naive_codes(api) -> set[str]:
    codes, page = set(), 1
    while page:
        body = api.get(NAIVE, {"page_size": 100, "page": page}).json()
        codes |= {row["code"] for row in body["results"]}
        page = page + 1 if body["next"] else None
    return codes


def _our_codes(api) -> set[str]:
    body = api.get("/api/v1/cases/", {"page_size": 200}).json()
    assert body["next"] is None
    return {row["code"] for row in body["results"]}


@pytest.fixture
def granted(bench_app, world) -> int:
    from bench.baseline.grants import grant_generic_permissions

    return grant_generic_permissions(log=lambda _message: None)


def test_the_baseline_shows_the_caseworker_what_sinergi_shows(api, world, granted):
    worker = world["worker"]
    api.force_login(worker)
    visible = set(Case.objects.visible_to(worker).values_list("code", flat=True))
    assert len(visible) == LED + 3  # led, team, unassigned own, referred
    assert _naive_codes(api) == _our_codes(api) == visible
    assert world["referred"].code in visible
    assert not visible & {case.code for case in world["away_only"]}


def test_the_baseline_filters_on_the_generic_grant_table(api, world, granted):
    api.force_login(world["worker"])
    with CaptureQueriesContext(connection) as queries:
        assert api.get(NAIVE).status_code == 200
    sql = "\n".join(query["sql"] for query in queries)
    assert '"guardian_userobjectpermission"' in sql
    assert '("cases_case"."id")::varchar IN' in sql  # guardian 3.x's string comparison
    assert "cases_caseuserobjectpermission" not in sql


def test_the_baseline_pages_25_rows_with_an_exact_count(api, world, granted):
    api.force_login(world["worker"])
    body = api.get(NAIVE).json()
    assert body["count"] == LED + 3 and len(body["results"]) == 25
    row = body["results"][0]
    assert set(row) == {
        "code",
        "status",
        "risk_level",
        "reported_at",
        "lead_agency",
        "lead_caseworker",
        "violence_forms",
        "created_at",
        "updated_at",
    }
    rows = body["results"]
    assert [r["created_at"] for r in rows] == sorted((r["created_at"] for r in rows), reverse=True)
    # The newest: the referred case, the unassigned one, the team seat, then their own.
    leads = [person.full_name for person in world["people"]]
    assert [r["lead_caseworker"] for r in rows[:4]] == [leads[4], None, leads[1], leads[0]]


def test_granting_again_replaces_the_grants(world, granted):
    from guardian.models import UserObjectPermission

    from bench.baseline.grants import baseline_permission, grant_generic_permissions

    assert grant_generic_permissions(log=lambda _message: None) == granted
    held = UserObjectPermission.objects.filter(permission=baseline_permission())
    assert held.count() == granted  # the demo city's cases are granted too
    # Leads (the worker's, the colleague's 3, the other agency's 3), the team seat, the
    # unassigned case's opener, the referral.
    assert held.filter(user__in=world["people"]).count() == LED + 3 + 3 + 1 + 1 + 1


def test_the_baseline_needs_a_signed_in_caller(api, bench_app):
    assert api.get(NAIVE).status_code in (401, 403)
