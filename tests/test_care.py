"""Services with deadlines, counselling sessions, placements, the TPKS clocks."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import shelters, workflow
from cases.models import (
    Case,
    CaseViolenceForm,
    Restitution,
    SafeHouse,
    ServiceDeadline,
    ServiceRecord,
)
from cases.services import case_open

pytestmark = pytest.mark.django_db
NOW = timezone.now()


@pytest.fixture
def case(dinsos, hadi, ani):
    case = case_open(opened_by=hadi, agency=dinsos, reported_at=NOW, risk_level="tinggi")
    Case.objects.filter(pk=case.pk).update(lead_caseworker=ani)
    case.refresh_from_db()
    return case


def test_the_deadline_table_is_seeded_with_local_defaults():
    assert ServiceDeadline.hours_for("penjangkauan", "tinggi") == 12
    assert ServiceDeadline.hours_for("pengaduan", "tinggi") == 2
    assert ServiceDeadline.hours_for("bantuan_hukum", "rendah") == 7 * 24  # not in the table


def test_a_planned_service_takes_its_deadline_from_the_table(case, ani, uptd_ppa):
    # The clock starts when the service is planned (not when this module was loaded,
    # which in a long run is minutes earlier).
    planned_from = timezone.now()
    record = workflow.service_plan(
        case=case, planned_by=ani, service_type="penjangkauan", provider=uptd_ppa
    )
    twelve_hours = datetime.timedelta(hours=12)
    assert planned_from + twelve_hours <= record.due_at <= timezone.now() + twelve_hours


def test_changing_the_table_changes_new_deadlines(case, ani, uptd_ppa):
    ServiceDeadline.objects.filter(service_type="penjangkauan", risk_level="tinggi").update(hours=6)
    record = workflow.service_plan(
        case=case, planned_by=ani, service_type="penjangkauan", provider=uptd_ppa
    )
    assert record.due_at < timezone.now() + datetime.timedelta(hours=7)


def test_an_overdue_service_badges_the_case_in_lists(client, case, ani, budi, uptd_ppa):
    record = workflow.service_plan(
        case=case, planned_by=ani, service_type="kesehatan", provider=uptd_ppa
    )
    ServiceRecord.objects.filter(pk=record.pk).update(due_at=NOW - datetime.timedelta(hours=1))
    client.force_login(budi)
    assert "badge text-bg-warning" in client.get("/kasus/").content.decode()
    assert case.code in client.get("/kasus/?overdue=on").content.decode()


def test_delivering_a_service_clears_it(case, ani, uptd_ppa):
    record = workflow.service_plan(
        case=case, planned_by=ani, service_type="kesehatan", provider=uptd_ppa
    )
    with pytest.raises(ValidationError):
        workflow.service_deliver(
            record=record,
            delivered_by=ani,
            delivered_on=timezone.localdate() + datetime.timedelta(days=1),
            outcome="x",
        )
    workflow.service_deliver(
        record=record, delivered_by=ani, delivered_on=timezone.localdate(), outcome="Visum selesai"
    )
    assert not ServiceRecord.objects.overdue().exists()


def test_a_no_show_is_rescheduled_and_keeps_its_history(case, ani):
    session = workflow.session_schedule(
        case=case, scheduled_by=ani, counsellor="Psikolog Uji", scheduled_at=NOW
    )
    with pytest.raises(ValidationError):
        workflow.session_record_attendance(
            session=session, recorded_by=ani, attendance="tidak_hadir"
        )
    later = NOW + datetime.timedelta(days=3)
    new = workflow.session_record_attendance(
        session=session, recorded_by=ani, attendance="tidak_hadir", reschedule_at=later
    )
    session.refresh_from_db()
    assert session.attendance == "tidak_hadir"
    assert (new.rescheduled_from, new.scheduled_at, new.attendance) == (session, later, "terjadwal")


@pytest.fixture
def safe_house(uptd_ppa, dinsos):
    house = SafeHouse.objects.create(
        operator=uptd_ppa, name="Rumah Aman Uji", kind=SafeHouse.Kind.SAFE_HOUSE, capacity=4
    )
    house.placing_agencies.set([dinsos])
    return house


def test_a_placement_defaults_to_seven_days_and_is_flagged_when_exceeded(case, ani, safe_house):
    started = timezone.localdate() - datetime.timedelta(days=10)
    placement = shelters.placement_start(
        case=case, placed_by=ani, safe_house=safe_house, started_on=started
    )
    assert placement.planned_end_on == started + datetime.timedelta(days=7)
    assert placement.is_beyond_planned_stay()


def test_a_placement_cannot_end_before_it_starts(case, ani, safe_house):
    with pytest.raises(ValidationError):
        shelters.placement_start(
            case=case,
            placed_by=ani,
            safe_house=safe_house,
            started_on=timezone.localdate(),
            planned_end_on=timezone.localdate() - datetime.timedelta(days=1),
        )


def test_recording_the_police_report_meets_the_tpks_deadline(case, ani):
    CaseViolenceForm.objects.create(case=case, form="seksual")
    Case.objects.filter(pk=case.pk).update(reported_at=NOW - datetime.timedelta(hours=80))
    case.refresh_from_db()
    assert Case.objects.tpks_police_report_overdue().filter(pk=case.pk).exists()
    workflow.case_police_report_record(case=case, recorded_by=ani, reported_at=NOW)
    assert not Case.objects.tpks_police_report_overdue().filter(pk=case.pk).exists()


def test_restitution_is_for_tpks_cases_with_a_30_day_clock(case, ani):
    ruling = timezone.localdate() - datetime.timedelta(days=31)
    with pytest.raises(ValidationError):
        workflow.restitution_record(case=case, recorded_by=ani, ruling_received_on=ruling, amount=1)
    CaseViolenceForm.objects.create(case=case, form="seksual")
    restitution = workflow.restitution_record(
        case=case, recorded_by=ani, ruling_received_on=ruling, amount=25_000_000
    )
    assert restitution.payment_due_on() == ruling + datetime.timedelta(days=30)
    assert restitution.is_overdue()
    assert Case.objects.overdue().filter(pk=case.pk).exists()
    workflow.restitution_paid(
        restitution=restitution, recorded_by=ani, paid_on=timezone.localdate(), paid_by="dbk"
    )
    assert not Restitution.objects.get().is_overdue()


def test_the_services_tab_drives_the_actions(client, case, ani, uptd_ppa):
    client.force_login(ani)
    client.post(
        f"/kasus/{case.code}/aksi/layanan/",
        {"service_type": "bantuan_hukum", "provider": uptd_ppa.pk},
    )
    client.post(
        f"/kasus/{case.code}/aksi/sesi/",
        {"counsellor": "Psikolog Uji", "scheduled_at": "2026-12-01T10:00"},
    )
    assert case.services.count() == 1 and case.sessions.count() == 1
    page = client.get(f"/kasus/{case.code}/").content.decode()
    assert "Psikolog Uji" in page


def test_a_provider_from_another_city_is_refused(client, case, ani):
    from agencies.models import Region
    from tests.factories import AgencyFactory

    elsewhere = AgencyFactory(regency=Region.objects.filter(level=2).exclude(code="64.71").first())
    client.force_login(ani)
    client.post(
        f"/kasus/{case.code}/aksi/layanan/",
        {"service_type": "bantuan_hukum", "provider": elsewhere.pk},
    )
    assert not case.services.exists()
