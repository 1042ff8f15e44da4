from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Region
from agencies.region_picker import RegionField
from cases.models.choices import Sex


class PublicComplaintForm(forms.Form):
    """Few questions, plain Indonesian, all optional except what happened and where."""

    narrative = forms.CharField(
        label=_("What happened?"),
        help_text=_("Tell us what you saw or heard, when and where. Short is fine."),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
    )
    village = RegionField(
        level=Region.Level.VILLAGE,
        label=_("Where does the child live or where did it happen?"),
    )
    child_name = forms.CharField(
        label=_("Child's name (if you know it)"), required=False, max_length=150
    )
    child_sex = forms.ChoiceField(
        label=_("Child's sex"), choices=[("", _("Don't know"))] + Sex.choices, required=False
    )
    child_age = forms.IntegerField(
        label=_("Child's age (about)"), min_value=0, max_value=17, required=False
    )
    anonymous = forms.BooleanField(label=_("I want to stay anonymous"), required=False)
    reporter_name = forms.CharField(label=_("Your name"), required=False, max_length=150)
    reporter_phone = forms.CharField(
        label=_("Your phone or WhatsApp"), required=False, max_length=40
    )
    # Left empty by people; bots fill every field they find.
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"})
    )
    clock = forms.CharField(widget=forms.HiddenInput)

    def reporter(self) -> dict | None:
        data = self.cleaned_data
        if data["anonymous"] or not (data["reporter_name"] or data["reporter_phone"]):
            return None
        return {"name": data["reporter_name"], "phone": data["reporter_phone"]}

    def child(self, today) -> dict:
        data = self.cleaned_data
        child = {"name": data["child_name"], "sex": data["child_sex"]}
        if data["child_age"] is not None:
            child["birth_date"] = today.replace(year=today.year - data["child_age"], day=1)
            child["birth_date_is_estimate"] = True
        return child


class StatusForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=20)
