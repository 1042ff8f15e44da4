"""The partner API's reports: the dashboards, the trend, the SIMFONI recap and the KLA
report as JSON, for exactly the callers the web pages serve and with the same figures.

Everything is a sum of statistics cells: never a case, never a person's name, never a
list to drill into. Who reads which agencies is ``reports.dashboard``'s decision
(``agency_dashboard_agency``, ``network_regency``), as on the pages; a partner system
also needs the ``reports`` scope. Unlike the pages, a wrong filter is a 400, not a
silent fallback, so a partner never mistakes one period's figures for another's.
"""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.models import Agency, ApiScope
from api.base import ApiBehaviour
from cases.models.choices import ViolenceForm
from reports import trends
from reports.dashboard import agency_dashboard_agency, figures, network_regency, snapshot
from reports.dashboard_forms import months_back
from reports.models import Dimension
from reports.recap_views import FIRST_YEAR
from reports.recaps import kla_cluster_v, simfoni_recap
from reports.snapshots import UNASSIGNED
from reports.stats import data_as_of

MEASURES = [("cases", _("Cases (kasus)")), ("victims", _("Victims (korban)"))]
SCOPES = [("agency", _("The caller's agency")), ("network", _("The city's network"))]

# --- query parameters ---------------------------------------------------------------------


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-01"})
class MonthField(serializers.DateField):
    """A month written ``YYYY-MM``, read as its first day."""

    def __init__(self, **kwargs):
        super().__init__(input_formats=["%Y-%m"], format="%Y-%m", **kwargs)


class ScopeParams(serializers.Serializer):
    """Whose figures: the caller's agency, or the city's network (all its agencies, or the
    one named in ``agency``) for those who may read the network's statistics."""

    scope = serializers.ChoiceField(choices=SCOPES, default="agency")
    agency = serializers.IntegerField(
        required=False, help_text=_("With scope=network: one agency of the city (id).")
    )

    def validate_agency(self, value):
        city = self.context.get("city")
        if city is None:
            raise serializers.ValidationError(_("Choose an agency only with scope=network."))
        chosen = city.filter(pk=value).first()
        if chosen is None:
            raise serializers.ValidationError(_("Choose an agency of your city's network."))
        return chosen


class PeriodParams(ScopeParams):
    first_month = MonthField(required=False, help_text=_("From month (YYYY-MM)."))
    last_month = MonthField(required=False, help_text=_("To month (YYYY-MM)."))

    def default_period(self) -> tuple[date, date]:
        """As the dashboards: the last twelve months."""
        today = timezone.localdate()
        return months_back(12, today), today.replace(day=1)

    def validate(self, attrs):
        first, last = self.default_period()
        first = attrs.get("first_month", first).replace(day=1)
        last = attrs.get("last_month", last).replace(day=1)
        if first > last:
            raise serializers.ValidationError(
                {"last_month": [_("The last month is before the first.")]}
            )
        return {**attrs, "first_month": first, "last_month": last}


class AgencyDashboardParams(PeriodParams):
    scope = None  # the endpoint says whose dashboard it is
    agency = None


class NetworkDashboardParams(PeriodParams):
    scope = None


class SimfoniParams(PeriodParams):
    year = serializers.IntegerField(
        required=False,
        min_value=FIRST_YEAR,
        max_value=2100,
        help_text=_("A whole year, instead of first_month and last_month."),
    )

    def default_period(self) -> tuple[date, date]:
        """As SIMFONI's own dashboard: since 1 January of this year."""
        this_month = timezone.localdate().replace(day=1)
        return this_month.replace(month=1), this_month

    def validate(self, attrs):
        year = attrs.get("year")
        if year is None:
            return super().validate(attrs)
        if "first_month" in attrs or "last_month" in attrs:
            raise serializers.ValidationError(
                {"year": [_("Give a year or a range of months, not both.")]}
            )
        return {**attrs, "first_month": date(year, 1, 1), "last_month": date(year, 12, 1)}


class TrendParams(ScopeParams):
    by = serializers.ChoiceField(
        choices=[("year", _("Year by year")), ("month", _("Month by month"))], default="year"
    )
    year = serializers.IntegerField(
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("The last year shown (by=year) or the year shown (by=month); this year."),
    )
    measure = serializers.ChoiceField(choices=MEASURES, default="cases")
    form = serializers.ChoiceField(
        choices=ViolenceForm.choices,
        required=False,
        help_text=_("Only this form of violence (the total row stays)."),
    )


class KlaParams(ScopeParams):
    year = serializers.IntegerField(required=False, min_value=FIRST_YEAR, max_value=2100)

    def validate_year(self, value):
        if value > timezone.localdate().year:
            raise serializers.ValidationError(_("Choose this year or an earlier one."))
        return value


# --- responses ----------------------------------------------------------------------------


