"""The KLA cluster V report and the SIMFONI-style recap: sums of statistics cells.

Both read only ``StatCell`` and ``MetricCell`` (counts per agency and month), in a fixed
number of grouped queries whatever the number of cases, so nothing here can name a child
or a case. Labels are SIMFONI's and the Act's (the Indonesian catalogue holds their exact
words). docs/recaps.md defines every figure.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from cases.models.choices import (
    AmpkCategory,
    DisabilityType,
    Education,
    PerpetratorRelationship,
    PlaceType,
    Sex,
    ViolenceForm,
)
from reports.exports import Column
from reports.models import Dimension, Metric, MetricCell, StatCell
from reports.stats import AGE_BAND_LABELS, UNKNOWN

NOT_RECORDED = _("Not recorded")

# --- shared --------------------------------------------------------------------------------


def share(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in percent, one decimal; None when the whole is 0."""
    if not whole:
        return None
    return round(100 * part / whole, 1)


@dataclass
class Table:
    """One table of a report as the downloads write it: a sheet of the XLSX, a run of
    rows of the CSV (whose "table" column holds the title)."""

    key: str
    title: str
    columns: list[Column]
    rows: list


# --- KLA cluster V -------------------------------------------------------------------------

KLA_DIMENSIONS = (Dimension.KLA, Dimension.KLA_SERVED, Dimension.KLA_MONITORED)
MEASURE_OF = {
    Dimension.KLA: "victims",
    Dimension.KLA_SERVED: "served",
    Dimension.KLA_MONITORED: "monitored",
}
# Children's age groups, always shown; adults (a party who was 18 or over when the case
# was reported) and unknown ages are shown only when there are some.
CHILD_AGE_GROUPS = AGE_BAND_LABELS[:3]  # 0-5, 6-12, 13-17
ADULT = "18+"
ADULT_BANDS = frozenset(AGE_BAND_LABELS[3:-1])
KLA_SEXES = (Sex.MALE, Sex.FEMALE)


def kla_age_group(band: str) -> str:
    return ADULT if band in ADULT_BANDS else band


def _age_label(group: str):
    return NOT_RECORDED if group == UNKNOWN else group


def _sex_label(sex: str):
    return NOT_RECORDED if sex == UNKNOWN else dict(Sex.choices).get(sex, sex)


@dataclass
class KlaCounts:
    """Victims of one year, and how many of them were served and monitored."""

    victims: int = 0
    served: int = 0
    monitored: int = 0

    def add(self, other: "KlaCounts") -> None:
        self.victims += other.victims
        self.served += other.served
        self.monitored += other.monitored

    @property
    def served_percent(self) -> float | None:
        return share(self.served, self.victims)

    def __bool__(self) -> bool:
        return bool(self.victims or self.served or self.monitored)


@dataclass
class KlaLine:
    """A row of the report: this year and last year side by side."""

    category: str = ""
    category_label: str = ""
    age_group: str = ""
    sex: str = ""
    last: KlaCounts = field(default_factory=KlaCounts)
    this: KlaCounts = field(default_factory=KlaCounts)

    @property
    def age_label(self) -> str:
        return str(_age_label(self.age_group)) if self.age_group else ""

    @property
    def sex_label(self) -> str:
        return str(_sex_label(self.sex)) if self.sex else ""

    def add(self, other: "KlaLine") -> None:
        self.last.add(other.last)
        self.this.add(other.this)

    def __bool__(self) -> bool:
        return bool(self.last or self.this)


@dataclass
class KlaCategory:
    value: str
    label: str
    total: KlaLine
    rows: list[KlaLine]

    @property
    def number(self) -> int | None:
        """The category's number in UU 35/2014 Article 59(2); None for the others."""
        values = AmpkCategory.values
        return values.index(self.value) + 1 if self.value in values else None

    @property
    def rows_with_victims(self) -> list[KlaLine]:
        return [row for row in self.rows if row]


