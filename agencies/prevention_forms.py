"""Forms of the prevention pages: record an activity, filter the register, set a target."""

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import (
    ActivityType,
    Agency,
    PreventionActivity,
    Region,
    TargetGroup,
)
from agencies.models.prevention import PARTICIPANT_GROUPS
from agencies.network_scope import is_network_coordinator, network_membership
from agencies.region_picker import CityAreaField

ACTIVITY_FIELDS = [
    "held_on",
    "type",
    "target_group",
    "place",
    "region",
    "topic",
    *PARTICIPANT_GROUPS,
    "materials",
]
ALL = [("", _("All"))]


class MonthField(forms.DateField):
    """A month (``2026-03``), cleaned to its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m"]
    default_error_messages = {"invalid": _("Enter a month as YYYY-MM.")}


class DayInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PreventionActivityForm(forms.ModelForm):
    """An activity of ``agency``; the area is one of that agency's city."""

    region = CityAreaField(label=_("Area (kecamatan or desa/kelurahan)"))

    class Meta:
        model = PreventionActivity
        fields = ACTIVITY_FIELDS
        widgets = {
            "held_on": DayInput(),
            "materials": forms.Textarea(attrs={"rows": 3}),
        }
        # The model's "place" reads "place of the incident" in the cases' Indonesian.
        labels = {"place": _("Venue")}
        help_texts = {
            "materials": _("Leaflets, modules, films or slides used, and where to find them."),
        }

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.agency = agency  # so the model's checks know the agency's city
        self.fields["region"].limit_to(agency.regency_id)
        for group in PARTICIPANT_GROUPS:
            self.fields[group].widget.attrs.update({"min": 0, "inputmode": "numeric"})

    def details(self) -> dict:
        """The cleaned values as the prevention services take them."""
        return {name: self.cleaned_data[name] for name in ACTIVITY_FIELDS}


class PreventionFilterForm(forms.Form):
    """Filters of the register; a coordinator may also choose the organising agency."""

    month = MonthField(label=_("Month"), required=False)
    date_from = forms.DateField(label=_("Held from"), required=False, widget=DayInput())
    date_to = forms.DateField(label=_("Held until"), required=False, widget=DayInput())
    type = forms.ChoiceField(label=_("Type"), choices=ALL + ActivityType.choices, required=False)
    target_group = forms.ChoiceField(
        label=_("Target group"), choices=ALL + TargetGroup.choices, required=False
    )
    district = forms.ChoiceField(label=_("Kecamatan"), required=False)
    agency = forms.TypedChoiceField(
        label=_("Organising agency"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regency = network_membership(user).agency.regency_id
        districts = Region.objects.filter(
            parent_id=regency, level=Region.Level.DISTRICT, is_active=True
        ).order_by("name")
        self.fields["district"].choices = ALL + list(districts.values_list("code", "name"))
        if is_network_coordinator(user):
            agencies = Agency.objects.filter(regency_id=regency, is_active=True)
            self.fields["agency"].choices = ALL + [(a.pk, str(a)) for a in agencies]
        else:
            del self.fields["agency"]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period comes before its start."))
        return data

    def apply(self, activities):
        """``activities`` narrowed by every filter that is valid; invalid ones are shown."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("month"):
            month = data["month"]
            activities = activities.in_month(month.year, month.month)
        activities = activities.in_period(data.get("date_from"), data.get("date_to"))
        if data.get("type"):
            activities = activities.filter(type=data["type"])
        if data.get("target_group"):
            activities = activities.filter(target_group=data["target_group"])
        if data.get("district"):
            activities = activities.in_district(data["district"])
        if data.get("agency"):
            activities = activities.filter(agency_id=data["agency"])
        return activities


class PreventionTargetForm(forms.Form):
    starts_on = MonthField(
        label=_("From month"), help_text=_("Earlier months keep the target they had.")
    )
    per_month = forms.IntegerField(label=_("Activities per month"), min_value=1, max_value=99)
