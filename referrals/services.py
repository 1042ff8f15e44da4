"""Referral workflows. Each runs in one transaction: the step, its grants, its audit rows
and its notifications (sent after commit) succeed or fail together."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.catalogue import ServiceType
from agencies.menu_counts import agency_referrals_version, menu_counts_change
from agencies.models import Agency, AgencyService, User
from agencies.notifications import notification_send
from agencies.roles import Role, has_role, roles_of
from api.webhooks.events import referral_event_emit
from cases.documents import document_upload, validate_document
from cases.intake import complaint_receive
from cases.models import AuditEvent, Case, CaseDocument, Complaint, DocumentKind
from cases.models.choices import CaseSection, CaseStatus, Channel, ClosureReason
from cases.services import audit_record
from referrals.grants import case_grants_sync
from referrals.models import (
    RECEIVING_ROLES,
    PaperReferral,
    Referral,
    ReferralEvent,
    ResponseDeadline,
)

SENDING_ROLES = (Role.CASEWORKER, Role.SUPERVISOR)


@dataclass
class Consent:
    """Who agreed to the referral, when and for what; or a supervisor's override."""

    given_by: str = ""
    given_on: date | None = None
    scope: str = ""
    upload: UploadedFile | None = None  # the signed form, kept as a case document
    override_reason: str = ""


@dataclass
class Summary:
    """The structured summary, so the child does not have to retell the story."""

    purpose: str
    chronology: str = ""
    services: str = ""
    condition: str = ""


# Which shared section each part of the summary belongs to: an unshared part is not sent.
SUMMARY_SECTIONS = {
    "chronology": {CaseSection.INCIDENT},
    "services": {CaseSection.PLAN},
    "condition": {CaseSection.ASSESSMENT},
}


def summary_minimised(summary: Summary, shared_sections) -> Summary:
    """The summary with only the parts of the sections being shared; the purpose always."""
    kept = {
        part: getattr(summary, part) if sections & set(shared_sections) else ""
        for part, sections in SUMMARY_SECTIONS.items()
    }
    return Summary(purpose=summary.purpose, **kept)


@dataclass
class ReferralRequest:
    to_agency: Agency
    service_type: str
    reason: str
    urgency: str
    summary: Summary
    consent: Consent
    shared_sections: list[str]
    shared_documents: list[CaseDocument] = field(default_factory=list)
    to_user: User | None = None
    respond_by: datetime | None = None
    kind: str = Referral.Kind.REFERRAL
    sender_keeps_access: bool = False
    letter_number: str = ""

    @classmethod
    def from_fields(cls, data) -> "ReferralRequest":
        """From the cleaned fields of the web form or the API, which share their names."""
        return cls(
            to_agency=data["to_agency"],
            to_user=data["to_user"],
            service_type=data["service_type"],
            reason=data["reason"],
            urgency=data["urgency"],
            respond_by=data["respond_by"],
            letter_number=data["letter_number"],
            kind=data["kind"],
            sender_keeps_access=data["sender_keeps_access"],
            shared_sections=list(data["shared_sections"]),
            shared_documents=list(data.get("shared_documents", [])),
            summary=Summary(
                purpose=data["summary_purpose"],
                chronology=data["summary_chronology"],
                services=data["summary_services"],
                condition=data["summary_condition"],
            ),
            consent=Consent(
                given_by=data["consent_by"],
                given_on=data["consent_on"],
                scope=data["consent_scope"],
                upload=data.get("consent_form"),
                override_reason=data.get("consent_override_reason", ""),
            ),
        )


def referral_summary_prefill(*, case: Case, user) -> dict:
    """Summary fields filled from the case, for the sender to check and edit."""
    from cases.models import Assessment, ServiceRecord

    latest = Assessment.objects.visible_to(user).filter(case=case).first()
    given = ServiceRecord.objects.visible_to(user).filter(
        case=case, status=ServiceRecord.Status.DELIVERED
    )
    # Only the plan section's services: health and legal ones travel with their sections.
    services = "\n".join(
        f"- {record.get_service_type_display()} ({record.delivered_on:%d-%m-%Y})"
        for record in given
        if record.delivered_on and ServiceType.section_of(record.service_type) == CaseSection.PLAN
    )
    return {
        "summary_chronology": case.chronology,
        "summary_services": services,
        "summary_condition": "\n".join(filter(None, [latest.condition, latest.needs]))
        if latest
        else "",
    }