@dataclass
class ReferralLine:
    key: str
    label: str
    last: int
    this: int


@dataclass
class KlaReport:
    year: int
    categories: list[KlaCategory]
    by_age: list[KlaLine]
    by_sex: list[KlaLine]
    total: KlaLine
    referrals: list[ReferralLine]

    @property
    def last_year(self) -> int:
        return self.year - 1

    def tables(self) -> list[Table]:
        return kla_tables(self)


# What the "referrals" part counts: (key, label, metric, numerator or denominator).
# docs/recaps.md and docs/coordination-metrics.md define each metric.
REFERRAL_LINES = (
    (
        "received",
        _("Referrals received (answered, or unanswered past the deadline)"),
        Metric.REFERRAL_ON_TIME,
        "den",
    ),
    ("answered", _("Referrals received and answered"), Metric.REFERRAL_RESPONSE_HOURS, "den"),
    (
        "answered_on_time",
        _("Referrals received and answered before the deadline"),
        Metric.REFERRAL_ON_TIME,
        "num",
    ),
    ("sent_ended", _("Referrals sent that have ended"), Metric.REFERRAL_OUTCOME, "den"),
    (
        "sent_with_outcome",
        _("Referrals sent that ended with an outcome"),
        Metric.REFERRAL_OUTCOME,
        "num",
    ),
)


def _years(queryset, first_year: int, last_year: int):
    return queryset.filter(
        month__gte=date(first_year, 1, 1), month__lte=date(last_year, 12, 1)
    ).annotate(year=ExtractYear("month"))


def _kla_sums(agencies, year: int) -> dict:
    """{(category, age group, sex): KlaLine} for ``year`` and the year before, one query."""
    lines: dict[tuple, KlaLine] = defaultdict(KlaLine)
    cells = _years(
        StatCell.objects.filter(agency__in=agencies, dimension__in=KLA_DIMENSIONS), year - 1, year
    )
    for row in cells.values("dimension", "value", "year").annotate(n=Sum("victims")):
        category, band, sex = (row["value"].split("|") + [UNKNOWN, UNKNOWN])[:3]
        line = lines[(category, kla_age_group(band), sex)]
        counts = line.this if row["year"] == year else line.last
        measure = MEASURE_OF[row["dimension"]]
        setattr(counts, measure, getattr(counts, measure) + row["n"])
    return lines


def _referrals(agencies, year: int) -> list[ReferralLine]:
    """The referral lines of ``year`` and the year before, one query."""
    metrics = {metric for _key, _label, metric, _part in REFERRAL_LINES}
    cells = _years(
        MetricCell.objects.filter(agency__in=agencies, metric__in=metrics), year - 1, year
    )
    sums = {
        (row["metric"], row["year"]): row
        for row in cells.values("metric", "year").annotate(
            num=Sum("numerator"), den=Sum("denominator")
        )
    }

    def count(metric, part, in_year) -> int:
        row = sums.get((metric, in_year))
        return round(row[part] or 0) if row else 0

    return [
        ReferralLine(key, str(label), count(metric, part, year - 1), count(metric, part, year))
        for key, label, metric, part in REFERRAL_LINES
    ]


def _with_extras(fixed: list[str], present: set[str], last: tuple[str, ...]) -> list[str]:
    """``fixed`` always, then the other values the cells hold: unexpected codes (from
    imported figures) sorted, and ``last`` (adults, not recorded) at the end."""
    others = present - set(fixed)
    return list(fixed) + sorted(others - set(last)) + [value for value in last if value in others]


