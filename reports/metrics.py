"""Counting the coordination and unit-performance cells, in the database.

Each collector counts the months of a window (reports.metric_window: the months touched
since the last refresh, or all of them), one grouped query per indicator and time zone:
a referral belongs to the month it was sent on the receiving agency's clock, a case to
the month it was reported on its lead agency's clock, as in ``reports.stats``. Durations
are kept as histograms (see ``HOURS_METRICS``) so that a median over any months and
agencies can still be read from the cells. Two indicators are states, not flows (how
many caseworkers an agency has, whether it keeps its commitments): they are recorded for
the month the refresh runs in and kept afterwards. docs/coordination-metrics.md defines
every indicator; reports.metric_refresh runs the collectors.
"""

import datetime
from collections import defaultdict

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import (
    Cast,
    Coalesce,
    Floor,
    Greatest,
    Least,
    Length,
    TruncDate,
    TruncMonth,
)
from django.db.models.lookups import LessThan
from django.utils import timezone

from agencies.commitments import commitments_of
from agencies.models import Agency, Agreement, Commitment, MembershipRole
from agencies.roles import Role
from cases.models import Assessment, AuditEvent, CaseNote
from cases.models import Case as CaseRecord
from cases.models.choices import ClosureReason
from meetings.models import ActionItem, Invitation, Meeting
from referrals.models import Referral
from reports.models import Metric

MINUTES_DUE_AFTER = datetime.timedelta(days=3)
# Bucket widths of the duration histograms: (up to this many hours, width in hours). A
# median read from them is off by less than one bucket width at most (1 h in the first
# three days, 6 h in the first week, a day after that).
HOUR_BUCKETS = ((72, 1), (168, 6), (2160, 24))
LAST_BUCKET = HOUR_BUCKETS[-1][0]