def _validate_request(*, case: Case, sent_by, request: ReferralRequest) -> dict[str, str]:
    errors: dict[str, str] = {}
    to_agency = request.to_agency
    if to_agency.pk == case.lead_agency_id:
        errors["to_agency"] = _("A case cannot be referred to the agency that leads it.")
    elif not to_agency.is_active:
        errors["to_agency"] = _("This agency no longer takes part in Sinergi.")
    elif (
        not AgencyService.objects.offered()
        .filter(agency=to_agency, service_type=request.service_type)
        .exists()
    ):
        errors["service_type"] = _("This agency does not offer that service.")
    if request.to_user is not None and not (
        request.to_user.is_active
        and User.objects.filter(
            pk=request.to_user.pk,
            membership__agency=to_agency,
            membership__roles__role__in=RECEIVING_ROLES,
        ).exists()
    ):
        errors["to_user"] = _("Choose a caseworker or supervisor of the receiving agency.")
    if request.respond_by is not None and request.respond_by <= timezone.now():
        errors["respond_by"] = _("The answer deadline must be in the future.")
    unknown = set(request.shared_sections) - set(CaseSection.values)
    if unknown or not request.shared_sections:
        errors["shared_sections"] = _("Choose at least one section to share.")
    if request.shared_documents and CaseSection.DOCUMENTS not in request.shared_sections:
        errors["shared_documents"] = _("Share the documents section to send documents.")
    if CaseSection.DOCUMENTS in request.shared_sections and not request.shared_documents:
        errors["shared_documents"] = _("Pick the documents to share, one by one.")
    visible_documents = CaseDocument.objects.visible_to(sent_by).filter(case=case)
    if any(not visible_documents.filter(pk=d.pk).exists() for d in request.shared_documents):
        errors["shared_documents"] = _("Pick documents of this case.")
    elif CaseSection.IDENTITY not in request.shared_sections and any(
        d.kind == DocumentKind.PHOTO for d in request.shared_documents
    ):
        errors["shared_documents"] = _("A photo shows the child: share the identity with it.")
    if not request.summary.purpose.strip():
        errors["summary_purpose"] = _("Say what the referral is for.")
    if not request.reason.strip():
        errors["reason"] = _("Give the reason for the referral.")
    errors.update(_validate_consent(case=case, sent_by=sent_by, consent=request.consent))
    errors.update(_validate_consent_upload(request.consent))
    if (
        Referral.objects.filter(
            case=case,
            to_agency=to_agency,
            service_type=request.service_type,
            status__in=(Referral.Status.SENT, *Referral.ACTIVE_STATES),
        ).exists()
        and "to_agency" not in errors
    ):
        errors["service_type"] = _("This service is already asked of this agency for this case.")
    if (
        request.kind == Referral.Kind.TRANSFER
        and case.referrals.filter(kind=Referral.Kind.TRANSFER, status=Referral.Status.SENT).exists()
    ):
        errors["kind"] = _("A transfer of this case is already waiting for an answer.")
    return errors


def _validate_consent(*, case: Case, sent_by, consent: Consent) -> dict[str, str]:
    if consent.override_reason.strip():
        if Role.SUPERVISOR not in roles_of(sent_by):
            return {"consent_override_reason": _("Only a supervisor may send without consent.")}
        return {}
    errors = {}
    if consent.given_by not in Referral.ConsentBy.values:
        errors["consent_by"] = _(
            "Record who consented, or have a supervisor send it without consent with a reason."
        )
    if consent.given_on is None:
        errors["consent_on"] = _("Record when consent was given.")
    elif consent.given_on > timezone.localdate():
        errors["consent_on"] = _("Consent cannot be given in the future.")
    return errors


def _validate_consent_upload(consent: Consent) -> dict[str, str]:
    if consent.upload is None:
        return {}
    try:
        validate_document(consent.upload)
    except ValidationError as error:
        return {"consent_form": " ".join(error.messages)}
    finally:
        consent.upload.seek(0)
    return {}


