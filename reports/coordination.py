"""The coordination-effectiveness and unit-performance figures the dashboards show.

Read from the metric cells (``reports.metrics`` keeps them fresh) and from the prevention
progress, in a fixed number of queries whatever the number of cases, referrals or months.
Each figure keeps its numerator and denominator, so a table can say "7 of 9 (78%)".
docs/coordination-metrics.md defines every indicator.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, PreventionActivity, PreventionTarget
from agencies.prevention import monthly_progress
from reports.models import HOURS_METRICS, SNAPSHOT_METRICS, Metric, MetricCell

RATIO = "ratio"  # numerator of denominator, with a percent
HOURS = "hours"  # a median in hours, of denominator values
TARGET = "target"  # done (numerator) against a target (denominator), with a percent

AGENCIES = "agencies"  # the network's figure is the sum of its agencies' cells
REGENCY = "regency"  # the network's figure counts each meeting of its regencies once


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    kind: str
    metric: str = ""
    network: str = AGENCIES
    help: str = ""


@dataclass(frozen=True)
class Heading:
    code: str
    label: str
    indicators: tuple[Indicator, ...]


HEADINGS = (
    Heading(
        "information",
        _("Information and communication"),
        (
            Indicator(
                "referral_response_hours",
                _("Median hours from a referral sent to its answer"),
                HOURS,
                Metric.REFERRAL_RESPONSE_HOURS,
                help=_("Referrals received, by the month they were sent."),
            ),
            Indicator(
                "referral_on_time",
                _("Referrals answered before the deadline"),
                RATIO,
                Metric.REFERRAL_ON_TIME,
                help=_("Of the referrals received that were answered or whose deadline passed."),
            ),
            Indicator(
                "referral_feedback",
                _("Referrals completed with feedback"),
                RATIO,
                Metric.REFERRAL_FEEDBACK,
                help=_("Of the referrals the agency completed."),
            ),
        ),
    ),
    Heading(
        "calendar",
        _("Calendar (scheduling)"),
        (
            Indicator(
                "meetings_held",
                _("Meetings held of those scheduled"),
                RATIO,
                Metric.MEETINGS_HELD,
                REGENCY,
                help=_(
                    "Meetings the agency was invited to that have started; cancelled ones count."
                ),
            ),
            Indicator(
                "attendance",
                _("Meetings attended"),
                RATIO,
                Metric.ATTENDANCE,
                help=_("Of the held meetings the agency was invited to."),
            ),
            Indicator(
                "minutes_on_time",
                _("Minutes written within 3 days"),
                RATIO,
                Metric.MINUTES_ON_TIME,
                REGENCY,
                help=_("Of the held meetings that ended more than 3 days ago."),
            ),
        ),
    ),
    Heading(
        "agreement",
        _("Agreement and commitment"),
        (
            Indicator(
                "actions_on_time",
                _("Action items done on time"),
                RATIO,
                Metric.ACTIONS_ON_TIME,
                help=_("Action items of approved minutes that were due, by the month due."),
            ),
            Indicator(
                "commitments_kept",
                _("Commitments of the joint agreement kept"),
                RATIO,
                Metric.COMMITMENTS_KEPT,
                help=_("Measured commitments of agreements in force, at the latest month."),
            ),
        ),
    ),
    Heading(
        "feedback",
        _("Feedback loop"),
        (
            Indicator(
                "referral_outcome",
                _("Referrals closed with an outcome"),
                RATIO,
                Metric.REFERRAL_OUTCOME,
                help=_("Referrals the agency sent that ended, by the month they ended."),
            ),
        ),
    ),
    Heading(
        "productivity",
        _("Unit performance: productivity"),
        (
            Indicator(
                "productivity",
                _("Cases taken on against the target"),
                TARGET,
                help=_("Target: cases a year per caseworker, for the months shown."),
            ),
        ),
    ),
    Heading(
        "responsiveness",
        _("Unit performance: responsiveness"),
        (
            Indicator(
                "first_contact_hours",
                _("Median hours from complaint to first contact"),
                HOURS,
                Metric.FIRST_CONTACT_HOURS,
                help=_("First home visit or assessment recorded, by the month reported."),
            ),
            Indicator(
                "assessment_hours",
                _("Median hours from complaint to assessment"),
                HOURS,
                Metric.ASSESSMENT_HOURS,
                help=_("First assessment recorded, by the month reported."),
            ),
        ),
    ),
    Heading(
        "accountability",
        _("Unit performance: accountability"),
        (
            Indicator(
                "closed_with_reason",
                _("Cases closed with a documented reason"),
                RATIO,
                Metric.CLOSED_WITH_REASON,
                help=_("Closed in the months shown; “other” needs a closing note."),
            ),
            Indicator(
                "closure_audited",
                _("Closures recorded in the audit trail"),
                RATIO,
                Metric.CLOSURE_AUDITED,
                help=_("Closed cases whose closing step has an audit record naming who."),
            ),
        ),
    ),
    Heading(
        "prevention",
        _("Prevention"),
        (
            Indicator(
                "prevention",
                _("Prevention activities against the monthly targets"),
                TARGET,
                help=_("Activities held against the sum of the monthly targets."),
            ),
        ),
    ),
)
INDICATORS = {indicator.code: indicator for heading in HEADINGS for indicator in heading.indicators}


@dataclass(frozen=True)
class Figure:
    """One indicator for one agency (or the network): numerator and denominator.

    For ``HOURS`` the numerator is the median and the denominator the number of values.
    """

    kind: str
    numerator: float = 0
    denominator: float = 0

    @property
    def has_data(self) -> bool:
        return self.denominator > 0

    @property
    def percent(self) -> int | None:
        if self.kind == HOURS or not self.has_data:
            return None
        return round(100 * self.numerator / self.denominator)

    @property
    def value(self) -> float | None:
        """What the figure says in one number: a percent, or hours."""
        if not self.has_data:
            return None
        return round(self.numerator, 1) if self.kind == HOURS else self.percent

    @property
    def bar(self) -> int | None:
        """Width of the bar out of 100 (a target met more than once is a full bar)."""
        if self.percent is None:
            return None
        return max(0, min(100, self.percent))


@dataclass(frozen=True)
class Row:
    """The figures of one agency, or of the network (``agency`` None)."""

    agency: Agency | None
    figures: dict[str, Figure]


@dataclass(frozen=True)
class Line:
    indicator: Indicator
    figures: list[Figure]  # one per agency of the summary, in its order
    network: Figure

    @property
    def cells(self) -> list[Figure]:
        """The agencies' figures, then the network's: a table row."""
        return [*self.figures, self.network]


@dataclass(frozen=True)
class Section:
    heading: Heading
    lines: list[Line]


@dataclass(frozen=True)
class CoordinationSummary:
    first_month: datetime.date
    last_month: datetime.date
    months: list[datetime.date]
    cases_per_worker_year: int
    rows: list[Row]
    network: Row
    sections: list[Section] = field(default_factory=list)

    @property
    def agencies(self) -> list[Agency]:
        return [row.agency for row in self.rows]


def median_of(buckets: Iterable[tuple[int, float, int]]) -> float | None:
    """The median of the values summarised as (bucket, sum, count) histogram buckets.

    The value of a rank is the mean of its bucket, exact when the bucket holds one value
    (or equal values) and otherwise within the bucket's width; with an even count it is
    the mean of the two middle ranks.
    """
    buckets = sorted((b for b in buckets if b[2] > 0), key=lambda b: b[0])
    count = sum(b[2] for b in buckets)
    if not count:
        return None
    ranks = [(count + 1) // 2] if count % 2 else [count // 2, count // 2 + 1]
    values = []
    for rank in ranks:
        seen = 0
        for _bucket, total, n in buckets:
            seen += n
            if seen >= rank:
                values.append(total / n)
                break
    return sum(values) / len(values)


def months_between(first_month: datetime.date, last_month: datetime.date) -> list[datetime.date]:
    months = []
    month = first_month.replace(day=1)
    while month <= last_month:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


class _Sums:
    """Cells of one agency (or of the network) added up by metric and bucket."""

    def __init__(self):
        self.ratio = defaultdict(lambda: [0.0, 0])
        self.hours = defaultdict(list)

    def add(self, metric, bucket, numerator, denominator):
        if metric in HOURS_METRICS:
            self.hours[metric].append((bucket, numerator, denominator))
        else:
            cell = self.ratio[metric]
            cell[0] += numerator
            cell[1] += denominator

    def figure(self, indicator: Indicator) -> Figure:
        if indicator.kind == HOURS:
            buckets = self.hours[indicator.metric]
            median = median_of(buckets)
            return Figure(HOURS, median or 0, sum(b[2] for b in buckets))
        numerator, denominator = self.ratio[indicator.metric]
        return Figure(RATIO, round(numerator), denominator)


def _read_cells(agency_ids, regency_ids, first_month, last_month):
    """Two queries: the flows summed over the months, and the monthly snapshots."""
    in_range = Q(month__gte=first_month, month__lte=last_month)
    flows = (
        MetricCell.objects.filter(in_range)
        .filter(Q(agency_id__in=agency_ids) | Q(agency__isnull=True, regency_id__in=regency_ids))
        .exclude(metric__in=SNAPSHOT_METRICS)
        .values("agency_id", "metric", "bucket")
        .annotate(num=Sum("numerator"), den=Sum("denominator"))
    )
    snapshots = MetricCell.objects.filter(
        in_range, agency_id__in=agency_ids, metric__in=SNAPSHOT_METRICS
    ).values_list("agency_id", "metric", "month", "numerator", "denominator")
    return list(flows), list(snapshots)


def _snapshot_figures(snapshots, per_year: int, month_count: int) -> dict:
    """Per agency: the mean caseworker count over the months recorded, and the latest
    commitments record."""
    caseworkers = defaultdict(list)
    commitments = {}
    for agency_id, metric, month, numerator, denominator in snapshots:
        if metric == Metric.CASEWORKERS:
            caseworkers[agency_id].append(numerator)
        elif agency_id not in commitments or commitments[agency_id][0] < month:
            commitments[agency_id] = (month, numerator, denominator)
    return {
        "target": {
            agency_id: round(sum(counts) / len(counts) * per_year * month_count / 12)
            for agency_id, counts in caseworkers.items()
        },
        "commitments": {
            agency_id: (numerator, denominator)
            for agency_id, (_month, numerator, denominator) in commitments.items()
        },
    }


def _prevention(agencies, months, activities):
    """Per agency (activities held, sum of the monthly targets), and the agencies that do
    prevention work: a target of their own or an activity in the months."""
    progress = monthly_progress(agencies=agencies, months=months, activities=activities)
    figures = {
        row.agency.pk: (row.activities, sum(month.target for month in row.months))
        for row in progress
    }
    with_target = set(
        PreventionTarget.objects.filter(
            agency__in=[a.pk for a in agencies], starts_on__lte=months[-1]
        )
        .values_list("agency_id", flat=True)
        .distinct()
    )
    active = {pk for pk, (held, _target) in figures.items() if held} | with_target
    return figures, active


def coordination_summary(
    *,
    agencies: Sequence[Agency],
    first_month: datetime.date,
    last_month: datetime.date,
    network: Sequence[Agency] | None = None,
    activities=None,
) -> CoordinationSummary:
    """Each indicator per agency of ``agencies`` and for the network.

    ``network`` is the set of agencies the network figure adds up (default: ``agencies``);
    for meetings it counts each meeting of their regencies once. ``activities`` are the
    prevention activities the reader may see (default: all; they are counts only).
    Five queries, whatever the data (plus one per argument passed as a queryset).
    """
    agencies = list(agencies)
    network = list(network) if network is not None else agencies
    first_month, last_month = first_month.replace(day=1), last_month.replace(day=1)
    months = months_between(first_month, last_month)
    per_year = settings.REPORTS_CASES_PER_WORKER_YEAR
    everyone = {agency.pk: agency for agency in [*agencies, *network]}
    network_ids = {agency.pk for agency in network}
    regency_ids = {agency.regency_id for agency in network}

    flows, snapshots = _read_cells(list(everyone), regency_ids, first_month, last_month)
    sums = defaultdict(_Sums)
    network_sums, regency_sums = _Sums(), _Sums()
    for row in flows:
        cell = (row["metric"], row["bucket"], row["num"], row["den"])
        if row["agency_id"] is None:
            regency_sums.add(*cell)
            continue
        sums[row["agency_id"]].add(*cell)
        if row["agency_id"] in network_ids:
            network_sums.add(*cell)
    snapshot = _snapshot_figures(snapshots, per_year, len(months))
    prevention, doing_prevention = _prevention(
        list(everyone.values()),
        months,
        activities if activities is not None else PreventionActivity.objects.all(),
    )

    def figures_of(agency_ids, own: _Sums, regency: _Sums | None) -> dict[str, Figure]:
        figures = {}
        for indicator in INDICATORS.values():
            if indicator.network == REGENCY and regency is not None:
                figures[indicator.code] = regency.figure(indicator)
            elif indicator.metric:
                figures[indicator.code] = own.figure(indicator)
        kept = [snapshot["commitments"].get(pk, (0, 0)) for pk in agency_ids]
        figures["commitments_kept"] = Figure(
            RATIO, round(sum(k[0] for k in kept)), round(sum(k[1] for k in kept))
        )
        taken_on = round(own.ratio[Metric.CASES_TAKEN_ON][0])
        target = sum(snapshot["target"].get(pk, 0) for pk in agency_ids)
        figures["productivity"] = Figure(TARGET, taken_on, target)
        # Only agencies that do prevention work: not every court and hospital of the city
        # at 0 of the default target.
        held = [prevention[pk] for pk in agency_ids if pk in doing_prevention]
        figures["prevention"] = Figure(TARGET, sum(h[0] for h in held), sum(h[1] for h in held))
        return figures

    rows = [Row(agency, figures_of([agency.pk], sums[agency.pk], None)) for agency in agencies]
    network_row = Row(
        None,
        figures_of(sorted(network_ids), network_sums, regency_sums),
    )
    sections = [
        Section(
            heading,
            [
                Line(
                    indicator,
                    [row.figures[indicator.code] for row in rows],
                    network_row.figures[indicator.code],
                )
                for indicator in heading.indicators
            ],
        )
        for heading in HEADINGS
    ]
    return CoordinationSummary(
        first_month=first_month,
        last_month=last_month,
        months=months,
        cases_per_worker_year=per_year,
        rows=rows,
        network=network_row,
        sections=sections,
    )
