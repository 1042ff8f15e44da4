"""The dashboards' filters: a range of months, and on the network dashboard one agency."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency

_MONTH = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


def months_back(count: int, today: date | None = None) -> date:
    today = today or timezone.localdate()
    index = today.year * 12 + today.month - 1 - (count - 1)
    return date(index // 12, index % 12 + 1, 1)


class DashboardFilterForm(forms.Form):
    first_month = forms.DateField(label=_("From month"), input_formats=["%Y-%m"], widget=_MONTH)
    last_month = forms.DateField(label=_("To month"), input_formats=["%Y-%m"], widget=_MONTH)
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.none(), required=False, empty_label=_("All")
    )

    def __init__(self, data=None, *, agencies=None):
        today = timezone.localdate()
        initial = {"first_month": months_back(12, today), "last_month": today.replace(day=1)}
        super().__init__(data or None, initial=initial)
        if agencies is None:
            del self.fields["agency"]
        else:
            self.fields["agency"].queryset = agencies

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_month"), cleaned.get("last_month")
        if first and last and first > last:
            self.add_error("last_month", _("The last month is before the first."))
        return cleaned

    def period(self) -> tuple[date, date]:
        """The chosen months, or the last twelve when the filters are missing or wrong."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["first_month"], self.cleaned_data["last_month"]
        return self.initial["first_month"], self.initial["last_month"]

    def chosen_agency(self):
        if "agency" in self.fields and self.is_bound and self.is_valid():
            return self.cleaned_data["agency"]
        return None


class TrendForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"),
        choices=[("year", _("Year by year")), ("month", _("Month by month"))],
        required=False,
    )
    year = forms.IntegerField(label=_("Up to year"), min_value=2000, max_value=2100, required=False)
    measure = forms.ChoiceField(
        label=_("Count"),
        choices=[("cases", _("Cases (kasus)")), ("victims", _("Victims (korban)"))],
        required=False,
    )
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.none(), required=False, empty_label=_("All")
    )

    def __init__(self, data=None, *, agencies=None):
        super().__init__(data or None)
        if agencies is None:
            del self.fields["agency"]
        else:
            self.fields["agency"].queryset = agencies

    def chosen_agency(self):
        return self.choice("agency", None)

    def choice(self, name: str, default):
        if self.is_bound and self.is_valid() and self.cleaned_data.get(name):
            return self.cleaned_data[name]
        return default
