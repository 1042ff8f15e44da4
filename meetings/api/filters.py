"""Filters of the meeting and action-item lists.

Ids are matched as plain numbers, never checked against a table: an id of a forum,
agency or meeting the caller may not see filters to an empty page, exactly like an id
that does not exist.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from api.filters import UtcDateTimeFilter
from meetings.models import ActionItem, Meeting


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class MeetingFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Meeting.Status.choices)
    kind = django_filters.ChoiceFilter(choices=Meeting.Kind.choices)
    forum = IdFilter(field_name="forum_id", label=_("Meetings of this forum (id)"))
    starts_after = UtcDateTimeFilter(
        field_name="starts_at", lookup_expr="gte", label=_("Starting at or after this time")
    )
    starts_before = UtcDateTimeFilter(
        field_name="starts_at", lookup_expr="lt", label=_("Starting before this time")
    )

    updated_since = UtcDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label=_("Changed at or after this time (for synchronising)"),
    )

    class Meta:
        model = Meeting
        fields = ["status", "kind", "forum", "starts_after", "starts_before", "updated_since"]


class ActionItemFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ActionItem.Status.choices)
    agency = IdFilter(field_name="agency_id", label=_("Items of this responsible agency (id)"))
    meeting = IdFilter(field_name="meeting_id", label=_("Items of this meeting (id)"))
    due_after = django_filters.DateFilter(
        field_name="due_on", lookup_expr="gte", label=_("Due on or after this date")
    )
    due_before = django_filters.DateFilter(
        field_name="due_on", lookup_expr="lte", label=_("Due on or before this date")
    )
    updated_since = UtcDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label=_("Changed at or after this time (for synchronising)"),
    )

    class Meta:
        model = ActionItem
        fields = ["status", "agency", "meeting", "due_after", "due_before", "updated_since"]
