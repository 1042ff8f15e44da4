"""Placing a child in a safe house, ending and extending the stay, and telling the case
supervisors when a stay runs beyond its planned end.

Each workflow runs in one transaction: it checks everything before it writes, and
writes its audit row with the change, so nothing is ever half-recorded.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import User
from agencies.notifications import notification_send
from agencies.roles import Role
from cases.models import AuditEvent, Case, Placement, SafeHouse
from cases.services import audit_record
from cases.workflow import _require_editor


@transaction.atomic
def placement_start(
    *,
    case: Case,
    placed_by: User,
    safe_house: SafeHouse,
    started_on: date,
    planned_end_on: date | None = None,
) -> Placement:
    """Place a child of ``case`` in ``safe_house``; the stay is planned for the house's
    standard number of days unless ``planned_end_on`` says otherwise."""
    _require_editor(case, placed_by)
    if not SafeHouse.objects.placeable_by(placed_by).filter(pk=safe_house.pk).exists():
        raise ValidationError(
            {"safe_house": _("Choose a safe house your agency may place children in.")}
        )
    # The row lock makes two placements into the last free place wait for each other.
    house = SafeHouse.objects.select_for_update().get(pk=safe_house.pk)
    planned_end_on = planned_end_on or house.default_planned_end(started_on)
    if planned_end_on < started_on:
        raise ValidationError({"planned_end_on": _("The planned end is before the start.")})
    if house.places_taken_during(started_on, planned_end_on) >= house.capacity:
        raise ValidationError({"safe_house": _("This safe house has no free place then.")})
    placement = Placement(
        case=case,
        safe_house=house,
        operator_id=house.operator_id,
        started_on=started_on,
        planned_end_on=planned_end_on,
        recorded_by=placed_by,
    )
    placement.full_clean()
    placement.save()
    audit_record(
        actor=placed_by,
        action=AuditEvent.Action.CREATE,
        case=case,
        obj=placement,
        fields=["safe_house", "started_on", "planned_end_on"],
    )
    return placement


@transaction.atomic
def placement_end(*, placement: Placement, ended_by: User, ended_on: date) -> Placement:
    """Record the day the child left the safe house."""
    _require_editor(placement.case, ended_by)
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": _("The date cannot be in the future.")})
    if ended_on < placement.started_on:
        raise ValidationError({"ended_on": _("The end is before the start.")})
    # Conditional UPDATE: of two people ending the same stay at once, one wins.
    ended = Placement.objects.filter(pk=placement.pk, ended_on__isnull=True).update(
        ended_on=ended_on
    )
    if ended != 1:
        raise ValidationError(_("This placement has already ended."))
    placement.ended_on = ended_on
    audit_record(
        actor=ended_by,
        action=AuditEvent.Action.UPDATE,
        case=placement.case,
        obj=placement,
        fields=["ended_on"],
    )
    return placement


@transaction.atomic
def placement_extend(
    *, placement: Placement, extended_by: User, planned_end_on: date, reason: str
) -> Placement:
    """Move the planned end later, saying why; the overdue flag is armed again for it."""
    _require_editor(placement.case, extended_by)
    if not placement.is_open():
        raise ValidationError(_("This placement has already ended."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the stay is extended.")})
    if planned_end_on <= placement.planned_end_on:
        raise ValidationError(
            {"planned_end_on": _("The new planned end must be later than the current one.")}
        )
    extended = Placement.objects.filter(
        pk=placement.pk, ended_on__isnull=True, planned_end_on=placement.planned_end_on
    ).update(planned_end_on=planned_end_on)
    if extended != 1:
        raise ValidationError(_("Someone changed the placement meanwhile. Reload and try again."))
    placement.planned_end_on = planned_end_on
    audit_record(
        actor=extended_by,
        action=AuditEvent.Action.UPDATE,
        case=placement.case,
        obj=placement,
        fields=["planned_end_on"],
        reason=reason.strip(),
    )
    return placement


def placements_flag_overdue(*, today: date | None = None) -> int:
    """Flag every stay beyond its planned end to the case supervisors, once per planned
    end. Returns how many were flagged; a second run the same day flags none."""
    today = today or timezone.localdate()
    waiting = Placement.objects.awaiting_overdue_flag(today).values_list("pk", flat=True)
    return sum(placement_flag_overdue(placement_id=pk, today=today) for pk in list(waiting))


@transaction.atomic
def placement_flag_overdue(*, placement_id: int, today: date) -> bool:
    placement = (
        Placement.objects.select_related("case__lead_agency", "case__lead_caseworker")
        .filter(pk=placement_id)
        .first()
    )
    if placement is None:
        return False
    # Claimed by a conditional UPDATE, so two workers running the sweep flag it once.
    claimed = (
        Placement.objects.awaiting_overdue_flag(today)
        .filter(pk=placement_id, planned_end_on=placement.planned_end_on)
        .update(overdue_flagged_for=F("planned_end_on"))
    )
    if not claimed:
        return False
    case = placement.case
    notification_send(
        recipients=_case_supervisors(case),
        kind="placement_overdue",
        subject_code=case.code,
        url=case.get_absolute_url(),
        key=f"placement-overdue:{placement.pk}:{placement.planned_end_on}",
    )
    audit_record(
        actor=None,
        action=AuditEvent.Action.UPDATE,
        case=case,
        obj=placement,
        fields=["overdue_flagged_for"],
    )
    return True


def _case_supervisors(case: Case) -> list[User]:
    """The lead agency's supervisors; the lead caseworker when the agency has none, so
    the flag always reaches someone responsible for the case."""
    supervisors = list(User.objects.holding_role(case.lead_agency, Role.SUPERVISOR))
    if supervisors or case.lead_caseworker is None:
        return supervisors
    return [case.lead_caseworker]
