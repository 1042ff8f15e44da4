"""The case page reads the records inside its (visible) case by the sections the reader
sees (``CaseContentQuerySet.of_visible_case``), not by rebuilding the case's rule into
every list. For every reader who sees the case and every way a referral can share it,
that must be exactly what ``visible_to(user).filter(case=case)`` gives."""

import datetime
import itertools

import pytest
from django.apps import apps
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from agencies.catalogue import HEALTH_SERVICES, LEGAL_SERVICES, ServiceType
from agencies.roles import Role
from cases.models import (
    Assessment,
    Case,
    CaseNote,
    CounsellingSession,
    InterventionPlan,
    Placement,
    Restitution,
    SafeHouse,
    ServiceRecord,
)
from cases.models.cases import CaseContentQuerySet, CaseTeamMember, section_permission
from cases.models.choices import CaseSection
from cases.services import case_open
from tests.conftest import CAST
from tests.factories import member_of

pytestmark = pytest.mark.django_db

CONTENT_MODELS = (
    Assessment,
    InterventionPlan,
    CaseNote,
    ServiceRecord,
    CounsellingSession,
    Placement,
    Restitution,
)
# A service of each section: its type decides which shared section shows it.
SERVICE_TYPES = (
    sorted(HEALTH_SERVICES)[0],
    sorted(LEGAL_SERVICES)[0],
    ServiceType.COMPLAINT,  # neither: the plan section's
)


@pytest.fixture
def worked_case(dinsos, uptd_ppa, hadi, ani):
    """A Dinas Sosial case led by ani, with a record of every kind inside it."""
    case = case_open(opened_by=hadi, agency=dinsos, reported_at=timezone.now(), risk_level="tinggi")
    Case.objects.filter(pk=case.pk).update(lead_caseworker=ani)
    case.refresh_from_db()
    Assessment.objects.create(case=case, condition="c", needs="n", written_by=ani)
    InterventionPlan.objects.create(case=case, goals="g", written_by=ani)
    CaseNote.objects.create(case=case, text="t", written_by=ani)
    for service_type in SERVICE_TYPES:
        ServiceRecord.objects.create(
            case=case,
            service_type=service_type,
            provider=uptd_ppa,
            due_at=timezone.now(),
            recorded_by=ani,
        )
    CounsellingSession.objects.create(
        case=case, counsellor="Psikolog", scheduled_at=timezone.now(), recorded_by=ani
    )
    house = SafeHouse.objects.create(
        operator=uptd_ppa, name="Rumah Aman", kind=SafeHouse.Kind.SAFE_HOUSE, capacity=2
    )
    today = timezone.localdate()
    Placement.objects.create(
        case=case,
        safe_house=house,
        operator=uptd_ppa,
        started_on=today,
        planned_end_on=today + datetime.timedelta(days=7),
        recorded_by=ani,
    )
    Restitution.objects.create(case=case, ruling_received_on=today, amount=1_000_000)
    return case


def _content_models():
    return [
        model
        for model in apps.get_models()
        if isinstance(model._default_manager.all(), CaseContentQuerySet)
    ]


def test_every_record_inside_a_case_is_checked_here():
    """A new kind of record inside a case is read by the case page through the same
    rule: it must be added above, with a record in ``worked_case``."""
    assert set(_content_models()) == set(CONTENT_MODELS)


def test_a_queryset_that_narrows_the_rule_narrows_the_case_page_too():
    """``of_visible_case`` answers by ``shown_in`` alone: a queryset that adds a condition
    to ``visible_to`` or ``shared_with`` (a confidential note, a role) and not to
    ``shown_in`` would show the case page more than the rule allows."""
    for model in _content_models():
        queryset = type(model._default_manager.all())
        narrows = {"visible_to", "shared_with"} & set(vars(queryset))
        if narrows:
            assert "shown_in" in vars(queryset), (model.__name__, sorted(narrows))


def _assert_same_records(case: Case, user) -> None:
    assert Case.objects.visible_to(user).filter(pk=case.pk).exists()
    sections = case.sections_visible_to(user)
    for model in CONTENT_MODELS:
        expected = set(model.objects.visible_to(user).filter(case=case).values_list("pk"))
        read = set(model.objects.of_visible_case(case, sections=sections).values_list("pk"))
        assert read == expected, (user.username, sorted(sections), model.__name__)


def test_every_reader_who_sees_the_case_reads_the_same_records(
    worked_case, sari, dewi, django_user_model
):
    """The cast as it stands, with two other agencies' readers shared in by a referral's
    grants: sari (UPTD PPA) the plan and health sections, dewi (DP3AKB) none."""
    for reader, sections in ((sari, (CaseSection.PLAN, CaseSection.HEALTH)), (dewi, ())):
        assign_perm("cases.view_case", reader, worked_case)
        for section in sections:
            assign_perm(f"cases.{section_permission(section)}", reader, worked_case)
    readers = []
    for user in django_user_model.objects.filter(username__in=CAST):
        if Case.objects.visible_to(user).filter(pk=worked_case.pk).exists():
            _assert_same_records(worked_case, user)
            readers.append(user.username)
    # The lead caseworker, her supervisor and the two shared in; the rest get a 404.
    assert sorted(readers) == ["ani", "budi", "dewi", "sari"]


def _shares():
    """Every single section, none, all, and every pair of the sections services span."""
    sections = list(CaseSection.values)
    yield ()
    yield tuple(sections)
    yield from ((section,) for section in sections)
    services = (CaseSection.HEALTH, CaseSection.LEGAL, CaseSection.PLAN)
    yield from itertools.combinations(services, 2)


def test_a_referral_shares_exactly_the_records_of_its_sections(worked_case, citra):
    """citra (UPTD PPA) sees the case through a referral's grant; each share shows her
    the records of its sections and nothing else."""
    assign_perm("cases.view_case", citra, worked_case)
    counts = {}
    for shared in _shares():
        for section in shared:
            assign_perm(f"cases.{section_permission(section)}", citra, worked_case)
        _assert_same_records(worked_case, citra)
        sections = worked_case.sections_visible_to(citra)
        counts[shared] = ServiceRecord.objects.of_visible_case(
            worked_case, sections=sections
        ).count()
        for section in shared:
            remove_perm(f"cases.{section_permission(section)}", citra, worked_case)
    # Not vacuous: the shares really differ in what they show.
    assert counts[()] == 0 and counts[tuple(CaseSection.values)] == len(SERVICE_TYPES)
    assert counts[(CaseSection.HEALTH,)] == counts[(CaseSection.LEGAL,)] == 1
    assert counts[(CaseSection.HEALTH, CaseSection.LEGAL)] == 2


def test_every_way_into_the_lead_agency_reads_the_same_records(worked_case, dinsos, hadi):
    """Besides the lead caseworker and the supervisor: a team member, the agency's head,
    the intake officer who opened the case once it has no lead, and a member of the lead
    agency who sees it only through a grant."""
    teammate = member_of(dinsos, Role.CASEWORKER)
    CaseTeamMember.objects.create(case=worked_case, user=teammate)
    head = member_of(dinsos, Role.HEAD)
    granted = member_of(dinsos, Role.DATA_OFFICER)
    assign_perm("cases.view_case", granted, worked_case)
    assign_perm(f"cases.{section_permission(CaseSection.LEGAL)}", granted, worked_case)
    for reader in (teammate, head, granted):
        _assert_same_records(worked_case, reader)
    Case.objects.filter(pk=worked_case.pk).update(lead_caseworker=None)
    worked_case.refresh_from_db()
    _assert_same_records(worked_case, hadi)
