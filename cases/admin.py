"""The admin site holds settings only, never case content (DESIGN.md: admins see none)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from agencies.admin import AdminRolePermissions
from cases.models import SafeHouse, ServiceDeadline


@admin.register(ServiceDeadline)
class ServiceDeadlineAdmin(AdminRolePermissions, admin.ModelAdmin):
    list_display = ["service_type", "risk_level", "hours", "source"]
    list_filter = ["risk_level"]
    list_editable = ["hours"]


class SafeHouseForm(forms.ModelForm):
    """The address can be written here but never read back: where a safe house is, only
    the operator's and the placing agencies' staff see (on the safe house's page)."""

    new_address = forms.CharField(
        label=_("Address"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Secret. Leave empty to keep the current address; it is never shown here."),
    )

    class Meta:
        model = SafeHouse
        fields = [
            "name",
            "kind",
            "operator",
            "capacity",
            "standard_stay_days",
            "placing_agencies",
            "is_active",
        ]

    def clean(self):
        cleaned = super().clean()
        operator, placing = cleaned.get("operator"), cleaned.get("placing_agencies")
        if operator and placing and placing.exclude(regency_id=operator.regency_id).exists():
            # A house is seen only in its operator's city: others could never use it.
            self.add_error("placing_agencies", _("Choose agencies of the operator's city."))
        return cleaned

    def save(self, commit=True):
        if self.cleaned_data.get("new_address"):
            self.instance.address = self.cleaned_data["new_address"]
        return super().save(commit=commit)


@admin.register(SafeHouse)
class SafeHouseAdmin(AdminRolePermissions, admin.ModelAdmin):
    form = SafeHouseForm
    list_display = ["name", "kind", "operator", "capacity", "standard_stay_days", "is_active"]
    list_filter = ["kind", "is_active"]
    list_select_related = ["operator"]
    search_fields = ["name", "operator__name", "operator__nomenclature"]
    autocomplete_fields = ["operator", "placing_agencies"]
    fields = [
        "name",
        "kind",
        "operator",
        "capacity",
        "standard_stay_days",
        "placing_agencies",
        "new_address",
        "is_active",
    ]
