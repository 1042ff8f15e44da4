"""The agency dashboard and the network dashboard: aggregates only, never a record."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from agencies.models import Agency
from agencies.roles import Role, has_role
from reports.dashboard import agency_dashboard_agency, figures, network_regency
from reports.dashboard_forms import DashboardFilterForm
from reports.stats import data_as_of


def _render(request, *, network, title, agencies, form, scope_note, drill_to_cases):
    first_month, last_month = form.period()
    return render(
        request,
        "reports/dashboard.html",
        {
            "title": title,
            "form": form,
            "figures": figures(agencies, first_month, last_month),
            "first_month": first_month,
            "last_month": last_month,
            "data_as_of": data_as_of(),
            "scope_note": scope_note,
            "drill_to_cases": drill_to_cases,
            "other_dashboard": _other_dashboard(request.user, from_network=network),
        },
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
        # The case list is theirs to open; a data officer's work stops at the figures.
        drill_to_cases=has_role(request.user, Role.HEAD, Role.SUPERVISOR),
    )


@login_required
def network_dashboard(request):
    regency_id = network_regency(request.user)
    if regency_id is None:
        raise PermissionDenied
    city_agencies = Agency.objects.filter(regency_id=regency_id, is_active=True).order_by("name")
    form = DashboardFilterForm(request.GET, agencies=city_agencies)
    chosen = form.chosen_agency()
    return _render(
        request,
        network=True,
        title=_("Network dashboard"),
        agencies=[chosen] if chosen else city_agencies,
        form=form,
        scope_note=_("Every agency of the city, in aggregate: no figure here opens a case."),
        drill_to_cases=False,
    )