class HoursBetween(Func):
    """Hours from ``start`` to ``end`` as a float, computed by the database."""

    arity = 2  # (end, start)
    output_field = FloatField()
    template = "(EXTRACT(EPOCH FROM (%(expressions)s)) / 3600.0)"
    arg_joiner = " - "

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite keeps datetimes as UTC text; julianday() reads it in days, with a float
        # error of some microseconds that would put exactly 1 h in the 0 h bucket: rounded
        # to the millisecond.
        return self.as_sql(
            compiler,
            connection,
            template="(ROUND((julianday(%(expressions)s)) * 86400000.0) / 3600000.0)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


def hours_bucket(hours: float) -> int:
    """The bucket of a duration, as the SQL of ``_bucket`` computes it (for tests, docs)."""
    hours = max(hours, 0.0)
    lower = 0
    for upper, width in HOUR_BUCKETS:
        if hours < upper:
            return lower + int((hours - lower) // width) * width
        lower = upper
    return LAST_BUCKET


def _bucket(hours: str):
    """SQL: the lower bound of the histogram bucket holding the annotation ``hours``."""
    whens = []
    lower = 0
    for upper, width in HOUR_BUCKETS:
        start = Value(float(lower))
        offset = Floor((F(hours) - start) / Value(float(width))) * Value(float(width))
        whens.append(When(LessThan(F(hours), Value(float(upper))), then=start + offset))
        lower = upper
    return Cast(
        Case(*whens, default=Value(float(LAST_BUCKET)), output_field=FloatField()),
        IntegerField(),
    )


def _hours(end, start):
    """Hours from ``start`` to ``end``; a negative span (data entered out of order) is 0."""
    return Greatest(HoursBetween(end, start), Value(0.0))


def _month(path: str, zone):
    return TruncMonth(path, output_field=DateField(), tzinfo=zone)


class Cells:
    """The cells being built: (agency or None, regency, month, metric, bucket) → sums."""

    def __init__(self):
        self.values = defaultdict(lambda: [0.0, 0])

    def add(self, metric, rows, *, agency="cell_agency", bucket=None):
        for row in rows:
            key = (
                row[agency] if agency else None,
                row["cell_regency"],
                row["cell_month"],
                metric,
                row[bucket] if bucket else 0,
            )
            cell = self.values[key]
            cell[0] += row["num"]
            cell[1] += row["den"]

    def rows(self) -> list[tuple]:
        """(agency, regency, month, metric, bucket, numerator, denominator) of each cell."""
        return [
            (agency_id, regency_id, month, metric, bucket, numerator, denominator)
            for (agency_id, regency_id, month, metric, bucket), (numerator, denominator) in (
                self.values.items()
            )
            if regency_id is not None and month is not None
        ]


def _histogram(queryset, keys: dict, end: str, start: str):
    """Rows of (keys, bucket) with the sum of the hours and their count."""
    return (
        queryset.annotate(span_hours=_hours(end, start))
        .values(**keys, cell_bucket=_bucket("span_hours"))
        .annotate(num=Sum("span_hours"), den=Count("pk"))
    )


# --- Informasi dan komunikasi, umpan balik: referrals ---------------------------------------


def _referral_cells(cells: Cells, zone, zone_name: str, now, window) -> None:
    received = Referral.objects.filter(window.on("sent_at", zone), to_agency__time_zone=zone_name)
    keys = {
        "cell_agency": F("to_agency_id"),
        "cell_regency": F("to_agency__regency_id"),
        "cell_month": _month("sent_at", zone),
    }
    answered = Q(responded_at__isnull=False)
    cells.add(
        Metric.REFERRAL_RESPONSE_HOURS,
        _histogram(received.filter(answered), keys, "responded_at", "sent_at"),
        bucket="cell_bucket",
    )
    # As agencies.commitments counts them: due once answered or past the deadline; a
    # referral withdrawn before any answer was never the receiver's to answer.
    due = received.exclude(status=Referral.Status.CANCELLED, responded_at__isnull=True).filter(
        answered | Q(respond_by__lt=now)
    )
    on_time = answered & Q(responded_at__lte=F("respond_by"))
    cells.add(
        Metric.REFERRAL_ON_TIME,
        due.values(**keys).annotate(num=Count("pk", filter=on_time), den=Count("pk")),
    )
    # A transfer of the case lead ends "completed" with no service and no feedback asked.
    services = Referral.objects.filter(kind=Referral.Kind.REFERRAL)
    completed = services.filter(
        window.on("completed_at", zone),
        to_agency__time_zone=zone_name,
        status=Referral.Status.COMPLETED,
        completed_at__isnull=False,
    ).annotate(feedback_length=Length("feedback"))
    cells.add(
        Metric.REFERRAL_FEEDBACK,
        completed.values(
            cell_agency=F("to_agency_id"),
            cell_regency=F("to_agency__regency_id"),
            cell_month=_month("completed_at", zone),
        ).annotate(num=Count("pk", filter=Q(feedback_length__gt=0)), den=Count("pk")),
    )
    ended = (
        services.filter(
            window.on("ended_at", zone), from_agency__time_zone=zone_name, ended_at__isnull=False
        )
        .exclude(status=Referral.Status.CANCELLED, responded_at__isnull=True)
        .annotate(outcome_length=Length("outcome"))
    )
    with_outcome = Q(status=Referral.Status.COMPLETED, outcome_length__gt=0)
    cells.add(
        Metric.REFERRAL_OUTCOME,
        ended.values(
            cell_agency=F("from_agency_id"),
            cell_regency=F("from_agency__regency_id"),
            cell_month=_month("ended_at", zone),
        ).annotate(num=Count("pk", filter=with_outcome), den=Count("pk")),
    )


# --- Kalender: meetings ----------------------------------------------------------------------


def _minutes_on_time():
    return Q(minutes__written_at__lte=F("ends_at") + MINUTES_DUE_AFTER)


def _invited_meeting_cells(cells: Cells, zone, zone_name: str, now, window) -> None:
    """Per agency: the meetings it was invited to (itself or any of its people)."""
    invitations = Invitation.objects.filter(
        window.on("meeting__starts_at", zone),
        agency__time_zone=zone_name,
        meeting__starts_at__lt=now,
    )
    keys = {
        "cell_agency": F("agency_id"),
        "cell_regency": F("agency__regency_id"),
        "cell_month": _month("meeting__starts_at", zone),
    }
    held = Q(meeting__status=Meeting.Status.HELD)
    cells.add(
        Metric.MEETINGS_HELD,
        invitations.values(**keys).annotate(
            num=Count("meeting", filter=held, distinct=True),
            den=Count("meeting", distinct=True),
        ),
    )
    cells.add(
        Metric.ATTENDANCE,
        invitations.filter(held)
        .values(**keys)
        .annotate(
            num=Count("meeting", filter=Q(attended=True), distinct=True),
            den=Count("meeting", distinct=True),
        ),
    )
    minutes_due = invitations.filter(held, meeting__ends_at__lte=now - MINUTES_DUE_AFTER)
    cells.add(
        Metric.MINUTES_ON_TIME,
        minutes_due.values(**keys).annotate(
            num=Count(
                "meeting",
                filter=Q(
                    meeting__minutes__written_at__lte=F("meeting__ends_at") + MINUTES_DUE_AFTER
                ),
                distinct=True,
            ),
            den=Count("meeting", distinct=True),
        ),
    )


def _regency_meeting_cells(cells: Cells, zone, zone_name: str, now, window) -> None:
    """Per regency, each meeting once: a forum's meetings on the forum's clock; a case
    conference or a forum-less meeting where its case's lead agency (or the agency it was
    called from; for older meetings without one, its organiser's agency today) is."""
    meetings = Meeting.objects.annotate(
        meeting_zone=Coalesce(
            "forum__time_zone",
            "case__lead_agency__time_zone",
            "organiser_agency__time_zone",
            "organised_by__membership__agency__time_zone",
        ),
        meeting_regency=Coalesce(
            "forum__regency_id",
            "case__lead_agency__regency_id",
            "organiser_agency__regency_id",
            "organised_by__membership__agency__regency_id",
        ),
    ).filter(window.on("starts_at", zone), meeting_zone=zone_name, starts_at__lt=now)
    keys = {"cell_regency": F("meeting_regency"), "cell_month": _month("starts_at", zone)}
    cells.add(
        Metric.MEETINGS_HELD,
        meetings.values(**keys).annotate(
            num=Count("pk", filter=Q(status=Meeting.Status.HELD)), den=Count("pk")
        ),
        agency=None,
    )
    minutes_due = meetings.filter(status=Meeting.Status.HELD, ends_at__lte=now - MINUTES_DUE_AFTER)
    cells.add(
        Metric.MINUTES_ON_TIME,
        minutes_due.values(**keys).annotate(
            num=Count("pk", filter=_minutes_on_time()), den=Count("pk")
        ),
        agency=None,
    )


# --- Kesepakatan dan komitmen ----------------------------------------------------------------


def _action_item_cells(cells: Cells, zone, zone_name: str, now, window) -> None:
    """By the responsible agency, in the month the item was due; items of approved minutes
    only (before approval nothing was agreed), dropped items left out."""
    today = timezone.localdate(now, zone)
    items = (
        ActionItem.objects.released()
        .filter(window.on_dates("due_on"), agency__time_zone=zone_name)
        .exclude(status=ActionItem.Status.DROPPED)
        .filter(Q(status=ActionItem.Status.DONE) | Q(due_on__lt=today))
        .annotate(closed_day=TruncDate("closed_at", tzinfo=zone))
    )
    on_time = Q(status=ActionItem.Status.DONE, closed_day__lte=F("due_on"))
    cells.add(
        Metric.ACTIONS_ON_TIME,
        items.values(
            cell_agency=F("agency_id"),
            cell_regency=F("agency__regency_id"),
            cell_month=TruncMonth("due_on", output_field=DateField()),
        ).annotate(num=Count("pk", filter=on_time), den=Count("pk")),
    )


def _commitment_cells(cells: Cells, zone, zone_name: str, now, window) -> None:
    """Snapshot: of the measured commitments of agreements in force, how many are kept
    (agencies.commitments decides, over each agreement's period so far)."""
    today = timezone.localdate(now, zone)
    if not window.holds(today.replace(day=1)):
        return
    in_force = Commitment.objects.filter(agreement__in=Agreement.objects.in_force(today))
    agencies = Agency.objects.filter(time_zone=zone_name, pk__in=in_force.values("agency_id")).only(
        "pk", "regency_id"
    )
    month = today.replace(day=1)
    for agency in agencies:  # only agencies that signed commitments: few
        records = [r for r in commitments_of(agency, in_force, today=today) if r.measured]
        judged = [r for r in records if r.status in ("met", "not_met")]
        row = {
            "cell_agency": agency.pk,
            "cell_regency": agency.regency_id,
            "cell_month": month,
            "num": sum(1 for r in judged if r.status == "met"),
            "den": len(judged),
        }
        cells.add(Metric.COMMITMENTS_KEPT, [row])


# --- Kinerja unit: cases --------------------------------------------------------------------


def _first(model, **conditions):
    """The earliest ``written_at`` of ``model`` rows of the outer case."""
    rows = model.objects.filter(case=OuterRef("pk"), **conditions).order_by("written_at")
    return Subquery(rows.values("written_at")[:1])


def _case_cells(cells: Cells, zone, zone_name: str, now, window) -> None:
    in_zone = CaseRecord.objects.filter(lead_agency__time_zone=zone_name)
    cases = in_zone.filter(window.on("reported_at", zone))
    keys = {
        "cell_agency": F("lead_agency_id"),
        "cell_regency": F("lead_agency__regency_id"),
        "cell_month": _month("reported_at", zone),
    }
    cells.add(
        Metric.CASES_TAKEN_ON,
        cases.values(**keys).annotate(num=Count("pk"), den=Count("pk")),
    )
    # First contact: the first home visit or assessment recorded, whichever came first
    # (PostgreSQL's LEAST skips a NULL, SQLite's MIN does not: Coalesce covers both).
    contacts = cases.annotate(
        first_visit=_first(CaseNote, kind=CaseNote.Kind.HOME_VISIT),
        first_assessment=_first(Assessment),
    ).annotate(
        first_contact=Coalesce(
            Least("first_visit", "first_assessment"), "first_visit", "first_assessment"
        )
    )
    cells.add(
        Metric.FIRST_CONTACT_HOURS,
        _histogram(
            contacts.filter(first_contact__isnull=False), keys, "first_contact", "reported_at"
        ),
        bucket="cell_bucket",
    )
    cells.add(
        Metric.ASSESSMENT_HOURS,
        _histogram(
            contacts.filter(first_assessment__isnull=False),
            keys,
            "first_assessment",
            "reported_at",
        ),
        bucket="cell_bucket",
    )
    closed_keys = {**keys, "cell_month": _month("closed_at", zone)}
    closed = in_zone.filter(window.on("closed_at", zone), closed_at__isnull=False).annotate(
        note_length=Length("closure_note"),
        audited=Exists(
            AuditEvent.objects.filter(
                case=OuterRef("pk"),
                action=AuditEvent.Action.TRANSITION,
                actor__isnull=False,
                at__gte=OuterRef("closed_at"),
            )
        ),
    )
    # "Other" says nothing by itself: it needs the closing note.
    documented = ~Q(closure_reason="") & (
        ~Q(closure_reason=ClosureReason.OTHER) | Q(note_length__gt=0)
    )
    cells.add(
        Metric.CLOSED_WITH_REASON,
        closed.values(**closed_keys).annotate(num=Count("pk", filter=documented), den=Count("pk")),
    )
    cells.add(
        Metric.CLOSURE_AUDITED,
        closed.values(**closed_keys).annotate(
            num=Count("pk", filter=Q(audited=True)), den=Count("pk")
        ),
    )


def _caseworker_cells(cells: Cells, zone, zone_name: str, now, window) -> None:
    """Snapshot: active accounts holding the caseworker role at the agency now."""
    month = timezone.localdate(now, zone).replace(day=1)
    if not window.holds(month):
        return
    rows = (
        MembershipRole.objects.filter(
            role=Role.CASEWORKER,
            membership__user__is_active=True,
            membership__agency__time_zone=zone_name,
        )
        .values(
            cell_agency=F("membership__agency_id"),
            cell_regency=F("membership__agency__regency_id"),
        )
        .annotate(num=Count("membership__user", distinct=True))
    )
    cells.add(Metric.CASEWORKERS, [{**row, "cell_month": month, "den": 1} for row in rows])


COLLECTORS = (
    _referral_cells,
    _invited_meeting_cells,
    _regency_meeting_cells,
    _action_item_cells,
    _commitment_cells,
    _case_cells,
    _caseworker_cells,
)
