"""Forms of the intake screen: the complaint, its children, perpetrators and reporter."""

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Region
from agencies.region_picker import RegionField
from cases.intake import COMPLAINT_INTAKE_FIELDS
from cases.models import Complaint, Person
from cases.models.choices import PerpetratorRelationship, ViolenceForm

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class IntakeForm(forms.ModelForm):
    violence_forms = forms.MultipleChoiceField(
        label=_("Forms of violence"),
        choices=ViolenceForm.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    incident_village = RegionField(
        level=Region.Level.VILLAGE, label=_("Incident village (desa/kelurahan)"), required=False
    )

    class Meta:
        model = Complaint
        fields = list(COMPLAINT_INTAKE_FIELDS)
        widgets = {
            "received_at": _DATETIME,
            "consent_at": _DATETIME,
            "incident_date": _DATE,
            "narrative": forms.Textarea(attrs={"rows": 5}),
            "incident_address": forms.TextInput(),
        }


class ChildForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "name",
            "sex",
            "birth_date",
            "birth_date_is_estimate",
            "nik",
            "kk_number",
            "address",
            "school",
            "phone",
            "education",
            "disability",
            "has_birth_certificate",
            "has_child_id_card",
            "has_family_card",
            "has_health_insurance",
        ]
        widgets = {
            "birth_date": _DATE,
            "name": forms.TextInput(),
            "nik": forms.TextInput(),
            "kk_number": forms.TextInput(),
            "address": forms.TextInput(),
            "school": forms.TextInput(),
            "phone": forms.TextInput(),
        }
        labels = {"name": _("Child's name")}


class PerpetratorForm(forms.ModelForm):
    relationship = forms.ChoiceField(
        label=_("Relationship to the child"),
        choices=PerpetratorRelationship.choices,
        initial=PerpetratorRelationship.UNKNOWN,
    )
    is_child_in_conflict_with_law = forms.BooleanField(
        label=_("The alleged perpetrator is a child (SPPA: child in conflict with the law)"),
        required=False,
    )

    class Meta:
        model = Person
        fields = ["name", "sex", "birth_date"]
        widgets = {"birth_date": _DATE, "name": forms.TextInput()}
        labels = {"name": _("Name of the alleged perpetrator (terlapor)")}


class ReporterForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["name", "phone"]
        widgets = {"name": forms.TextInput(), "phone": forms.TextInput()}
        labels = {"name": _("Reporter's name"), "phone": _("Reporter's phone")}


ChildFormSet = forms.formset_factory(ChildForm, extra=2, min_num=1, validate_min=True)
PerpetratorFormSet = forms.formset_factory(PerpetratorForm, extra=1)


def filled(formset) -> list[dict]:
    """The cleaned data of the rows the user actually filled in."""
    return [form.cleaned_data for form in formset.forms if form.has_changed() and form.cleaned_data]


class TriageOpenForm(forms.Form):
    lead_caseworker = forms.ModelChoiceField(
        empty_label=_("— choose —"), label=_("Lead caseworker"), queryset=None, required=False
    )

    def __init__(self, *args, caseworkers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_caseworker"].queryset = caseworkers


class TriageAttachForm(forms.Form):
    case_code = forms.CharField(label=_("Code of the existing case"), max_length=24)


class TriageRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Why this is not a case"), widget=forms.Textarea(attrs={"rows": 2})
    )
