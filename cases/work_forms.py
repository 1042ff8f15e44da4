from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Assessment, Case, CaseNote, DocumentKind
from cases.models.choices import ClosureReason, TpksOffence, ViolenceForm
from cases.models.work import ServiceType


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["kind", "condition", "needs", "hopes"]
        widgets = {
            "condition": forms.Textarea(attrs={"rows": 4}),
            "needs": forms.Textarea(attrs={"rows": 3}),
            "hopes": forms.Textarea(attrs={"rows": 2}),
        }


class PlanForm(forms.Form):
    goals = forms.CharField(label=_("Goals"), widget=forms.Textarea(attrs={"rows": 4}))
    planned_services = forms.MultipleChoiceField(
        label=_("Planned services"),
        choices=ServiceType.choices,
        widget=forms.CheckboxSelectMultiple,
    )


class NoteForm(forms.ModelForm):
    class Meta:
        model = CaseNote
        fields = ["kind", "happened_on", "text"]
        widgets = {
            "happened_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "text": forms.Textarea(attrs={"rows": 3}),
        }


class ClosureForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason for closing"), choices=ClosureReason.choices)
    note = forms.CharField(
        label=_("Closing note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class NoteOnlyForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(
        label=_("File (PDF, JPEG or PNG, at most 10 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class AssignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    lead_caseworker = forms.ModelChoiceField(
        empty_label=_("— choose —"), label=_("Lead caseworker"), queryset=None
    )
    team = forms.ModelMultipleChoiceField(
        label=_("Team"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, caseworkers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_caseworker"].queryset = caseworkers
        self.fields["team"].queryset = caseworkers


class CaseDetailsForm(forms.ModelForm):
    """The case's own facts; ``version`` makes an edit on a stale page fail loudly."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Case
        fields = [
            "risk_level",
            "jurisdiction",
            "ampk_category",
            "place_type",
            "incident_date",
            "incident_date_is_approximate",
        ]
        widgets = {"incident_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class ViolenceFormsForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    violence_forms = forms.MultipleChoiceField(
        label=_("Forms of violence"),
        choices=ViolenceForm.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    tpks_offence = forms.ChoiceField(
        label=_("Sexual violence offence (TPKS)"),
        choices=[("", "—")] + TpksOffence.choices,
        required=False,
    )
