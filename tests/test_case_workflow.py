"""baru → asesmen → rencana → intervensi → pemantauan → terminasi, and reopening."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases import workflow
from cases.models import AuditEvent, Case
from cases.services import case_open
from tests.factories import member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(dinsos, hadi, ani):
    case = case_open(opened_by=hadi, agency=dinsos, reported_at=timezone.now(), risk_level="sedang")
    Case.objects.filter(pk=case.pk).update(lead_caseworker=ani)
    case.refresh_from_db()
    return case


def assessed(case, ani):
    workflow.case_start_assessment(case=case, started_by=ani)
    workflow.assessment_record(
        case=case, written_by=ani, condition="Anak tampak cemas.", needs="Konseling."
    )
    return case


def planned(case, ani):
    assessed(case, ani)
    return workflow.plan_submit(
        case=case, written_by=ani, goals="Anak aman.", planned_services=["penguatan_psikologis"]
    )


def test_the_whole_path_to_closure(case, ani, budi):
    plan = planned(case, ani)
    assert case.status == "rencana"
    workflow.plan_approve(plan=plan, approved_by=budi)
    case.refresh_from_db()
    assert case.status == "intervensi"
    workflow.case_start_monitoring(case=case, started_by=ani)
    workflow.closure_request(case=case, requested_by=ani, reason="tujuan_tercapai")
    workflow.closure_approve(case=case, approved_by=budi)
    case.refresh_from_db()
    assert case.status == "terminasi" and case.closed_at is not None
    assert AuditEvent.objects.filter(case=case, action="transition").count() == 5


def test_a_supervisor_cannot_approve_their_own_plan(case, ani, budi):
    assessed(case, ani)
    plan = workflow.plan_submit(
        case=case, written_by=budi, goals="x", planned_services=["kesehatan"]
    )
    with pytest.raises(PermissionDenied):
        workflow.plan_approve(plan=plan, approved_by=budi)


def test_a_caseworker_cannot_approve_a_plan(case, ani, dinsos):
    plan = planned(case, ani)
    other_caseworker = member_of(dinsos, "caseworker")
    with pytest.raises(PermissionDenied):
        workflow.plan_approve(plan=plan, approved_by=other_caseworker)


def test_another_agencys_supervisor_cannot_approve(case, ani, uptd_ppa):
    plan = planned(case, ani)
    with pytest.raises(PermissionDenied):
        workflow.plan_approve(plan=plan, approved_by=member_of(uptd_ppa, "supervisor"))


def test_nobody_approves_their_own_closure(case, ani, budi):
    assessed(case, ani)
    workflow.closure_request(case=case, requested_by=budi, reason="pindah")
    with pytest.raises(PermissionDenied):
        workflow.closure_approve(case=case, approved_by=budi)


def test_a_plan_needs_an_assessment_first(case, ani):
    workflow.case_start_assessment(case=case, started_by=ani)
    with pytest.raises(ValidationError):
        workflow.plan_submit(case=case, written_by=ani, goals="x", planned_services=["kesehatan"])


def test_steps_cannot_be_skipped(case, ani):
    with pytest.raises(ValidationError):
        workflow.case_start_monitoring(case=case, started_by=ani)
    case.refresh_from_db()
    assert case.status == "baru"


def test_the_assessment_waits_for_a_lead_caseworker(dinsos, hadi):
    case = case_open(opened_by=hadi, agency=dinsos, reported_at=timezone.now(), risk_level="rendah")
    with pytest.raises(ValidationError):
        workflow.case_start_assessment(case=case, started_by=hadi)


def test_a_returned_plan_needs_a_note(case, ani, budi):
    plan = planned(case, ani)
    with pytest.raises(ValidationError):
        workflow.plan_return(plan=plan, returned_by=budi, note="")
    workflow.plan_return(plan=plan, returned_by=budi, note="Tambahkan layanan hukum.")
    plan.refresh_from_db()
    assert plan.status == "dikembalikan"


def test_only_the_supervisor_reopens_with_a_reason(case, ani, budi):
    planned(case, ani)
    workflow.closure_request(case=case, requested_by=ani, reason="dewasa")
    workflow.closure_approve(case=case, approved_by=budi)
    case.refresh_from_db()
    with pytest.raises(PermissionDenied):
        workflow.case_reopen(case=case, reopened_by=ani, note="Ada kejadian baru")
    workflow.case_reopen(case=case, reopened_by=budi, note="Ada kejadian baru")
    case.refresh_from_db()
    assert case.status == "asesmen" and case.closed_at is None


def test_a_closed_case_takes_no_new_assessment(case, ani, budi):
    planned(case, ani)
    workflow.closure_request(case=case, requested_by=ani, reason="pindah")
    workflow.closure_approve(case=case, approved_by=budi)
    case.refresh_from_db()
    with pytest.raises(ValidationError):
        workflow.assessment_record(case=case, written_by=ani, condition="x", needs="y")


def test_the_case_page_drives_the_workflow(client, case, ani, budi):
    client.force_login(ani)
    client.post(f"/kasus/{case.code}/aksi/mulai-asesmen/")
    client.post(
        f"/kasus/{case.code}/aksi/asesmen/",
        {"kind": "awal", "condition": "Cemas", "needs": "Konseling", "hopes": ""},
    )
    client.post(
        f"/kasus/{case.code}/aksi/rencana/",
        {"goals": "Aman", "planned_services": ["penguatan_psikologis", "bantuan_hukum"]},
    )
    client.force_login(budi)
    plan = case.plans.get()
    client.post(
        f"/kasus/{case.code}/aksi/keputusan-rencana/", {"plan": plan.pk, "decision": "approve"}
    )
    case.refresh_from_db()
    assert case.status == "intervensi"
    page = client.get(f"/kasus/{case.code}/").content.decode()
    assert "Konseling" in page and "Aman" in page
    assert plan.planned_services == ["penguatan_psikologis", "bantuan_hukum"]


def test_a_refused_step_shows_a_message_and_changes_nothing(client, case, ani):
    client.force_login(ani)
    response = client.post(f"/kasus/{case.code}/aksi/mulai-pemantauan/", follow=True)
    case.refresh_from_db()
    assert case.status == "baru"
    assert 'class="alert alert-danger"' in response.content.decode()


def test_other_agencies_cannot_act_on_the_case(client, case, citra):
    client.force_login(citra)
    assert client.post(f"/kasus/{case.code}/aksi/mulai-asesmen/").status_code == 404


def test_a_reader_who_may_not_edit_is_refused(client, case, dinsos):
    head = member_of(dinsos, "head")
    client.force_login(head)
    assert client.post(f"/kasus/{case.code}/aksi/mulai-asesmen/").status_code == 403


def test_notes_and_home_visits_are_recorded_encrypted(client, case, ani):
    client.force_login(ani)
    client.post(
        f"/kasus/{case.code}/aksi/catatan/",
        {"kind": "kunjungan_rumah", "happened_on": "2026-11-20", "text": "Rumah rapi."},
    )
    note = case.notes.get()
    assert (note.kind, note.text) == ("kunjungan_rumah", "Rumah rapi.")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM cases_casenote")
        assert "Rumah" not in cursor.fetchone()[0]
