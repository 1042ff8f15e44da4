"""Rebuilding the statistics cells from the cases, in the database, once a minute.

Each dimension is one grouped query per time zone (a case belongs to the month it was
reported in on its lead agency's clock, so 31 January 23:30 WITA is January even though
it is 15:30 UTC). Cases and victims are counted separately: a case with two children is
one case and two victims. A victim's age is their age on the day the case was reported,
in SIMFONI's bands. Past cases brought in by the historical import (reports.imports) are
added into the same cells, so imported years read like years lived in Sinergi.
"""

import time
import zoneinfo
from collections import defaultdict

from django.db import transaction
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
from reports.locks import refresh_lock_taken
from reports.models import (
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
AGE_BAND_LABELS = [label for _limit, label in AGE_BANDS] + [OLDEST_BAND, UNKNOWN]
# Any 64-bit number: only one refresh at a time, whichever process runs it.
REFRESH_LOCK = 640_071_007

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


def _case_queries(zone, zone_name):
    cases = Case.objects.filter(lead_agency__time_zone=zone_name)
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
    closed = cases.filter(closed_at__isnull=False)
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


def _through_case_queries(zone, zone_name):
    month = _month("case__reported_at", zone)
    keys = {
        "cell_agency": F("case__lead_agency_id"),
        "cell_regency": F("case__regency_id"),
        "cell_month": month,
    }
    count = {"cases": Count("case", distinct=True), "victims": _victims("case__")}
    forms = CaseViolenceForm.objects.filter(case__lead_agency__time_zone=zone_name)
    yield Dimension.VIOLENCE_FORM, forms.values(**keys, cell_value=F("form")).annotate(**count)
    perpetrators = CaseParty.objects.filter(
        case__lead_agency__time_zone=zone_name, part=CaseParty.Part.ALLEGED_PERPETRATOR
    )
    relationship = Coalesce(NullIf("relationship", Value("")), Value(UNKNOWN))
    yield (
        Dimension.RELATIONSHIP,
        perpetrators.values(**keys, cell_value=relationship).annotate(**count),
    )


def _victim_queries(zone, zone_name):
    month = _month("case__reported_at", zone)
    keys = {
        "cell_agency": F("case__lead_agency_id"),
        "cell_regency": F("case__regency_id"),
        "cell_month": month,
    }
    count = {"cases": Count("case", distinct=True), "victims": Count("pk")}
    children = CaseParty.objects.filter(CHILD, case__lead_agency__time_zone=zone_name)
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


def _historical_queries():
    """Imported past cases (reports.imports), cut like the live ones where the data
    exists: a case is one source case number of one import, a victim is one row. Their
    dates are days already, so no time zone applies."""
    victims = HistoricalVictim.objects.all()
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
        victims.filter(closed_on__isnull=False)
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
    forms = HistoricalViolenceForm.objects.values(
        cell_agency=F("victim__agency_id"),
        cell_regency=F("victim__agency__regency_id"),
        cell_month=TruncMonth("victim__reported_on", output_field=DateField()),
        cell_value=F("form"),
    ).annotate(cases=Count("victim__case_key", distinct=True), victims=Count("victim"))
    yield Dimension.VIOLENCE_FORM, forms


def _queries(now):
    for zone_name in Agency.TimeZone.values:
        zone = zoneinfo.ZoneInfo(zone_name)
        yield from _case_queries(zone, zone_name)
        yield from _through_case_queries(zone, zone_name)
        yield from _victim_queries(zone, zone_name)
        yield from snapshot_queries(zone, zone_name, now)
    # Added into the same cells: imported years read like years lived in Sinergi.
    yield from _historical_queries()


def _collect() -> dict:
    cells = defaultdict(lambda: [None, 0, 0])
    for dimension, rows in _queries(timezone.now()):
        for row in rows:
            key = (row["cell_agency"], row["cell_month"], dimension, row["cell_value"])
            cell = cells[key]
            cell[0] = row["cell_regency"]
            cell[1] += row["cases"]
            cell[2] += row["victims"]
    return cells


def stats_refresh() -> int | None:
    """Rebuild every cell; readers keep seeing the previous cells until it commits.

    Returns the number of cells, or None when another refresh is already running.
    """
    started = time.monotonic()
    with transaction.atomic():
        if not refresh_lock_taken(REFRESH_LOCK):
            return None
        cells = _collect()
        StatCell.objects.all().delete()
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
        StatsRefresh.objects.create(
            finished_at=timezone.now(), seconds=time.monotonic() - started, cells=len(cells)
        )
        StatsRefresh.objects.filter(
            pk__in=StatsRefresh.objects.order_by("-finished_at").values("pk")[10:]
        ).delete()
    return len(cells)


def data_as_of():
    """When the figures were last rebuilt, or None before the first refresh."""
    latest = StatsRefresh.objects.order_by("-finished_at").first()
    return latest.finished_at if latest else None