class ReportSerializer(serializers.Serializer):
    data_as_of = serializers.DateTimeField(
        allow_null=True, help_text=_("When the figures were last rebuilt.")
    )
    scope = serializers.ChoiceField(choices=SCOPES)
    agencies = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("The agencies summed (ids).")
    )


class CountRowSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    cases = serializers.IntegerField()
    victims = serializers.IntegerField()


class CutSerializer(serializers.Serializer):
    dimension = serializers.ChoiceField(choices=Dimension.choices)
    label = serializers.CharField()
    measure = serializers.ChoiceField(
        choices=MEASURES, help_text=_("What the rows are counted in: cases or victims.")
    )
    rows = CountRowSerializer(many=True)


class MonthRowSerializer(serializers.Serializer):
    month = serializers.CharField(source="label", help_text=_("YYYY-MM"))
    new = serializers.IntegerField()
    closed = serializers.IntegerField()
    victims = serializers.IntegerField()


class AgencyCountSerializer(serializers.Serializer):
    agency = serializers.IntegerField(source="agency_id")
    cases = serializers.IntegerField()
    victims = serializers.IntegerField()


class FiguresSerializer(serializers.Serializer):
    cases = serializers.IntegerField()
    victims = serializers.IntegerField()
    closed = serializers.IntegerField()
    open_at_end = serializers.IntegerField()
    months = MonthRowSerializer(many=True)
    cuts = CutSerializer(many=True)
    per_agency = AgencyCountSerializer(many=True)


class CaseloadSerializer(serializers.Serializer):
    caseworker = serializers.SerializerMethodField(
        help_text=_("The lead caseworker (user id); null for cases without one.")
    )
    cases = serializers.IntegerField()

    def get_caseworker(self, row) -> int | None:
        return None if row.value == UNASSIGNED else int(row.value)


class SnapshotSerializer(serializers.Serializer):
    open_ages = CountRowSerializer(many=True)
    overdue = CountRowSerializer(many=True)
    caseload = CaseloadSerializer(
        many=True, help_text=_("Open cases per lead caseworker: the agency's own dashboard only.")
    )


class DashboardSerializer(ReportSerializer):
    first_month = MonthField()
    last_month = MonthField()
    figures = FiguresSerializer()
    snapshot = SnapshotSerializer()


class TrendRowSerializer(serializers.Serializer):
    form = serializers.CharField(source="value", help_text=_("Empty on the total row."))
    label = serializers.CharField()
    counts = serializers.ListField(child=serializers.IntegerField())
    changes = serializers.ListField(
        child=serializers.FloatField(allow_null=True),
        help_text=_("Percent change against the column before; null without a base."),
    )


class TrendSerializer(ReportSerializer):
    by = serializers.CharField()
    measure = serializers.ChoiceField(choices=MEASURES)
    columns = serializers.ListField(
        child=serializers.CharField(), help_text=_("Years (YYYY) or months (YYYY-MM).")
    )
    rows = TrendRowSerializer(many=True)
    total = TrendRowSerializer()


class RecapRowSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    cases = serializers.IntegerField(allow_null=True)
    victims = serializers.IntegerField(allow_null=True)
    percent = serializers.FloatField(allow_null=True)
    total = serializers.BooleanField(help_text=_("A total or subtotal line."))


class RecapTableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    note = serializers.CharField()
    measures = serializers.ListField(child=serializers.CharField())
    rows = RecapRowSerializer(many=True)


class SimfoniSerializer(ReportSerializer):
    first_month = MonthField()
    last_month = MonthField()
    cases = serializers.IntegerField()
    victims = serializers.IntegerField()
    tables = RecapTableSerializer(many=True)


class KlaCountsSerializer(serializers.Serializer):
    victims = serializers.IntegerField()
    served = serializers.IntegerField()
    monitored = serializers.IntegerField()
    served_percent = serializers.FloatField(allow_null=True)


class KlaLineSerializer(serializers.Serializer):
    category = serializers.CharField()
    age_group = serializers.CharField()
    sex = serializers.CharField()
    last_year = KlaCountsSerializer(source="last")
    this_year = KlaCountsSerializer(source="this")


class KlaCategorySerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    number = serializers.IntegerField(
        allow_null=True, help_text=_("Its number in UU 35/2014 Article 59(2).")
    )
    total = KlaLineSerializer()
    rows = KlaLineSerializer(many=True)


class KlaReferralSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    last_year = serializers.IntegerField(source="last")
    this_year = serializers.IntegerField(source="this")


class KlaSerializer(ReportSerializer):
    year = serializers.IntegerField()
    categories = KlaCategorySerializer(many=True)
    by_age = KlaLineSerializer(many=True)
    by_sex = KlaLineSerializer(many=True)
    total = KlaLineSerializer()
    referrals = KlaReferralSerializer(many=True)


# --- views --------------------------------------------------------------------------------


def _city(regency_id: str):
    return Agency.objects.filter(regency_id=regency_id, is_active=True).order_by("name")


