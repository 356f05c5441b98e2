"""Query filters (django-filter). Unknown choice values answer 400 with the reason."""

import django_filters as filters
from django import forms
from django.db.models import Q

from issues.lifecycle import OPEN_STATUSES, Status
from issues.models import Issue, IssueEvent, Kind
from workstations.models import Location

from .bounded import BoundedIsoDateTimeFilter

# Ids fit a 64-bit integer column; anything larger is a 400, never a database error.
MAX_ID = 2**63 - 1


class IdFilter(filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class IssueFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=Status.choices)
    kind = filters.MultipleChoiceFilter(choices=Kind.choices)
    is_open = filters.BooleanFilter(method="filter_open", label="Only open (true) or only finished (false) issues.")
    overdue = filters.BooleanFilter(method="filter_overdue", label="Only issues escalated for a missed deadline.")
    created_after = BoundedIsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = BoundedIsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    updated_after = BoundedIsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    workstation = IdFilter(field_name="workstation_id")
    grid = IdFilter(field_name="grid_id")
    location = IdFilter(field_name="location_id")
    assignee = IdFilter(field_name="assignee_id")
    reference = filters.CharFilter(field_name="reference")
    q = filters.CharFilter(method="filter_text", label="Words in the description or the reference.")

    class Meta:
        model = Issue
        fields = []

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        q = Q(status__in=list(OPEN_STATUSES))
        return queryset.filter(q) if value else queryset.exclude(q)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(overdue_at__isnull=not value)

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(description__icontains=value) | Q(reference__icontains=value))


class EventFilter(filters.FilterSet):
    type = filters.MultipleChoiceFilter(choices=IssueEvent.Type.choices)
    issue = IdFilter(field_name="issue_id")
    after = BoundedIsoDateTimeFilter(field_name="created_at", lookup_expr="gt", label="Events after this time.")
    after_id = IdFilter(field_name="id", lookup_expr="gt", min_value=0, label="Events with a larger id (polling).")

    class Meta:
        model = IssueEvent
        fields = []


class LocationFilter(filters.FilterSet):
    workstation = IdFilter(field_name="grid__neighbourhood__workstation_id")
    grid = IdFilter(field_name="grid_id")
    is_active = filters.BooleanFilter()
    kind = filters.ChoiceFilter(choices=Location.Kind.choices)

    class Meta:
        model = Location
        fields = []


class StatisticsFilter(filters.FilterSet):
    workstation = IdFilter(field_name="workstation_id")
    kind = filters.ChoiceFilter(choices=Kind.choices)
    created_after = BoundedIsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = BoundedIsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Issue
        fields = []
