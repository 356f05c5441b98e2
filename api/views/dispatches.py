"""派单 over the API: the dispatches of the issues you may see, and your department's as a
liaison. Acknowledge, complete and return call issues.services; the services check the liaison."""

from django.db.models import Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from issues import services
from issues.dispatch import liaison_department_ids
from issues.models import Dispatch, Issue
from workstations import scope

from ..actions import TEXT, _DepartmentField
from ..bounded import BoundedDateTimeField
from ..exceptions import refusal_responses
from ..pagination import ID_PATTERN
from ..serializers import DispatchSerializer


class DispatchCreateSerializer(serializers.Serializer):
    department = _DepartmentField()
    due_at = BoundedDateTimeField(required=False, allow_null=True, default=None)
    instructions = serializers.CharField(max_length=TEXT, required=False, allow_blank=True, default="")
    required = serializers.BooleanField(required=False, default=True)


class DoneSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=TEXT, help_text="What the department did.")


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT, help_text="Why it is not the department's.")


def visible_dispatches(user):
    issues = scope.visible_issues(user, Issue.objects.all()).values("pk")
    return Dispatch.objects.filter(Q(issue_id__in=issues) | Q(department_id__in=liaison_department_ids(user)))


@extend_schema_view(
    list=extend_schema(summary="Dispatches you may see (a liaison: your department's)"),
    retrieve=extend_schema(summary="One dispatch"),
)
class DispatchViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = ID_PATTERN
    serializer_class = DispatchSerializer

    def get_queryset(self):
        return (
            visible_dispatches(self.request.user)
            .select_related("issue__location", "department")
            .order_by("due_at", "id")
        )

    def _answer(self, dispatch) -> Response:
        return Response(DispatchSerializer(self.get_queryset().get(pk=dispatch.pk)).data)

    @extend_schema(
        summary="Acknowledge (the department's liaison)",
        request=None,
        responses={200: DispatchSerializer, **refusal_responses()},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return self._answer(services.acknowledge_dispatch(self.get_object(), actor=request.user))

    @extend_schema(
        summary="Done, saying what was done (the department's liaison)",
        request=DoneSerializer,
        responses={200: DispatchSerializer, **refusal_responses()},
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        dispatch = self.get_object()
        data = DoneSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(services.complete_dispatch(dispatch, actor=request.user, note=data.validated_data["note"]))

    @extend_schema(
        summary="Return it, with the reason (the department's liaison)",
        request=ReturnSerializer,
        responses={200: DispatchSerializer, **refusal_responses()},
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        dispatch = self.get_object()
        data = ReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(
            services.return_dispatch(dispatch, actor=request.user, reason=data.validated_data["reason"])
        )


def send_dispatch(viewset, request, issue) -> Response:
    """POST /issues/{id}/dispatch/: staff send the issue to a department (issues.services.dispatch_issue)."""
    data = DispatchCreateSerializer(data=request.data, context=viewset.get_serializer_context())
    data.is_valid(raise_exception=True)
    values = data.validated_data
    dispatch = services.dispatch_issue(
        issue,
        to=values["department"],
        actor=request.user,
        due_at=values["due_at"],
        instructions=values["instructions"],
        required=values["required"],
    )
    dispatch = Dispatch.objects.select_related("issue__location", "department").get(pk=dispatch.pk)
    return Response(DispatchSerializer(dispatch).data, status=status.HTTP_201_CREATED)
