"""Lifecycle actions as explicit endpoints: POST /api/v1/issues/{id}/<action>/. Each is one call
of an issues.services function with the actor and the checked input; the services decide, and
their refusals become 400 (IssueError) or 409 (IllegalTransition) in api.exceptions."""

from django.contrib.auth import get_user_model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action

from issues import services
from issues.models import Issue, Priority
from workstations import scope
from workstations.models import Department, Role

from .bounded import BoundedDateTimeField
from .exceptions import refusal_responses
from .serializers import IssueSerializer

User = get_user_model()
TEXT = 2000


def _user(context):
    return context["request"].user


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=TEXT, required=False, allow_blank=True, default="")


class RequiredNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=TEXT)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT)


class ResolveSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=TEXT, help_text="What was done.")
    override_reason = serializers.CharField(
        max_length=TEXT,
        required=False,
        allow_blank=True,
        default="",
        help_text="Staff only: why it may be resolved while required dispatches are still open.",
    )


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=TEXT)
    make_faq = serializers.BooleanField(required=False, default=False)
    override_reason = serializers.CharField(max_length=TEXT, required=False, allow_blank=True, default="")


@extend_schema_field(OpenApiTypes.INT)
class _PeopleField(serializers.PrimaryKeyRelatedField):
    """Someone who works in the caller's places (the service checks they may handle the issue)."""

    def get_queryset(self):
        people = scope.places(_user(self.context), Role.objects.all()).values("user_id")
        return User.objects.filter(is_active=True, pk__in=people)


class AssignSerializer(serializers.Serializer):
    to = _PeopleField(help_text="The user id of the person to give it to.")
    note = serializers.CharField(max_length=TEXT, required=False, allow_blank=True, default="")


class ReassignSerializer(serializers.Serializer):
    to = _PeopleField(help_text="The user id of the person to give it to.")
    reason = serializers.CharField(max_length=TEXT)


@extend_schema_field(OpenApiTypes.INT)
class _VisibleIssueField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return scope.visible_issues(_user(self.context), Issue.objects.all())


class MergeSerializer(serializers.Serializer):
    into = _VisibleIssueField(help_text="The id of the issue this one duplicates.")
    reason = serializers.CharField(max_length=TEXT, required=False, allow_blank=True, default="")


@extend_schema_field(OpenApiTypes.INT)
class _DepartmentField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return scope.places(_user(self.context), Department.objects.all())


class CoordinateSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=TEXT, required=False, allow_blank=True, default="")
    departments = _DepartmentField(many=True, required=False, default=list)
    due_at = BoundedDateTimeField(required=False, allow_null=True, default=None)


class PrioritySerializer(serializers.Serializer):
    priority = serializers.ChoiceField(choices=Priority.choices)
    reason = serializers.CharField(max_length=TEXT, required=False, allow_blank=True, default="")


def lifecycle_action(name: str, service: str, summary: str, data: type[serializers.Serializer] | None = None):
    """A detail route that checks `data` and calls `issues.services.<service>(issue, actor=…, **data)`."""

    def handler(self, request, pk=None):
        issue = self.get_object()
        kwargs = {}
        if data is not None:
            checked = data(data=request.data, context=self.get_serializer_context())
            checked.is_valid(raise_exception=True)
            kwargs = dict(checked.validated_data)
        return self._answer(getattr(services, service)(issue, actor=request.user, **kwargs))

    handler.__name__ = name  # before @action, which names the route after the function
    handler = action(detail=True, methods=["post"], url_path=name.replace("_", "-"))(handler)
    handler = extend_schema(summary=summary, request=data, responses={200: IssueSerializer, **refusal_responses()})(
        handler
    )
    return handler


class LifecycleActions:
    """Mixed into the issue viewset. Who may do what is the services' rule, not ours."""

    accept = lifecycle_action("accept", "accept_issue", "Accept the task (the person it is assigned to)")
    arrive = lifecycle_action("arrive", "arrive_issue", "Mark on site (the person it is assigned to)")
    resolve = lifecycle_action("resolve", "resolve_issue", "Resolve, saying what was done", ResolveSerializer)
    answer = lifecycle_action("answer", "answer_issue", "Answer a question directly (consult)", AnswerSerializer)
    triage = lifecycle_action("triage", "triage_issue", "Triage (complex; staff)", NoteSerializer)
    coordinate = lifecycle_action(
        "coordinate",
        "coordinate_issue",
        "Open the coordination case, with dispatches (complex; staff)",
        CoordinateSerializer,
    )
    milestone = lifecycle_action(
        "milestone", "record_milestone", "Record a milestone (complex)", RequiredNoteSerializer
    )
    adopt = lifecycle_action("adopt", "adopt_issue", "Adopt the idea (community; staff)", NoteSerializer)
    start = lifecycle_action("start", "start_issue", "Start the work (community)", NoteSerializer)
    decline = lifecycle_action(
        "decline", "decline_issue", "Decline, with the reason (community; staff)", ReasonSerializer
    )
    assign = lifecycle_action("assign", "assign_issue", "Give it to someone (staff)", AssignSerializer)
    reassign = lifecycle_action("reassign", "reassign_issue", "Give it to someone else (staff)", ReassignSerializer)
    hand_back = lifecycle_action("hand_back", "hand_back_issue", "Hand it back to the workstation", ReasonSerializer)
    hold = lifecycle_action("hold", "hold_issue", "Put on hold; the SLA clock pauses", ReasonSerializer)
    resume = lifecycle_action("resume", "resume_issue", "Resume after a hold", NoteSerializer)
    merge = lifecycle_action("merge", "merge_issue", "Merge into the issue it duplicates (staff)", MergeSerializer)
    priority = lifecycle_action("priority", "set_priority", "Change the priority (staff)", PrioritySerializer)
