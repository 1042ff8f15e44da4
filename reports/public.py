"""The public statistics: de-identified yearly aggregates of one kab/kota, cached.

What the public sees is the statistics cells summed over every agency and month of one
kab/kota and one year, cut the way SIMFONI-PPA cuts them (form of violence, age group,
sex, place), every table passed through ``reports.suppression``. Nothing finer ever leaves
this module: no agency, no kecamatan, no month, no relationship to the perpetrator.

The cache holds only what is published (codes and suppressed display strings, never a
raw count), keyed by the time of the latest refresh, so a refresh shows at once and a
warm page costs one query (that time). Labels are added per request, in the reader's
language.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from cases.models.choices import PlaceType, Sex, ViolenceForm
from reports.models import Dimension, StatCell
from reports.stats import AGE_BAND_LABELS, UNKNOWN, data_as_of
from reports.suppression import (
    HIDDEN,
    SMALL,
    is_suppressed,
    suppress_count,
    suppress_table,
)

CACHE_SECONDS = 5 * 60
CACHE_PREFIX = "public-statistics:v1"
CASES = "cases"
VICTIMS = "victims"
UNKNOWN_LABEL = _("Unknown (NA)")


@dataclass(frozen=True)
class TableSpec:
    """One published table: a SIMFONI cut and which counts it shows."""

    key: str
    dimension: str
    title: str
    categories: tuple[tuple[str, str], ...]  # (code, label) in display order
    columns: tuple[str, ...]  # CASES and/or VICTIMS
    # False when one case or victim can fall in several categories (several forms of
    # violence), so the rows add up to more than the total.
    adds_up: bool = True


TABLES = (
    TableSpec(
        "violence_form",
        Dimension.VIOLENCE_FORM,
        Dimension.VIOLENCE_FORM.label,
        tuple(ViolenceForm.choices),
        (CASES, VICTIMS),
        adds_up=False,
    ),
    TableSpec(
        "age_band",
        Dimension.AGE_BAND,
        Dimension.AGE_BAND.label,
        tuple((band, band) for band in AGE_BAND_LABELS if band != UNKNOWN),
        (VICTIMS,),
    ),
    TableSpec("sex", Dimension.SEX, Dimension.SEX.label, tuple(Sex.choices), (VICTIMS,)),
    TableSpec(
        "place", Dimension.PLACE, Dimension.PLACE.label, tuple(PlaceType.choices), (CASES, VICTIMS)
    ),
)
TABLES_BY_KEY = {spec.key: spec for spec in TABLES}


# --- What is cached: published strings only ----------------------------------------------


@dataclass(frozen=True)
class RegencyOption:
    code: str
    name: str
    years: tuple[int, ...]  # ascending
    time_zone: str  # the clock most of its figures are on, for "data as of"


@dataclass(frozen=True)
class PublishedTable:
    key: str
    rows: tuple[tuple[str, tuple[str, ...]], ...]  # (category code, one string per column)
    total: tuple[str, ...]


@dataclass(frozen=True)
class PublishedYear:
    year: int
    cases: str
    victims: str


@dataclass(frozen=True)
class RegencyStatistics:
    regency: str
    year: int
    tables: tuple[PublishedTable, ...]
    series: tuple[PublishedYear, ...]


# --- Pure: counts in, published strings out -------------------------------------------------


def published_table(spec: TableSpec, counts: dict[str, tuple[int, int]], total: tuple[int, int]):
    """One table of ``spec`` from {value: (cases, victims)} and the (cases, victims) total.

    Values outside the official list are counted as unknown, so the rows still add up;
    the unknown row appears only when it is not zero.
    """
    merged: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    known = {code for code, _label in spec.categories}
    for value, (cases, victims) in counts.items():
        row = merged[value if value in known else UNKNOWN]
        row[0] += cases
        row[1] += victims
    codes = [code for code, _label in spec.categories]
    if any(merged[UNKNOWN]):
        codes.append(UNKNOWN)
    columns = []
    for column in spec.columns:
        index = 0 if column == CASES else 1
        cells = [(code, merged[code][index]) for code in codes]
        columns.append(suppress_table(cells, total[index]))
    rows = tuple(
        (code, tuple(column.rows[position][1] for column in columns))
        for position, code in enumerate(codes)
    )
    return PublishedTable(spec.key, rows, tuple(column.total for column in columns))


def published_series(totals: dict[int, tuple[int, int]]) -> tuple[PublishedYear, ...]:
    """Every year's (cases, victims), a year's 1 to 4 shown as "<5"."""
    return tuple(
        PublishedYear(year, suppress_count(cases), suppress_count(victims))
        for year, (cases, victims) in sorted(totals.items())
    )


# --- The database: only sums over a whole kab/kota and year ------------------------------


def _regency_options() -> tuple[RegencyOption, ...]:
    rows = (
        StatCell.objects.filter(dimension=Dimension.TOTAL)
        .values("regency_id", "regency__name", "agency__time_zone")
        .annotate(year=ExtractYear("month"))
        .distinct()
    )
    names, years, zones = {}, defaultdict(set), defaultdict(Counter)
    for row in rows:
        code = row["regency_id"]
        names[code] = row["regency__name"]
        years[code].add(row["year"])
        zones[code][row["agency__time_zone"]] += 1
    return tuple(
        RegencyOption(
            code, names[code], tuple(sorted(years[code])), zones[code].most_common(1)[0][0]
        )
        for code in sorted(names)
    )


def _year_counts(regency: str, year: int) -> dict[str, dict[str, tuple[int, int]]]:
    rows = (
        StatCell.objects.of_regency(regency)
        .filter(
            month__gte=datetime.date(year, 1, 1),
            month__lte=datetime.date(year, 12, 1),
            dimension__in=[Dimension.TOTAL, *(spec.dimension for spec in TABLES)],
        )
        .values("dimension", "value")
        .annotate(sum_cases=Sum("cases"), sum_victims=Sum("victims"))
        .order_by()
    )
    counts: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    for row in rows:
        counts[row["dimension"]][row["value"]] = (row["sum_cases"], row["sum_victims"])
    return counts


def _yearly_totals(regency: str) -> dict[int, tuple[int, int]]:
    rows = (
        StatCell.objects.of_regency(regency)
        .filter(dimension=Dimension.TOTAL)
        .values(year=ExtractYear("month"))
        .annotate(sum_cases=Sum("cases"), sum_victims=Sum("victims"))
        .order_by()
    )
    return {row["year"]: (row["sum_cases"], row["sum_victims"]) for row in rows}


def _regency_statistics(regency: str, year: int) -> RegencyStatistics:
    counts = _year_counts(regency, year)
    total = counts[Dimension.TOTAL].get("", (0, 0))
    tables = tuple(published_table(spec, counts[spec.dimension], total) for spec in TABLES)
    return RegencyStatistics(regency, year, tables, published_series(_yearly_totals(regency)))


# --- The page's entry point ---------------------------------------------------------------


@dataclass(frozen=True)
class PublicPage:
    as_of: datetime.datetime | None
    options: tuple[RegencyOption, ...]
    regency: RegencyOption | None = None
    statistics: RegencyStatistics | None = None


def _cache_key(stamp: str, *parts) -> str:
    return ":".join([CACHE_PREFIX, stamp, *map(str, parts)])


def _chosen(options, requested_regency, requested_year):
    """The requested regency and year if there are figures for them, else the defaults:
    the first regency (in Kemendagri code order) and its latest year."""
    by_code = {option.code: option for option in options}
    regency = by_code.get(requested_regency or "", options[0])
    try:
        year = int(requested_year or "")
    except ValueError:
        year = None
    if year not in regency.years:
        year = regency.years[-1]
    return regency, year


def public_page(requested_regency: str | None, requested_year: str | None) -> PublicPage:
    """The published figures for a regency and year taken from untrusted input."""
    as_of = data_as_of()
    stamp = f"{as_of.timestamp():.6f}" if as_of else "never"
    options = cache.get_or_set(_cache_key(stamp, "regencies"), _regency_options, CACHE_SECONDS)
    if not options:
        return PublicPage(as_of, ())
    regency, year = _chosen(options, requested_regency, requested_year)
    statistics = cache.get_or_set(
        _cache_key(stamp, regency.code, year),
        lambda: _regency_statistics(regency.code, year),
        CACHE_SECONDS,
    )
    return PublicPage(as_of, options, regency, statistics)


# --- Presentation: labels and chart geometry, per request, in the reader's language ------

CHART_WIDTH = 400
BAR_MAX = 330  # leaves room for the number after the longest bar
SUPPRESSED_BAR = 24  # every hidden count gets this same length, whatever it hides
MIN_BAR = 2  # a shown non-zero count stays visible
LABEL_SPACE = 18  # the label line above a row's bars
BAR_HEIGHT = 12
BAR_GAP = 2
ROW_GAP = 10
LEGEND_SPACE = 24
LEGEND_STEP = 120
COLOURS = {CASES: "#0b5d62", VICTIMS: "#c05a00"}
COLUMN_LABELS = {CASES: _("Cases"), VICTIMS: _("Victims")}


def _bar_length(text: str, largest: int) -> int:
    if is_suppressed(text):
        return SUPPRESSED_BAR
    count = int(text)
    if not count:
        return 0
    return max(MIN_BAR, round(BAR_MAX * count / largest))


def bar_chart(rows: list[tuple[str, str, tuple[str, ...]]], columns: tuple[str, ...]) -> dict:
    """Geometry of a horizontal bar chart (SVG user units, as strings) for published rows:
    (code, label, one published string per column).

    Bars are scaled to the largest shown count; a hidden count is drawn with the fixed
    length ``SUPPRESSED_BAR`` so that its length tells nothing.
    """
    shown = [int(text) for _c, _l, texts in rows for text in texts if not is_suppressed(text)]
    largest = max(shown, default=0) or 1
    legend = []
    if len(columns) > 1:
        legend = [
            {
                "x": str(index * LEGEND_STEP),
                "text_x": str(index * LEGEND_STEP + 18),
                "colour": COLOURS[column],
                "label": COLUMN_LABELS[column],
            }
            for index, column in enumerate(columns)
        ]
    y = LEGEND_SPACE if legend else 0
    chart_rows = []
    for code, label, texts in rows:
        bars = []
        for index, (column, text) in enumerate(zip(columns, texts, strict=True)):
            top = y + LABEL_SPACE + index * (BAR_HEIGHT + BAR_GAP)
            length = _bar_length(text, largest)
            bars.append(
                {
                    "y": str(top),
                    "width": str(length),
                    "height": str(BAR_HEIGHT),
                    "colour": COLOURS[column],
                    "suppressed": is_suppressed(text),
                    "text": text,
                    "text_x": str(length + 4),
                    "text_y": str(top + BAR_HEIGHT - 2),
                }
            )
        chart_rows.append(
            {"code": code, "label": label, "label_y": str(y + LABEL_SPACE - 5), "bars": bars}
        )
        y += LABEL_SPACE + len(columns) * (BAR_HEIGHT + BAR_GAP) + ROW_GAP
    return {"width": str(CHART_WIDTH), "height": str(y), "legend": legend, "rows": chart_rows}


def _category_labels(spec: TableSpec) -> dict[str, str]:
    return {**dict(spec.categories), UNKNOWN: UNKNOWN_LABEL}


def presented_tables(statistics: RegencyStatistics) -> list[dict]:
    """Each published table with its labels, column headings and chart."""
    presented = []
    for table in statistics.tables:
        spec = TABLES_BY_KEY[table.key]
        labels = _category_labels(spec)
        rows = [
            {"code": code, "label": labels.get(code, code), "texts": texts}
            for code, texts in table.rows
        ]
        every_text = [text for _code, texts in table.rows for text in texts] + list(table.total)
        presented.append(
            {
                "key": spec.key,
                "title": spec.title,
                "adds_up": spec.adds_up,
                "columns": [COLUMN_LABELS[column] for column in spec.columns],
                "rows": rows,
                "total": table.total,
                "has_small": SMALL in every_text,
                "has_hidden": HIDDEN in every_text,
                "chart": bar_chart(
                    [(row["code"], row["label"], row["texts"]) for row in rows], spec.columns
                ),
            }
        )
    return presented


def presented_series(statistics: RegencyStatistics) -> dict:
    """The per-year totals, the chosen year's apart for the headline."""
    rows = [
        (str(year.year), str(year.year), (year.cases, year.victims)) for year in statistics.series
    ]
    return {
        "rows": statistics.series,
        "current": next((year for year in statistics.series if year.year == statistics.year), None),
        "has_small": any(SMALL in (year.cases, year.victims) for year in statistics.series),
        "chart": bar_chart(rows, (CASES, VICTIMS)),
    }
