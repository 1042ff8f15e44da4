from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models.choices import CaseStatus, RiskLevel, ViolenceForm


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Case code or initials"), required=False, max_length=30)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All"))] + CaseStatus.choices, required=False
    )
    risk = forms.ChoiceField(
        label=_("Risk level"), choices=[("", _("All"))] + RiskLevel.choices, required=False
    )
    violence = forms.ChoiceField(
        label=_("Form of violence"), choices=[("", _("All"))] + ViolenceForm.choices, required=False
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)

    def apply(self, cases, user):
        if not self.is_valid():
            return cases
        data = self.cleaned_data
        if data["q"]:
            term = data["q"].strip()
            # Initials of the children only: a reporter's or terlapor's are not a pseudonym.
            cases = cases.filter(code__icontains=term) | cases.filter(
                parties__part="anak", parties__person__initials__iexact=term
            )
            cases = cases.distinct()
        if data["status"]:
            cases = cases.filter(status=data["status"])
        if data["risk"]:
            cases = cases.filter(risk_level=data["risk"])
        # Filters on the incident and deadlines answer only for the own agency's cases, so
        # they cannot probe what a referral did not share.
        if data["violence"]:
            cases = (
                cases.led_by_agency_of(user)
                .filter(violence_forms__form=data["violence"])
                .distinct()
            )
        if data["overdue"]:
            cases = cases.led_by_agency_of(user).overdue()
        if data["mine"]:
            cases = cases.filter(lead_caseworker=user) | cases.filter(team__user=user)
            cases = cases.distinct()
        return cases


class RevealIdentityForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for opening the identity"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=500,
    )

    def __init__(self, *args, reason_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
