"""Rebuilding the statistics cells from the cases, in the database (reports.refresh says when).

Each dimension is one grouped query per time zone (a case belongs to the month it was
reported in on its lead agency's clock, so 31 January 23:30 WITA is January even though
it is 15:30 UTC). Cases and victims are counted separately: a case with two children is
one case and two victims. A victim's age is their age on the day the case was reported,
in SIMFONI's bands. Past cases brought in by the historical import (reports.imports) are
added into the same cells, so imported years read like years lived in Sinergi.
"""

import csv
import io
import zoneinfo
from collections import defaultdict
from contextlib import contextmanager

from django.db import connection
from django.db.models import Case as When_
from django.db.models import (
    CharField,
    Count,
    DateField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import (
    Coalesce,
    Concat,
    ExtractDay,
    ExtractMonth,
    ExtractYear,
    NullIf,
    Substr,
    TruncMonth,
)
from django.utils import timezone

from agencies.models import Agency
from cases.models import Case, CaseNote, CaseParty, CaseViolenceForm, ServiceRecord
from cases.models.cases import TPKS_POLICE_REPORT_WITHIN
from cases.models.choices import ViolenceForm
from reports.models import (
    SNAPSHOT_DIMENSIONS,
    Dimension,
    HistoricalVictim,
    HistoricalViolenceForm,
    StatCell,
    StatsRefresh,
)
from reports.snapshots import snapshot_queries

UNKNOWN = "na"
# SIMFONI's "kelompok umur korban": (upper bound inclusive, label); the last has none.
AGE_BANDS = [(5, "0-5"), (12, "6-12"), (17, "13-17"), (24, "18-24"), (44, "25-44"), (59, "45-59")]
OLDEST_BAND = "60+"
# Cells written at once beyond which COPY beats INSERT.
COPY_FROM = 2000
AGE_BAND_LABELS = [label for _limit, label in AGE_BANDS] + [OLDEST_BAND, UNKNOWN]

CHILD = Q(part=CaseParty.Part.CHILD)


def _month(path: str, zone):
    return TruncMonth(path, output_field=DateField(), tzinfo=zone)


def _victims(prefix: str):
    """Distinct child parties reached through ``prefix`` (a path to a case)."""
    parties = f"{prefix}parties" if prefix else "parties"
    return Count(parties, filter=Q(**{f"{parties}__part": CaseParty.Part.CHILD}), distinct=True)


def _age_band(zone):
    """The SIMFONI band of a child party's age on the day its case was reported."""
    reported = "case__reported_at"
    birthday_not_yet = Q(reported_month__lt=F("birth_month")) | Q(
        reported_month=F("birth_month"), reported_day__lt=F("birth_day")
    )
    annotations = {
        "reported_year": ExtractYear(reported, tzinfo=zone),
        "reported_month": ExtractMonth(reported, tzinfo=zone),
        "reported_day": ExtractDay(reported, tzinfo=zone),
        "birth_year": ExtractYear("person__birth_date"),
        "birth_month": ExtractMonth("person__birth_date"),
        "birth_day": ExtractDay("person__birth_date"),
    }
    age = (
        F("reported_year")
        - F("birth_year")
        - When_(
            When(birthday_not_yet, then=Value(1)), default=Value(0), output_field=IntegerField()
        )
    )
    band = When_(
        When(person__birth_date__isnull=True, then=Value(UNKNOWN)),
        *[When(age__lte=limit, then=Value(label)) for limit, label in AGE_BANDS],
        default=Value(OLDEST_BAND),
    )
    return annotations, age, band


def _case_queries(zone, zone_name, scope):
    in_zone = Case.objects.filter(lead_agency__time_zone=zone_name)
    cases = in_zone.filter(scope.cases("", "reported_at"))
    month = _month("reported_at", zone)
    keys = {
        "cell_agency": F("lead_agency_id"),
        "cell_regency": F("regency_id"),
        "cell_month": month,
    }
    count = {"cases": Count("pk", distinct=True), "victims": _victims("")}
    yield Dimension.TOTAL, cases.values(**keys).annotate(cell_value=Value(""), **count)
    yield (
        Dimension.PLACE,
        cases.values(
            **keys, cell_value=Coalesce(NullIf("place_type", Value("")), Value(UNKNOWN))
        ).annotate(**count),
    )
    yield (
        Dimension.AMPK,
        cases.values(
            **keys, cell_value=Coalesce(NullIf("ampk_category", Value("")), Value(UNKNOWN))
        ).annotate(**count),
    )
    yield (
        Dimension.DISTRICT,
        cases.values(
            **keys, cell_value=Coalesce(Substr("incident_village_id", 1, 8), Value(UNKNOWN))
        ).annotate(**count),
    )
    yield Dimension.TPKS_72H, _tpks_72h(cases, keys, count)
    closed = in_zone.filter(scope.cases("", "closed_at"), closed_at__isnull=False)
    yield (
        Dimension.CLOSED,
        closed.values(
            cell_agency=F("lead_agency_id"),
            cell_regency=F("regency_id"),
            cell_month=_month("closed_at", zone),
        ).annotate(cell_value=Value(""), **count),
    )


def _tpks_72h(cases, keys, count):
    """Sexual-violence cases by whether the police had the report within 72 hours."""
    deadline = ExpressionWrapper(
        F("reported_at") + TPKS_POLICE_REPORT_WITHIN, output_field=DateTimeField()
    )
    outcome = When_(
        When(police_reported_at__lte=F("deadline"), then=Value("on_time")),
        When(police_reported_at__isnull=False, then=Value("late")),
        When(deadline__lt=timezone.now(), then=Value("missed")),
        default=Value("pending"),
    )
    tpks = cases.filter(violence_forms__form=ViolenceForm.SEXUAL).annotate(deadline=deadline)
    return tpks.values(**keys, cell_value=outcome).annotate(**count)


def _through_case_queries(zone, zone_name, scope):
    month = _month("case__reported_at", zone)
    keys = {
        "cell_agency": F("case__lead_agency_id"),
        "cell_regency": F("case__regency_id"),
        "cell_month": month,
    }
    count = {"cases": Count("case", distinct=True), "victims": _victims("case__")}
    in_scope = scope.cases("case__", "reported_at")
    forms = CaseViolenceForm.objects.filter(in_scope, case__lead_agency__time_zone=zone_name)
    yield Dimension.VIOLENCE_FORM, forms.values(**keys, cell_value=F("form")).annotate(**count)
    perpetrators = CaseParty.objects.filter(
        in_scope, case__lead_agency__time_zone=zone_name, part=CaseParty.Part.ALLEGED_PERPETRATOR
    )
    relationship = Coalesce(NullIf("relationship", Value("")), Value(UNKNOWN))
    yield (
        Dimension.RELATIONSHIP,
        perpetrators.values(**keys, cell_value=relationship).annotate(**count),
    )


def _victim_queries(zone, zone_name, scope):
    month = _month("case__reported_at", zone)
    keys = {
        "cell_agency": F("case__lead_agency_id"),
        "cell_regency": F("case__regency_id"),
        "cell_month": month,
    }
    count = {"cases": Count("case", distinct=True), "victims": Count("pk")}
    children = CaseParty.objects.filter(
        CHILD, scope.cases("case__", "reported_at"), case__lead_agency__time_zone=zone_name
    )
    for dimension, field in (
        (Dimension.SEX, "person__sex"),
        (Dimension.EDUCATION, "person__education"),
    ):
        value = Coalesce(NullIf(field, Value("")), Value(UNKNOWN))
        yield dimension, children.values(**keys, cell_value=value).annotate(**count)
    yield (
        Dimension.DISABILITY,
        children.values(**keys, cell_value=F("person__disability")).annotate(**count),
    )
    annotations, age, band = _age_band(zone)
    aged = children.annotate(**annotations).annotate(age=age)
    yield Dimension.AGE_BAND, aged.values(**keys, cell_value=band).annotate(**count)
    kla = Concat(
        Coalesce(NullIf("case__ampk_category", Value("")), Value(UNKNOWN)),
        Value("|"),
        band,
        Value("|"),
        Coalesce(NullIf("person__sex", Value("")), Value(UNKNOWN)),
        output_field=CharField(),
    )
    yield Dimension.KLA, aged.values(**keys, cell_value=kla).annotate(**count)
    served = Exists(
        ServiceRecord.objects.filter(
            case_id=OuterRef("case_id"), status=ServiceRecord.Status.DELIVERED
        )
    )
    yield (
        Dimension.KLA_SERVED,
        aged.filter(served).values(**keys, cell_value=kla).annotate(**count),
    )
    monitored = Exists(
        CaseNote.objects.filter(case_id=OuterRef("case_id"), kind=CaseNote.Kind.MONITORING_VISIT)
    )
    yield (
        Dimension.KLA_MONITORED,
        aged.filter(monitored).values(**keys, cell_value=kla).annotate(**count),
    )


def _historical_band():
    """The SIMFONI band of an imported victim's age (stored in years at the report)."""
    return When_(
        When(age__isnull=True, then=Value(UNKNOWN)),
        *[When(age__lte=limit, then=Value(label)) for limit, label in AGE_BANDS],
        default=Value(OLDEST_BAND),
    )


def _historical_queries(scope):
    """Imported past cases (reports.imports), cut like the live ones where the data
    exists: a case is one source case number of one import, a victim is one row. Their
    dates are days already, so no time zone applies."""
    victims = HistoricalVictim.objects.filter(scope.days("agency_id", "reported_on"))
    closed = HistoricalVictim.objects.filter(scope.days("agency_id", "closed_on"))
    keys = {
        "cell_agency": F("agency_id"),
        "cell_regency": F("agency__regency_id"),
        "cell_month": TruncMonth("reported_on", output_field=DateField()),
    }
    count = {"cases": Count("case_key", distinct=True), "victims": Count("pk")}
    yield Dimension.TOTAL, victims.values(**keys).annotate(cell_value=Value(""), **count)
    closed_keys = {**keys, "cell_month": TruncMonth("closed_on", output_field=DateField())}
    yield (
        Dimension.CLOSED,
        closed.filter(closed_on__isnull=False)
        .values(**closed_keys)
        .annotate(cell_value=Value(""), **count),
    )
    for dimension, field in (
        (Dimension.PLACE, "place_type"),
        (Dimension.RELATIONSHIP, "relationship"),
        (Dimension.AMPK, "ampk_category"),
        (Dimension.DISTRICT, "district"),
        (Dimension.SEX, "sex"),
        (Dimension.EDUCATION, "education"),
    ):
        value = Coalesce(NullIf(field, Value("")), Value(UNKNOWN))
        yield dimension, victims.values(**keys, cell_value=value).annotate(**count)
    yield (
        Dimension.DISABILITY,
        victims.values(**keys, cell_value=F("disability")).annotate(**count),
    )
    band = _historical_band()
    yield Dimension.AGE_BAND, victims.values(**keys, cell_value=band).annotate(**count)
    kla = Concat(
        Coalesce(NullIf("ampk_category", Value("")), Value(UNKNOWN)),
        Value("|"),
        band,
        Value("|"),
        Coalesce(NullIf("sex", Value("")), Value(UNKNOWN)),
        output_field=CharField(),
    )
    yield Dimension.KLA, victims.values(**keys, cell_value=kla).annotate(**count)
    forms = (
        HistoricalViolenceForm.objects.filter(
            scope.days("victim__agency_id", "victim__reported_on")
        )
        .values(
            cell_agency=F("victim__agency_id"),
            cell_regency=F("victim__agency__regency_id"),
            cell_month=TruncMonth("victim__reported_on", output_field=DateField()),
            cell_value=F("form"),
        )
        .annotate(cases=Count("victim__case_key", distinct=True), victims=Count("victim"))
    )
    yield Dimension.VIOLENCE_FORM, forms


def _queries(scope):
    """The grouped queries of the slices of ``scope``, snapshots apart."""
    for zone_name in Agency.TimeZone.values:
        if scope.has_zone(zone_name):
            zone = zoneinfo.ZoneInfo(zone_name)
            yield from _case_queries(zone, zone_name, scope)
            yield from _through_case_queries(zone, zone_name, scope)
            yield from _victim_queries(zone, zone_name, scope)
    # Added into the same cells: imported years read like years lived in Sinergi.
    yield from _historical_queries(scope)


def _snapshot_queries(now):
    for zone_name in Agency.TimeZone.values:
        yield from snapshot_queries(zoneinfo.ZoneInfo(zone_name), zone_name, now)


def collect(queries) -> dict:
    """(agency, month, dimension, value) → [regency, cases, victims], summed over rows."""
    cells = defaultdict(lambda: [None, 0, 0])
    for dimension, rows in queries:
        for row in rows:
            key = (row["cell_agency"], row["cell_month"], dimension, row["cell_value"])
            cell = cells[key]
            cell[0] = row["cell_regency"]
            cell[1] += row["cases"]
            cell[2] += row["victims"]
    return cells


def write(cells: dict) -> int:
    if connection.vendor == "postgresql" and len(cells) > COPY_FROM:
        return _copy(cells)
    StatCell.objects.bulk_create(
        [
            StatCell(
                agency_id=agency_id,
                month=month,
                dimension=dimension,
                value=value,
                regency_id=regency_id,
                cases=cases,
                victims=victims,
            )
            for (agency_id, month, dimension, value), (regency_id, cases, victims) in (
                cells.items()
            )
        ],
        batch_size=5000,
    )
    return len(cells)


def _copy(cells: dict) -> int:
    """COPY: a full rebuild writes a million cells and more, several times faster than
    INSERTs of the same rows."""
    buffer = io.StringIO()
    out = csv.writer(buffer)
    for (agency_id, month, dimension, value), (regency_id, cases, victims) in cells.items():
        out.writerow((agency_id, month.isoformat(), dimension, value, regency_id, cases, victims))
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            "COPY reports_statcell (agency_id, month, dimension, value, regency_id, cases, victims)"
            " FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL (value))",
            buffer,
        )
    return len(cells)


