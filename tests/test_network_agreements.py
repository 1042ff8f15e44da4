"""Joint agreements: recording, who sees them, commitments and whether they are kept,
and the reminders before an agreement ends.

The cast: ``fajar`` (forum coordinator, DP3AKB) keeps the register; ``ani`` (Dinas
Sosial) and ``citra`` (UPTD PPA) work at signatory agencies; ``rina`` (community) and
``eko`` (admin) have no part in it.
"""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from agencies.agreements import AgreementTerms, agreement_record, agreements_warn_expiring
from agencies.models import Agency, Agreement, Commitment, Notification
from cases.models import AuditEvent
from tests.factories import AgencyFactory, member_of

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
TODAY = timezone.localdate


def terms(**changes) -> AgreementTerms:
    values = {
        "title": "Sistem Penanganan Terpadu PMKS Anak",
        "number": "KB/001/2026",
        "signed_on": datetime.date(2026, 1, 10),
        "valid_from": datetime.date(2026, 1, 10),
        "valid_until": TODAY() + datetime.timedelta(days=400),
    }
    values.update(changes)
    return AgreementTerms(**values)


@pytest.fixture
def dp3akb(db):
    return Agency.objects.get(nomenclature="DP3AKB")


@pytest.fixture
def agreement(fajar, dinsos, uptd_ppa):
    return agreement_record(recorded_by=fajar, terms=terms(), signatories=[dinsos, uptd_ppa])


@pytest.fixture
def dp3akb_only(fajar):
    return agreement_record(
        recorded_by=fajar, terms=terms(number="KB/002/2026", title="Internal"), signatories=[]
    )


def form_data(agencies, **changes):
    data = {
        "title": "Kesepakatan Bersama Perlindungan Anak",
        "number": "KB/010/2026",
        "signed_on": "2026-02-01",
        "valid_from": "2026-02-01",
        "valid_until": (TODAY() + datetime.timedelta(days=700)).isoformat(),
        "on_time_target": "80",
        "description": "",
        "agencies": [agency.pk for agency in agencies],
    }
    data.update(changes)
    return data


def test_a_coordinator_records_an_agreement_with_its_document(client, fajar, dinsos, dp3akb):
    client.force_login(fajar)
    data = form_data([dinsos], document=SimpleUploadedFile("kb.pdf", PDF))
    response = client.post(reverse("agreement-create"), data)
    agreement = Agreement.objects.get(number="KB/010/2026")
    assert response.status_code == 302 and response.url == agreement.get_absolute_url()
    # The recording coordinator's own agency signs too, or fajar could not see it.
    assert set(agreement.agencies.all()) == {dinsos, dp3akb}
    assert AuditEvent.objects.filter(
        action="create", object_type="agencies.agreement", object_id=str(agreement.pk)
    ).exists()
    download = client.get(reverse("agreement-document", args=[agreement.pk]))
    assert b"".join(download.streaming_content) == PDF
    assert "kesepakatan-bersama" in download.headers["Content-Disposition"]
    assert AuditEvent.objects.filter(action="download", object_id=str(agreement.pk)).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"valid_until": "2026-01-01"}, "valid_until"),
        ({"signed_on": "2099-01-01"}, "signed_on"),
        ({"on_time_target": "0"}, "on_time_target"),
        ({"document": SimpleUploadedFile("kb.pdf", b"not a pdf")}, "document"),
        ({"document": SimpleUploadedFile("kb.png", b"\x89PNG\r\n\x1a\nxxxx")}, "document"),
        ({"number": "KB/001/2026"}, "number"),
    ],
)
def test_bad_input_is_refused_in_indonesian_and_nothing_is_written(
    client, fajar, dinsos, agreement, changes, field
):
    client.force_login(fajar)
    before = Agreement.objects.count()
    response = client.post(reverse("agreement-create"), form_data([dinsos], **changes))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert Agreement.objects.count() == before


def test_an_agency_of_another_city_cannot_sign(client, fajar):
    elsewhere = AgencyFactory(regency_id="64.72")
    client.force_login(fajar)
    response = client.post(reverse("agreement-create"), form_data([elsewhere]))
    assert response.context["form"].errors["agencies"]
    assert not Agreement.objects.exists()


