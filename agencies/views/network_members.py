"""Community network pages: the member register, a member's record, and area coverage."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import COVERAGE_TYPES, NetworkMember, NetworkMemberType
from agencies.network_forms import (
    CoverageFilterForm,
    NetworkMemberFilterForm,
    NetworkMemberForm,
    NetworkMemberLoginForm,
)
from agencies.network_members import (
    city_coverage,
    network_member_login_create,
    network_member_record,
    network_member_update,
)
from agencies.network_scope import NETWORK_ROLES, keeps_network_registers, network_membership
from agencies.views.form_errors import add_form_errors
from agencies.views.mixins import RoleRequiredMixin
from agencies.views.network_common import network_view
from agencies.views.scoped import ScopedListView, get_visible_or_404
from reports.exports import Column, ExportableListMixin, export_response

MEMBER_COLUMNS = [
    Column("type", gettext_lazy("Type"), lambda m: m.get_type_display()),
    Column("name", gettext_lazy("Name"), lambda m: m.name),
    Column("district", gettext_lazy("Kecamatan"), lambda m: m.district_name),
    Column("area", gettext_lazy("Area"), lambda m: m.area.name),
    Column("area_code", gettext_lazy("Area code"), lambda m: m.area_id),
    Column("phone", gettext_lazy("Phone"), lambda m: m.phone),
    Column("email", gettext_lazy("E-mail"), lambda m: m.email),
    Column("agency", gettext_lazy("Coordinating agency"), lambda m: str(m.coordinating_agency)),
    Column("login", gettext_lazy("Has a login"), lambda m: "✓" if m.user_id else ""),
    Column("active", gettext_lazy("Active"), lambda m: "✓" if m.is_active else ""),
]


def _with_district_names(members, districts: dict) -> list:
    for member in members:
        member.district_name = districts.get(member.district_code, "")
    return members


class NetworkMemberListView(RoleRequiredMixin, ExportableListMixin, ScopedListView):
    required_roles = NETWORK_ROLES
    model = NetworkMember
    template_name = "agencies/network/member_list.html"
    context_object_name = "members"
    export_columns = MEMBER_COLUMNS
    export_basename = "jejaring-komunitas"

    def export_rows(self, queryset):
        return (_with_district_names([m], self.districts)[0] for m in queryset.iterator())

    def narrow(self, queryset):
        regency_id = network_membership(self.request.user).agency.regency_id
        self.filter_form = NetworkMemberFilterForm(self.request.GET or None, regency_id=regency_id)
        districts = self.filter_form.fields["district"].queryset
        self.districts = dict(districts.values_list("code", "name"))
        queryset = queryset.select_related("area", "coordinating_agency").order_by(
            "area_id", "type", "name", "pk"
        )
        data = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        if not data.get("inactive"):
            queryset = queryset.active()
        if data.get("type"):
            queryset = queryset.filter(type=data["type"])
        if data.get("district"):
            queryset = queryset.filter(area_id__startswith=data["district"].code)
        if data.get("agency"):
            queryset = queryset.filter(coordinating_agency=data["agency"])
        if data.get("q"):
            queryset = queryset.filter(name__icontains=data["q"])
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        _with_district_names(context["members"], self.districts)
        context.update(
            filter_form=self.filter_form,
            filter_query=self.filter_query(),
            may_record=keeps_network_registers(self.request.user),
            editable_agency_id=network_membership(self.request.user).agency_id,
        )
        return context


def _member_form_page(request, form, member=None, login_form=None):
    return render(
        request,
        "agencies/network/member_form.html",
        {"form": form, "member": member, "login_form": login_form},
    )


@network_view
def network_member_create(request):
    if not keeps_network_registers(request.user):
        raise Http404
    agency = network_membership(request.user).agency
    form = NetworkMemberForm(request.POST or None, coordinating_agency=agency)
    if request.method == "POST" and form.is_valid():
        try:
            network_member_record(member=form.save(commit=False), recorded_by=request.user)
        except ValidationError as error:
            add_form_errors(request, form, error)
        else:
            messages.success(request, _("The network member is recorded."))
            return redirect("network-member-list")
    return _member_form_page(request, form)


def _editable_member(request, pk: int) -> NetworkMember:
    return get_visible_or_404(NetworkMember.objects.editable_by(request.user), request.user, pk=pk)


@network_view
def network_member_edit(request, pk: int):
    member = get_visible_or_404(
        NetworkMember.objects.editable_by(request.user), request.user, pk=pk
    )
    form = NetworkMemberForm(
        request.POST or None, instance=member, coordinating_agency=member.coordinating_agency
    )
    login_form = None if member.user_id else NetworkMemberLoginForm()
    if request.method == "POST" and form.is_valid():
        try:
            network_member_update(
                member=form.save(commit=False), changed_by=request.user, changed=form.changed_data
            )
        except ValidationError as error:
            add_form_errors(request, form, error)
        else:
            messages.success(request, _("The network member is updated."))
            return redirect("network-member-list")
    return _member_form_page(request, form, member, login_form)


@network_view
def network_member_login(request, pk: int):
    member = get_visible_or_404(
        NetworkMember.objects.editable_by(request.user), request.user, pk=pk
    )
    login_form = NetworkMemberLoginForm(request.POST or None)
    if request.method == "POST" and login_form.is_valid():
        try:
            network_member_login_create(
                member=member, created_by=request.user, **login_form.cleaned_data
            )
        except ValidationError as error:
            add_form_errors(request, login_form, error)
        else:
            messages.success(
                request, _("The login is made; a link to choose a password was e-mailed.")
            )
            return redirect("network-member-edit", pk=member.pk)
    form = NetworkMemberForm(instance=member, coordinating_agency=member.coordinating_agency)
    return _member_form_page(request, form, member, login_form)


COVERAGE_COLUMNS = [
    Column("code", gettext_lazy("Area code"), lambda a: a.region.code),
    Column("area", gettext_lazy("Area"), lambda a: a.region.name),
    Column(
        "level",
        gettext_lazy("Level"),
        lambda a: _("Kecamatan") if a.is_district else _("Desa/kelurahan"),
    ),
    *[
        Column(
            member_type,
            NetworkMemberType(member_type).label,
            lambda a, t=member_type: a.counts.get(t, 0),
        )
        for member_type in COVERAGE_TYPES
    ],
]


@network_view
def network_coverage(request):
    """Which kecamatan and kelurahan have a TKSK, PSM, PATBM and Forum Anak, and which not."""
    regency_id = network_membership(request.user).agency.regency_id
    coverage = city_coverage(regency_id)
    form = CoverageFilterForm(request.GET or None)
    areas = coverage.areas
    gap = form.cleaned_data["gap"] if form.is_valid() else ""
    if gap:
        areas = [area for area in areas if not area.has(gap)]
    file_format = form.cleaned_data.get("format") if form.is_valid() else ""
    if file_format:
        return export_response(
            request=request,
            rows=areas,
            columns=COVERAGE_COLUMNS,
            basename="cakupan-jejaring",
            file_format=file_format,
            model=NetworkMember,
        )
    return render(
        request,
        "agencies/network/coverage.html",
        {
            "form": form,
            "areas": areas,
            "summary": coverage.summary(),
            "types": [NetworkMemberType(t) for t in COVERAGE_TYPES],
            "gap": gap,
        },
    )