def _params(request, params_class, *, city=None) -> dict:
    params = params_class(data=request.query_params, context={"city": city})
    params.is_valid(raise_exception=True)
    return params.validated_data


def _scoped(request, params_class) -> tuple[dict, list, str]:
    """(parameters, agencies, scope) as ``reports.dashboard.figure_scope`` decides: the
    caller's own agency, or the city's network for those who may read it; else 403."""
    scope = ScopeParams(data={"scope": request.query_params.get("scope", "agency")})
    scope.is_valid(raise_exception=True)
    if scope.validated_data["scope"] == "network":
        regency_id = network_regency(request.user)
        if regency_id is None:
            raise PermissionDenied
        city = _city(regency_id)
        params = _params(request, params_class, city=city)
        chosen = params.get("agency")
        return params, [chosen] if chosen else list(city), "network"
    agency = agency_dashboard_agency(request.user)
    if agency is None:
        raise PermissionDenied
    return _params(request, params_class), [agency], "agency"


def _header(scope: str, agencies: list) -> dict:
    return {
        "data_as_of": data_as_of(),
        "scope": scope,
        "agencies": [agency.pk for agency in agencies],
    }


class ReportView(ApiBehaviour, APIView):
    read_scope = ApiScope.REPORTS


class AgencyReportView(ReportView):
    @extend_schema(parameters=[AgencyDashboardParams], responses=DashboardSerializer)
    def get(self, request):
        """The agency dashboard (heads, supervisors and data officers of the agency)."""
        agency = agency_dashboard_agency(request.user)
        if agency is None:
            raise PermissionDenied
        params = _params(request, AgencyDashboardParams)
        first, last = params["first_month"], params["last_month"]
        data = {
            **_header("agency", [agency]),
            "first_month": first,
            "last_month": last,
            "figures": figures([agency], first, last),
            "snapshot": snapshot([agency], caseload_of=agency),
        }
        return Response(DashboardSerializer(data).data)


class NetworkReportView(ReportView):
    @extend_schema(parameters=[NetworkDashboardParams], responses=DashboardSerializer)
    def get(self, request):
        """The network dashboard: every agency of the city in aggregate (forum
        coordinators, and people granted the network's statistics)."""
        regency_id = network_regency(request.user)
        if regency_id is None:
            raise PermissionDenied
        city = _city(regency_id)
        params = _params(request, NetworkDashboardParams, city=city)
        agencies = [params["agency"]] if params.get("agency") else list(city)
        first, last = params["first_month"], params["last_month"]
        data = {
            **_header("network", agencies),
            "first_month": first,
            "last_month": last,
            "figures": figures(agencies, first, last),
            "snapshot": snapshot(agencies),
        }
        return Response(DashboardSerializer(data).data)


class TrendReportView(ReportView):
    @extend_schema(parameters=[TrendParams], responses=TrendSerializer)
    def get(self, request):
        """Cases (or victims) per form of violence, year by year or month by month."""
        params, agencies, scope = _scoped(request, TrendParams)
        year = params.get("year") or timezone.localdate().year
        measure = params["measure"]
        if params["by"] == "year":
            trend = trends.yearly(agencies, measure=measure, last_year=year)
            columns = [str(column) for column in trend.columns]
        else:
            trend = trends.monthly(agencies, measure=measure, year=year)
            columns = [f"{column:%Y-%m}" for column in trend.columns]
        rows = trend.rows
        if params.get("form"):
            rows = [row for row in rows if row.value == params["form"]]
        data = {
            **_header(scope, agencies),
            "by": params["by"],
            "measure": measure,
            "columns": columns,
            "rows": rows,
            "total": trend.total,
        }
        return Response(TrendSerializer(data).data)


class SimfoniReportView(ReportView):
    @extend_schema(parameters=[SimfoniParams], responses=SimfoniSerializer)
    def get(self, request):
        """SIMFONI's tables over a range of months (or a whole year)."""
        params, agencies, scope = _scoped(request, SimfoniParams)
        recap = simfoni_recap(agencies, params["first_month"], params["last_month"])
        data = {
            **_header(scope, agencies),
            "first_month": recap.first_month,
            "last_month": recap.last_month,
            "cases": recap.cases,
            "victims": recap.victims,
            "tables": recap.tables,
        }
        return Response(SimfoniSerializer(data).data)


class KlaReportView(ReportView):
    @extend_schema(parameters=[KlaParams], responses=KlaSerializer)
    def get(self, request):
        """The KLA cluster V report of a year, with the year before."""
        params, agencies, scope = _scoped(request, KlaParams)
        report = kla_cluster_v(agencies, params.get("year") or timezone.localdate().year)
        data = {
            **_header(scope, agencies),
            "year": report.year,
            "categories": report.categories,
            "by_age": report.by_age,
            "by_sex": report.by_sex,
            "total": report.total,
            "referrals": report.referrals,
        }
        return Response(KlaSerializer(data).data)
