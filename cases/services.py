"""Workflows on cases. Each runs in one transaction and writes its own audit rows."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency
from agencies.roles import agency_of
from api.webhooks.events import case_updated_emit
from cases.models import AuditEvent, Case, CaseCounter


def audit_record(
    *,
    actor,
    action: str,
    case: Case | None = None,
    obj=None,
    object_type: str = "",
    fields: list[str] | tuple[str, ...] = (),
    reason: str = "",
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one audit row. Call it inside the transaction of the action it records."""
    return AuditEvent.objects.create(
        actor=actor,
        agency=agency_of(actor) if actor is not None else None,
        action=action,
        case=case,
        object_type=obj._meta.label_lower if obj is not None else object_type,
        object_id=str(obj.pk) if obj is not None else "",
        fields=sorted(fields),
        reason=reason,
        ip_address=ip_address,
    )


def _next_case_code(agency: Agency, year: int) -> str:
    counter, _created = CaseCounter.objects.select_for_update().get_or_create(
        regency=agency.regency, year=year
    )
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{agency.regency.case_prefix}-{year}-{counter.last_number:05d}"


@transaction.atomic
def case_open(*, opened_by, agency: Agency, reported_at, risk_level: str, **details) -> Case:
    """Open a case led by ``agency``, with a code unique per kab/kota and year."""
    year = timezone.localtime(reported_at).year
    case = Case(
        code=_next_case_code(agency, year),
        regency=agency.regency,
        lead_agency=agency,
        opened_by=opened_by,
        reported_at=reported_at,
        risk_level=risk_level,
        **details,
    )
    case.full_clean(exclude=["code"])
    case.save()
    audit_record(actor=opened_by, action=AuditEvent.Action.CREATE, case=case, obj=case)
    return case


IDENTITY_FIELDS = ("name", "nik", "kk_number", "address", "school", "phone")


@transaction.atomic
def case_identity_reveal(
    *, case: Case, revealed_by, reason: str = "", ip_address: str | None = None
) -> list[dict]:
    """The identity section of every person in the case, with the reveal audited.

    The caller has checked ``case.identity_access(revealed_by)``; heads must give a reason.
    """
    audit_record(
        actor=revealed_by,
        action=AuditEvent.Action.REVEAL_IDENTITY,
        case=case,
        fields=IDENTITY_FIELDS,
        reason=reason,
        ip_address=ip_address,
    )
    return [
        {
            "part": party.get_part_display(),
            "is_anonymous": party.is_anonymous,
            **{field: getattr(party.person, field) for field in IDENTITY_FIELDS},
        }
        for party in case.parties.all()
    ]


CASE_EDITABLE_FIELDS = {
    "risk_level",
    "jurisdiction",
    "ampk_category",
    "place_type",
    "incident_date",
    "incident_date_is_approximate",
}


class StaleVersionError(Exception):
    """The record changed since the editor loaded it; nothing was written."""


@transaction.atomic
def case_update(*, case: Case, updated_by, expected_version: int, changes: dict) -> Case:
    """Change fields of a case, unless someone else changed it since ``expected_version``.

    The version check and the write are one conditional UPDATE, so two editors racing
    with the same version can never both succeed.
    """
    if not Case.objects.editable_by(updated_by).filter(pk=case.pk).exists():
        raise PermissionDenied
    if case.status == "terminasi":
        raise ValidationError(_("A closed case cannot be changed. Reopen it first."))
    refused = set(changes) - CASE_EDITABLE_FIELDS
    if refused:
        # Status, agency, lead and dates move only through their own workflow steps.
        raise PermissionDenied(f"Not editable here: {sorted(refused)}")
    for field, value in changes.items():
        setattr(case, field, value)
    case.full_clean(exclude=["code"])
    written = Case.objects.filter(pk=case.pk, version=expected_version).update(
        **changes, version=F("version") + 1, updated_at=timezone.now()
    )
    if written != 1:
        raise StaleVersionError
    case.version = expected_version + 1
    audit_record(
        actor=updated_by, action=AuditEvent.Action.UPDATE, case=case, obj=case, fields=changes
    )
    case_updated_emit(case=case, changed=changes)
    return case
