"""Date-time inputs of the API kept within minqing.params' range (issue 14): year 1 or 9999
answers 400 with the reason, never an OverflowError (a 500) while making it time-zone aware."""

from django.core.exceptions import ValidationError
from django_filters import filters
from django_filters.fields import IsoDateTimeField
from rest_framework import serializers

from minqing import params


class BoundedIsoDateTimeField(IsoDateTimeField):
    def to_python(self, value):
        try:
            parsed = super().to_python(value)
        except OverflowError as exc:
            raise ValidationError(params.out_of_range(self.label or "date"), code="date_out_of_range") from exc
        params.check_day(parsed, self.label or "date")
        return parsed


class BoundedIsoDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = BoundedIsoDateTimeField


class BoundedDateTimeField(serializers.DateTimeField):
    def to_internal_value(self, value):
        try:
            parsed = super().to_internal_value(value)
        except OverflowError as exc:
            raise serializers.ValidationError(params.out_of_range(self.field_name)) from exc
        if not params.within_range(parsed):
            raise serializers.ValidationError(params.out_of_range(self.field_name))
        return parsed