@transaction.atomic
def referral_send(*, case: Case, sent_by, request: ReferralRequest) -> Referral:
    """Refer a case to another agency. Consent (or a supervisor's override) is required."""
    if not has_role(sent_by, *SENDING_ROLES) or not (
        Case.objects.editable_by(sent_by).open().filter(pk=case.pk).exists()
    ):
        raise PermissionDenied
    # One sender at a time per case: the duplicate checks below cannot race.
    Case.objects.select_for_update().filter(pk=case.pk).first()
    errors = _validate_request(case=case, sent_by=sent_by, request=request)
    if errors:
        raise ValidationError(errors)
    consent = request.consent
    overridden = bool(consent.override_reason.strip())
    summary = summary_minimised(request.summary, request.shared_sections)
    consent_form = None
    if consent.upload is not None:
        consent_form = document_upload(
            case=case,
            uploaded_by=sent_by,
            kind=DocumentKind.CONSENT_FORM,
            title=str(_("Signed consent for a referral")),
            upload=consent.upload,
        )
    referral = Referral.objects.create(
        case=case,
        kind=request.kind,
        from_agency=case.lead_agency,
        sent_by=sent_by,
        to_agency=request.to_agency,
        to_user=request.to_user,
        service_type=request.service_type,
        reason=request.reason,
        urgency=request.urgency,
        respond_by=request.respond_by or ResponseDeadline.due_at(request.urgency),
        letter_number=request.letter_number,
        sender_keeps_access=request.sender_keeps_access,
        shared_sections=[s for s in CaseSection.values if s in request.shared_sections],
        consent_by="" if overridden else consent.given_by,
        consent_on=None if overridden else consent.given_on,
        consent_scope="" if overridden else consent.scope,
        consent_form=consent_form,
        consent_overridden_by=sent_by if overridden else None,
        consent_override_reason=consent.override_reason.strip() if overridden else "",
        summary_chronology=summary.chronology,
        summary_services=summary.services,
        summary_condition=summary.condition,
        summary_purpose=summary.purpose,
    )
    referral.shared_documents.set(request.shared_documents)
    _step(referral, ReferralEvent.Action.SENT, actor=sent_by)
    if overridden:
        # The reason stays on the referral (sender side) and in the audit row; the
        # timeline is read by the receiving agency too.
        _step(referral, ReferralEvent.Action.CONSENT_OVERRIDDEN, actor=sent_by)
    audit_record(
        actor=sent_by,
        action=AuditEvent.Action.CREATE,
        case=case,
        obj=referral,
        fields=referral.shared_sections,
        reason=referral.consent_override_reason,
    )
    _notify(referral, "referral_received", _receivers(referral))
    return referral


def _move(referral: Referral, *, allowed_from, to: str, only_if=None, **changes) -> None:
    """Change state with one conditional UPDATE: of two racing answers only one wins."""
    moved = (
        Referral.objects.filter(pk=referral.pk, status__in=allowed_from)
        .filter(**(only_if or {}))
        .update(status=to, updated_at=timezone.now(), **changes)
    )
    if moved != 1:
        raise ValidationError(_("This referral has already been answered or closed."))
    referral.refresh_from_db()


def _check_answerable(referral: Referral) -> None:
    if referral.is_overdue:
        raise ValidationError(_("The answer deadline has passed; the referral is expiring."))
    if referral.case.status == CaseStatus.CLOSED:
        raise ValidationError(
            _("The case has been closed; the referral can no longer be answered.")
        )
    if referral.from_agency_id != referral.case.lead_agency_id:
        raise ValidationError(_("The case now has another lead agency; ask it to refer again."))


def _step(referral: Referral, action: str, *, actor=None, note: str = "") -> None:
    ReferralEvent.objects.create(referral=referral, action=action, actor=actor, note=note)
    # Every change of a referral is a step: the receiving agency's menu counts again.
    menu_counts_change(versions=[agency_referrals_version(referral.to_agency_id)])


