"""Adding a person to a case that is already open.

The web UI adds people only by attaching a later complaint to the case (triage); a
partner system that learns of a sibling, a guardian or a witness adds the person here,
under the same rules: only someone who may change the open case, one record per child
(found by the keyed NIK hash, as at triage), and an audit row naming the identity
fields that were filled in, never their values.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.intake import PERSON_FIELDS
from cases.intake import _known_child as known_child  # the triage rule: one record per child
from cases.models import AuditEvent, Case, CaseParty, Person
from cases.services import IDENTITY_FIELDS, StaleVersionError, audit_record


def _person_for(details: dict, part: str, added_by) -> Person:
    """A new record, or for a child the one record of that child the user already sees;
    nothing is stored before that is known, so no stray copy of an identity is kept."""
    person = Person(**{field: details[field] for field in PERSON_FIELDS if field in details})
    person.full_clean()
    person.refresh_derived_fields()
    if part == CaseParty.Part.CHILD:
        known = known_child(person, added_by)
        if known is not person:
            return known
    person.save()
    return person


def _touch(case: Case, expected_version: int | None) -> None:
    """A new party changes what the case shows (its pseudonym): a new version, so
    partners holding the old ETag read it again and sync picks it up."""
    version = case.version if expected_version is None else expected_version
    touched = Case.objects.filter(pk=case.pk, version=version).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if touched != 1:
        raise StaleVersionError
    case.version = version + 1


@transaction.atomic
def case_party_add(
    *,
    case: Case,
    added_by,
    part: str,
    person: dict,
    relationship: str = "",
    is_anonymous: bool = False,
    is_child_in_conflict_with_law: bool = False,
    expected_version: int | None = None,
) -> CaseParty:
    """Add ``person`` (identity and profile fields, as at intake) to ``case`` as ``part``."""
    if not Case.objects.editable_by(added_by).filter(pk=case.pk).exists():
        raise PermissionDenied
    if case.status == "terminasi":
        raise ValidationError(_("A closed case cannot be changed. Reopen it first."))
    if is_anonymous and part != CaseParty.Part.REPORTER:
        raise ValidationError({"is_anonymous": _("Only a reporter can stay anonymous.")})
    if is_anonymous:
        person = {}  # an anonymous reporter leaves nothing that could identify them
    record = _person_for(person, part, added_by)
    if CaseParty.objects.filter(case=case, person=record, part=part).exists():
        raise ValidationError(_("This person already has this part in the case."))
    party = CaseParty.objects.create(
        case=case,
        person=record,
        part=part,
        relationship=relationship,
        is_anonymous=is_anonymous,
        is_child_in_conflict_with_law=is_child_in_conflict_with_law,
    )
    _touch(case, expected_version)
    filled = [field for field in IDENTITY_FIELDS if person.get(field)]
    audit_record(
        actor=added_by, action=AuditEvent.Action.CREATE, case=case, obj=party, fields=filled
    )
    return party
