"""When and how much of the statistics cells a refresh counts again.

Counting every case every time does not scale (a million cases make millions of cells),
so on PostgreSQL the frequent refresh counts again only the slices (agency, month) that
writes touched since the last one (reports.slices), plus the snapshots. A full rebuild
runs the first time and every ``FULL_REBUILD_EVERY`` as the safety net, a batch of
agencies per transaction so the frequent refresh can slip in between. SQLite has no
triggers noting the changes: there every refresh counts everything, as one transaction.
"""

import datetime
import time
import zoneinfo

from django.db import connection, transaction
from django.utils import timezone

from agencies.models import Agency
from cases.models import Case
from cases.models.cases import TPKS_POLICE_REPORT_WITHIN
from cases.models.choices import ViolenceForm
from reports.locks import (
    refresh_lock_taken,
    refresh_lock_wait,
    session_lock_release,
    session_lock_taken,
)
from reports.models import StatsRefresh
from reports.slices import Scope, consume_changes, forget_changes
from reports.stats import rebuild_slices, replace_snapshots

# Any 64-bit numbers: one refresh writing cells at a time, one full rebuild at a time.
REFRESH_LOCK = 640_071_007
FULL_LOCK = 640_071_009
FULL_REBUILD_EVERY = datetime.timedelta(hours=1)
# A step holds the refresh lock: at a million cases 25 agencies take some seconds, so the
# frequent refresh waits at most that long.
AGENCIES_PER_STEP = 25
# Some slack on when the last refresh started: a slice counted twice costs little.
DEADLINE_SLACK = datetime.timedelta(minutes=5)
KEEP_RECORDS = 10


def refresh(*, full: bool | None = None) -> int | None:
    now = timezone.now()
    if connection.vendor != "postgresql":
        return _everything_at_once(now)
    if full is None:
        full = not StatsRefresh.objects.filter(
            full=True, finished_at__gte=now - FULL_REBUILD_EVERY
        ).exists()
    elif not full:
        # Changes alone are counted against a full count: the first refresh is one.
        full = not StatsRefresh.objects.filter(full=True).exists()
    if full:
        written = _everything_in_steps(now)
        if written is not None:
            return written
    return _changes(now)


def _record(started: float, cells: int, *, full: bool) -> None:
    StatsRefresh.objects.create(
        finished_at=timezone.now(), seconds=time.monotonic() - started, cells=cells, full=full
    )
    # The latest full rebuild is kept: it says when the next one is due.
    latest_full = StatsRefresh.objects.filter(full=True).order_by("-finished_at").first()
    StatsRefresh.objects.filter(
        pk__in=StatsRefresh.objects.order_by("-finished_at").values("pk")[KEEP_RECORDS:]
    ).exclude(pk=getattr(latest_full, "pk", None)).delete()


def _everything_at_once(now) -> int | None:
    started = time.monotonic()
    with transaction.atomic():
        if not refresh_lock_taken(REFRESH_LOCK):
            return None
        written = rebuild_slices(Scope(everything=True)) + replace_snapshots(now)
        _record(started, written, full=True)
    return written


def _changes(now) -> int | None:
    """Count again the slices changed since the last refresh, and the snapshots."""
    started = time.monotonic()
    with transaction.atomic():
        if not refresh_lock_taken(REFRESH_LOCK):
            return None
        scope = Scope()
        consume_changes(scope)
        _deadlines_passed(scope, now)
        written = rebuild_slices(scope) + replace_snapshots(now)
        _record(started, written, full=False)
    return written


def _deadlines_passed(scope: Scope, now) -> None:
    """TPKS cases whose 72 hours ran out since the last refresh move from "pending" to
    "missed" with no write to note it: their slices are counted again too."""
    last = StatsRefresh.objects.order_by("-finished_at").first()
    if last is None:
        return
    since = last.finished_at - datetime.timedelta(seconds=last.seconds) - DEADLINE_SLACK
    passed = (
        Case.objects.filter(
            violence_forms__form=ViolenceForm.SEXUAL,
            police_reported_at__isnull=True,
            reported_at__gte=since - TPKS_POLICE_REPORT_WITHIN,
            reported_at__lte=now - TPKS_POLICE_REPORT_WITHIN,
        )
        .values_list("lead_agency_id", "lead_agency__time_zone", "reported_at")
        .distinct()
    )
    for agency_id, zone_name, reported_at in passed:
        local = timezone.localtime(reported_at, zoneinfo.ZoneInfo(zone_name))
        scope.add(agency_id, local.date().replace(day=1))


def _everything_in_steps(now) -> int | None:
    """Count every slice again, a batch of agencies per transaction; None when another
    full rebuild is running."""
    if not session_lock_taken(FULL_LOCK):
        return None
    try:
        started = time.monotonic()
        with transaction.atomic():
            refresh_lock_wait(REFRESH_LOCK)
            # Committed before counting starts: whatever they noted is counted below.
            forget_changes()
        agencies = list(Agency.objects.order_by("pk").values_list("pk", flat=True))
        written = 0
        for first in range(0, len(agencies), AGENCIES_PER_STEP):
            step = Scope(months=dict.fromkeys(agencies[first : first + AGENCIES_PER_STEP]))
            with transaction.atomic():
                refresh_lock_wait(REFRESH_LOCK)
                written += rebuild_slices(step)
        with transaction.atomic():
            refresh_lock_wait(REFRESH_LOCK)
            written += replace_snapshots(now)
            _record(started, written, full=True)
        return written
    finally:
        session_lock_release(FULL_LOCK)