def _receiving_people(referral: Referral, users) -> list[User]:
    people = list(users) or []
    for user in people:
        if not User.objects.filter(
            pk=user.pk,
            is_active=True,
            membership__agency=referral.to_agency,
            membership__roles__role__in=RECEIVING_ROLES,
        ).exists():
            raise ValidationError(
                {"assignees": _("Assign caseworkers or supervisors of your agency.")}
            )
    return people


@transaction.atomic
def referral_accept(*, referral: Referral, accepted_by, assignees=()) -> Referral:
    """Accept: the assigned people (by default whoever accepts) read the shared sections.

    A transfer makes the receiving agency the lead, with the first assignee as lead
    caseworker; the sender keeps read access only if it asked for it.
    """
    if not referral.may_answer(accepted_by):
        raise PermissionDenied
    _check_answerable(referral)
    people = _receiving_people(referral, assignees or [accepted_by])
    now = timezone.now()
    _move(
        referral,
        allowed_from=[Referral.Status.SENT],
        to=Referral.Status.ACCEPTED,
        only_if={"respond_by__gte": now},
        responded_at=now,
        responded_by=accepted_by,
    )
    _step(referral, ReferralEvent.Action.ACCEPTED, actor=accepted_by)
    if referral.kind == Referral.Kind.TRANSFER:
        caseworkers = [user for user in people if Role.CASEWORKER in roles_of(user)]
        _transfer_lead(referral, accepted_by=accepted_by, new_lead=next(iter(caseworkers), None))
    else:
        referral.access_users.set(people)
    case_grants_sync(case=referral.case, actor=accepted_by, referral=referral)
    audit_record(
        actor=accepted_by, action=AuditEvent.Action.TRANSITION, case=referral.case, obj=referral
    )
    _notify(referral, "referral_accepted", _senders(referral))
    return referral


