"""Cases per form of violence, year by year (with the change in percent) or month by month.

The seeds' tables look like this: "kasus kekerasan seksual anak per tahun, naik/turun
sekian persen". The numbers are sums of statistics cells, so historical imports show up
here as soon as their cases exist.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Sum
from django.db.models.functions import ExtractYear

from cases.models.choices import ViolenceForm
from reports.models import Dimension, StatCell

MEASURES = ("cases", "victims")


def percent_change(previous: int, current: int) -> float | None:
    """The change from ``previous`` to ``current`` in percent; None when there was none."""
    if not previous:
        return None
    return round(100 * (current - previous) / previous, 1)


@dataclass
class TrendRow:
    value: str
    label: str
    counts: list[int]

    @property
    def changes(self) -> list[float | None]:
        """Change against the column before; the first column has none."""
        return [None] + [
            percent_change(before, after)
            for before, after in zip(self.counts, self.counts[1:], strict=False)
        ]

    @property
    def cells(self) -> list[tuple[int, float | None]]:
        return list(zip(self.counts, self.changes, strict=True))


@dataclass
class Trend:
    columns: list  # years (int) or months (date)
    rows: list[TrendRow]
    total: TrendRow


def _rows(sums: dict, columns: list, total_sums: dict) -> Trend:
    rows = [
        TrendRow(value, str(label), [sums.get((value, column), 0) for column in columns])
        for value, label in ViolenceForm.choices
    ]
    total = TrendRow("", "", [total_sums.get(column, 0) for column in columns])
    return Trend(columns=columns, rows=rows, total=total)


def yearly(agencies, *, measure: str = "cases", last_year: int, years: int = 5) -> Trend:
    """``years`` years up to ``last_year``, per form of violence, in two queries."""
    first_year = last_year - years + 1
    cells = StatCell.objects.filter(
        agency__in=agencies, month__gte=date(first_year, 1, 1), month__lte=date(last_year, 12, 1)
    ).annotate(year=ExtractYear("month"))
    sums = {
        (row["value"], row["year"]): row["n"]
        for row in cells.filter(dimension=Dimension.VIOLENCE_FORM)
        .values("value", "year")
        .annotate(n=Sum(measure))
    }
    totals = {
        row["year"]: row["n"]
        for row in cells.filter(dimension=Dimension.TOTAL).values("year").annotate(n=Sum(measure))
    }
    return _rows(sums, list(range(first_year, last_year + 1)), totals)


def monthly(agencies, *, measure: str = "cases", year: int) -> Trend:
    """The twelve months of ``year``, per form of violence, in two queries."""
    cells = StatCell.objects.filter(
        agency__in=agencies, month__gte=date(year, 1, 1), month__lte=date(year, 12, 1)
    )
    sums = {
        (row["value"], row["month"]): row["n"]
        for row in cells.filter(dimension=Dimension.VIOLENCE_FORM)
        .values("value", "month")
        .annotate(n=Sum(measure))
    }
    totals = {
        row["month"]: row["n"]
        for row in cells.filter(dimension=Dimension.TOTAL).values("month").annotate(n=Sum(measure))
    }
    return _rows(sums, [date(year, month, 1) for month in range(1, 13)], totals)