def test_signatories_see_an_agreement_and_others_never_do(
    client, agreement, dp3akb_only, ani, citra, budi
):
    for user in (ani, citra, budi):
        client.force_login(user)
        page = client.get(reverse("agreement-list")).content.decode()
        assert agreement.title in page and dp3akb_only.title not in page
        assert client.get(agreement.get_absolute_url()).status_code == 200
        assert client.get(dp3akb_only.get_absolute_url()).status_code == 404
        export = client.get(reverse("agreement-list"), {"format": "csv"})
        text = b"".join(export.streaming_content).decode("utf-8-sig")
        assert agreement.number in text and dp3akb_only.number not in text


def test_people_outside_the_network_are_refused(client, agreement, rina, eko):
    for user in (rina, eko):
        client.force_login(user)
        assert client.get(reverse("agreement-list")).status_code == 403
        assert client.get(agreement.get_absolute_url()).status_code == 403


def test_another_citys_coordinator_gets_a_404(client, agreement):
    samarinda_coordinator = member_of(AgencyFactory(regency_id="64.72"), "coordinator")
    client.force_login(samarinda_coordinator)
    assert client.get(agreement.get_absolute_url()).status_code == 404
    assert client.get(reverse("agreement-edit", args=[agreement.pk])).status_code == 404
    page = client.get(reverse("agreement-list")).content.decode()
    assert agreement.title not in page


def test_only_coordinators_of_a_signatory_change_an_agreement(client, agreement, ani, budi, fajar):
    for user in (ani, budi):
        client.force_login(user)
        assert client.get(reverse("agreement-edit", args=[agreement.pk])).status_code == 404
        assert client.get(reverse("agreement-create")).status_code == 404
    client.force_login(fajar)
    data = form_data(list(agreement.agencies.all()), number=agreement.number, title="Diperbarui")
    response = client.post(reverse("agreement-edit", args=[agreement.pk]), data)
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.title == "Diperbarui"
    event = AuditEvent.objects.filter(action="update", object_id=str(agreement.pk)).get()
    assert "title" in event.fields


def test_commitments_come_from_the_signatorys_catalogue(client, agreement, fajar, dinsos, ani):
    client.force_login(fajar)
    url = reverse("commitment-create", args=[agreement.pk])
    offered = dinsos.services.first().service_type
    client.post(url, {"agency": dinsos.pk, "service_type": offered, "description": "Rehsos"})
    assert Commitment.objects.filter(agency=dinsos, service_type=offered).count() == 1
    client.post(
        url, {"agency": dinsos.pk, "service_type": "penegakan_hukum", "description": "Polisi"}
    )
    assert not Commitment.objects.filter(service_type="penegakan_hukum").exists()
    client.post(url, {"agency": dinsos.pk, "service_type": "", "description": "Sosialisasi"})
    assert Commitment.objects.filter(agency=dinsos, service_type="").count() == 1
    client.force_login(ani)
    response = client.post(url, {"agency": dinsos.pk, "service_type": "", "description": "x"})
    assert response.status_code == 404
    assert Commitment.objects.count() == 2


def _referral(case, to_agency, sender, *, sent_days_ago, answered_after_hours, deadline_hours):
    """A referral sent ``sent_days_ago``, answered (or not) after some hours."""
    from referrals.models import Referral

    sent_at = timezone.now() - datetime.timedelta(days=sent_days_ago)
    responded = (
        sent_at + datetime.timedelta(hours=answered_after_hours)
        if answered_after_hours is not None
        else None
    )
    return Referral.objects.create(
        case=case,
        from_agency=case.lead_agency,
        sent_by=sender,
        to_agency=to_agency,
        service_type="penguatan_psikologis",
        reason="x",
        summary_purpose="x",
        respond_by=sent_at + datetime.timedelta(hours=deadline_hours),
        sent_at=sent_at,
        responded_at=responded,
        status=Referral.Status.ACCEPTED if responded else Referral.Status.SENT,
    )


