"""Filter fields every API list shares."""

import datetime

import django_filters
from django.core.exceptions import ValidationError
from django_filters.fields import IsoDateTimeField


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