@contextmanager
def _writing_cells():
    """Tells the triggers (migration 0006) that these cell writes are a refresh's: only
    writes by anyone else make a slice due again. Transaction-scoped, and switched off
    again at once for an outer transaction (tests) that goes on writing."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('reports.refreshing', 'on', true)")
        # On an error the rollback (of the transaction or savepoint) undoes the setting.
        yield
        cursor.execute("SELECT set_config('reports.refreshing', 'off', true)")


def rebuild_slices(scope) -> int:
    """Replace the cells of the slices of ``scope`` (snapshots apart) with fresh counts."""
    if not scope:
        return 0
    if not scope.everything:
        scope.load_zones()
    cells = collect(_queries(scope))
    with _writing_cells():
        StatCell.objects.exclude(dimension__in=SNAPSHOT_DIMENSIONS).filter(scope.cells()).delete()
        return write(cells)


def replace_snapshots(now) -> int:
    """Snapshots say how things stand now: all of them are counted again every time."""
    cells = collect(_snapshot_queries(now))
    with _writing_cells():
        StatCell.objects.filter(dimension__in=SNAPSHOT_DIMENSIONS).delete()
        return write(cells)


def stats_refresh(*, full: bool | None = None) -> int | None:
    """Bring the cells up to date; readers keep seeing the previous cells of a slice
    until its rebuild commits.

    On PostgreSQL only the slices changed since the last refresh are counted again, and
    every ``FULL_REBUILD_EVERY`` (and the first time) all of them, as a safety net
    (reports.refresh). Returns the number of cells written, or None when another
    refresh is already running.
    """
    from reports.refresh import refresh

    return refresh(full=full)


def data_as_of():
    """When the figures were last brought up to date, or None before the first refresh."""
    latest = StatsRefresh.objects.order_by("-finished_at").first()
    return latest.finished_at if latest else None