def _transfer_lead(referral: Referral, *, accepted_by, new_lead) -> None:
    case = referral.case
    former = [u for u in (referral.sent_by, case.lead_caseworker) if u is not None]
    moved = Case.objects.filter(pk=case.pk, lead_agency=referral.from_agency).update(
        lead_agency=referral.to_agency,
        lead_caseworker=new_lead,
        closure_requested_by=None,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    if moved != 1:
        raise ValidationError(_("The case now has another lead agency; ask it to refer again."))
    case.refresh_from_db()
    case.team.all().delete()
    _end_referrals_of_former_lead(case, referral, actor=accepted_by)
    referral.access_users.set(former if referral.sender_keeps_access else [])
    now = timezone.now()
    _move(
        referral,
        allowed_from=[Referral.Status.ACCEPTED],
        to=Referral.Status.COMPLETED,
        completed_at=now,
        ended_at=now,
        outcome=str(ClosureReason.TRANSFERRED.label),
    )
    _step(referral, ReferralEvent.Action.LEAD_TRANSFERRED, actor=accepted_by)


def _end_referrals_of_former_lead(case: Case, transfer: Referral, *, actor) -> None:
    """The former lead no longer decides who reads the case: its other open referrals
    end with the transfer (the new lead refers again if it wants)."""
    reason = str(_("The case lead was transferred to another agency."))
    others = case.referrals.exclude(pk=transfer.pk).filter(
        from_agency=transfer.from_agency, status__in=[Referral.Status.SENT, *Referral.ACTIVE_STATES]
    )
    for other in others:
        _move(
            other,
            allowed_from=[Referral.Status.SENT, *Referral.ACTIVE_STATES],
            to=Referral.Status.CANCELLED,
            ended_at=timezone.now(),
            cancel_reason=reason,
        )
        _finish(other, ReferralEvent.Action.CANCELLED, actor=actor, note=reason)
        _notify(other, "referral_cancelled", _receivers(other) + list(other.access_users.all()))


@transaction.atomic
def referral_kept_access_end(*, referral: Referral, ended_by) -> Referral:
    """The new lead ends the read access a former lead kept after a transfer."""
    if not (
        referral.kind == Referral.Kind.TRANSFER
        and referral.status == Referral.Status.COMPLETED
        and referral.sender_keeps_access
    ):
        raise ValidationError(_("No access was kept through this transfer."))
    if not (
        referral.case.lead_agency_id == referral.to_agency_id
        and referral.is_receiver_side(ended_by)
        and Role.SUPERVISOR in roles_of(ended_by)
    ):
        raise PermissionDenied
    Referral.objects.filter(pk=referral.pk).update(
        sender_keeps_access=False, updated_at=timezone.now()
    )
    referral.refresh_from_db()
    _step(referral, ReferralEvent.Action.KEPT_ACCESS_ENDED, actor=ended_by)
    case_grants_sync(case=referral.case, actor=ended_by, referral=referral)
    return referral


@transaction.atomic
def referrals_end_for_closed_case(*, case: Case, closed_by) -> int:
    """A closed case shares nothing: its open referrals are cancelled, their access ends."""
    reason = str(_("The case was closed."))
    ended = 0
    for referral in case.referrals.filter(
        status__in=[Referral.Status.SENT, *Referral.ACTIVE_STATES]
    ):
        _move(
            referral,
            allowed_from=[Referral.Status.SENT, *Referral.ACTIVE_STATES],
            to=Referral.Status.CANCELLED,
            ended_at=timezone.now(),
            cancel_reason=reason,
        )
        _finish(referral, ReferralEvent.Action.CANCELLED, actor=closed_by, note=reason)
        _notify(
            referral, "referral_cancelled", _receivers(referral) + list(referral.access_users.all())
        )
        ended += 1
    return ended


@transaction.atomic
def referral_decline(*, referral: Referral, declined_by, reason: str) -> Referral:
    if not referral.may_answer(declined_by):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the referral is declined.")})
    if referral.is_overdue:
        raise ValidationError(_("The answer deadline has passed; the referral is expiring."))
    now = timezone.now()
    _move(
        referral,
        allowed_from=[Referral.Status.SENT],
        to=Referral.Status.DECLINED,
        only_if={"respond_by__gte": now},
        responded_at=now,
        responded_by=declined_by,
        ended_at=now,
        decline_reason=reason.strip(),
    )
    _finish(referral, ReferralEvent.Action.DECLINED, actor=declined_by, note=reason)
    _notify(referral, "referral_declined", _senders(referral))
    return referral


@transaction.atomic
def referral_start(*, referral: Referral, started_by) -> Referral:
    if not referral.may_work(started_by):
        raise PermissionDenied
    _move(
        referral,
        allowed_from=[Referral.Status.ACCEPTED],
        to=Referral.Status.IN_PROGRESS,
        started_at=timezone.now(),
    )
    _step(referral, ReferralEvent.Action.STARTED, actor=started_by)
    audit_record(
        actor=started_by, action=AuditEvent.Action.TRANSITION, case=referral.case, obj=referral
    )
    return referral


@transaction.atomic
def referral_complete(*, referral: Referral, completed_by, outcome: str, feedback: str) -> Referral:
    """The service is given: outcome and feedback go back; access ends now."""
    if not referral.may_work(completed_by):
        raise PermissionDenied
    errors = {}
    if not outcome.strip():
        errors["outcome"] = _("Describe the outcome of the service.")
    if not feedback.strip():
        errors["feedback"] = _("Give feedback to the sending agency.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    _move(
        referral,
        allowed_from=Referral.ACTIVE_STATES,
        to=Referral.Status.COMPLETED,
        completed_at=now,
        ended_at=now,
        outcome=outcome.strip(),
        feedback=feedback.strip(),
    )
    _finish(referral, ReferralEvent.Action.COMPLETED, actor=completed_by)
    _notify(referral, "referral_completed", _senders(referral))
    return referral


@transaction.atomic
def referral_cancel(*, referral: Referral, cancelled_by, reason: str) -> Referral:
    if not referral.may_cancel(cancelled_by):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the referral is cancelled.")})
    _move(
        referral,
        allowed_from=[Referral.Status.SENT, *Referral.ACTIVE_STATES],
        to=Referral.Status.CANCELLED,
        ended_at=timezone.now(),
        cancel_reason=reason.strip(),
    )
    _finish(referral, ReferralEvent.Action.CANCELLED, actor=cancelled_by, note=reason)
    _notify(
        referral, "referral_cancelled", _receivers(referral) + list(referral.access_users.all())
    )
    return referral


@transaction.atomic
def referral_expire(*, referral_id: int, now: datetime | None = None) -> bool:
    """Expire one unanswered referral past its deadline. False if there is nothing to do,
    so a second run (or a racing worker) changes nothing."""
    now = now or timezone.now()
    moved = Referral.objects.filter(
        pk=referral_id, status=Referral.Status.SENT, respond_by__lt=now
    ).update(status=Referral.Status.EXPIRED, ended_at=now, updated_at=now)
    if not moved:
        return False
    referral = Referral.objects.select_related("case").get(pk=referral_id)
    _finish(referral, ReferralEvent.Action.EXPIRED, actor=None)
    supervisors = _supervisors(referral.from_agency) + _supervisors(referral.to_agency)
    _notify(referral, "referral_expired", [referral.sent_by, *supervisors])
    return True


@transaction.atomic
def referral_warn_expiring(*, referral_id: int, now: datetime | None = None) -> bool:
    """Warn the receiving side once that the answer is due within 24 hours."""
    now = now or timezone.now()
    claimed = (
        Referral.objects.expiring_within(24, now=now)
        .filter(pk=referral_id, expiry_warned_at__isnull=True)
        .update(expiry_warned_at=now)
    )
    if not claimed:
        return False
    referral = Referral.objects.select_related("case").get(pk=referral_id)
    _step(referral, ReferralEvent.Action.EXPIRY_WARNING)
    _notify(referral, "referral_expiring", _receivers(referral))
    return True


def _finish(referral: Referral, action: str, *, actor, note: str = "") -> None:
    """A final step: record it, and take back every grant it gave, in this transaction."""
    _step(referral, action, actor=actor, note=note.strip())
    case_grants_sync(case=referral.case, actor=actor, referral=referral)
    audit_record(actor=actor, action=AuditEvent.Action.TRANSITION, case=referral.case, obj=referral)


def _supervisors(agency: Agency) -> list[User]:
    return list(User.objects.holding_role(agency, Role.SUPERVISOR))


def _receivers(referral: Referral) -> list[User]:
    """Who hears of a referral at the receiving agency: the addressee and the supervisors,
    or its caseworkers when it has neither."""
    people = _supervisors(referral.to_agency)
    if referral.to_user is not None:
        people.append(referral.to_user)
    return people or list(User.objects.holding_role(referral.to_agency, Role.CASEWORKER))


def _senders(referral: Referral) -> list[User]:
    return [referral.sent_by, *_supervisors(referral.from_agency)]


def _notify(referral: Referral, kind: str, recipients) -> None:
    """Only to people still at one of the two agencies: someone who left learns nothing."""
    referral_event_emit(referral=referral, kind=kind)  # and the agencies' systems, by webhook
    sides = {referral.from_agency_id, referral.to_agency_id}
    still_there = set(
        User.objects.filter(
            pk__in=[user.pk for user in recipients], membership__agency_id__in=sides
        ).values_list("pk", flat=True)
    )
    notification_send(
        recipients=[user for user in recipients if user.pk in still_there],
        kind=kind,
        subject_code=referral.case.code,
        url=referral.get_absolute_url(),
        key=f"{kind}:referral:{referral.pk}",
    )


@transaction.atomic
def paper_referral_receive(
    *, received_by, letter: PaperReferral, complaint: Complaint, **parties
) -> PaperReferral:
    """A referral letter from an agency outside Sinergi becomes a complaint of the
    receiving agency, waiting for triage like any other; the letter is kept with it."""
    if complaint.channel not in (Channel.AGENCY_REFERRAL, Channel.POLICE):
        complaint.channel = Channel.AGENCY_REFERRAL
    try:
        letter.full_clean(exclude=["complaint", "received_by"])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None
    complaint = complaint_receive(received_by=received_by, complaint=complaint, **parties)
    letter.complaint = complaint
    letter.received_by = received_by
    letter.save()
    audit_record(actor=received_by, action=AuditEvent.Action.CREATE, obj=letter)
    return letter