def kla_cluster_v(agencies, year: int) -> KlaReport:
    """Child victims per AMPK category, age group and sex, in ``year`` and the year before,
    with how many were served and monitored after care; and the referral counts.

    Every one of the Act's fifteen categories is listed, in its order, each with the three
    children's age groups by sex; unrecorded categories, ages or sexes and adults are added
    where there are some. Two queries.
    """
    lines = _kla_sums(agencies, year)
    labels = {value: str(label) for value, label in AmpkCategory.choices}
    labels[UNKNOWN] = str(_("AMPK category not recorded"))
    categories = [
        (value, labels.get(value, value))
        for value in _with_extras(list(AmpkCategory.values), {key[0] for key in lines}, (UNKNOWN,))
    ]
    ages = _with_extras(CHILD_AGE_GROUPS, {key[1] for key in lines}, (ADULT, UNKNOWN))
    sexes = _with_extras(list(KLA_SEXES), {key[2] for key in lines}, (UNKNOWN,))
    by_age = {group: KlaLine(age_group=group) for group in ages}
    by_sex = {sex: KlaLine(sex=sex) for sex in sexes}
    total = KlaLine()
    report_categories = []
    for value, label in categories:
        category_total = KlaLine(category=value, category_label=label)
        rows = []
        for group in ages:
            for sex in sexes:
                found = lines.get((value, group, sex), KlaLine())
                row = KlaLine(value, label, group, sex, found.last, found.this)
                rows.append(row)
                for aggregate in (category_total, by_age[group], by_sex[sex], total):
                    aggregate.add(row)
        report_categories.append(KlaCategory(value, label, category_total, rows))
    return KlaReport(
        year=year,
        categories=report_categories,
        by_age=list(by_age.values()),
        by_sex=list(by_sex.values()),
        total=total,
        referrals=_referrals(agencies, year),
    )


def _kla_measure_columns(report: KlaReport) -> list[Column]:
    columns = []
    for when, year in (("last", report.last_year), ("this", report.year)):
        for measure, header in (
            ("victims", _("Victims %(year)s")),
            ("served", _("Served %(year)s")),
            ("monitored", _("Monitored after care %(year)s")),
        ):
            columns.append(
                Column(
                    f"{measure}_{when}",
                    str(header) % {"year": year},
                    lambda row, w=when, m=measure: getattr(getattr(row, w), m),
                )
            )
    columns.append(
        Column(
            "served_percent_this",
            str(_("Served %(year)s (%%)")) % {"year": report.year},
            lambda row: row.this.served_percent,
        )
    )
    return columns


CATEGORY = Column("category", _("AMPK category"), lambda row: row.category_label)
AGE_GROUP = Column("age_group", _("Age group"), lambda row: row.age_label)
SEX = Column("sex", _("Sex"), lambda row: row.sex_label)
ITEM = Column("item", _("Item"), lambda row: row.label)


def kla_tables(report: KlaReport) -> list[Table]:
    """The report as the downloads write it; every row of every category is there."""
    measures = _kla_measure_columns(report)
    total = KlaLine(category_label=str(_("Total")), last=report.total.last, this=report.total.this)
    referral_columns = [
        ITEM,
        Column("count_last", str(report.last_year), lambda row: row.last),
        Column("count_this", str(report.year), lambda row: row.this),
    ]
    return [
        Table(
            "ampk_age_sex",
            str(_("AMPK by age group and sex")),
            [CATEGORY, AGE_GROUP, SEX, *measures],
            [row for category in report.categories for row in category.rows],
        ),
        Table(
            "ampk",
            str(_("AMPK by category")),
            [CATEGORY, *measures],
            [category.total for category in report.categories] + [total],
        ),
        Table("age_group", str(_("AMPK by age group")), [AGE_GROUP, *measures], report.by_age),
        Table("sex", str(_("AMPK by sex")), [SEX, *measures], report.by_sex),
        Table("referrals", str(_("Referrals")), referral_columns, report.referrals),
    ]


# --- SIMFONI-style recap -------------------------------------------------------------------

SIMFONI_DIMENSIONS = (
    Dimension.TOTAL,
    Dimension.SEX,
    Dimension.VIOLENCE_FORM,
    Dimension.PLACE,
    Dimension.RELATIONSHIP,
    Dimension.AGE_BAND,
    Dimension.EDUCATION,
    Dimension.DISABILITY,
)
CASES, VICTIMS, PERCENT = "cases", "victims", "percent"
CHILD_STATUS_BANDS = frozenset(AGE_BAND_LABELS[:3])


