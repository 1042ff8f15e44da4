"""Editing after intake, editable_by for every record type, audited reads of secondary pages."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import workflow
from cases.models import (
    AuditEvent,
    Case,
    CaseDocument,
    CaseNote,
    Complaint,
    Person,
    ServiceDeadline,
)
from cases.services import case_open
from tests.test_intake import _received

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(dinsos, hadi, ani):
    case = case_open(
        opened_by=hadi,
        agency=dinsos,
        reported_at=timezone.now() - datetime.timedelta(hours=100),
        risk_level="sedang",
    )
    Case.objects.filter(pk=case.pk).update(lead_caseworker=ani)
    case.refresh_from_db()
    return case


def test_setting_sexual_violence_later_starts_the_tpks_clock_from_the_report(client, case, ani):
    client.force_login(ani)
    client.post(
        f"/kasus/{case.code}/aksi/bentuk-kekerasan/",
        {"violence_forms": ["seksual", "psikis"], "tpks_offence": "ksbe", "version": 1},
    )
    case = Case.objects.get(pk=case.pk)
    assert case.is_tpks
    assert case.tpks_police_deadline() == case.reported_at + datetime.timedelta(hours=72)
    assert Case.objects.tpks_police_report_overdue().filter(pk=case.pk).exists()


def test_a_stale_page_sets_neither_violence_forms_nor_the_police_report(client, case, ani):
    client.force_login(ani)
    page = client.get(f"/kasus/{case.code}/").content.decode()
    assert page.count('name="version" value="1"') >= 2  # the details, the violence forms
    client.post(
        f"/kasus/{case.code}/aksi/bentuk-kekerasan/",
        {"violence_forms": ["seksual"], "version": 1},
    )
    stale = client.post(
        f"/kasus/{case.code}/aksi/bentuk-kekerasan/",
        {"violence_forms": ["fisik"], "version": 1},
        follow=True,
    )
    assert [m.level_tag for m in stale.context["messages"]][-1] == "error"
    assert list(Case.objects.get(pk=case.pk).violence_forms.values_list("form", flat=True)) == [
        "seksual"
    ]
    reported = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    late = client.post(
        f"/kasus/{case.code}/aksi/lapor-polisi/",
        {"reported_at": reported, "version": 1},
        follow=True,
    )
    assert [m.level_tag for m in late.context["messages"]] == ["error"]
    assert Case.objects.get(pk=case.pk).police_reported_at is None


def test_a_tpks_offence_needs_sexual_violence(case, ani):
    with pytest.raises(ValidationError):
        workflow.case_set_violence_forms(
            case=case, changed_by=ani, violence_forms=["fisik"], tpks_offence="ksbe"
        )


def test_editable_by_follows_the_case_for_every_record_type(case, ani, citra, dinsos):
    workflow.case_start_assessment(case=case, started_by=ani)
    workflow.note_record(
        case=case, written_by=ani, kind="catatan", text="x", happened_on=timezone.localdate()
    )
    assert CaseNote.objects.editable_by(ani).count() == 1
    assert not CaseNote.objects.editable_by(citra).exists()
    assert not CaseDocument.objects.editable_by(citra).exists()
    assert not Person.objects.editable_by(citra).exists()


def test_only_triagers_of_the_agency_may_change_an_untriaged_complaint(hadi, ani, citra, budi):
    complaint = _received(hadi)
    assert Complaint.objects.editable_by(hadi).filter(pk=complaint.pk).exists()
    assert Complaint.objects.editable_by(budi).filter(pk=complaint.pk).exists()
    assert not Complaint.objects.editable_by(ani).exists()  # caseworker: records, not triages
    assert not Complaint.objects.editable_by(citra).exists()


def test_reading_the_triage_page_and_the_history_is_audited(client, hadi, budi, case):
    complaint = _received(hadi)
    client.force_login(hadi)
    client.get(f"/kasus/pengaduan/{complaint.pk}/")
    assert AuditEvent.objects.filter(
        action="view", object_type="cases.complaint", actor=hadi
    ).exists()
    client.force_login(budi)
    client.get(f"/kasus/{case.code}/riwayat/")
    assert AuditEvent.objects.filter(action="view", fields=["history"], actor=budi).exists()


def test_the_intake_form_records_the_childs_address_and_school_encrypted(client, hadi):
    from tests.test_intake import intake_data

    client.force_login(hadi)
    client.post(
        "/kasus/pengaduan/baru/",
        intake_data(**{"child-0-address": "Jl. Rahasia 9", "child-0-school": "SD Contoh"}),
    )
    child = Complaint.objects.get().parties.get(part="anak").person
    assert (child.address, child.school) == ("Jl. Rahasia 9", "SD Contoh")


def test_the_admin_edits_the_service_deadline_table(client, eko):
    client.force_login(eko)
    assert client.get("/admin/cases/servicedeadline/").status_code == 200
    row = ServiceDeadline.objects.get(service_type="penjangkauan", risk_level="tinggi")
    response = client.post(
        f"/admin/cases/servicedeadline/{row.pk}/change/",
        {"service_type": "penjangkauan", "risk_level": "tinggi", "hours": 6, "source": "x"},
    )
    assert response.status_code == 302
    assert ServiceDeadline.hours_for("penjangkauan", "tinggi") == 6


def test_the_admin_site_shows_no_case_content(client, eko):
    client.force_login(eko)
    index = client.get("/admin/").content.decode()
    assert "/admin/cases/servicedeadline/" in index
    assert "/admin/cases/case/" not in index and "/admin/cases/person/" not in index


def test_pagination_keeps_the_filters(client, budi, dinsos, hadi):
    for _case in range(26):
        case_open(opened_by=hadi, agency=dinsos, reported_at=timezone.now(), risk_level="tinggi")
    client.force_login(budi)
    html = client.get("/kasus/?risk=tinggi").content.decode()
    assert "risk=tinggi&amp;page=2" in html
