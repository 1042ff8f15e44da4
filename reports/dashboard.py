"""What the dashboards show: sums of statistics cells, never a case.

Who sees which agencies' figures is decided here, once: the agency dashboard is for the
heads, supervisors and data officers of one agency; the network dashboard is for forum
coordinators and for people granted the network's statistics (``Membership.
network_statistics``), and shows every agency of their city in aggregate only.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Region, User
from agencies.navigation import AGENCY_DASHBOARD_ROLES
from agencies.roles import Role, has_role, membership_of
from cases.models.choices import (
    AmpkCategory,
    DisabilityType,
    Education,
    PerpetratorRelationship,
    PlaceType,
    Sex,
    ViolenceForm,
)
from reports.models import SNAPSHOT_DIMENSIONS, VICTIM_DIMENSIONS, Dimension, StatCell
from reports.snapshots import UNASSIGNED
from reports.stats import AGE_BAND_LABELS, UNKNOWN

# The cuts shown, in SIMFONI's order, with the labels of their values.
CUTS = [
    (Dimension.VIOLENCE_FORM, dict(ViolenceForm.choices)),
    (Dimension.PLACE, dict(PlaceType.choices)),
    (Dimension.RELATIONSHIP, dict(PerpetratorRelationship.choices)),
    (Dimension.AGE_BAND, {label: label for label in AGE_BAND_LABELS}),
    (Dimension.SEX, dict(Sex.choices)),
    (Dimension.DISABILITY, dict(DisabilityType.choices)),
    (Dimension.EDUCATION, dict(Education.choices)),
    (Dimension.DISTRICT, {}),
    (Dimension.AMPK, dict(AmpkCategory.choices)),
    (
        Dimension.TPKS_72H,
        {
            "on_time": _("Reported to the police within 72 hours"),
            "late": _("Reported after 72 hours"),
            "missed": _("Not reported, 72 hours passed"),
            "pending": _("Not reported yet, within 72 hours"),
        },
    ),
]
SNAPSHOT_LABELS = {
    Dimension.OPEN_AGE: {
        "0-30": _("Up to 30 days"),
        "31-90": _("31 to 90 days"),
        "91-180": _("91 to 180 days"),
        "181+": _("More than 180 days"),
    },
    Dimension.OVERDUE: {
        "services": _("Services past their due date"),
        "tpks_police": _("TPKS cases not reported to the police within 72 hours"),
        "referrals": _("Referrals to the agency past their answer deadline"),
    },
}
UNASSIGNED_LABEL = _("No lead caseworker yet")
UNKNOWN_LABEL = _("Not recorded")


def agency_dashboard_agency(user) -> Agency | None:
    membership = membership_of(user)
    if membership is None or not has_role(user, *AGENCY_DASHBOARD_ROLES):
        return None
    return membership.agency


def network_regency(user) -> str | None:
    """The city whose network statistics the user may read, or None."""
    membership = membership_of(user)
    if membership is None:
        return None
    if has_role(user, Role.COORDINATOR) or (
        membership.network_statistics and not has_role(user, Role.COMMUNITY)
    ):
        return membership.agency.regency_id
    return None


@dataclass
class CutRow:
    value: str
    label: str
    cases: int
    victims: int


@dataclass
class Cut:
    dimension: str
    label: str
    per_victim: bool
    rows: list[CutRow] = field(default_factory=list)

    @property
    def measure(self) -> str:
        return "victims" if self.per_victim else "cases"

    @property
    def largest(self) -> int:
        return max((getattr(row, self.measure) for row in self.rows), default=0)


@dataclass
class MonthRow:
    month: date
    new: int = 0
    closed: int = 0
    victims: int = 0

    @property
    def label(self) -> str:
        return f"{self.month:%Y-%m}"


@dataclass
class Figures:
    cases: int
    victims: int
    closed: int
    open_at_end: int
    months: list[MonthRow]
    cuts: list[Cut]
    per_agency: list[dict]

    @property
    def busiest_month(self) -> int:
        return max((row.new for row in self.months), default=0)


def _district_names(agencies) -> dict[str, str]:
    """Kecamatan names of the agencies' cities, in one query whatever the cells hold."""
    regencies = Agency.objects.filter(pk__in=[agency.pk for agency in agencies]).values(
        "regency_id"
    )
    return dict(Region.objects.filter(parent_id__in=regencies).values_list("code", "name"))


def _cuts(sums: dict, agencies) -> list[Cut]:
    districts = _district_names(agencies)
    cuts = []
    for dimension, labels in CUTS:
        cut = Cut(dimension, Dimension(dimension).label, dimension in VICTIM_DIMENSIONS)
        labels = labels or districts
        for (cell_dimension, value), (cases, victims) in sums.items():
            if cell_dimension == dimension:
                label = UNKNOWN_LABEL if value == UNKNOWN else labels.get(value, value)
                cut.rows.append(CutRow(value, str(label), cases, victims))
        cut.rows.sort(key=lambda row: (-getattr(row, cut.measure), row.label))
        cuts.append(cut)
    return cuts


