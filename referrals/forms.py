from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.catalogue import ServiceType
from agencies.models import Agency, User
from cases.models import CaseDocument
from cases.models.choices import CaseSection
from referrals.models import RECEIVING_ROLES, PaperReferral, Referral, Urgency, default_sections_for
from referrals.services import ReferralRequest

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
_TEXT = forms.Textarea(attrs={"rows": 3})


class ReferralForm(forms.Form):
    """Sending a referral. Choices are limited to what the sender may see; the service
    function checks everything again."""

    kind = forms.ChoiceField(
        label=_("Kind"), choices=Referral.Kind.choices, initial=Referral.Kind.REFERRAL
    )
    to_agency = forms.ModelChoiceField(label=_("To agency"), queryset=Agency.objects.none())
    service_type = forms.ChoiceField(label=_("Service"), choices=ServiceType.choices)
    to_user = forms.ModelChoiceField(
        label=_("To a named person (optional)"), queryset=User.objects.none(), required=False
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial="biasa")
    respond_by = forms.DateTimeField(
        label=_("Answer due by (empty: from the urgency)"), widget=_DATETIME, required=False
    )
    reason = forms.CharField(label=_("Reason for the referral"), widget=_TEXT)
    letter_number = forms.CharField(label=_("Letter number"), max_length=60, required=False)
    shared_sections = forms.MultipleChoiceField(
        label=_("Sections to share"),
        choices=CaseSection.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    shared_documents = forms.ModelMultipleChoiceField(
        label=_("Documents to share, one by one"),
        queryset=CaseDocument.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    summary_chronology = forms.CharField(label=_("Chronology"), widget=_TEXT, required=False)
    summary_services = forms.CharField(
        label=_("Services already given"), widget=_TEXT, required=False
    )
    summary_condition = forms.CharField(label=_("Current condition"), widget=_TEXT, required=False)
    summary_purpose = forms.CharField(label=_("Purpose of the referral"), widget=_TEXT)
    consent_by = forms.ChoiceField(
        label=_("Consent given by"),
        choices=[("", _("— no consent —")), *Referral.ConsentBy.choices],
        required=False,
    )
    consent_on = forms.DateField(label=_("Consent given on"), widget=_DATE, required=False)
    consent_scope = forms.CharField(label=_("Consent given for"), widget=_TEXT, required=False)
    consent_form = forms.FileField(
        label=_("Signed consent form (PDF, JPEG or PNG)"), required=False
    )
    consent_override_reason = forms.CharField(
        label=_("Send without consent: reason (supervisors only)"),
        help_text=_("For example: the guardian is the alleged perpetrator."),
        widget=_TEXT,
        required=False,
    )
    sender_keeps_access = forms.BooleanField(
        label=_("Transfer: keep read access for us after the transfer"), required=False
    )

    def __init__(self, *args, case, user, may_override: bool, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = (
            Agency.objects.filter(is_active=True)
            .exclude(pk=case.lead_agency_id)
            .select_related("regency")
            .order_by("regency__name", "name")
        )
        self.fields["to_agency"].queryset = agencies
        self.fields["to_user"].queryset = (
            User.objects.filter(
                is_active=True,
                membership__agency__in=agencies.filter(regency=case.regency),
                membership__roles__role__in=RECEIVING_ROLES,
            )
            .select_related("membership__agency")
            .distinct()
            .order_by("full_name")
        )
        self.fields["to_user"].label_from_instance = lambda u: (
            f"{u.full_name} · {u.membership.agency.nomenclature or u.membership.agency.name}"
        )
        self.fields["shared_documents"].queryset = CaseDocument.objects.visible_to(user).filter(
            case=case
        )
        self.fields["shared_documents"].label_from_instance = lambda d: (
            f"{d.get_kind_display()}{': ' + d.title if d.title else ''}"
        )
        if not may_override:
            del self.fields["consent_override_reason"]
        self.default_sections = {
            str(agency.pk): default_sections_for(agency) for agency in agencies
        }

    def to_request(self) -> ReferralRequest:
        return ReferralRequest.from_fields(self.cleaned_data)


class AcceptForm(forms.Form):
    assignees = forms.ModelMultipleChoiceField(
        label=_("Assign to (empty: yourself)"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignees"].queryset = (
            User.objects.filter(
                is_active=True,
                membership__agency=agency,
                membership__roles__role__in=RECEIVING_ROLES,
            )
            .distinct()
            .order_by("full_name")
        )
        self.fields["assignees"].label_from_instance = lambda u: u.full_name


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=_TEXT)


class CompleteForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome of the service"), widget=_TEXT)
    feedback = forms.CharField(label=_("Feedback to the sending agency"), widget=_TEXT)


class ReferralFilterForm(forms.Form):
    STATES = [
        ("", _("All")),
        ("menunggu", _("Waiting for an answer")),
        ("terlambat", _("Overdue")),
        ("aktif", _("Accepted or in progress")),
        ("selesai", _("Finished")),
    ]
    state = forms.ChoiceField(label=_("Status"), choices=STATES, required=False)

    def apply(self, queryset):
        if not self.is_valid():
            return queryset
        state = self.cleaned_data["state"]
        if state == "menunggu":
            return queryset.pending()
        if state == "terlambat":
            return queryset.overdue()
        if state == "aktif":
            return queryset.active()
        if state == "selesai":
            return queryset.filter(status__in=Referral.FINAL_STATES)
        return queryset


class PaperReferralForm(forms.ModelForm):
    class Meta:
        model = PaperReferral
        fields = ["sender_name", "letter_number", "letter_date", "service_type"]
        widgets = {"letter_date": _DATE}
