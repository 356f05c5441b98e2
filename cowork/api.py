"""/api/v1/cases/: the coordination cases you may see, with their units, action items,
meetings, cost shares and timeline; a unit's liaison sees their own part only. Writes call
cowork.services (refusals answer 400 with the reason, through api.exceptions)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import access, queries, services
from .models import ActionItem, AgendaItem, Case, CaseEvent, CaseUnit, CostAgreement, CostMilestone, CostShare, Meeting

TEXT = 4000


class UnitSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name")

    class Meta:
        model = CaseUnit
        fields = ["department_id", "department", "part", "due_at", "acknowledged_at", "signed_off_at", "sign_off_note"]


class ActionSerializer(serializers.ModelSerializer):
    owner_unit = serializers.CharField(source="owner_unit.name")

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "title",
            "owner_unit_id",
            "owner_unit",
            "owner_id",
            "due_at",
            "status",
            "progress",
            "weight",
            "done_at",
            "overdue_at",
        ]


class AgendaSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgendaItem
        fields = ["position", "title", "outcome", "responsible_unit_id", "due_at", "action_id", "carried_over"]


class MeetingSerializer(serializers.ModelSerializer):
    agenda = AgendaSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "kind",
            "held_at",
            "place",
            "status",
            "version",
            "amends_id",
            "resident_summary",
            "finalised_at",
            "agenda",
        ]


class ShareSerializer(serializers.ModelSerializer):
    class Meta:
        model = CostShare
        fields = [
            "id",
            "party_name",
            "department_id",
            "percent",
            "amount",
            "fund_source",
            "confirmed_at",
            "confirmed_by_id",
        ]


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = CostMilestone
        fields = ["title", "amount", "paid_at"]


class AgreementSerializer(serializers.ModelSerializer):
    shares = ShareSerializer(many=True, read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = CostAgreement
        fields = [
            "id",
            "version",
            "previous_id",
            "title",
            "total",
            "basis",
            "status",
            "agreed_at",
            "shares",
            "milestones",
        ]


class CaseEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseEvent
        fields = ["type", "created_at", "actor_id", "department_id", "old_status", "new_status", "note"]


class CaseSerializer(serializers.ModelSerializer):
    units = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    issues = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "workstation_id",
            "title",
            "description",
            "status",
            "proactive",
            "due_at",
            "created_at",
            "resolved_at",
            "resident_summary",
            "override_reason",
            "progress",
            "issues",
            "units",
            "actions",
        ]

    def _mine(self, case) -> set[int] | None:
        user = self.context["request"].user
        return None if access.reads_all(user, case) else access.unit_ids(user)

    def get_units(self, case) -> list[dict]:
        mine = self._mine(case)
        return UnitSerializer([u for u in case.units.all() if mine is None or u.department_id in mine], many=True).data

    def get_actions(self, case) -> list[dict]:
        mine = self._mine(case)
        return ActionSerializer(
            [a for a in case.actions.all() if mine is None or a.owner_unit_id in mine], many=True
        ).data

    def get_progress(self, case) -> int:
        return queries.progress(case.actions.all())

    def get_issues(self, case) -> list[str]:
        return [i.reference for i in case.issues.all()] if self._mine(case) is None else []


class SignOffSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=TEXT)
    department = serializers.IntegerField(required=False, allow_null=True, default=None)


class CaseResolveSerializer(serializers.Serializer):
    summary = serializers.CharField(max_length=TEXT)
    override_reason = serializers.CharField(max_length=TEXT, required=False, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(summary="Coordination cases you may see"), retrieve=extend_schema(summary="One case")
)
class CaseViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CaseSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return (
            queries.with_parts(access.visible_cases(self.request.user))
            .prefetch_related("issues")
            .order_by("-created_at", "-id")
        )

    def _sub(self, case, rows, serializer):
        return Response(serializer(rows, many=True).data)

    @extend_schema(summary="The case's meetings", responses=MeetingSerializer(many=True))
    @action(detail=True)
    def meetings(self, request, pk=None):
        case = self.get_object()
        rows = case.meetings.prefetch_related("agenda")
        if not access.reads_all(request.user, case):
            rows = rows.filter(units__in=access.unit_ids(request.user)).distinct()
        return self._sub(case, rows, MeetingSerializer)

    @extend_schema(
        summary="The case's cost-sharing agreements, every version", responses=AgreementSerializer(many=True)
    )
    @action(detail=True)
    def agreements(self, request, pk=None):
        case = self.get_object()
        rows = case.agreements.prefetch_related("shares", "milestones")
        if not access.reads_all(request.user, case):
            rows = rows.filter(shares__department_id__in=access.unit_ids(request.user)).distinct()
        return self._sub(case, rows, AgreementSerializer)

    @extend_schema(summary="The case's timeline", responses=CaseEventSerializer(many=True))
    @action(detail=True)
    def timeline(self, request, pk=None):
        case = self.get_object()
        rows = case.events.all()
        if not access.reads_all(request.user, case):
            rows = rows.filter(department_id__in=access.unit_ids(request.user))
        return self._sub(case, rows, CaseEventSerializer)

    @extend_schema(
        summary="Sign off your unit's part (its liaison)", request=SignOffSerializer, responses=CaseSerializer
    )
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request, pk=None):
        case = self.get_object()
        data = SignOffSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.sign_off_unit(
            case, actor=request.user, note=data.validated_data["note"], department_id=data.validated_data["department"]
        )
        return Response(CaseSerializer(self.get_queryset().get(pk=case.pk), context={"request": request}).data)

    @extend_schema(summary="Resolve the case (staff)", request=CaseResolveSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        case = self.get_object()
        data = CaseResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.resolve_case(case, actor=request.user, **data.validated_data)
        return Response(CaseSerializer(self.get_queryset().get(pk=case.pk), context={"request": request}).data)