@dataclass
class RecapRow:
    value: str
    label: str
    cases: int | None = None
    victims: int | None = None
    percent: float | None = None
    total: bool = False  # a total or subtotal line, shown bold

    def cell(self, measure: str):
        return getattr(self, measure)


@dataclass
class RecapTable:
    key: str
    title: str
    measures: tuple[str, ...]
    rows: list[RecapRow]
    note: str = ""

    @property
    def headers(self) -> list[str]:
        return [str(MEASURE_HEADERS[measure]) for measure in self.measures]

    @property
    def body(self) -> list[tuple[RecapRow, list[tuple[str, object]]]]:
        """Each row with its (measure, value) cells, for the page."""
        return [
            (row, [(measure, row.cell(measure)) for measure in self.measures]) for row in self.rows
        ]


MEASURE_HEADERS = {
    CASES: _("Cases (kasus)"),
    VICTIMS: _("Victims (korban)"),
    PERCENT: _("% of victims"),
}


@dataclass
class SimfoniRecap:
    first_month: date
    last_month: date
    cases: int
    victims: int
    tables: list[RecapTable]

    def export_tables(self) -> list[Table]:
        return [
            Table(
                table.key,
                table.title,
                [
                    ITEM,
                    *[
                        Column(
                            measure, MEASURE_HEADERS[measure], lambda row, m=measure: row.cell(m)
                        )
                        for measure in table.measures
                    ],
                ],
                table.rows,
            )
            for table in self.tables
        ]


def _labelled(labels: list[tuple[str, str]], found: dict) -> list[tuple[str, str]]:
    """``labels`` in their order, then any value the cells hold that they do not name."""
    known = {value for value, _label in labels}
    extra = sorted(value for value in found if value not in known)
    return labels + [(value, str(NOT_RECORDED) if value == UNKNOWN else value) for value in extra]


def _case_table(key, title, labels, sums, *, note="", with_total=False) -> RecapTable:
    """Counted per case and per victim of those cases (SIMFONI's "kasus" and "korban")."""
    rows = [
        RecapRow(value, label, *sums.get(value, (0, 0))) for value, label in _labelled(labels, sums)
    ]
    if with_total:
        rows.append(
            RecapRow(
                "total",
                str(_("Total")),
                sum(row.cases for row in rows),
                sum(row.victims for row in rows),
                total=True,
            )
        )
    return RecapTable(key, title, (CASES, VICTIMS), rows, note)


def _victim_table(key, title, labels, sums, *, leading=()) -> RecapTable:
    """Counted per victim, each with their share of the victims of the table."""
    counts = [
        (value, label, sums.get(value, (0, 0))[1]) for value, label in _labelled(labels, sums)
    ]
    whole = sum(count for _value, _label, count in counts)
    rows = [
        RecapRow(value, label, victims=count, percent=share(count, whole), total=True)
        for value, label, count in leading
    ]
    rows += [
        RecapRow(value, label, victims=count, percent=share(count, whole))
        for value, label, count in counts
    ]
    rows.append(
        RecapRow("total", str(_("Total")), victims=whole, percent=share(whole, whole), total=True)
    )
    return RecapTable(key, title, (VICTIMS, PERCENT), rows)


def _choices(choices, unknown=True) -> list[tuple[str, str]]:
    labels = [(value, str(label)) for value, label in choices]
    if unknown and UNKNOWN not in dict(labels):
        labels.append((UNKNOWN, str(NOT_RECORDED)))
    return labels


