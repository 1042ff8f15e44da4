"""Filters and paging of the referral lists (the web inbox/outbox, plus what a partner
needs to keep its own copy in sync: ``updated_since``)."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from agencies.catalogue import ServiceType
from agencies.models import Agency
from agencies.roles import agency_of
from api.filters import UtcDateTimeFilter
from api.pagination import StableCursorPagination
from referrals.api.reading import DIRECTIONS
from referrals.api.writing import NOT_A_CHOICE
from referrals.models import Referral, Urgency


class ReferralPagination(StableCursorPagination):
    """Newest sent first; the id breaks ties, and neither ever changes."""

    ordering = ("-sent_at", "-id")


@extend_schema_field(OpenApiTypes.INT)
class OtherAgencyFilter(django_filters.ModelChoiceFilter):
    """The other party by agency id: the sender of incoming, the receiver of outgoing
    referrals. One side of every visible referral is the caller's own agency."""

    def filter(self, queryset, value):
        if value is None:
            return queryset
        return queryset.filter(Q(from_agency=value) | Q(to_agency=value))


class ReferralFilter(django_filters.FilterSet):
    direction = django_filters.ChoiceFilter(
        choices=DIRECTIONS,
        method="filter_direction",
        label="incoming: sent to your agency; outgoing: sent by it",
        error_messages=NOT_A_CHOICE,
    )
    status = django_filters.MultipleChoiceFilter(
        choices=Referral.Status.choices, error_messages=NOT_A_CHOICE
    )
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices, error_messages=NOT_A_CHOICE)
    service_type = django_filters.ChoiceFilter(
        choices=ServiceType.choices, error_messages=NOT_A_CHOICE
    )
    kind = django_filters.ChoiceFilter(choices=Referral.Kind.choices, error_messages=NOT_A_CHOICE)
    agency = OtherAgencyFilter(
        queryset=Agency.objects.all(),
        label="the other agency: the sender of incoming, the receiver of outgoing referrals",
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label="waiting for an answer past the deadline"
    )
    updated_since = UtcDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label="changed at or after this time (to keep a copy in sync)",
    )
    sent_after = UtcDateTimeFilter(field_name="sent_at", lookup_expr="gte")
    sent_before = UtcDateTimeFilter(field_name="sent_at", lookup_expr="lt")

    class Meta:
        model = Referral
        fields = []  # all declared above

    def filter_direction(self, queryset, name, value):
        agency = agency_of(self.request.user)
        return queryset.incoming(agency) if value == "incoming" else queryset.outgoing(agency)

    def filter_overdue(self, queryset, name, value):
        overdue = Q(status=Referral.Status.SENT, respond_by__lt=timezone.now())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
