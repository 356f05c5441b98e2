"""Issues: list, filter, detail, create, and the lifecycle actions as explicit endpoints.

Every write calls issues.services; `status` is never writable. What a caller may see is
workstations.scope.visible_issues, exactly as on the pages: anything else is a 404.
"""

from django.conf import settings
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response

from issues import services
from issues.models import Dispatch, Intake, Issue, IssueEvent
from workstations import scope

from ..actions import LifecycleActions
from ..exceptions import refusal_responses
from ..filters import IssueFilter
from ..pagination import ID_PATTERN
from ..serializers import DispatchSerializer, EventSerializer, IssueCreateSerializer, IssueSerializer
from .dispatches import DispatchCreateSerializer, send_dispatch

ISSUE_RELATED = ("location", "workstation", "grid", "assignee", "category")


class IssueCreatedSerializer(IssueSerializer):
    tracking_url = serializers.CharField(
        read_only=True, help_text="The resident's tracking link. Shown only now: we keep only its hash."
    )

    class Meta(IssueSerializer.Meta):
        fields = [*IssueSerializer.Meta.fields, "tracking_url"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary="Issues you may see", description="Newest first; filter and order with the parameters."),
    retrieve=extend_schema(summary="One issue", responses={200: IssueSerializer, 404: OpenApiResponse()}),
)
class IssueViewSet(
    LifecycleActions,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    lookup_value_regex = ID_PATTERN
    serializer_class = IssueSerializer
    filterset_class = IssueFilter
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    ordering_fields = ["created_at", "updated_at", "accept_due_at", "resolve_due_at"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return scope.visible_issues(self.request.user, Issue.objects.select_related(*ISSUE_RELATED))

    def _answer(self, issue: Issue, code: int = status.HTTP_200_OK) -> Response:
        issue = Issue.objects.select_related(*ISSUE_RELATED).get(pk=issue.pk)
        return Response(IssueSerializer(issue).data, status=code)

    @extend_schema(
        summary="Take a report",
        description="Staff record a report received by phone or at the counter, at a location of their "
        "workstation. With an `idempotency_key`, repeating the request returns the first issue (200).",
        request=IssueCreateSerializer,
        responses={201: IssueCreatedSerializer, 200: IssueCreatedSerializer, 400: OpenApiResponse(), 403: None},
    )
    def create(self, request, *args, **kwargs):
        user = request.user
        if not (user.is_superuser or scope.staff_workstation_ids(user)):
            raise PermissionDenied("Only workstation staff take reports.")
        data = IssueCreateSerializer(data=request.data, locations=scope.managed_locations(user).filter(is_active=True))
        data.is_valid(raise_exception=True)
        values = data.validated_data
        issue, token, created = services.create_issue(
            values["location"],
            description=values["description"],
            kind=values.get("kind") or "",
            channel=Intake.API,
            reporter_name=values.get("reporter_name", ""),
            reporter_phone=values.get("reporter_phone", ""),
            idempotency_key=values.get("idempotency_key"),
        )
        issue = Issue.objects.select_related(*ISSUE_RELATED).get(pk=issue.pk)
        body = IssueSerializer(issue).data
        body["tracking_url"] = settings.SITE_URL + reverse("track", args=[token])
        headers = {"Location": body["url"]}
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK, headers=headers)

    @extend_schema(
        summary="Send to a department (派单; staff)",
        request=DispatchCreateSerializer,
        responses={201: DispatchSerializer, **refusal_responses()},
    )
    @action(detail=True, methods=["post"], url_path="dispatch", url_name="dispatch")
    def send_to_department(self, request, pk=None):  # not `dispatch`: that name is APIView's
        return send_dispatch(self, request, self.get_object())

    @extend_schema(
        summary="The issue's dispatches", responses={200: DispatchSerializer(many=True), 404: OpenApiResponse()}
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="dispatches",
        filterset_class=None,
        ordering_fields=None,
        filter_backends=[],
    )
    def dispatches(self, request, pk=None):
        issue = self.get_object()
        rows = (
            Dispatch.objects.filter(issue=issue)
            .select_related("issue__location", "department")
            .order_by("due_at", "id")
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(DispatchSerializer(page, many=True).data)

    @extend_schema(summary="The issue's timeline", responses={200: EventSerializer(many=True), 404: OpenApiResponse()})
    @action(detail=True, methods=["get"], filterset_class=None, ordering_fields=None, filter_backends=[])
    def events(self, request, pk=None):
        issue = self.get_object()
        events = IssueEvent.objects.filter(issue=issue).select_related("actor").order_by("created_at", "id")
        page = self.paginate_queryset(events)
        return self.get_paginated_response(EventSerializer(page, many=True).data)