def _recap_sums(agencies, first_month: date, last_month: date) -> dict:
    """{dimension: {value: (cases, victims)}} over the months, one query."""
    sums: dict[str, dict] = defaultdict(dict)
    cells = StatCell.objects.filter(agency__in=agencies, dimension__in=SIMFONI_DIMENSIONS).between(
        first_month, last_month
    )
    for row in cells.values("dimension", "value").annotate(
        cases=Sum("cases"), victims=Sum("victims")
    ):
        sums[row["dimension"]][row["value"]] = (row["cases"], row["victims"])
    return sums


def _child_status(ages: dict) -> dict:
    """SIMFONI's "status usia": child (under 18 when reported) or adult, from the bands."""
    status: dict[str, tuple[int, int]] = {}
    for band, (cases, victims) in ages.items():
        key = UNKNOWN if band == UNKNOWN else "anak" if band in CHILD_STATUS_BANDS else "dewasa"
        before = status.get(key, (0, 0))
        status[key] = (before[0] + cases, before[1] + victims)
    return status


def simfoni_recap(agencies, first_month: date, last_month: date) -> SimfoniRecap:
    """SIMFONI's tables for ``agencies`` over the months, in one query.

    Kasus and korban are kept apart: one case may have several victims, several forms of
    violence and several alleged perpetrators.
    """
    sums = _recap_sums(agencies, first_month, last_month)
    cases, victims = sums[Dimension.TOTAL].get("", (0, 0))
    sexes = sums[Dimension.SEX]
    summary = [
        RecapRow("cases", str(_("Number of cases")), cases=cases, total=True),
        RecapRow("victims", str(_("Number of victims")), victims=victims, total=True),
    ] + [
        RecapRow(value, label, victims=count, percent=share(count, victims))
        for value, label in _labelled(_choices(Sex.choices), sexes)
        for count in [sexes.get(value, (0, 0))[1]]
    ]
    disabilities = sums[Dimension.DISABILITY]
    with_disability = sum(v for value, (_c, v) in disabilities.items() if value)
    disability_labels = [
        (value, str(label)) for value, label in DisabilityType.choices if value
    ] + [("", str(DisabilityType.NONE.label))]
    tables = [
        RecapTable("jumlah", str(_("Cases and victims")), (CASES, VICTIMS, PERCENT), summary),
        _case_table(
            "bentuk_kekerasan",
            str(_("Form of violence")),
            _choices(ViolenceForm.choices, unknown=False),
            sums[Dimension.VIOLENCE_FORM],
            note=str(_("One case may have several forms, so the rows add up to more.")),
        ),
        _case_table(
            "tempat_kejadian",
            str(_("Place of the incident")),
            _choices(PlaceType.choices),
            sums[Dimension.PLACE],
            with_total=True,
        ),
        _case_table(
            "hubungan_pelaku",
            str(_("Perpetrator's relationship to the victim")),
            _choices(PerpetratorRelationship.choices),
            sums[Dimension.RELATIONSHIP],
            note=str(
                _(
                    "Per alleged perpetrator's relationship: a case with two perpetrators "
                    "counts in both rows; cases with none recorded count in none."
                )
            ),
        ),
        _victim_table(
            "kelompok_umur",
            str(_("Victims' age group")),
            [(band, str(_age_label(band))) for band in AGE_BAND_LABELS],
            sums[Dimension.AGE_BAND],
        ),
        _victim_table(
            "status_usia",
            str(_("Child or adult")),
            [("anak", str(_("Child"))), ("dewasa", str(_("Adult"))), (UNKNOWN, str(NOT_RECORDED))],
            _child_status(sums[Dimension.AGE_BAND]),
        ),
        _victim_table(
            "pendidikan",
            str(_("Victims' education")),
            _choices(Education.choices),
            sums[Dimension.EDUCATION],
        ),
        _victim_table(
            "disabilitas",
            str(_("Victims with a disability")),
            disability_labels,
            disabilities,
            leading=[("with", str(_("With a disability (all types)")), with_disability)],
        ),
    ]
    return SimfoniRecap(first_month, last_month, cases, victims, tables)
