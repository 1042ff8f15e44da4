"""The prevention register, its export, one activity's page and form, and monthly progress.

Only staff of the city's network come here; anyone else is refused (403, a page); another
agency's activity is a 404 to staff outside it.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import PreventionActivity
from agencies.models.prevention import agency_today
from agencies.network_scope import is_network_coordinator, network_membership
from agencies.prevention import (
    last_months,
    may_set_target,
    monthly_progress,
    prevention_activity_record,
    prevention_activity_update,
    prevention_target_set,
    progress_agencies_for,
)
from agencies.prevention_forms import (
    PreventionActivityForm,
    PreventionFilterForm,
    PreventionTargetForm,
)
from agencies.views.network_common import network_view
from agencies.views.scoped import ScopedListView, get_visible_or_404
from reports.exports import Column, ExportableListMixin


def _field(name: str):
    return PreventionActivity._meta.get_field(name).verbose_name


def _district(activity):
    region = activity.region
    return region.parent.name if region.level == region.Level.VILLAGE else region.name


def _village(activity):
    region = activity.region
    return region.name if region.level == region.Level.VILLAGE else ""


EXPORT_COLUMNS = [
    Column("held_on", _field("held_on"), lambda a: a.held_on),
    Column("agency", _field("agency"), lambda a: str(a.agency)),
    Column("type", _field("type"), lambda a: a.get_type_display()),
    Column("target_group", _field("target_group"), lambda a: a.get_target_group_display()),
    Column("place", gettext_lazy("Venue"), lambda a: a.place),
    Column("district", gettext_lazy("Kecamatan"), _district),
    Column("village", gettext_lazy("Desa/kelurahan"), _village),
    Column("topic", _field("topic"), lambda a: a.topic),
    Column("boys", _field("boys"), lambda a: a.boys),
    Column("girls", _field("girls"), lambda a: a.girls),
    Column("men", _field("men"), lambda a: a.men),
    Column("women", _field("women"), lambda a: a.women),
    Column("participants", gettext_lazy("participants"), lambda a: a.participants),
    Column("materials", _field("materials"), lambda a: a.materials),
]


@method_decorator(network_view, name="dispatch")
class PreventionListView(ExportableListMixin, ScopedListView):
    """The register, filtered; ``?format=csv|xlsx`` downloads the filtered list whole."""

    model = PreventionActivity
    template_name = "agencies/prevention/list.html"
    context_object_name = "activities"
    export_columns = EXPORT_COLUMNS
    export_basename = "kegiatan-pencegahan"

    def narrow(self, queryset):
        self.filter_form = PreventionFilterForm(self.request.GET or None, user=self.request.user)
        return self.filter_form.apply(queryset).select_related("agency", "region__parent")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter_form=self.filter_form,
            filter_query=self.filter_query(),
            totals=self.object_list.totals(),
            is_coordinator=is_network_coordinator(self.request.user),
            **kwargs,
        )


@network_view
def activity_detail(request, pk: int):
    queryset = PreventionActivity.objects.select_related("agency", "region__parent", "recorded_by")
    activity = get_visible_or_404(queryset, request.user, pk=pk)
    may_edit = PreventionActivity.objects.editable_by(request.user).filter(pk=pk).exists()
    return render(
        request,
        "agencies/prevention/detail.html",
        {"activity": activity, "may_edit": may_edit},
    )


@network_view
def activity_create(request):
    agency = network_membership(request.user).agency
    form = PreventionActivityForm(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        try:
            activity = prevention_activity_record(recorded_by=request.user, **form.details())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The activity is recorded."))
            return redirect(activity)
    return _activity_form(request, form, agency=agency)


@network_view
def activity_edit(request, pk: int):
    queryset = PreventionActivity.objects.editable_by(request.user).select_related("agency")
    activity = get_object_or_404(queryset, pk=pk)
    form = PreventionActivityForm(request.POST or None, instance=activity, agency=activity.agency)
    if request.method == "POST" and form.is_valid():
        try:
            prevention_activity_update(activity=activity, changed_by=request.user, **form.details())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The activity is updated."))
            return redirect(activity)
    return _activity_form(request, form, agency=activity.agency, activity=activity)


def _activity_form(request, form, **context):
    status = 400 if form.is_bound else 200  # only reached by a refused POST when bound
    context["form"] = form
    return render(request, "agencies/prevention/form.html", context, status=status)


@network_view
def progress(request):
    """The last months against the target: the own agency, or the city's for a coordinator."""
    agency = network_membership(request.user).agency
    may_set = may_set_target(request.user, agency)
    form = None
    if may_set:
        form = PreventionTargetForm(request.POST or None, initial=_target_initial(agency))
    if request.method == "POST":
        if form is None:
            raise Http404  # only the agency's head, supervisor or coordinator sets it
        if _target_saved(request, form, agency):
            return redirect("prevention-progress")
    months = last_months(today=agency_today(agency))
    rows = monthly_progress(
        agencies=progress_agencies_for(request.user, months),
        months=months,
        activities=PreventionActivity.objects.visible_to(request.user),
    )
    context = {"rows": rows, "months": months, "form": form, "agency": agency}
    status = 400 if form is not None and form.is_bound else 200
    return render(request, "agencies/prevention/progress.html", context, status=status)


def _target_initial(agency) -> dict:
    return {"starts_on": agency_today(agency).replace(day=1)}


def _target_saved(request, form, agency) -> bool:
    if not form.is_valid():
        return False
    try:
        prevention_target_set(agency=agency, set_by=request.user, **form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return False
    messages.success(request, _("The monthly target is set."))
    return True
