"""The city's safe houses: capacity and free places for the staff who place children,
and on a house's page the stays of the cases the reader may see, the rest as a number."""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.network_scope import SAFE_HOUSE_ROLES
from agencies.views.mixins import RoleRequiredMixin
from agencies.views.scoped import ScopedDetailView, ScopedListView
from cases.care_forms import SafeHouseFilterForm
from cases.models import CaseParty, Placement, SafeHouse
from cases.views.audited import AuditedReadMixin
from reports.exports import Column, ExportableListMixin

# What an export carries: counts only, never the address or anyone staying there.
EXPORT_COLUMNS = [
    Column("name", _("Name"), lambda house: house.name),
    Column("kind", _("Kind"), lambda house: house.get_kind_display()),
    Column("operator", _("Operator"), lambda house: str(house.operator)),
    Column("capacity", _("Capacity"), lambda house: house.capacity),
    Column("occupied", _("Occupied"), lambda house: house.occupied),
    Column("free", _("Free"), lambda house: max(house.free, 0)),
    Column("overdue", _("Beyond the planned stay"), lambda house: house.overdue),
    Column("active", _("Active"), lambda house: str(_("yes") if house.is_active else _("no"))),
]


class SafeHouseListView(RoleRequiredMixin, ExportableListMixin, ScopedListView):
    required_roles = SAFE_HOUSE_ROLES
    model = SafeHouse
    template_name = "cases/shelters/safe_house_list.html"
    context_object_name = "houses"
    export_columns = EXPORT_COLUMNS
    export_basename = "rumah-aman"

    def narrow(self, queryset):
        self.filter_form = SafeHouseFilterForm(self.request.GET or None, houses=queryset)
        houses = queryset.with_occupancy().select_related("operator")
        return self.filter_form.apply(houses).order_by("name", "pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter_form=self.filter_form, filter_query=self.filter_query(), **kwargs
        )


class SafeHouseDetailView(AuditedReadMixin, ScopedDetailView):
    """Every read is audited: the page may show where the house is."""

    model = SafeHouse
    template_name = "cases/shelters/safe_house_detail.html"
    context_object_name = "house"

    def narrow(self, queryset):
        return queryset.with_occupancy().select_related("operator")

    def audit_details(self, house) -> dict:
        return {"obj": house, "fields": ["address"] if self.address_visible else []}

    def get_object(self, queryset=None):
        house = super().get_object(queryset)
        self.address_visible = house.address_visible_to(self.request.user)
        return house

    def get_context_data(self, **kwargs):
        house = self.object
        stays = list(_current_stays_visible_to(self.request.user, house))
        return super().get_context_data(
            address_visible=self.address_visible,
            placing_agencies=house.placing_agencies.order_by("name"),
            stays=stays,
            other_stays=max(house.occupied - len(stays), 0),
            **kwargs,
        )


def _current_stays_visible_to(user, house: SafeHouse):
    """Stays in ``house`` today, only of cases whose plan section the user may read."""
    parties = CaseParty.objects.without_identity()
    return (
        Placement.objects.visible_to(user)
        .filter(safe_house=house)
        .occupying(timezone.localdate())
        .select_related("case")
        .prefetch_related(Prefetch("case__parties", queryset=parties))
        .order_by("planned_end_on", "pk")
    )
