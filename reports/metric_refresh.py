"""Keeping the coordination metric cells fresh: the months touched, often; all, hourly.

The frequent refresh (every ``reports-refresh`` beat) counts again only the months in its
window (reports.metric_window), for every agency, so it stays short however many years of
cases there are. The full rebuild (hourly, and the first time) counts every month, a year
of months per transaction, so the frequent refresh can slip in between. SQLite (the
embedded development default) has no triggers noting changes: there every refresh counts
everything, in one transaction.
"""

import datetime
import time
import zoneinfo

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from agencies.models import Agency
from cases.models import Case
from meetings.models import ActionItem, Meeting
from referrals.models import Referral
from reports.locks import (
    refresh_lock_taken,
    refresh_lock_wait,
    session_lock_release,
    session_lock_taken,
)
from reports.metric_window import (
    MonthWindow,
    add_current_months,
    add_deadlines_passed,
    consume_changes,
    forget_changes,
    local_days,
)
from reports.metric_writes import replace_cells
from reports.metrics import COLLECTORS, Cells
from reports.models import MetricCell, MetricsRefresh

# Any 64-bit numbers other than reports.refresh's: one metrics refresh writing cells at a
# time, one full rebuild at a time.
REFRESH_LOCK = 640_071_008
FULL_LOCK = 640_071_010
FULL_REBUILD_EVERY = datetime.timedelta(hours=1)
MONTHS_PER_STEP = 12
# Some slack on when the last refresh counted: a month counted twice costs little.
DEADLINE_SLACK = datetime.timedelta(minutes=5)
KEEP_RECORDS = 10


def metrics_refresh(
    *, now: datetime.datetime | None = None, full: bool | None = None
) -> int | None:
    """Bring the metric cells up to date; readers keep seeing the previous ones until each
    transaction commits. Only cells whose figures changed are written
    (reports.metric_writes).

    ``full``: True counts every month; False only the window, unless nothing was ever
    counted; None (the default) counts every month when the last full rebuild is older
    than ``FULL_REBUILD_EVERY``. Returns the number of cells the counted months make, or
    None when another refresh holds the cells.
    """
    now = now or timezone.now()
    if connection.vendor != "postgresql":
        return _everything_at_once(now)
    last = MetricsRefresh.objects.first()
    if full is None:
        full = not MetricsRefresh.objects.filter(
            full=True, started_at__gt=now - FULL_REBUILD_EVERY
        ).exists()
    # Never counted, or a clock that went back: the window would miss months.
    if last is None or now < last.started_at:
        full = True
    if full:
        return _everything_in_steps(now)
    return _window(now, since=last.started_at - DEADLINE_SLACK)


def _collect(now, window: MonthWindow) -> Cells:
    cells = Cells()
    for zone_name in Agency.TimeZone.values:
        zone = zoneinfo.ZoneInfo(zone_name)
        for collect in COLLECTORS:
            collect(cells, zone, zone_name, now, window)
    return cells


def snapshot_months(now) -> dict[str, datetime.date]:
    """The month each time zone's snapshots are recorded for: the refresh's, on its clock."""
    return {zone_name: day.replace(day=1) for zone_name, day in local_days(now).items()}


def _count(now, window: MonthWindow) -> int:
    rows = _collect(now, window).rows()
    months = None if window.is_everything else sorted(window.months)
    replace_cells(rows, snapshot_months(now), months=months)
    return len(rows)


def _record(now, started: float, cells: int, *, full: bool) -> None:
    MetricsRefresh.objects.create(
        started_at=now,
        finished_at=timezone.now(),
        seconds=time.monotonic() - started,
        cells=cells,
        full=full,
    )
    # The latest full rebuild is kept: it says when the next one is due.
    latest_full = MetricsRefresh.objects.filter(full=True).first()
    MetricsRefresh.objects.filter(
        pk__in=MetricsRefresh.objects.values("pk")[KEEP_RECORDS:]
    ).exclude(pk=getattr(latest_full, "pk", None)).delete()


def _everything_at_once(now) -> int | None:
    started = time.monotonic()
    with transaction.atomic():
        if not refresh_lock_taken(REFRESH_LOCK):
            return None
        written = _count(now, MonthWindow.everything())
        _record(now, started, written, full=True)
    return written


def _window(now, *, since: datetime.datetime) -> int | None:
    """Count again the months touched or passed due since ``since``, and this month."""
    started = time.monotonic()
    with transaction.atomic():
        if not refresh_lock_taken(REFRESH_LOCK):
            return None
        window = MonthWindow()
        consume_changes(window)
        add_current_months(window, now)
        add_deadlines_passed(window, since, now)
        written = _count(now, window)
        _record(now, started, written, full=False)
    return written


def _everything_in_steps(now) -> int | None:
    """Count every month, ``MONTHS_PER_STEP`` per transaction; None when another full
    rebuild is running."""
    if not session_lock_taken(FULL_LOCK):
        return None
    try:
        started = time.monotonic()
        with transaction.atomic():
            refresh_lock_wait(REFRESH_LOCK)
            # Committed before counting starts: whatever they noted is counted below.
            forget_changes()
        months = sorted(_months_holding_anything(now).months)
        written = 0
        for first in range(0, len(months), MONTHS_PER_STEP):
            step = MonthWindow(months=set(months[first : first + MONTHS_PER_STEP]))
            with transaction.atomic():
                refresh_lock_wait(REFRESH_LOCK)
                written += _count(now, step)
        with transaction.atomic():
            _record(now, started, written, full=True)
        return written
    finally:
        session_lock_release(FULL_LOCK)


def _months_holding_anything(now) -> MonthWindow:
    """Every month from the earliest to the latest that a counted row or a stored cell
    falls in (and this month): counting them all leaves no cell behind."""
    bounds = [
        Case.objects.aggregate(
            a=Min("reported_at"), b=Max("reported_at"), c=Min("closed_at"), d=Max("closed_at")
        ),
        Referral.objects.aggregate(
            a=Min("sent_at"), b=Max("sent_at"), c=Max("completed_at"), d=Max("ended_at")
        ),
        Meeting.objects.aggregate(a=Min("starts_at"), b=Max("starts_at")),
    ]
    days = [timezone.localdate(now, datetime.UTC)]
    for found in bounds:
        days += [moment.astimezone(datetime.UTC).date() for moment in found.values() if moment]
    for found in (
        ActionItem.objects.aggregate(a=Min("due_on"), b=Max("due_on")),
        MetricCell.objects.aggregate(a=Min("month"), b=Max("month")),
    ):
        days += [day for day in found.values() if day]
    return MonthWindow.spanning(min(days), max(days) + datetime.timedelta(days=1))
