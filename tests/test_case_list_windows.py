"""A page of a visible case list is read arm by arm (cases.models.windows).

The rewrite must change nothing a reader gets: the same rows in the same order, on every
page, under every filter, for every member of the cast, and never a row the visibility
rule would not show.
"""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from guardian.shortcuts import assign_perm

from agencies.roles import membership_of
from cases.models import Case, CaseTeamMember
from cases.models.choices import CaseStatus, RiskLevel
from cases.models.windows import newest_page_by_arms
from cases.services import case_open

pytestmark = pytest.mark.django_db

NEWEST_FIRST = ("-created_at", "-id")
CAST = ["ani", "budi", "hadi", "citra", "sari", "dewi", "fajar", "rina"]


@pytest.fixture
def mixed_cases(dinsos, uptd_ppa, ani, budi, hadi, citra):
    """Cases reaching ani through every arm of the rule, and many that do not, with
    creation times interleaved across arms and shared by several cases (ties)."""
    anchor = timezone.now() - datetime.timedelta(days=30)
    risks = itertools.cycle([RiskLevel.LOW, RiskLevel.HIGH, RiskLevel.MEDIUM])
    cases = []
    for number in range(36):
        agency, opener = (dinsos, hadi) if number % 3 else (uptd_ppa, citra)
        if number % 9 == 4:
            opener = ani  # opened by ani and not yet assigned: her unassigned arm
        case = case_open(
            opened_by=opener, agency=agency, reported_at=anchor, risk_level=next(risks)
        )
        if agency == dinsos and number % 4 == 1:
            case.lead_caseworker = ani
        elif agency == dinsos and number % 4 == 2:
            case.lead_caseworker = budi
        if number % 5 == 0:
            case.status = CaseStatus.ASSESSMENT
        case.save()
        # Three cases per instant: the order's tie-break on id must hold across arms.
        Case.objects.filter(pk=case.pk).update(
            created_at=anchor + datetime.timedelta(hours=(number * 7) % 12)
        )
        cases.append(Case.objects.get(pk=case.pk))  # with the creation time just set
    for case in cases[3:12:4]:
        CaseTeamMember.objects.create(case=case, user=ani)
    for case in cases[::6]:  # UPTD PPA cases shared with ani by a grant
        if case.lead_agency == uptd_ppa:
            assign_perm("cases.view_case", ani, case)
    return cases


def _filters():
    yield {}
    yield {"status": CaseStatus.ASSESSMENT}
    yield {"risk_level": RiskLevel.HIGH}
    yield {"lead_caseworker__isnull": True}


def _pages(total: int):
    for size in (1, 2, 5, 26):
        for low in range(0, total + size, size):
            yield low, low + size


@pytest.mark.parametrize("username", CAST)
def test_every_page_is_the_page_the_rule_would_give(mixed_cases, username, django_user_model):
    user = django_user_model.objects.get(username=username)
    for filters in _filters():
        listed = Case.objects.visible_to(user).filter(**filters).order_by(*NEWEST_FIRST)
        # Read unsliced (one plain query); each page below is a fresh, sliced read.
        everything = [case.code for case in listed.all()]
        for low, high in _pages(len(everything)):
            page = [case.code for case in listed.all()[low:high]]
            assert page == everything[low:high], (username, filters, low, high)


@pytest.mark.parametrize("username", ["ani", "budi", "citra"])
def test_cursor_pages_match_too(mixed_cases, username, django_user_model):
    """The API's cursor filters on the creation time before slicing: inside every arm."""
    user = django_user_model.objects.get(username=username)
    listed = Case.objects.visible_to(user).order_by(*NEWEST_FIRST)
    everything = list(listed.all().values_list("created_at", "code"))
    for created_at in sorted({row[0] for row in everything}):
        older = [code for at, code in everything if at < created_at]
        for offset in (0, 1, 3):
            page = listed.filter(created_at__lt=created_at)[offset : offset + 3]
            assert list(page.values_list("code", flat=True)) == older[offset : offset + 3]


def test_ani_reaches_cases_through_every_arm(mixed_cases, ani):
    """The world above exercises each arm: lead, unassigned, team and grant."""
    visible = Case.objects.visible_to(ani)
    assert visible.filter(lead_caseworker=ani).exists()
    assert visible.filter(lead_caseworker__isnull=True, opened_by=ani).exists()
    assert visible.filter(team__user=ani).exclude(lead_caseworker=ani).exists()
    assert visible.exclude(lead_agency=membership_of(ani).agency).exists()


def test_a_page_is_read_arm_by_arm_in_one_query(mixed_cases, ani):
    page = Case.objects.visible_to(ani).order_by(*NEWEST_FIRST)[:5]
    with CaptureQueriesContext(connection) as queries:
        rows = list(page)
    assert len(queries) == 1
    sql = queries[0]["sql"]
    assert sql.count("UNION ALL") == 3  # four arms: grant, lead, team, unassigned
    assert len(rows) == 5


def test_no_row_outside_the_rule_ever_appears(mixed_cases, citra, sari, ani):
    """UPTD PPA's readers get only their agency's cases and what was granted to them."""
    for user in (citra, sari):
        codes = set(
            Case.objects.visible_to(user)
            .order_by(*NEWEST_FIRST)[:50]
            .values_list("lead_agency__nomenclature", flat=True)
        )
        assert codes == {membership_of(user).agency.nomenclature}
    granted = Case.objects.visible_to(ani).exclude(lead_agency=membership_of(ani).agency)
    assert set(granted.order_by(*NEWEST_FIRST)[:50]) == set(
        Case.objects.filter(caseuserobjectpermission__user=ani)
    )


def test_other_orders_and_unsliced_reads_are_left_as_they_are(mixed_cases, ani):
    visible = Case.objects.visible_to(ani)
    assert newest_page_by_arms(visible.order_by(*NEWEST_FIRST)) is None  # not a page
    assert newest_page_by_arms(visible.order_by("-updated_at", "-id")[:5]) is None
    assert newest_page_by_arms(visible.order_by(*NEWEST_FIRST)[:5]) is not None


def test_a_grant_given_outside_the_referral_flow_still_carries_the_creation_time(
    mixed_cases, citra
):
    """guardian's own assign_perm() knows nothing of the column: the model fills it."""
    case = next(case for case in mixed_cases if case.lead_agency != membership_of(citra).agency)
    grant = assign_perm("cases.view_case", citra, case)
    assert grant.case_created_at == case.created_at
    assert list(Case.objects.visible_to(citra).filter(pk=case.pk).order_by(*NEWEST_FIRST)[:1]) == [
        case
    ]
