"""Which months of the coordination metrics a refresh counts again.

Every metric cell belongs to one month: a referral's (sent, completed or ended), a case's
(reported or closed), a meeting's start, an action item's due date, each on its agency's
clock. Counting every month every time took most of a minute at a million cases, so the
frequent refresh counts again, for every agency, only:

- the months of the days that writes touched, noted by triggers (migration 0008);
- the months where a deadline passed since the last refresh, which nobody writes: a
  referral's answer falling due, a meeting starting, its minutes falling due, an action
  item's due date;
- each clock's current month, where the snapshots (caseworkers, commitments kept) live.

The hourly full rebuild counts all months, a year at a time (reports.metric_refresh).
"""

import datetime
import zoneinfo
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from agencies.models import Agency
from meetings.models import ActionItem, Meeting
from referrals.models import Referral
from reports.metrics import MINUTES_DUE_AFTER
from reports.slices import any_of, next_month

UTC = datetime.UTC


@dataclass
class MonthWindow:
    """The months (first days) a refresh counts again; ``None`` for every month."""

    months: set[datetime.date] | None = field(default_factory=set)

    @classmethod
    def everything(cls) -> "MonthWindow":
        return cls(months=None)

    @classmethod
    def spanning(cls, first: datetime.date, last: datetime.date) -> "MonthWindow":
        window = cls()
        month = first.replace(day=1)
        while month <= last:
            window.months.add(month)
            month = next_month(month)
        return window

    @property
    def is_everything(self) -> bool:
        return self.months is None

    def holds(self, month: datetime.date) -> bool:
        return self.months is None or month in self.months

    def add_utc_day(self, day: datetime.date | None) -> None:
        """A UTC day is that day or the next on every Indonesian clock (UTC+7 to +9)."""
        if self.months is None:
            return
        if day is None:
            self.months = None
            return
        self.months.add(day.replace(day=1))
        self.months.add((day + datetime.timedelta(days=1)).replace(day=1))

    def _spans(self) -> list[tuple[datetime.date, datetime.date]]:
        """Consecutive months joined: (first month, the month after the last)."""
        spans = []
        for month in sorted(self.months):
            if spans and spans[-1][1] == month:
                spans[-1] = (spans[-1][0], next_month(month))
            else:
                spans.append((month, next_month(month)))
        return spans

    def on(self, path: str, zone: zoneinfo.ZoneInfo) -> Q:
        """Rows whose moment ``path`` falls in the window on the clock ``zone``."""
        if self.months is None:
            return Q()

        def start(month):
            return datetime.datetime.combine(month, datetime.time(), tzinfo=zone)

        return any_of(
            Q(**{f"{path}__gte": start(first), f"{path}__lt": start(end)})
            for first, end in self._spans()
        )

    def on_dates(self, path: str) -> Q:
        """Rows whose plain date ``path`` falls in the window."""
        if self.months is None:
            return Q()
        return any_of(
            Q(**{f"{path}__gte": first, f"{path}__lt": end}) for first, end in self._spans()
        )


def consume_changes(window: MonthWindow) -> None:
    """Take the days written since the last refresh into ``window``, and forget them.

    Inside the refresh's transaction: if it fails, the changes come back with the rollback.
    """
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM reports_metricschange RETURNING day")
        for (day,) in set(cursor.fetchall()):
            window.add_utc_day(day)


def forget_changes() -> None:
    """Before counting every month: the full rebuild counts what was noted so far."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM reports_metricschange")


def local_days(now: datetime.datetime) -> dict[str, datetime.date]:
    """The day ``now`` falls on by each clock an agency may keep (WIB, WITA, WIT)."""
    return {
        zone_name: timezone.localdate(now, zoneinfo.ZoneInfo(zone_name))
        for zone_name in Agency.TimeZone.values
    }


def add_current_months(window: MonthWindow, now: datetime.datetime) -> None:
    for day in local_days(now).values():
        window.add_utc_day(day)


def add_deadlines_passed(
    window: MonthWindow, since: datetime.datetime, now: datetime.datetime
) -> None:
    """The months whose figures changed between ``since`` and ``now`` with no write: an
    answer, a meeting, its minutes or an action item falling due."""
    moments = [
        Referral.objects.filter(respond_by__gt=since, respond_by__lte=now).annotate(
            day=TruncDate("sent_at", tzinfo=UTC)
        ),
        Meeting.objects.filter(starts_at__gt=since, starts_at__lte=now).annotate(
            day=TruncDate("starts_at", tzinfo=UTC)
        ),
        Meeting.objects.filter(
            ends_at__gt=since - MINUTES_DUE_AFTER, ends_at__lte=now - MINUTES_DUE_AFTER
        ).annotate(day=TruncDate("starts_at", tzinfo=UTC)),
    ]
    for rows in moments:
        for day in rows.values_list("day", flat=True).distinct():
            window.add_utc_day(day)
    # "Due before today" turns at midnight on the agency's clock: a day either side.
    items = ActionItem.objects.filter(
        due_on__gte=since.astimezone(UTC).date() - datetime.timedelta(days=1),
        due_on__lte=now.astimezone(UTC).date() + datetime.timedelta(days=1),
    )
    for day in items.values_list("due_on", flat=True).distinct():
        window.add_utc_day(day)