def _months(cells, first_month: date, last_month: date) -> list[MonthRow]:
    rows: dict[date, MonthRow] = {}
    for cell in (
        cells.filter(dimension__in=[Dimension.TOTAL, Dimension.CLOSED])
        .values("month", "dimension")
        .annotate(cases=Sum("cases"), victims=Sum("victims"))
    ):
        row = rows.setdefault(cell["month"], MonthRow(cell["month"]))
        if cell["dimension"] == Dimension.TOTAL:
            row.new, row.victims = cell["cases"], cell["victims"]
        else:
            row.closed = cell["cases"]
    return [rows[month] for month in sorted(rows) if first_month <= month <= last_month]


@dataclass
class Snapshot:
    """How things stand at the last refresh, whatever months the dashboard shows."""

    open_ages: list[CutRow]
    overdue: list[CutRow]
    caseload: list[CutRow]


def _snapshot_rows(sums: dict, dimension: str, labels: dict) -> list[CutRow]:
    rows = [
        CutRow(value, str(labels.get(value, value)), cases, victims)
        for (cell_dimension, value), (cases, victims) in sums.items()
        if cell_dimension == dimension
    ]
    order = list(labels)
    return sorted(rows, key=lambda row: order.index(row.value) if row.value in order else 99)


def snapshot(agencies, *, caseload_of: Agency | None = None) -> Snapshot:
    """Open-case ageing and what is overdue now; per caseworker only for ``caseload_of``,
    the agency whose own dashboard this is. Two queries."""
    sums = {
        (row["dimension"], row["value"]): (row["cases"], row["victims"])
        for row in StatCell.objects.filter(agency__in=agencies, dimension__in=SNAPSHOT_DIMENSIONS)
        .values("dimension", "value")
        .annotate(cases=Sum("cases"), victims=Sum("victims"))
    }
    caseload = []
    if caseload_of is not None:
        names = {
            str(pk): name
            for pk, name in User.objects.filter(membership__agency=caseload_of).values_list(
                "pk", "full_name"
            )
        }
        names[UNASSIGNED] = str(UNASSIGNED_LABEL)
        caseload = [
            CutRow(value, names.get(value, value), cases, victims)
            for (dimension, value), (cases, victims) in sums.items()
            if dimension == Dimension.CASELOAD
        ]
        caseload.sort(key=lambda row: (-row.cases, row.label))
    return Snapshot(
        open_ages=_snapshot_rows(sums, Dimension.OPEN_AGE, SNAPSHOT_LABELS[Dimension.OPEN_AGE]),
        overdue=_snapshot_rows(sums, Dimension.OVERDUE, SNAPSHOT_LABELS[Dimension.OVERDUE]),
        caseload=caseload,
    )


def figures(agencies, first_month: date, last_month: date) -> Figures:
    """Everything a dashboard shows for ``agencies`` over the months, in four queries."""
    agency_cells = StatCell.objects.filter(agency__in=agencies)
    in_range = agency_cells.between(first_month, last_month)
    sums = {
        (row["dimension"], row["value"]): (row["cases"], row["victims"])
        for row in in_range.values("dimension", "value").annotate(
            cases=Sum("cases"), victims=Sum("victims")
        )
    }
    months = _months(agency_cells.filter(month__lte=last_month), first_month, last_month)
    until_end = agency_cells.filter(month__lte=last_month)
    ever = {
        row["dimension"]: row["cases"]
        for row in until_end.filter(dimension__in=[Dimension.TOTAL, Dimension.CLOSED])
        .values("dimension")
        .annotate(cases=Sum("cases"))
    }
    per_agency = list(
        in_range.filter(dimension=Dimension.TOTAL)
        .values("agency_id", "agency__name", "agency__nomenclature")
        .annotate(cases=Sum("cases"), victims=Sum("victims"))
        .order_by("-cases", "agency__name")
    )
    total_cases, total_victims = sums.get((Dimension.TOTAL, ""), (0, 0))
    return Figures(
        cases=total_cases,
        victims=total_victims,
        closed=sums.get((Dimension.CLOSED, ""), (0, 0))[0],
        open_at_end=ever.get(Dimension.TOTAL, 0) - ever.get(Dimension.CLOSED, 0),
        months=months,
        cuts=_cuts(sums, agencies),
        per_agency=per_agency,
    )


@dataclass
class Scope:
    """Whose figures a report page shows, and how to name them."""

    network: bool
    agencies: object  # a list of agencies or a queryset of them
    label: str


def figure_scope(request, form_class):
    """(Scope, form) of a report page: the user's agency, or with ``?scope=network`` the
    city's agencies (or the one chosen in the form) for those who may read the network.
    Anyone else is refused. ``form_class(data, agencies=...)`` offers the city's agencies
    and answers ``chosen_agency()``."""
    if request.GET.get("scope") == "network":
        regency_id = network_regency(request.user)
        if regency_id is None:
            raise PermissionDenied
        city = Agency.objects.filter(regency_id=regency_id, is_active=True).order_by("name")
        form = form_class(request.GET, agencies=city)
        chosen = form.chosen_agency()
        if chosen:
            return Scope(True, [chosen], chosen.name), form
        return Scope(True, city, str(_("All agencies of the city"))), form
    agency = agency_dashboard_agency(request.user)
    if agency is None:
        raise PermissionDenied
    return Scope(False, [agency], agency.name), form_class(request.GET)
