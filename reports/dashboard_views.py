"""The agency dashboard and the network dashboard: aggregates only, never a record."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.auth import client_ip
from agencies.models import Agency, PreventionActivity
from agencies.roles import Role, has_role
from cases.models import AuditEvent
from cases.services import audit_record
from reports import trends
from reports.coordination import coordination_summary
from reports.dashboard import (
    agency_dashboard_agency,
    figure_scope,
    figures,
    network_regency,
    snapshot,
)
from reports.dashboard_cache import cached_dashboard_body
from reports.dashboard_forms import DashboardFilterForm, TrendForm
from reports.exports import FORMATS, Column, export_response
from reports.models import StatCell
from reports.pdf import figures_pdf
from reports.stats import data_as_of


def _city_agencies(regency_id: str):
    return Agency.objects.filter(regency_id=regency_id, is_active=True).order_by("name")


def _coordination(request, *, columns, network_agencies, first_month, last_month):
    return coordination_summary(
        agencies=columns,
        network=network_agencies,
        first_month=first_month,
        last_month=last_month,
        activities=PreventionActivity.objects.visible_to(request.user),
    )


def _render(request, *, network: bool, title: str, **body):
    """The page around a dashboard body kept by reports.dashboard_cache; ``body`` holds
    what ``_body`` renders it from, used only when the cache has none."""
    kind = "network" if network else "agency"
    kept = cached_dashboard_body(
        request,
        kind=kind,
        render=lambda as_of: _body(request, as_of=as_of, network=network, title=title, **body),
    )
    return render(request, "reports/dashboard.html", {"title": title, "body": kept})


def _body(
    request,
    *,
    as_of,
    network,
    title,
    agencies,
    form,
    scope_note,
    drill_to_cases,
    network_agencies,
    caseload_of=None,
) -> str:
    first_month, last_month = form.period()
    agencies = list(agencies)
    network_agencies = list(network_agencies)
    shown = figures(agencies, first_month, last_month)
    # One column per agency that had cases, so a city of thirty offices stays readable.
    with_cases = {row["agency_id"] for row in shown.per_agency}
    columns = [a for a in agencies if a.pk in with_cases] if len(agencies) > 1 else agencies
    return render_to_string(
        "reports/_dashboard_body.html",
        {
            "title": title,
            "form": form,
            "figures": shown,
            "snapshot": snapshot(agencies, caseload_of=caseload_of),
            "coordination": _coordination(
                request,
                columns=columns,
                network_agencies=network_agencies,
                first_month=first_month,
                last_month=last_month,
            ),
            "first_month": first_month,
            "last_month": last_month,
            "data_as_of": as_of,
            "scope_note": scope_note,
            "drill_to_cases": drill_to_cases,
            "network": network,
            "other_dashboard": _other_dashboard(request.user, from_network=network),
        },
        request=request,
    )


def _other_dashboard(user, *, from_network: bool) -> tuple[str, str] | None:
    """A link to the other dashboard, for those who may read both."""
    if from_network:
        if agency_dashboard_agency(user) is not None:
            return reverse("agency-dashboard"), _("Your agency's dashboard")
        return None
    if network_regency(user) is not None:
        return reverse("network-dashboard"), _("Network dashboard")
    return None


@login_required
def agency_dashboard(request):
    agency = agency_dashboard_agency(request.user)
    if agency is None:
        raise PermissionDenied
    return _render(
        request,
        network=False,
        title=_("Dashboard of %(agency)s") % {"agency": agency},
        agencies=[agency],
        form=DashboardFilterForm(request.GET),
        scope_note=_("Cases your agency leads."),
        caseload_of=agency,
        # The network column adds up the city only for those granted its statistics.
        network_agencies=(
            _city_agencies(regency_id)
            if (regency_id := network_regency(request.user))
            else [agency]
        ),
        # The case list is theirs to open; a data officer's work stops at the figures.
        drill_to_cases=has_role(request.user, Role.HEAD, Role.SUPERVISOR),
    )


@login_required
def network_dashboard(request):
    regency_id = network_regency(request.user)
    if regency_id is None:
        raise PermissionDenied
    city_agencies = _city_agencies(regency_id)
    form = DashboardFilterForm(request.GET, agencies=city_agencies)
    chosen = form.chosen_agency()
    return _render(
        request,
        network=True,
        title=_("Network dashboard"),
        agencies=[chosen] if chosen else city_agencies,
        form=form,
        scope_note=_("Every agency of the city, in aggregate: no figure here opens a case."),
        network_agencies=city_agencies,
        drill_to_cases=False,
    )


def _trend_columns(trend, period: str) -> list[Column]:
    columns = [Column("form", gettext_lazy("Form of violence"), lambda row: row.label)]
    for index, column in enumerate(trend.columns):
        header = str(column) if period == "year" else f"{column:%Y-%m}"
        columns.append(Column(header, header, lambda row, i=index: row.counts[i]))
        if period == "year" and index:
            label = _("Change %(year)s (%%)") % {"year": column}
            columns.append(Column(f"change-{column}", label, lambda row, i=index: row.changes[i]))
    return columns


@login_required
def violence_trend(request):
    scope, form = figure_scope(request, TrendForm)
    agencies = scope.agencies
    period = form.choice("period", "year")
    measure = form.choice("measure", "cases")
    year = form.choice("year", timezone.localdate().year)
    if period == "year":
        trend = trends.yearly(agencies, measure=measure, last_year=year)
    else:
        trend = trends.monthly(agencies, measure=measure, year=year)
    file_format = request.GET.get("format")
    if file_format in FORMATS:
        return export_response(
            request=request,
            rows=[*trend.rows, trend.total],
            columns=_trend_columns(trend, period),
            basename=f"tren-bentuk-kekerasan-{year}",
            file_format=file_format,
            model=StatCell,
        )
    return render(
        request,
        "reports/trend.html",
        {
            "form": form,
            "trend": trend,
            "period": period,
            "measure": measure,
            "network": request.GET.get("scope") == "network",
            "data_as_of": data_as_of(),
        },
    )


@login_required
def figures_report_pdf(request):
    scope, form = figure_scope(request, DashboardFilterForm)
    title = _("Network report") if scope.network else _("Agency report")
    first_month, last_month = form.period()
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.EXPORT,
            object_type=StatCell._meta.label_lower,
            fields=["format:pdf", f"{first_month:%Y-%m}", f"{last_month:%Y-%m}"],
            ip_address=client_ip(request) or None,
        )
    pdf = figures_pdf(
        title=title,
        scope=scope.label,
        figures=figures(scope.agencies, first_month, last_month),
        first_month=first_month,
        last_month=last_month,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"laporan-{first_month:%Y-%m}-{last_month:%Y-%m}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
