"""Referrals between agencies: consent, shared sections, access that comes and goes.

The cast: ``ani`` (caseworker, Dinas Sosial) refers a case to UPTD PPA, where ``citra``
(caseworker) and ``sari`` (supervisor) work; ``dewi`` (DP3AKB) is the third agency.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency, AgencyService, Notification
from agencies.roles import membership_of
from cases.documents import document_upload
from cases.models import (
    Assessment,
    AuditEvent,
    Case,
    CaseDocument,
    CaseNote,
    CaseParty,
    CaseUserObjectPermission,
    Person,
    ServiceRecord,
)
from cases.services import case_open
from referrals import services
from referrals.models import Referral, ReferralEvent, ResponseDeadline
from referrals.services import Consent, ReferralRequest, Summary
from tests.factories import a_png

pytestmark = pytest.mark.django_db

CHRONOLOGY = "Kronologi-rahasia: kejadian di rumah"
ASSESSMENT_TEXT = "Asesmen-rahasia: kondisi trauma"
NOTE_TEXT = "Catatan-rahasia: kunjungan rumah"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


@pytest.fixture
def case(dinsos, hadi, ani):
    """A Dinas Sosial case led by ani, with something in every section."""
    case = case_open(
        opened_by=hadi,
        agency=dinsos,
        reported_at=timezone.now(),
        risk_level="sedang",
        chronology=CHRONOLOGY,
    )
    Case.objects.filter(pk=case.pk).update(lead_caseworker=ani, status="asesmen")
    case.refresh_from_db()
    child = Person.objects.create(
        name="Anak Rujukan Rahasia", sex="P", birth_date=datetime.date(2014, 5, 1)
    )
    CaseParty.objects.create(case=case, person=child, part=CaseParty.Part.CHILD)
    Assessment.objects.create(case=case, condition=ASSESSMENT_TEXT, needs="x", written_by=ani)
    CaseNote.objects.create(case=case, text=NOTE_TEXT, written_by=ani)
    return case


@pytest.fixture
def documents(case, ani):
    shared = document_upload(
        case=case,
        uploaded_by=ani,
        kind="laporan_sosial",
        title="Laporan dibagikan",
        upload=SimpleUploadedFile("a.pdf", PDF),
    )
    private = document_upload(
        case=case,
        uploaded_by=ani,
        kind="surat",
        title="Surat tidak dibagikan",
        upload=SimpleUploadedFile("b.pdf", PDF),
    )
    return shared, private


def a_request(uptd_ppa, **changes) -> ReferralRequest:
    values = {
        "to_agency": uptd_ppa,
        "service_type": "penguatan_psikologis",
        "reason": "Butuh psikolog",
        "urgency": "segera",
        "summary": Summary(purpose="Pemeriksaan psikologis", chronology="Ringkasan singkat"),
        "consent": Consent(given_by="wali", given_on=timezone.localdate(), scope="rujukan"),
        "shared_sections": ["identitas", "asesmen"],
    }
    values.update(changes)
    return ReferralRequest(**values)


def send(case, ani, uptd_ppa, **changes) -> Referral:
    return services.referral_send(case=case, sent_by=ani, request=a_request(uptd_ppa, **changes))


def login(client, user):
    client.force_login(user)
    return client


# --- Sending ---------------------------------------------------------------------------


def test_a_referral_gets_its_deadline_from_the_urgency_table(case, ani, uptd_ppa):
    referral = send(case, ani, uptd_ppa)
    expected = timezone.now() + datetime.timedelta(hours=24)
    assert abs(referral.respond_by - expected) < datetime.timedelta(minutes=1)
    assert referral.status == Referral.Status.SENT
    assert referral.from_agency == case.lead_agency
    assert [e.action for e in referral.events.all()] == [ReferralEvent.Action.SENT]


def test_the_summary_carries_only_the_parts_of_shared_sections(case, ani, uptd_ppa):
    summary = Summary(purpose="Tujuan", chronology="Kronologi", services="Layanan", condition="C")
    referral = send(case, ani, uptd_ppa, summary=summary, shared_sections=["identitas"])
    assert (referral.summary_chronology, referral.summary_services) == ("", "")
    assert (referral.summary_condition, referral.summary_purpose) == ("", "Tujuan")
    other = send(
        case,
        ani,
        uptd_ppa,
        service_type="penjangkauan",
        summary=summary,
        shared_sections=["kejadian", "asesmen"],
    )
    assert (other.summary_chronology, other.summary_condition) == ("Kronologi", "C")
    assert other.summary_services == ""


def test_the_sla_table_is_configurable(case, ani, uptd_ppa):
    ResponseDeadline.objects.filter(urgency="darurat").update(hours=2)
    referral = send(case, ani, uptd_ppa, urgency="darurat")
    assert referral.respond_by - referral.sent_at < datetime.timedelta(hours=2, minutes=1)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"respond_by": timezone.now() - datetime.timedelta(hours=1)}, "respond_by"),
        ({"service_type": "dokumen_kependudukan"}, "service_type"),  # not in UPTD's catalogue
        ({"shared_sections": []}, "shared_sections"),
        ({"summary": Summary(purpose="  ")}, "summary_purpose"),
        ({"reason": ""}, "reason"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(case, ani, uptd_ppa, changes, field):
    with pytest.raises(ValidationError) as error:
        send(case, ani, uptd_ppa, **changes)
    assert field in error.value.message_dict
    assert not Referral.objects.exists()


def test_a_case_cannot_be_referred_to_its_own_agency(case, ani, dinsos):
    with pytest.raises(ValidationError) as error:
        send(case, ani, dinsos, service_type="rehabilitasi_sosial")
    assert "to_agency" in error.value.message_dict


def test_a_service_the_agency_stopped_offering_cannot_be_requested(case, ani, uptd_ppa):
    AgencyService.objects.filter(agency=uptd_ppa, service_type="penguatan_psikologis").update(
        is_active=False
    )
    with pytest.raises(ValidationError):
        send(case, ani, uptd_ppa)


def test_the_same_service_is_not_asked_twice_while_open(case, ani, uptd_ppa):
    send(case, ani, uptd_ppa)
    with pytest.raises(ValidationError):
        send(case, ani, uptd_ppa)


def test_only_people_who_may_change_the_case_refer_it(case, citra, dewi, uptd_ppa, hadi):
    for outsider in (citra, dewi, hadi):  # other agencies; intake once assigned
        with pytest.raises(PermissionDenied):
            send(case, outsider, uptd_ppa)


# --- Consent ---------------------------------------------------------------------------


def test_without_consent_a_caseworker_cannot_send(case, ani, uptd_ppa):
    with pytest.raises(ValidationError) as error:
        send(case, ani, uptd_ppa, consent=Consent())
    assert "consent_by" in error.value.message_dict
    assert not Referral.objects.exists()


def test_a_caseworker_cannot_override_consent(case, ani, uptd_ppa):
    with pytest.raises(ValidationError) as error:
        send(case, ani, uptd_ppa, consent=Consent(override_reason="wali adalah terlapor"))
    assert "consent_override_reason" in error.value.message_dict


def test_consent_cannot_be_dated_in_the_future(case, ani, uptd_ppa):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        send(case, ani, uptd_ppa, consent=Consent(given_by="anak", given_on=tomorrow))
    assert "consent_on" in error.value.message_dict


def test_a_supervisor_overrides_consent_with_a_reason_and_it_is_audited(case, budi, uptd_ppa):
    referral = send(case, budi, uptd_ppa, consent=Consent(override_reason="wali adalah terlapor"))
    assert referral.consent_overridden_by == budi
    assert referral.events.filter(action=ReferralEvent.Action.CONSENT_OVERRIDDEN).exists()
    audit = AuditEvent.objects.get(object_type="referrals.referral", action="create")
    assert audit.reason == "wali adalah terlapor"


def test_a_signed_consent_form_is_kept_as_a_document_of_the_case(case, ani, uptd_ppa):
    upload = SimpleUploadedFile("persetujuan.pdf", PDF)
    consent = Consent(given_by="wali", given_on=timezone.localdate(), upload=upload)
    referral = send(case, ani, uptd_ppa, consent=consent)
    assert referral.consent_form.kind == "persetujuan"
    assert referral.consent_form.case == case


def test_a_bad_consent_file_is_refused_with_nothing_written(case, ani, uptd_ppa):
    upload = SimpleUploadedFile("persetujuan.pdf", b"not a pdf")
    consent = Consent(given_by="wali", given_on=timezone.localdate(), upload=upload)
    with pytest.raises(ValidationError) as error:
        send(case, ani, uptd_ppa, consent=consent)
    assert "consent_form" in error.value.message_dict
    assert not CaseDocument.objects.filter(kind="persetujuan").exists()


def test_consent_is_enforced_through_the_web_form(client, case, ani, uptd_ppa):
    login(client, ani)
    response = client.post(
        reverse("referral-new", args=[case.code]),
        {
            "kind": "rujukan",
            "to_agency": uptd_ppa.pk,
            "service_type": "penguatan_psikologis",
            "urgency": "biasa",
            "reason": "Butuh psikolog",
            "shared_sections": ["identitas"],
            "summary_purpose": "Pemeriksaan",
            # a caseworker's form has no override field; sending one changes nothing
            "consent_override_reason": "saya mau",
        },
    )
    assert response.status_code == 400
    assert "consent_by" in response.context["form"].errors
    assert not Referral.objects.exists()


def test_a_photo_travels_only_with_the_identity(case, ani, citra, sari, uptd_ppa):
    photo = document_upload(
        case=case,
        uploaded_by=ani,
        kind="foto",
        title="",
        upload=SimpleUploadedFile("anak.png", a_png()),
    )
    with pytest.raises(ValidationError) as refused:
        send(case, ani, uptd_ppa, shared_sections=["asesmen", "dokumen"], shared_documents=[photo])
    assert "shared_documents" in refused.value.message_dict
    referral = send(
        case, ani, uptd_ppa, shared_sections=["identitas", "dokumen"], shared_documents=[photo]
    )
    services.referral_accept(referral=referral, accepted_by=sari, assignees=[citra])
    assert list(CaseDocument.objects.visible_to(citra)) == [photo]
    # Were the identity grant gone (by hand, say), the photo's own grant would not do.
    CaseUserObjectPermission.objects.filter(
        user=citra, permission__codename="view_case_identitas"
    ).delete()
    assert not CaseDocument.objects.visible_to(citra).exists()


# --- Access before, during and after ------------------------------------------------------


def test_the_whole_journey_of_access(client, case, documents, ani, citra, sari, dewi, uptd_ppa):
    shared_document, private_document = documents
    referral = send(
        case,
        ani,
        uptd_ppa,
        shared_sections=["identitas", "asesmen", "dokumen"],
        shared_documents=[shared_document],
    )
    case_url = reverse("case-detail", args=[case.code])
    referral_url = reverse("referral-detail", args=[referral.pk])

    # Before acceptance: citra sees the summary with the pseudonym, not the case.
    login(client, citra)
    page = client.get(referral_url)
    assert page.status_code == 200
    assert "Pemeriksaan psikologis" in page.content.decode()
    assert "Ringkasan singkat" not in page.content.decode()  # chronology: incident not shared
    assert "Anak Rujukan Rahasia" not in page.content.decode()
    assert client.get(case_url).status_code == 404
    assert not Case.objects.visible_to(citra).filter(pk=case.pk).exists()

    services.referral_accept(referral=referral, accepted_by=sari, assignees=[citra])

    # After acceptance: citra sees exactly the shared sections and documents.
    page = client.get(case_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert ASSESSMENT_TEXT in html
    assert NOTE_TEXT not in html
    assert CHRONOLOGY not in html  # incident not shared
    assert 'id="pane-notes"' not in html
    assert "Laporan dibagikan" in html
    assert "Surat tidak dibagikan" not in html
    assert set(CaseNote.objects.visible_to(citra).filter(case=case)) == set()
    assert list(CaseDocument.objects.visible_to(citra)) == [shared_document]
    document_url = reverse("case-document", args=[case.code, private_document.pk])
    assert client.get(document_url).status_code == 404
    shared_url = reverse("case-document", args=[case.code, shared_document.pk])
    assert client.get(shared_url).status_code == 200
    # citra may reveal the identity (shared), and it is audited.
    revealed = client.post(reverse("case-reveal-identity", args=[case.code]))
    assert "Anak Rujukan Rahasia" in revealed.content.decode()
    assert AuditEvent.objects.filter(actor=citra, action="reveal_identity", case=case).exists()
    # but may change nothing
    assert not Case.objects.editable_by(citra).filter(pk=case.pk).exists()

    # A third agency never sees anything.
    login(client, dewi)
    assert client.get(case_url).status_code == 404
    assert client.get(referral_url).status_code == 404
    assert not Referral.objects.visible_to(dewi).exists()

    services.referral_start(referral=referral, started_by=citra)
    services.referral_complete(
        referral=referral, completed_by=citra, outcome="Sudah diperiksa", feedback="Perlu kontrol"
    )

    # After completion: the case is a 404 again, on the very next request.
    login(client, citra)
    assert client.get(case_url).status_code == 404
    assert client.get(shared_url).status_code == 404
    assert not CaseUserObjectPermission.objects.filter(content_object=case).exists()
    grants = AuditEvent.objects.filter(case=case, action__in=["grant", "revoke"])
    assert {event.action for event in grants} == {"grant", "revoke"}


@pytest.mark.parametrize("ending", ["decline", "cancel", "expire"])
def test_every_ending_leaves_no_access(case, ani, budi, citra, sari, uptd_ppa, ending):
    referral = send(case, ani, uptd_ppa)
    if ending == "decline":
        services.referral_decline(referral=referral, declined_by=sari, reason="Penuh")
    elif ending == "cancel":
        services.referral_accept(referral=referral, accepted_by=sari, assignees=[citra])
        assert Case.objects.visible_to(citra).filter(pk=case.pk).exists()
        services.referral_cancel(referral=referral, cancelled_by=budi, reason="Tidak perlu lagi")
    else:
        Referral.objects.filter(pk=referral.pk).update(
            respond_by=timezone.now() - datetime.timedelta(minutes=1)
        )
        assert services.referral_expire(referral_id=referral.pk)
    assert not Case.objects.visible_to(citra).filter(pk=case.pk).exists()
    assert Referral.objects.get(pk=referral.pk).ended_at is not None


def test_ending_one_referral_keeps_what_another_still_gives(case, ani, citra, sari, uptd_ppa):
    first = send(case, ani, uptd_ppa)
    second = send(case, ani, uptd_ppa, service_type="penjangkauan")
    for referral in (first, second):
        services.referral_accept(referral=referral, accepted_by=sari, assignees=[citra])
    services.referral_complete(referral=first, completed_by=citra, outcome="x", feedback="y")
    assert Case.objects.visible_to(citra).filter(pk=case.pk).exists()


def test_declining_and_completing_need_their_reasons(case, ani, citra, sari, uptd_ppa):
    referral = send(case, ani, uptd_ppa)
    with pytest.raises(ValidationError):
        services.referral_decline(referral=referral, declined_by=sari, reason=" ")
    services.referral_accept(referral=referral, accepted_by=sari)
    with pytest.raises(ValidationError) as error:
        services.referral_complete(referral=referral, completed_by=sari, outcome="", feedback="")
    assert set(error.value.message_dict) == {"outcome", "feedback"}


def test_only_the_receiving_side_answers_and_only_the_sender_cancels(
    case, ani, budi, citra, sari, dewi, uptd_ppa
):
    referral = send(case, ani, uptd_ppa)
    for outsider in (ani, budi, dewi):
        with pytest.raises(PermissionDenied):
            services.referral_accept(referral=referral, accepted_by=outsider)
    for outsider in (citra, sari, dewi):
        with pytest.raises(PermissionDenied):
            services.referral_cancel(referral=referral, cancelled_by=outsider, reason="x")


def test_a_referral_addressed_to_someone_is_answered_by_them_or_a_supervisor(
    case, ani, citra, sari, uptd_ppa
):
    other = Agency.objects.get(nomenclature="UPTD PPA")
    from tests.factories import member_of

    colleague = member_of(other, "caseworker")
    referral = send(case, ani, uptd_ppa, to_user=citra)
    assert not referral.may_answer(colleague)
    assert referral.may_answer(citra) and referral.may_answer(sari)
    assert not Referral.objects.visible_to(colleague).exists()


def test_an_answer_after_the_deadline_is_refused(case, ani, sari, uptd_ppa):
    referral = send(case, ani, uptd_ppa)
    Referral.objects.filter(pk=referral.pk).update(
        respond_by=timezone.now() - datetime.timedelta(minutes=1)
    )
    referral.refresh_from_db()
    with pytest.raises(ValidationError):
        services.referral_accept(referral=referral, accepted_by=sari)


def test_two_answers_to_one_referral_cannot_both_win(case, ani, sari, citra, uptd_ppa):
    referral = send(case, ani, uptd_ppa)
    stale_copy = Referral.objects.get(pk=referral.pk)
    services.referral_accept(referral=referral, accepted_by=sari)
    with pytest.raises(ValidationError):
        services.referral_decline(referral=stale_copy, declined_by=citra, reason="x")
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.ACCEPTED


# --- Transfer of lead --------------------------------------------------------------------


@pytest.mark.parametrize("keeps", [True, False])
def test_a_transfer_hands_the_lead_over(case, ani, budi, citra, sari, uptd_ppa, keeps):
    referral = send(case, ani, uptd_ppa, kind=Referral.Kind.TRANSFER, sender_keeps_access=keeps)
    services.referral_accept(referral=referral, accepted_by=sari, assignees=[citra])
    case.refresh_from_db()
    assert case.lead_agency == uptd_ppa
    assert case.lead_caseworker == citra
    assert Case.objects.editable_by(citra).filter(pk=case.pk).exists()
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.COMPLETED
    assert Case.objects.visible_to(ani).filter(pk=case.pk).exists() is keeps
    assert not Case.objects.editable_by(ani).filter(pk=case.pk).exists()
    assert not Case.objects.visible_to(budi).filter(pk=case.pk).exists()


# --- Expiry, warnings, notifications -------------------------------------------------------


def test_expiry_is_idempotent_and_notifies_both_sides(case, ani, budi, sari, uptd_ppa):
    referral = send(case, ani, uptd_ppa)
    Referral.objects.filter(pk=referral.pk).update(
        respond_by=timezone.now() - datetime.timedelta(minutes=1)
    )
    from referrals.tasks import referrals_sweep_deadlines

    assert referrals_sweep_deadlines() == {"warned": 0, "expired": 1}
    assert referrals_sweep_deadlines() == {"warned": 0, "expired": 0}
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.EXPIRED
    expired = Notification.objects.filter(kind="referral_expired")
    assert {n.recipient for n in expired} == {ani, budi, sari}
    assert ReferralEvent.objects.filter(referral=referral, action="kedaluwarsa").count() == 1


def test_a_warning_goes_once_when_24_hours_are_left(case, ani, sari, uptd_ppa):
    referral = send(case, ani, uptd_ppa, urgency="darurat")  # 4 hours
    from referrals.tasks import referrals_sweep_deadlines

    assert referrals_sweep_deadlines() == {"warned": 1, "expired": 0}
    assert referrals_sweep_deadlines() == {"warned": 0, "expired": 0}
    warned = Notification.objects.filter(kind="referral_expiring")
    assert [n.recipient for n in warned] == [sari]
    assert referral.events.filter(action="peringatan").count() == 1


def test_notifications_and_emails_carry_the_code_and_a_link_never_a_name(
    case, ani, sari, uptd_ppa, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    sari.email = "sari@example.go.id"
    sari.save()
    with django_capture_on_commit_callbacks(execute=True):
        referral = send(case, ani, uptd_ppa)
    notification = Notification.objects.get(recipient=sari, kind="referral_received")
    assert notification.url == referral.get_absolute_url()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert case.code in message.subject
    assert referral.get_absolute_url() in message.body
    for secret in ("Anak Rujukan Rahasia", CHRONOLOGY, "Ringkasan singkat", "Butuh psikolog"):
        assert secret not in message.subject + message.body
    # a second delivery of the same notification sends nothing
    from agencies.notifications import notification_email_send

    assert notification_email_send(notification_id=notification.pk) is False


def test_each_step_notifies_the_other_side(case, ani, budi, citra, sari, uptd_ppa):
    referral = send(case, ani, uptd_ppa)
    services.referral_accept(referral=referral, accepted_by=sari, assignees=[citra])
    services.referral_complete(referral=referral, completed_by=citra, outcome="x", feedback="y")
    kinds = {(n.recipient.username, n.kind) for n in Notification.objects.all()}
    assert ("sari", "referral_received") in kinds
    assert ("ani", "referral_accepted") in kinds and ("budi", "referral_accepted") in kinds
    assert ("ani", "referral_completed") in kinds


def test_the_notification_page_shows_only_ones_own(client, case, ani, sari, citra, uptd_ppa):
    send(case, ani, uptd_ppa)
    login(client, citra)
    assert case.code not in client.get(reverse("notification-list")).content.decode()
    login(client, sari)
    page = client.get(reverse("notification-list"))
    assert case.code in page.content.decode()
    mine = Notification.objects.get(recipient=sari)
    login(client, citra)
    response = client.post(reverse("notification-open", args=[mine.pk]))
    assert response.url == reverse("notification-list")
    assert Notification.objects.get(pk=mine.pk).read_at is None


# --- Screens --------------------------------------------------------------------------------


def test_inbox_and_outbox_show_badges_and_filter(client, case, ani, sari, uptd_ppa):
    referral = send(case, ani, uptd_ppa)
    login(client, sari)
    inbox = client.get(reverse("referral-incoming"))
    assert referral in inbox.context["referrals"]
    assert 'data-testid="badge-referral-incoming"' in inbox.content.decode()
    overdue = client.get(reverse("referral-incoming"), {"state": "terlambat"})
    assert list(overdue.context["referrals"]) == []
    login(client, ani)
    assert referral in client.get(reverse("referral-outgoing")).context["referrals"]
    assert list(client.get(reverse("referral-incoming")).context["referrals"]) == []


@pytest.mark.parametrize("rows", [1, 6])
@pytest.mark.parametrize(
    ("reader", "page"), [("sari", "referral-incoming"), ("ani", "referral-outgoing")]
)
def test_the_list_query_counts_are_fixed(
    client, dinsos, hadi, ani, uptd_ppa, django_assert_num_queries, rows, reader, page
):
    for number in range(rows):
        case = case_open(
            opened_by=hadi, agency=dinsos, reported_at=timezone.now(), risk_level="rendah"
        )
        Case.objects.filter(pk=case.pk).update(lead_caseworker=ani)
        child = Person.objects.create(name=f"Anak {number}", sex="L")
        CaseParty.objects.create(case=case, person=child, part=CaseParty.Part.CHILD)
        send(case, ani, uptd_ppa)
    from agencies.models import User

    login(client, User.objects.get(username=reader))
    # user with membership+roles (session cached), rows (no count), their cases, agencies
    # (sending and receiving), users (addressee and sender), children + persons; the menu
    # badge (waiting referrals) and unread notifications
    with django_assert_num_queries(9):
        response = client.get(reverse(page))
    assert len(response.context["referrals"]) == rows


def test_the_web_journey_accept_start_complete(client, case, ani, citra, sari, uptd_ppa):
    referral = send(case, ani, uptd_ppa)
    login(client, sari)
    url = reverse("referral-action", args=[referral.pk, "terima"])
    assert client.post(url, {"assignees": [citra.pk]}).status_code == 302
    login(client, citra)
    assert client.post(reverse("referral-action", args=[referral.pk, "proses"])).status_code == 302
    bad = client.post(reverse("referral-action", args=[referral.pk, "selesai"]), {"outcome": ""})
    assert bad.status_code == 400
    done = client.post(
        reverse("referral-action", args=[referral.pk, "selesai"]),
        {"outcome": "Sudah", "feedback": "Baik"},
    )
    assert done.status_code == 302
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.COMPLETED


def test_a_stranger_posting_an_action_gets_a_404(client, case, ani, dewi, uptd_ppa):
    referral = send(case, ani, uptd_ppa)
    login(client, dewi)
    response = client.post(reverse("referral-action", args=[referral.pk, "terima"]))
    assert response.status_code == 404


def test_the_send_form_prefills_the_summary_and_sends(client, case, ani, uptd_ppa):
    ServiceRecord.objects.create(
        case=case,
        service_type="penjangkauan",
        provider=case.lead_agency,
        status="diberikan",
        due_at=timezone.now(),
        delivered_on=timezone.localdate(),
        recorded_by=ani,
    )
    login(client, ani)
    url = reverse("referral-new", args=[case.code])
    page = client.get(url)
    assert page.context["form"].initial["summary_chronology"] == CHRONOLOGY
    assert "Outreach" in page.context["form"].initial["summary_services"] or (
        "Penjangkauan" in page.context["form"].initial["summary_services"]
    )
    response = client.post(
        url,
        {
            "kind": "rujukan",
            "to_agency": uptd_ppa.pk,
            "service_type": "penguatan_psikologis",
            "urgency": "biasa",
            "reason": "Butuh psikolog",
            "shared_sections": ["identitas", "asesmen"],
            "summary_purpose": "Pemeriksaan",
            "consent_by": "wali",
            "consent_on": timezone.localdate().isoformat(),
        },
    )
    referral = Referral.objects.get()
    assert response.url == referral.get_absolute_url()


def test_the_referral_letter_is_a_pdf_without_the_childs_name(client, case, ani, uptd_ppa):
    from io import BytesIO

    from pypdf import PdfReader

    referral = send(case, ani, uptd_ppa)
    login(client, ani)
    response = client.get(reverse("referral-letter", args=[referral.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert f"surat-rujukan-{referral.pk}.pdf" in response["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert case.code in text
    assert "Pemeriksaan psikologis" in text
    assert "Anak Rujukan Rahasia" not in text
    assert AuditEvent.objects.filter(actor=ani, action="export", case=case).exists()


# --- Paper referrals ----------------------------------------------------------------------


def paper_data(**overrides):
    from tests.test_intake import intake_data

    data = intake_data(channel="polisi")
    data.update(
        {
            "letter-sender_name": "Unit PPA Polsek Balikpapan Utara",
            "letter-letter_number": "B/77/XI/2026",
            "letter-letter_date": timezone.localdate().isoformat(),
            "letter-service_type": "penguatan_psikologis",
        }
    )
    data.update(overrides)
    return data


def test_a_paper_referral_becomes_a_complaint_of_the_receiving_agency(client, citra, uptd_ppa):
    from cases.models import Complaint
    from referrals.models import PaperReferral

    login(client, citra)
    assert client.get(reverse("referral-paper")).status_code == 200
    response = client.post(reverse("referral-paper"), paper_data())
    assert response.status_code == 302
    letter = PaperReferral.objects.get()
    assert letter.complaint.agency == uptd_ppa
    assert letter.complaint.channel == "polisi"
    assert letter.complaint in Complaint.objects.awaiting_triage()
    assert AuditEvent.objects.filter(object_type="referrals.paperreferral").exists()


def test_a_paper_referral_with_a_bad_letter_saves_nothing(client, citra):
    from cases.models import Complaint
    from referrals.models import PaperReferral

    login(client, citra)
    response = client.post(reverse("referral-paper"), paper_data(**{"letter-letter_number": ""}))
    assert response.status_code == 400
    assert not PaperReferral.objects.exists()
    assert not Complaint.objects.filter(agency__nomenclature="UPTD PPA").exists()


def test_a_paper_referral_is_visible_only_at_the_receiving_agency(client, citra, ani):
    from referrals.models import PaperReferral

    login(client, citra)
    client.post(reverse("referral-paper"), paper_data())
    assert PaperReferral.objects.visible_to(citra).count() == 1
    assert PaperReferral.objects.visible_to(ani).count() == 0


def test_the_case_page_offers_referring_only_to_those_who_may(client, case, ani, dewi):
    login(client, ani)
    page = client.get(reverse("case-detail", args=[case.code])).content.decode()
    assert reverse("referral-new", args=[case.code]) in page
    login(client, dewi)
    assert client.get(reverse("referral-new", args=[case.code])).status_code == 404


# --- Access follows the person; nothing leaks around the shared sections --------------------


def test_someone_who_moves_agency_loses_the_access_at_once(case, ani, citra, sari, uptd_ppa):
    from agencies.models import Membership

    referral = send(case, ani, uptd_ppa)
    services.referral_accept(referral=referral, accepted_by=sari, assignees=[citra])
    assert Case.objects.visible_to(citra).filter(pk=case.pk).exists()
    membership = Membership.objects.get(user=citra)
    membership.agency = Agency.objects.get(nomenclature="DP3AKB")
    membership.save()
    citra = type(citra).objects.get(pk=citra.pk)
    assert not Case.objects.visible_to(citra).filter(pk=case.pk).exists()
    assert AuditEvent.objects.filter(case=case, action="revoke").exists()


def test_a_deactivated_account_loses_the_access(case, ani, citra, sari, uptd_ppa):
    referral = send(case, ani, uptd_ppa)
    services.referral_accept(referral=referral, accepted_by=sari, assignees=[citra])
    citra.is_active = False
    citra.save()
    assert not CaseUserObjectPermission.objects.filter(user=citra).exists()


def test_deadlines_and_panels_of_a_shared_case_stay_with_the_lead(
    client, case, ani, citra, sari, uptd_ppa
):
    from cases.home import case_panels
    from cases.models import CaseViolenceForm, Person

    CaseViolenceForm.objects.create(case=case, form="seksual")
    Case.objects.filter(pk=case.pk).update(
        reported_at=timezone.now() - datetime.timedelta(days=5), lead_caseworker=None
    )
    referral = send(
        case,
        Case.objects.get(pk=case.pk).lead_agency.memberships.get(user__username="budi").user,
        uptd_ppa,
        shared_sections=["identitas"],
    )
    services.referral_accept(referral=referral, accepted_by=sari, assignees=[sari])
    login(client, sari)
    html = client.get(reverse("case-detail", args=[case.code])).content.decode()
    assert "TPKS" not in html
    assert all(case not in panel for panel in case_panels(sari).values() if isinstance(panel, list))
    listed = client.get(reverse("case-list"), {"violence": "seksual"})
    assert case not in listed.context["cases"]
    assert not Person.objects.visible_to(sari).filter(parties__case=case).exists()


def test_the_consent_override_reason_stays_with_the_sender(client, case, budi, sari, uptd_ppa):
    referral = send(case, budi, uptd_ppa, consent=Consent(override_reason="Wali adalah terlapor"))
    login(client, sari)
    assert "Wali adalah terlapor" not in client.get(referral.get_absolute_url()).content.decode()
    login(client, budi)
    assert "Wali adalah terlapor" in client.get(referral.get_absolute_url()).content.decode()


def test_a_declined_referral_keeps_its_summary_from_the_receiver(client, case, ani, sari, uptd_ppa):
    referral = send(case, ani, uptd_ppa)
    services.referral_decline(referral=referral, declined_by=sari, reason="Penuh")
    login(client, sari)
    page = client.get(referral.get_absolute_url()).content.decode()
    assert "Pemeriksaan psikologis" not in page
    assert client.get(reverse("referral-letter", args=[referral.pk])).status_code == 404
    login(client, ani)
    assert "Pemeriksaan psikologis" in client.get(referral.get_absolute_url()).content.decode()


def test_closing_the_case_ends_its_referrals(case, ani, budi, citra, sari, uptd_ppa):
    from cases import workflow
    from cases.models.choices import ClosureReason

    referral = send(case, ani, uptd_ppa)
    services.referral_accept(referral=referral, accepted_by=sari, assignees=[citra])
    waiting = send(case, ani, uptd_ppa, service_type="penjangkauan")
    workflow.closure_request(case=case, requested_by=ani, reason=ClosureReason.GOALS_MET, note="x")
    workflow.closure_approve(case=Case.objects.get(pk=case.pk), approved_by=budi)
    statuses = set(
        Referral.objects.filter(pk__in=[referral.pk, waiting.pk]).values_list("status", flat=True)
    )
    assert statuses == {Referral.Status.CANCELLED}
    assert not Case.objects.visible_to(citra).filter(pk=case.pk).exists()


def test_a_transfer_ends_the_former_leads_other_referrals(case, ani, budi, citra, sari, uptd_ppa):
    other = send(case, ani, uptd_ppa, service_type="penjangkauan")
    transfer = send(case, ani, uptd_ppa, kind=Referral.Kind.TRANSFER, sender_keeps_access=True)
    services.referral_accept(referral=transfer, accepted_by=sari, assignees=[citra, sari])
    case.refresh_from_db()
    assert case.lead_caseworker == citra  # the caseworker, whatever the order
    assert Referral.objects.get(pk=other.pk).status == Referral.Status.CANCELLED
    # The new lead's supervisor ends the access the former lead kept; nobody else may.
    assert Case.objects.visible_to(ani).filter(pk=case.pk).exists()
    with pytest.raises(PermissionDenied):
        services.referral_kept_access_end(
            referral=Referral.objects.get(pk=transfer.pk), ended_by=budi
        )
    services.referral_kept_access_end(referral=Referral.objects.get(pk=transfer.pk), ended_by=sari)
    assert not Case.objects.visible_to(ani).filter(pk=case.pk).exists()


def test_notifications_skip_people_who_left_the_agency(case, ani, budi, sari, uptd_ppa):
    from agencies.models import Membership

    referral = send(case, ani, uptd_ppa)
    Membership.objects.filter(user=ani).update(agency=Agency.objects.get(nomenclature="DP3AKB"))
    services.referral_decline(
        referral=Referral.objects.get(pk=referral.pk), declined_by=sari, reason="x"
    )
    recipients = {n.recipient for n in Notification.objects.filter(kind="referral_declined")}
    assert recipients == {budi}


def test_an_unknown_action_is_a_404(client, case, ani, uptd_ppa):
    referral = send(case, ani, uptd_ppa)
    login(client, ani)
    assert client.post(reverse("referral-action", args=[referral.pk, "hapus"])).status_code == 404


@pytest.mark.parametrize("count", [1, 5])
def test_the_notification_list_query_count_is_fixed(client, sari, django_assert_num_queries, count):
    from agencies.notifications import notification_send

    for number in range(count):
        notification_send(
            recipients=[sari],
            kind="referral_received",
            subject_code=f"BPN-2026-{number:05d}",
            url="/rujukan/masuk/",
            key=f"test:{number}",
        )
    login(client, sari)
    # user with membership+roles (session cached), the notifications; the menu badge and
    # unread count
    with django_assert_num_queries(4):
        response = client.get(reverse("notification-list"))
    assert len(response.context["rows"]) == count


def test_grants_carry_their_cases_creation_time_for_the_lists_order(
    case, ani, citra, sari, uptd_ppa
):
    """The receiver's list reads her grants newest first by index (cases.models.windows):
    each grant written on acceptance holds its case's creation time."""
    referral = send(case, ani, uptd_ppa, shared_sections=["asesmen"])
    services.referral_accept(referral=referral, accepted_by=sari, assignees=[citra])
    grants = CaseUserObjectPermission.objects.filter(user=citra, content_object=case)
    assert grants.count() == 2  # view_case and the assessment section
    assert set(grants.values_list("case_created_at", flat=True)) == {case.created_at}
    first_page = Case.objects.visible_to(citra).order_by("-created_at", "-id")[:25]
    assert case in list(first_page)


@pytest.mark.parametrize("username", ["ani", "budi", "hadi", "citra", "sari", "dewi", "rina"])
def test_the_received_side_is_exactly_the_incoming_part_of_the_rule(
    case, ani, citra, sari, uptd_ppa, dinsos, username, django_user_model
):
    """The menu badge counts ``received_by``: the same referrals as ``visible_to``
    narrowed to the reader's agency, for every member of the cast."""
    addressed = send(case, ani, uptd_ppa)
    second = case_open(
        opened_by=ani, agency=dinsos, reported_at=timezone.now(), risk_level="tinggi"
    )
    Case.objects.filter(pk=second.pk).update(lead_caseworker=ani, status="asesmen")
    second.refresh_from_db()
    other = send(second, ani, uptd_ppa)
    services.referral_accept(referral=other, accepted_by=sari, assignees=[citra])
    Referral.objects.filter(pk=addressed.pk).update(to_user=sari)
    user = django_user_model.objects.get(username=username)
    agency = membership_of(user).agency
    expected = set(Referral.objects.visible_to(user).incoming(agency))
    assert set(Referral.objects.received_by(user)) == expected
    if username in ("sari", "citra"):
        assert expected  # the world above reaches the receiving side
