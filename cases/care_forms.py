from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from cases.models import CounsellingSession, Restitution
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


class PlacementForm(forms.Form):
    operator = forms.ModelChoiceField(
        empty_label=_("— choose —"),
        label=_("Safe house or shelter operator"),
        queryset=Agency.objects.none(),
    )
    place_name = forms.CharField(label=_("Place"), max_length=150, required=False)
    started_on = forms.DateField(label=_("Start"), widget=_DATE)
    planned_end_on = forms.DateField(
        label=_("Planned end (default: 7 days)"), widget=_DATE, required=False
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operator"].queryset = _city_agencies(case)


class PoliceReportForm(forms.Form):
    reported_at = forms.DateTimeField(label=_("Reported to the police at"), widget=_DATETIME)


class RestitutionForm(forms.Form):
    ruling_received_on = forms.DateField(label=_("Court ruling received on"), widget=_DATE)
    amount = forms.DecimalField(
        label=_("Amount (Rp)"), min_value=0, max_digits=14, decimal_places=0
    )


class RestitutionPaidForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=_DATE)
    paid_by = forms.ChoiceField(label=_("Paid by"), choices=Restitution.PaidBy.choices)
