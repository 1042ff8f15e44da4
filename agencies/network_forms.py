"""Forms of the joint-agreement and community-network pages.

Choices offer only the user's own city; the services check everything again.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.agreements import AgreementTerms
from agencies.catalogue import ServiceType
from agencies.models import (
    COVERAGE_TYPES,
    Agency,
    NetworkMember,
    NetworkMemberType,
    Region,
    User,
)
from agencies.models.agreements import DEFAULT_ON_TIME_TARGET
from agencies.region_picker import CityAreaField

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FORMAT_CHOICES = [("", _("Show on screen")), ("csv", "CSV"), ("xlsx", "XLSX")]


def city_agencies(regency_id: str):
    return Agency.objects.filter(regency_id=regency_id, is_active=True).order_by("name")


class AgreementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    number = forms.CharField(label=_("Number"), max_length=120)
    signed_on = forms.DateField(label=_("Signed on"), widget=_DATE)
    valid_from = forms.DateField(label=_("Valid from"), widget=_DATE)
    valid_until = forms.DateField(label=_("Valid until"), widget=_DATE)
    on_time_target = forms.IntegerField(
        label=_("Target: percent of referrals answered on time"),
        min_value=1,
        max_value=100,
        initial=DEFAULT_ON_TIME_TARGET,
        help_text=_("A service commitment is kept when at least this share is answered on time."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    agencies = forms.ModelMultipleChoiceField(
        label=_("Signatory agencies"),
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Your own agency is always a signatory."),
    )
    document = forms.FileField(
        label=_("Signed document (PDF)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf"}),
    )

    def __init__(self, *args, regency_id: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = city_agencies(regency_id)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end of the validity period is before its start."))
        return cleaned

    def terms(self) -> AgreementTerms:
        data = self.cleaned_data
        return AgreementTerms(
            title=data["title"],
            number=data["number"],
            signed_on=data["signed_on"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            description=data["description"],
            on_time_target=data["on_time_target"],
        )

    @staticmethod
    def initial_for(agreement) -> dict:
        return {
            **{name: getattr(agreement, name) for name in AgreementTerms.__dataclass_fields__},
            "agencies": list(agreement.agencies.all()),
        }


class CommitmentForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.none(), empty_label=_("— choose —")
    )
    service_type = forms.ChoiceField(
        label=_("Service from its catalogue"),
        choices=[("", _("— not a service (e.g. prevention) —")), *ServiceType.choices],
        required=False,
    )
    description = forms.CharField(label=_("Commitment"), max_length=300)

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agreement.agencies.order_by("name")


class AgreementFilterForm(forms.Form):
    STATES = [
        ("", _("All")),
        ("in_force", _("In force")),
        ("ending", _("Ending within 60 days")),
        ("ended", _("Ended")),
    ]
    state = forms.ChoiceField(label=_("Validity"), choices=STATES, required=False)
    agency = forms.ModelChoiceField(
        label=_("Signatory"), queryset=Agency.objects.none(), required=False
    )
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, required=False)

    def __init__(self, *args, regency_id: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = city_agencies(regency_id)


class NetworkMemberForm(forms.ModelForm):
    area = CityAreaField(label=_("Area (kecamatan or desa/kelurahan)"))

    class Meta:
        model = NetworkMember
        fields = ["type", "name", "area", "phone", "email", "note", "is_active"]

    def __init__(self, *args, coordinating_agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].limit_to(coordinating_agency.regency_id)
        self.instance.coordinating_agency = coordinating_agency
        if self.instance.pk:
            self.initial["area"] = self.instance.area_id


class NetworkMemberLoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_("A link to choose a password is sent to this address."),
    )

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is already taken."))
        return username

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this e-mail already exists."))
        return email


class NetworkMemberFilterForm(forms.Form):
    type = forms.ChoiceField(
        label=_("Type"), choices=[("", _("All")), *NetworkMemberType.choices], required=False
    )
    district = forms.ModelChoiceField(
        label=_("Kecamatan"), queryset=Region.objects.none(), required=False
    )
    agency = forms.ModelChoiceField(
        label=_("Coordinating agency"), queryset=Agency.objects.none(), required=False
    )
    q = forms.CharField(label=_("Name"), max_length=100, required=False)
    inactive = forms.BooleanField(label=_("Include inactive members"), required=False)
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, required=False)

    def __init__(self, *args, regency_id: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = Region.objects.filter(
            parent_id=regency_id, is_active=True
        ).order_by("name")
        self.fields["agency"].queryset = city_agencies(regency_id)


class CoverageFilterForm(forms.Form):
    gap = forms.ChoiceField(
        label=_("Show only areas without"),
        choices=[("", _("— show all areas —"))]
        + [(t.value, t.label) for t in NetworkMemberType if t in COVERAGE_TYPES],
        required=False,
    )
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, required=False)
