"""Holes found in review, each pinned by a test that fails if it reopens."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from guardian.shortcuts import assign_perm

from agencies.models import Membership
from agencies.services import membership_set_roles
from cases import workflow
from cases.intake import complaint_open_case
from cases.models import Case, CaseParty, CaseTeamMember, CaseViolenceForm, Person
from cases.services import case_open, case_update
from tests.factories import member_of
from tests.test_intake import _received

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(dinsos, hadi, ani):
    case = case_open(opened_by=hadi, agency=dinsos, reported_at=timezone.now(), risk_level="sedang")
    Case.objects.filter(pk=case.pk).update(lead_caseworker=ani)
    case.refresh_from_db()
    return case


def test_a_triaged_complaint_is_only_as_visible_as_its_case(client, hadi, ani, dinsos):
    complaint = _received(hadi)
    complaint_open_case(complaint=complaint, triaged_by=hadi, lead_caseworker=ani)
    bystander = member_of(dinsos, "caseworker")
    for user in (hadi, bystander):
        client.force_login(user)
        assert client.get(f"/kasus/pengaduan/{complaint.pk}/").status_code == 404
    client.force_login(ani)
    assert client.get(f"/kasus/pengaduan/{complaint.pk}/").status_code == 200


def test_a_complaint_never_matches_its_own_case(client, hadi, budi):
    complaint = _received(hadi)
    case = complaint_open_case(complaint=complaint, triaged_by=hadi)
    client.force_login(budi)
    html = client.get(f"/kasus/pengaduan/{complaint.pk}/").content.decode()
    assert f"kasus {case.code}" not in html


def test_a_caseworker_who_moves_agency_loses_the_case(case, ani, uptd_ppa):
    Membership.objects.filter(user=ani).update(agency=uptd_ppa)
    ani = type(ani).objects.get(pk=ani.pk)
    assert not Case.objects.visible_to(ani).exists()
    assert not Case.objects.editable_by(ani).exists()


def test_a_team_member_sees_a_team_case_only_while_their_agency_leads_it(case, dinsos, uptd_ppa):
    """The team arm lists the member's cases at any agency and checks the lead agency on
    the case itself: a case that moves to another agency, or a member who moves, is
    gone from every read, the API list's prepared page included."""
    member = member_of(dinsos, "caseworker")
    CaseTeamMember.objects.create(case=case, user=member)
    assert list(Case.objects.visible_to(member)) == [case]
    assert [
        row["id"] for row in Case.objects.visible_page(member).order_by("-created_at", "-id")[0:5]
    ] == [case.pk]

    Case.objects.filter(pk=case.pk).update(lead_agency=uptd_ppa)
    assert not Case.objects.visible_to(member).exists()
    assert not Case.objects.visible_page(member).order_by("-created_at", "-id")[0:5]

    Case.objects.filter(pk=case.pk).update(lead_agency=dinsos)
    Membership.objects.filter(user=member).update(agency=uptd_ppa)
    member = type(member).objects.get(pk=member.pk)
    assert not Case.objects.visible_to(member).exists()
    assert not Case.objects.visible_page(member).order_by("-created_at", "-id")[0:5]


def test_a_caseworker_without_a_role_loses_the_case_and_its_identity(case, ani):
    membership_set_roles(membership=ani.membership, roles=[])
    ani = type(ani).objects.get(pk=ani.pk)
    assert not Case.objects.visible_to(ani).exists()
    assert case.identity_access(ani) == "none"


def test_a_grant_holder_does_not_see_the_restitution(client, case, ani, citra):
    CaseViolenceForm.objects.create(case=case, form="seksual")
    workflow.case_start_assessment(case=case, started_by=ani)
    workflow.restitution_record(
        case=case, recorded_by=ani, ruling_received_on=timezone.localdate(), amount=12_345_678
    )
    assign_perm("cases.view_case", citra, case)
    client.force_login(citra)
    assert "12345678" not in client.get(f"/kasus/{case.code}/").content.decode()


def test_searching_initials_finds_children_not_the_alleged_perpetrator(client, case, budi):
    terlapor = Person.objects.create(name="Zainal Xaverius")
    CaseParty.objects.create(case=case, person=terlapor, part="terlapor")
    client.force_login(budi)
    assert f'href="/kasus/{case.code}/"' not in client.get("/kasus/?q=ZX").content.decode()


def test_a_closed_case_cannot_be_closed_again_or_changed(case, ani, budi, uptd_ppa):
    workflow.case_start_assessment(case=case, started_by=ani)
    workflow.closure_request(case=case, requested_by=ani, reason="pindah")
    workflow.closure_approve(case=case, approved_by=budi)
    case.refresh_from_db()
    with pytest.raises(ValidationError):
        workflow.closure_approve(case=case, approved_by=budi)
    with pytest.raises(ValidationError):
        workflow.note_record(
            case=case, written_by=ani, kind="catatan", text="x", happened_on=timezone.localdate()
        )
    with pytest.raises(ValidationError):
        workflow.service_plan(
            case=case, planned_by=ani, service_type="kesehatan", provider=uptd_ppa
        )
    with pytest.raises(ValidationError):
        case_update(
            case=case,
            updated_by=ani,
            expected_version=case.version,
            changes={"risk_level": "tinggi"},
        )


def test_no_assessment_or_plan_before_the_assessment_starts(case, ani):
    with pytest.raises(ValidationError):
        workflow.assessment_record(case=case, written_by=ani, condition="x", needs="y")
    case.refresh_from_db()
    assert case.status == "baru"


def test_the_workflow_fields_cannot_be_edited_directly(case, ani):
    with pytest.raises(PermissionDenied):
        case_update(case=case, updated_by=ani, expected_version=1, changes={"status": "terminasi"})
    case.refresh_from_db()
    assert case.status == "baru"


def test_a_plan_decided_once_cannot_be_decided_again(case, ani, budi, dinsos):
    workflow.case_start_assessment(case=case, started_by=ani)
    workflow.assessment_record(case=case, written_by=ani, condition="x", needs="y")
    plan = workflow.plan_submit(
        case=case, written_by=ani, goals="g", planned_services=["kesehatan"]
    )
    stale_copy = type(plan).objects.get(pk=plan.pk)
    workflow.plan_approve(plan=plan, approved_by=budi)
    other_supervisor = member_of(dinsos, "supervisor")
    with pytest.raises(ValidationError):
        workflow.plan_return(plan=stale_copy, returned_by=other_supervisor, note="ubah")
    plan.refresh_from_db()
    assert plan.status == "disetujui"


def test_a_malformed_plan_id_is_not_found(client, case, budi):
    client.force_login(budi)
    response = client.post(
        f"/kasus/{case.code}/aksi/keputusan-rencana/", {"plan": "abc", "decision": "approve"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("ruling", "amount"),
    [(datetime.timedelta(days=300), 1000), (datetime.timedelta(days=-1), -5)],
)
def test_restitution_refuses_future_rulings_and_negative_amounts(case, ani, ruling, amount):
    CaseViolenceForm.objects.create(case=case, form="seksual")
    workflow.case_start_assessment(case=case, started_by=ani)
    with pytest.raises(ValidationError):
        workflow.restitution_record(
            case=case,
            recorded_by=ani,
            ruling_received_on=timezone.localdate() + ruling,
            amount=amount,
        )
    assert not hasattr(Case.objects.get(pk=case.pk), "restitution")


def test_the_police_report_clock_is_for_tpks_cases(case, ani):
    with pytest.raises(ValidationError):
        workflow.case_police_report_record(case=case, recorded_by=ani, reported_at=timezone.now())
