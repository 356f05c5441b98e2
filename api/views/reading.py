"""Read-only resources: the event feed, locations, FAQ, statistics."""

from django.db.models import Avg, Count, Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from issues.lifecycle import OPEN_STATUSES, Status
from issues.models import FAQ, Issue, IssueEvent, Kind
from workstations import scope

from ..filters import EventFilter, LocationFilter, StatisticsFilter
from ..pagination import ID_PATTERN
from ..permissions import IsStaffMember
from ..serializers import EventSerializer, FAQSerializer, LocationSerializer, StatisticsSerializer


@extend_schema_view(
    list=extend_schema(summary="Events of the issues you may see", description="Poll with `after_id`."),
    retrieve=extend_schema(summary="One event"),
)
class EventViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = ID_PATTERN
    serializer_class = EventSerializer
    filterset_class = EventFilter

    def get_queryset(self):
        visible = scope.visible_issues(self.request.user, Issue.objects.all()).values("pk")
        return IssueEvent.objects.filter(issue_id__in=visible).select_related("actor").order_by("id")


@extend_schema_view(
    list=extend_schema(summary="Your workstations' locations"), retrieve=extend_schema(summary="One location")
)
class LocationViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = ID_PATTERN
    serializer_class = LocationSerializer
    filterset_class = LocationFilter
    permission_classes = [IsStaffMember]

    def get_queryset(self):
        return (
            scope.visible_locations(self.request.user).select_related("grid__neighbourhood__workstation").order_by("id")
        )


@extend_schema_view(list=extend_schema(summary="Published answers"), retrieve=extend_schema(summary="One answer"))
class FAQViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = ID_PATTERN
    serializer_class = FAQSerializer
    queryset = FAQ.objects.filter(is_published=True).order_by("category", "id")


class StatisticsView(GenericAPIView):
    """Counts over the issues of your workstations, as on the dashboard."""

    permission_classes = [IsStaffMember]
    filterset_class = StatisticsFilter
    serializer_class = StatisticsSerializer
    pagination_class = None

    def get_queryset(self):
        return scope.desk_issues(self.request.user, Issue.objects.all())

    @extend_schema(summary="Statistics", responses={200: StatisticsSerializer})
    def get(self, request):
        issues = self.filter_queryset(self.get_queryset()).order_by()
        open_q = Q(status__in=list(OPEN_STATUSES))
        totals = issues.aggregate(
            total=Count("pk"),
            open=Count("pk", filter=open_q),
            overdue=Count("pk", filter=open_q & Q(overdue_at__isnull=False)),
            closed=Count("pk", filter=Q(status=Status.CLOSED)),
            rated=Count("pk", filter=Q(rating__isnull=False)),
            average_rating=Avg("rating"),
        )
        by_status = dict(issues.values_list("status").annotate(n=Count("pk")))
        by_kind = dict(issues.values_list("kind").annotate(n=Count("pk")))
        if totals["average_rating"] is not None:
            totals["average_rating"] = round(float(totals["average_rating"]), 2)
        body = {
            **totals,
            "by_status": [{"key": s, "count": by_status.get(s, 0)} for s in Status.values],
            "by_kind": [{"key": k, "count": by_kind.get(k, 0)} for k in Kind.values],
        }
        return Response(StatisticsSerializer(body).data)
