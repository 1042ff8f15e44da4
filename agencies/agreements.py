"""Joint agreements: recording them, their commitments, and the reminders before they end.

Each workflow runs in one transaction and writes its audit row there.
"""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency, AgencyService, Agreement, AgreementSignatory, Commitment, User
from agencies.models.agreements import EXPIRY_WARNING_DAYS
from agencies.network_scope import is_network_coordinator, network_membership
from agencies.notifications import notification_send
from agencies.roles import Role
from cases.models import AuditEvent
from cases.services import audit_record


@dataclass(frozen=True)
class AgreementTerms:
    title: str
    number: str
    signed_on: date
    valid_from: date
    valid_until: date
    description: str = ""
    on_time_target: int = 80


def _require_coordinator(user) -> None:
    if not is_network_coordinator(user):
        raise PermissionDenied


def _validated_pdf(upload) -> ContentFile:
    from cases.documents import validate_document

    data, content_type = validate_document(upload)
    if content_type != "application/pdf":
        raise ValidationError({"document": _("The signed agreement must be a PDF file.")})
    return ContentFile(data, name=uuid.uuid4().hex)


def _signatories_in_city(agencies, regency_id: str) -> list[Agency]:
    agencies = list(agencies)
    if any(agency.regency_id != regency_id or not agency.is_active for agency in agencies):
        raise ValidationError({"agencies": _("Choose active agencies of your city only.")})
    return agencies


def _require_unique_number(agreement: Agreement) -> None:
    others = Agreement.objects.filter(regency_id=agreement.regency_id, number=agreement.number)
    if others.exclude(pk=agreement.pk).exists():
        raise ValidationError(
            {"number": _("Another agreement of this city already has this number.")}
        )


def _set_signatories(agreement: Agreement, agencies: list[Agency]) -> None:
    wanted = {agency.pk for agency in agencies}
    dropped = AgreementSignatory.objects.filter(agreement=agreement).exclude(agency_id__in=wanted)
    if Commitment.objects.filter(
        agreement=agreement, agency_id__in=dropped.values("agency_id")
    ).exists():
        raise ValidationError(
            {"agencies": _("Remove that agency's commitments before removing the agency.")}
        )
    dropped.delete()
    existing = set(agreement.signatories.values_list("agency_id", flat=True))
    AgreementSignatory.objects.bulk_create(
        [AgreementSignatory(agreement=agreement, agency_id=pk) for pk in wanted - existing]
    )


@transaction.atomic
def agreement_record(
    *, recorded_by: User, terms: AgreementTerms, signatories, document=None
) -> Agreement:
    """Record a signed agreement. The coordinator's own agency is always a signatory,
    or they could not see what they recorded."""
    _require_coordinator(recorded_by)
    own_agency = network_membership(recorded_by).agency
    agencies = _signatories_in_city(signatories, own_agency.regency_id)
    if own_agency not in agencies:
        agencies.append(own_agency)
    agreement = Agreement(regency_id=own_agency.regency_id, created_by=recorded_by, **vars(terms))
    _require_unique_number(agreement)
    if document is not None:
        agreement.document = _validated_pdf(document)
    agreement.full_clean()
    agreement.save()
    _set_signatories(agreement, agencies)
    audit_record(
        actor=recorded_by,
        action=AuditEvent.Action.CREATE,
        obj=agreement,
        fields=[*vars(terms), "agencies", *(["document"] if document else [])],
    )
    return agreement


@transaction.atomic
def agreement_update(
    *, agreement: Agreement, changed_by: User, terms: AgreementTerms, signatories, document=None
) -> Agreement:
    if not Agreement.objects.editable_by(changed_by).filter(pk=agreement.pk).exists():
        raise PermissionDenied
    agencies = _signatories_in_city(signatories, agreement.regency_id)
    own_agency = network_membership(changed_by).agency
    if own_agency not in agencies:
        agencies.append(own_agency)
    changed = [name for name, value in vars(terms).items() if getattr(agreement, name) != value]
    for name, value in vars(terms).items():
        setattr(agreement, name, value)
    _require_unique_number(agreement)
    if document is not None:
        agreement.document = _validated_pdf(document)
        changed.append("document")
    agreement.full_clean()
    agreement.save()
    before = set(agreement.signatories.values_list("agency_id", flat=True))
    _set_signatories(agreement, agencies)
    if before != {agency.pk for agency in agencies}:
        changed.append("agencies")
    audit_record(actor=changed_by, action=AuditEvent.Action.UPDATE, obj=agreement, fields=changed)
    return agreement


@transaction.atomic
def commitment_add(
    *, agreement: Agreement, added_by: User, agency: Agency, service_type: str, description: str
) -> Commitment:
    """A commitment of one signatory; a service must be one its catalogue offers."""
    if not Agreement.objects.editable_by(added_by).filter(pk=agreement.pk).exists():
        raise PermissionDenied
    if not agreement.signatories.filter(agency=agency).exists():
        raise ValidationError({"agency": _("Only a signatory agency can take on a commitment.")})
    offered = AgencyService.objects.offered().filter(agency=agency, service_type=service_type)
    if service_type and not offered.exists():
        raise ValidationError(
            {"service_type": _("This agency does not offer that service in its catalogue.")}
        )
    commitment = Commitment(
        agreement=agreement, agency=agency, service_type=service_type, description=description
    )
    commitment.full_clean()
    commitment.save()
    audit_record(
        actor=added_by,
        action=AuditEvent.Action.CREATE,
        obj=commitment,
        fields=["agency", "service_type", "description"],
    )
    return commitment


@transaction.atomic
def commitment_remove(*, commitment: Commitment, removed_by: User) -> None:
    if not Agreement.objects.editable_by(removed_by).filter(pk=commitment.agreement_id).exists():
        raise PermissionDenied
    audit_record(
        actor=removed_by,
        action=AuditEvent.Action.UPDATE,
        obj=commitment.agreement,
        fields=["commitments"],
    )
    commitment.delete()


def _coordinators_of(agreement: Agreement):
    return User.objects.filter(
        is_active=True,
        membership__agency__is_active=True,
        membership__agency__in=agreement.signatories.values("agency_id"),
        membership__roles__role=Role.COORDINATOR,
    ).distinct()


def agreement_warning_window(agreement: Agreement, today: date) -> int | None:
    """The nearest warning window the agreement's end falls in (30, then 60), if any.

    An agreement recorded with 20 days left gets the 30-day reminder only.
    """
    days_left = agreement.days_left(today)
    if days_left < 0:
        return None
    windows = [days for days in sorted(EXPIRY_WARNING_DAYS) if days_left <= days]
    return windows[0] if windows else None


def agreements_warn_expiring(*, today: date | None = None) -> int:
    """Notify the signatories' coordinators 60 and 30 days before an agreement ends.

    Idempotent: each (agreement, window, end date) is one notification key, so a sweep
    that runs twice, or after the end date was moved, sends each reminder once.
    """
    today = today or timezone.localdate()
    horizon = today + timedelta(days=max(EXPIRY_WARNING_DAYS))
    sent = 0
    ending = Agreement.objects.filter(valid_until__gte=today, valid_until__lte=horizon)
    for agreement in ending:
        window = agreement_warning_window(agreement, today)
        if window is None:
            continue
        sent += len(
            notification_send(
                recipients=_coordinators_of(agreement),
                kind=f"agreement_expiring_{window}",
                subject_code=agreement.number,
                url=reverse("agreement-detail", args=[agreement.pk]),
                key=f"agreement-expiry:{agreement.pk}:{window}:{agreement.valid_until}",
            )
        )
    return sent
