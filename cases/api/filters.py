"""Filters and orderings of the case and complaint lists.

Every filter runs on top of ``visible_to``: it can only narrow what the caller already
sees. Filters on a case's incident answer only for the caller's own agency's cases, as
on the web list, so they cannot probe a section a referral did not share.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from rest_framework.filters import OrderingFilter

from api.filters import UtcDateTimeFilter
from cases.models import Case, Complaint
from cases.models.choices import CaseStatus, Channel, RiskLevel, ViolenceForm


class StableOrdering(OrderingFilter):
    """``?ordering=updated_at`` (or ``-updated_at``, ``created_at``...) among the view's
    ``ordering_fields``, always ended by the id in the same direction, so the cursor
    never skips or repeats a row whose time equals its neighbour's."""

    ordering_description = _(
        "Order by one field: created_at or updated_at, '-' first for newest first. "
        "Default: -created_at. For sync, use updated_since with ordering=updated_at."
    )

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering:
            return ordering  # the paginator's own stable ordering
        first = ordering[0]
        return (first, "-id" if first.startswith("-") else "id")


class IdFilter(django_filters.NumberFilter):
    """A record id: a whole number (``1.5`` is an error, not agency 1)."""

    field_class = forms.IntegerField


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices)
    risk_level = django_filters.ChoiceFilter(choices=RiskLevel.choices)
    lead_agency = IdFilter(field_name="lead_agency_id", label=_("lead agency"))
    updated_since = UtcDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label=_("changed at or after (ISO 8601), for sync"),
    )
    reported_after = django_filters.DateFilter(
        field_name="reported_at", lookup_expr="date__gte", label=_("reported on or after")
    )
    reported_before = django_filters.DateFilter(
        field_name="reported_at", lookup_expr="date__lte", label=_("reported on or before")
    )
    violence = django_filters.ChoiceFilter(
        choices=ViolenceForm.choices,
        method="filter_violence",
        label=_("form of violence (cases your agency leads)"),
    )

    class Meta:
        model = Case
        fields = [
            "status",
            "risk_level",
            "lead_agency",
            "updated_since",
            "reported_after",
            "reported_before",
            "violence",
        ]

    def filter_violence(self, queryset, name, value):
        user = self.request.user
        return queryset.led_by_agency_of(user).filter(violence_forms__form=value).distinct()


class ComplaintFilter(django_filters.FilterSet):
    awaiting_triage = django_filters.BooleanFilter(
        field_name="outcome", lookup_expr="exact", method="filter_awaiting", label=_("not triaged")
    )
    outcome = django_filters.ChoiceFilter(choices=Complaint.Outcome.choices)
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    risk_level = django_filters.ChoiceFilter(choices=RiskLevel.choices)
    received_after = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__gte", label=_("received on or after")
    )
    received_before = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__lte", label=_("received on or before")
    )

    class Meta:
        model = Complaint
        fields = [
            "awaiting_triage",
            "outcome",
            "channel",
            "risk_level",
            "received_after",
            "received_before",
        ]

    def filter_awaiting(self, queryset, name, value):
        return queryset.filter(outcome="") if value else queryset.exclude(outcome="")
