from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from cases.models import CounsellingSession, Restitution, SafeHouse
from cases.models.work import ServiceType

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _city_agencies(case):
    return Agency.objects.filter(regency_id=case.regency_id, is_active=True).order_by("name")


class ServicePlanForm(forms.Form):
    service_type = forms.ChoiceField(label=_("Service"), choices=ServiceType.choices)
    provider = forms.ModelChoiceField(
        empty_label=_("— choose —"), label=_("Provider"), queryset=Agency.objects.none()
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = _city_agencies(case)


class ServiceDeliverForm(forms.Form):
    record = forms.IntegerField(widget=forms.HiddenInput)
    delivered_on = forms.DateField(label=_("Delivered on"), widget=_DATE)
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 2}))


class SessionForm(forms.Form):
    counsellor = forms.CharField(label=_("Psychologist or counsellor"), max_length=150)
    scheduled_at = forms.DateTimeField(label=_("Date and time"), widget=_DATETIME)


class AttendanceForm(forms.Form):
    session = forms.IntegerField(widget=forms.HiddenInput)
    attendance = forms.ChoiceField(
        label=_("Attendance"),
        choices=[
            (value, label)
            for value, label in CounsellingSession.Attendance.choices
            if value != CounsellingSession.Attendance.SCHEDULED
        ],
    )
    reschedule_at = forms.DateTimeField(
        label=_("New time (if the child did not come)"), widget=_DATETIME, required=False
    )


class SafeHouseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, house) -> str:
        operator = str(house.operator)
        name = house.name if operator == house.name else f"{house.name} ({operator})"
        return _("%(name)s · %(free)d of %(capacity)d places free") % {
            "name": name,
            "free": max(house.free, 0),
            "capacity": house.capacity,
        }


class PlacementForm(forms.Form):
    safe_house = SafeHouseChoiceField(
        empty_label=_("— choose —"), label=_("Safe house"), queryset=SafeHouse.objects.none()
    )
    started_on = forms.DateField(label=_("Start"), widget=_DATE)
    planned_end_on = forms.DateField(
        label=_("Planned end (default: the house's standard stay)"), widget=_DATE, required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["safe_house"].queryset = (
            SafeHouse.objects.placeable_by(user).with_occupancy().select_related("operator")
        )


class PlacementEndForm(forms.Form):
    placement = forms.IntegerField(widget=forms.HiddenInput)
    ended_on = forms.DateField(label=_("Left on"), widget=_DATE)


class PlacementExtendForm(forms.Form):
    placement = forms.IntegerField(widget=forms.HiddenInput)
    planned_end_on = forms.DateField(label=_("New planned end"), widget=_DATE)
    reason = forms.CharField(label=_("Reason for the extension"), max_length=500)


class PoliceReportForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reported_at = forms.DateTimeField(label=_("Reported to the police at"), widget=_DATETIME)


class RestitutionForm(forms.Form):
    ruling_received_on = forms.DateField(label=_("Court ruling received on"), widget=_DATE)
    amount = forms.DecimalField(
        label=_("Amount (Rp)"), min_value=0, max_digits=14, decimal_places=0
    )


class RestitutionPaidForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=_DATE)
    paid_by = forms.ChoiceField(label=_("Paid by"), choices=Restitution.PaidBy.choices)


class SafeHouseFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All")), *SafeHouse.Kind.choices], required=False
    )
    operator = forms.ModelChoiceField(
        label=_("Operator"), empty_label=_("All"), queryset=Agency.objects.none(), required=False
    )
    free = forms.BooleanField(label=_("Only with free places"), required=False)

    def __init__(self, *args, houses, **kwargs):
        super().__init__(*args, **kwargs)
        # Only agencies operating a house the user may see: the filter reveals nothing new.
        self.fields["operator"].queryset = Agency.objects.filter(
            pk__in=houses.values("operator")
        ).order_by("name")

    def apply(self, houses):
        """Narrow ``houses`` (annotated ``with_occupancy``); an invalid form narrows nothing."""
        if not self.is_valid():
            return houses
        data = self.cleaned_data
        if data["kind"]:
            houses = houses.filter(kind=data["kind"])
        if data["operator"]:
            houses = houses.filter(operator=data["operator"])
        if data["free"]:
            houses = houses.with_free_places()
        return houses
