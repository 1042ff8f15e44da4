"""Filter fields every API list shares."""

import datetime

import django_filters
from django.core.exceptions import ValidationError
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend


class UtcDateTimeField(IsoDateTimeField):
    """ISO 8601 with any offset, turned into UTC: PostgreSQL takes offsets up to 15:59
    only, and a time that cannot be expressed in UTC is a 400, not a server error."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(datetime.UTC)
        except OverflowError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    """The date-time filter of every API list (updated_since and the ranges)."""

    field_class = UtcDateTimeField


class AskedFilterBackend(DjangoFilterBackend):
    """django-filter's backend, which builds no FilterSet for a request that names none
    of its filters: every filter would let the list through as it is, and building the
    set (a deep copy of every filter, a form, its validation) was a tenth of a list's
    CPU. A parameter whose name starts with a filter's (``reported_after`` or a
    widget's ``_min``) still runs the whole set, with its errors."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not self.asks_a_filter(request, filterset_class):
            return queryset
        return super().filter_queryset(request, queryset, view)

    @staticmethod
    def asks_a_filter(request, filterset_class) -> bool:
        """Whether the request names one of ``filterset_class``'s filters."""
        return _names_a_filter(request.query_params, filterset_class.base_filters)


def _names_a_filter(params, filters) -> bool:
    return any(key == name or key.startswith(f"{name}_") for key in params for name in filters)
