"""Prevention activities: recording them, monthly targets, and progress against the target.

``monthly_progress`` is also what the reports read: it takes the activities already narrowed
by ``PreventionActivity.objects.visible_to(user)`` (or every activity, for a report that
answers to nobody's agency), so this module never decides who sees what.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypedDict, Unpack

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, PreventionActivity, PreventionTarget, Region, User
from agencies.models.prevention import (
    DEFAULT_MONTHLY_TARGET,
    PARTICIPANT_GROUPS,
    agency_today,
)
from agencies.network_scope import (
    is_network_coordinator,
    keeps_network_registers,
    network_membership,
)
from cases.models import AuditEvent
from cases.services import audit_record

PROGRESS_MONTHS = 6


class ActivityDetails(TypedDict):
    held_on: datetime.date
    type: str
    target_group: str
    place: str
    region: Region
    topic: str
    boys: int
    girls: int
    men: int
    women: int
    materials: str


# --- Recording --------------------------------------------------------------------------------


@transaction.atomic
def prevention_activity_record(
    *, recorded_by: User, **details: Unpack[ActivityDetails]
) -> PreventionActivity:
    """Record an activity the recorder's own agency organised."""
    membership = network_membership(recorded_by)
    if membership is None:
        raise PermissionDenied
    activity = PreventionActivity(agency=membership.agency, recorded_by=recorded_by, **details)
    activity.full_clean()
    activity.save()
    audit_record(
        actor=recorded_by, action=AuditEvent.Action.CREATE, obj=activity, fields=list(details)
    )
    return activity


@transaction.atomic
def prevention_activity_update(
    *, activity: PreventionActivity, changed_by: User, **details: Unpack[ActivityDetails]
) -> PreventionActivity:
    """Correct an activity; only the organising agency's staff may.

    Changes are compared with the stored row, locked, not with ``activity``: a form may
    already have written its values onto that instance.
    """
    editable = PreventionActivity.objects.editable_by(changed_by).select_for_update()
    stored = editable.filter(pk=activity.pk).first()
    if stored is None:
        raise PermissionDenied
    changed = [name for name, value in details.items() if getattr(stored, name) != value]
    for name in changed:
        setattr(stored, name, details[name])
    stored.full_clean()
    if changed:
        stored.save(update_fields=changed)
        audit_record(actor=changed_by, action=AuditEvent.Action.UPDATE, obj=stored, fields=changed)
    return stored


# --- Targets ----------------------------------------------------------------------------------


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def may_set_target(user: User, agency: Agency) -> bool:
    """The agency's own heads, supervisors and coordinators set its target."""
    membership = network_membership(user)
    return (
        membership is not None
        and membership.agency_id == agency.pk
        and keeps_network_registers(user)
    )


@transaction.atomic
def prevention_target_set(
    *, agency: Agency, per_month: int, starts_on: datetime.date, set_by: User
) -> PreventionTarget:
    """Aim for ``per_month`` activities from the month of ``starts_on`` onwards.

    Earlier months keep the target they had, so progress already reported never changes.
    """
    if not may_set_target(set_by, agency):
        raise PermissionDenied
    if starts_on.day != 1:
        raise ValidationError({"starts_on": _("Choose a month.")})
    if starts_on < month_start(agency_today(agency)):
        raise ValidationError(
            {"starts_on": _("A target applies from this month onwards; past months keep theirs.")}
        )
    target = PreventionTarget.objects.filter(agency=agency, starts_on=starts_on).first()
    action = AuditEvent.Action.UPDATE if target else AuditEvent.Action.CREATE
    target = target or PreventionTarget(agency=agency, starts_on=starts_on)
    target.per_month = per_month
    target.set_by = set_by
    target.full_clean()
    target.save()
    audit_record(actor=set_by, action=action, obj=target, fields=["per_month", "starts_on"])
    return target


# --- Progress ---------------------------------------------------------------------------------


def last_months(count: int = PROGRESS_MONTHS, today: datetime.date | None = None):
    """The first days of the last ``count`` months, this month included, oldest first."""
    month = month_start(today or timezone.localdate())
    months = [month]
    for _step in range(count - 1):
        month = month_start(month - datetime.timedelta(days=1))
        months.append(month)
    return months[::-1]


@dataclass(frozen=True)
class MonthProgress:
    month: datetime.date
    target: int
    activities: int = 0
    boys: int = 0
    girls: int = 0
    men: int = 0
    women: int = 0

    @property
    def children(self) -> int:
        return self.boys + self.girls

    @property
    def adults(self) -> int:
        return self.men + self.women

    @property
    def participants(self) -> int:
        return self.children + self.adults

    @property
    def percent(self) -> int:
        return round(100 * self.activities / self.target)

    @property
    def met(self) -> bool:
        return self.activities >= self.target


@dataclass(frozen=True)
class AgencyProgress:
    agency: Agency
    months: list[MonthProgress] = field(default_factory=list)

    @property
    def activities(self) -> int:
        return sum(month.activities for month in self.months)

    @property
    def participants(self) -> int:
        return sum(month.participants for month in self.months)


def monthly_progress(
    *,
    agencies: Iterable[Agency],
    months: Sequence[datetime.date],
    activities: QuerySet[PreventionActivity],
) -> list[AgencyProgress]:
    """Per agency and month: activities, participants by group, target and percent.

    ``months`` are first days of months; ``activities`` is already narrowed to what the
    reader may see. Two queries (plus one if ``agencies`` is an unevaluated queryset),
    however many agencies, months and activities there are.
    """
    agencies = list(agencies)
    months = sorted(months)
    if not agencies or not months:
        return []
    agency_ids = [agency.pk for agency in agencies]
    end = _next_month(months[-1])
    rows = activities.filter(
        agency_id__in=agency_ids, held_on__gte=months[0], held_on__lt=end
    ).monthly_totals()
    counts = {(row["agency_id"], row["month"]): row for row in rows}
    targets = PreventionTarget.objects.filter(agency_id__in=agency_ids).per_month_table(months)
    return [
        AgencyProgress(agency, [_month(agency.pk, month, counts, targets) for month in months])
        for agency in agencies
    ]


def _month(agency_id: int, month: datetime.date, counts: dict, targets: dict) -> MonthProgress:
    row = counts.get((agency_id, month), {})
    numbers = {name: row.get(name, 0) for name in ("activities", *PARTICIPANT_GROUPS)}
    target = targets.get((agency_id, month), DEFAULT_MONTHLY_TARGET)
    return MonthProgress(month=month, target=target, **numbers)


def _next_month(month: datetime.date) -> datetime.date:
    return month_start(month + datetime.timedelta(days=31))


def progress_agencies_for(user: User, months: Sequence[datetime.date]) -> QuerySet[Agency]:
    """Whose progress the user follows: their own agency; a coordinator, the city's.

    A coordinator sees the agencies that run prevention work (a target, or an activity in
    ``months``) beside their own, not every court and hospital of the city at 0 of 4.
    """
    membership = network_membership(user)
    if membership is None:
        return Agency.objects.none()
    if not is_network_coordinator(user):
        return Agency.objects.filter(pk=membership.agency_id)
    has_target = Exists(PreventionTarget.objects.filter(agency=OuterRef("pk")))
    active = PreventionActivity.objects.visible_to(user).filter(
        agency=OuterRef("pk"), held_on__gte=min(months)
    )
    return Agency.objects.filter(regency_id=membership.agency.regency_id, is_active=True).filter(
        Q(pk=membership.agency_id) | has_target | Exists(active)
    )