def test_an_agency_keeps_its_commitment_when_enough_referrals_are_answered_on_time(
    client, fajar, dinsos, uptd_ppa, hadi, ani, citra
):
    from cases.services import case_open

    agreement = agreement_record(
        recorded_by=fajar,
        terms=terms(valid_from=TODAY() - datetime.timedelta(days=30)),
        signatories=[dinsos, uptd_ppa],
    )
    commitment = Commitment.objects.create(
        agreement=agreement,
        agency=uptd_ppa,
        service_type="penguatan_psikologis",
        description="Layanan psikolog dalam 3 hari",
    )
    case = case_open(opened_by=hadi, agency=dinsos, reported_at=timezone.now(), risk_level="sedang")
    answer = {"case": case, "to_agency": uptd_ppa, "sender": ani, "deadline_hours": 24}
    _referral(**answer, sent_days_ago=10, answered_after_hours=5)  # on time
    _referral(**answer, sent_days_ago=9, answered_after_hours=30)  # late
    _referral(**answer, sent_days_ago=8, answered_after_hours=None)  # expired, unanswered
    _referral(**answer, sent_days_ago=0, answered_after_hours=None)  # still waiting
    _referral(**answer, sent_days_ago=60, answered_after_hours=1)  # before the agreement
    client.force_login(citra)
    page = client.get(reverse("agency-commitments", args=[uptd_ppa.pk]))
    (record,) = page.context["records"]
    assert (record.due, record.on_time, record.pending) == (3, 1, 1)
    assert record.on_time_percent == 33 and record.status == "not_met"
    Agreement.objects.filter(pk=agreement.pk).update(on_time_target=30)
    page = client.get(reverse("agency-commitments", args=[uptd_ppa.pk]))
    assert page.context["records"][0].status == "met"
    assert commitment.description in page.content.decode()


def test_the_commitment_page_of_an_agency_outside_ones_agreements_is_a_404(
    client, agreement, ani, rina
):
    outsider = AgencyFactory()
    client.force_login(ani)
    assert client.get(reverse("agency-commitments", args=[outsider.pk])).status_code == 404
    assert client.get(reverse("agency-commitments", args=[999999])).status_code == 404
    client.force_login(rina)
    assert client.get(reverse("agency-commitments", args=[outsider.pk])).status_code == 403


def test_coordinators_are_reminded_60_then_30_days_before_the_end_once_each(
    agreement, fajar, ani, dinsos
):
    dinsos_coordinator = member_of(dinsos, "coordinator")
    outsider_coordinator = member_of(AgencyFactory(), "coordinator")
    end = agreement.valid_until
    assert agreements_warn_expiring(today=end - datetime.timedelta(days=61)) == 0
    at_60 = end - datetime.timedelta(days=55)
    assert agreements_warn_expiring(today=at_60) == 2
    assert agreements_warn_expiring(today=at_60) == 0  # a second sweep adds nothing
    at_30 = end - datetime.timedelta(days=30)
    assert agreements_warn_expiring(today=at_30) == 2
    kinds = list(
        Notification.objects.filter(recipient=fajar).order_by("pk").values_list("kind", flat=True)
    )
    assert kinds == ["agreement_expiring_60", "agreement_expiring_30"]
    assert Notification.objects.filter(recipient=dinsos_coordinator).count() == 2
    assert not Notification.objects.filter(recipient__in=[ani, outsider_coordinator]).exists()
    notification = Notification.objects.filter(recipient=fajar).first()
    assert notification.subject_code == agreement.number
    assert agreements_warn_expiring(today=end + datetime.timedelta(days=1)) == 0


def test_an_agreement_recorded_late_gets_only_the_nearer_reminder(agreement, fajar):
    agreements_warn_expiring(today=agreement.valid_until - datetime.timedelta(days=10))
    assert list(Notification.objects.filter(recipient=fajar).values_list("kind", flat=True)) == [
        "agreement_expiring_30"
    ]


def test_exports_are_readable_and_audited(client, agreement, ani):
    client.force_login(ani)
    response = client.get(reverse("agreement-list"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[1][0] == agreement.number and rows[1][5] == 3  # three signatories
    csv_response = client.get(reverse("agreement-list"), {"format": "csv", "state": "in_force"})
    reader = csv.reader(io.StringIO(b"".join(csv_response.streaming_content).decode("utf-8-sig")))
    assert len(list(reader)) == 2
    exports = AuditEvent.objects.filter(action="export", object_type="agencies.agreement")
    assert exports.count() == 2 and exports.first().actor == ani


def test_the_list_costs_the_same_queries_for_one_or_many_agreements(
    client, fajar, dinsos, django_assert_num_queries
):
    client.force_login(fajar)
    agreement_record(recorded_by=fajar, terms=terms(), signatories=[dinsos])
    client.get(reverse("agreement-list"))  # warm the session and the menu's counts
    with django_assert_num_queries(3):
        client.get(reverse("agreement-list"))
    for number in range(2, 7):
        agreement_record(recorded_by=fajar, terms=terms(number=f"KB/{number}"), signatories=[])
    with django_assert_num_queries(3):
        response = client.get(reverse("agreement-list"))
    assert len(response.context["agreements"]) == 6
