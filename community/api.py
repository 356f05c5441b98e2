"""REST resources of 好事常办: /api/v1/activities/ (events; `events` already holds an issue's
timeline), /api/v1/initiatives/, and /api/v1/signups/ — people's names and phones, only for the
events the caller organises. Read-only: writes go through the pages and community.services."""

from django.db.models import Q, Sum
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from api.pagination import ID_PATTERN
from workstations import scope

from . import exports, services
from .models import Activity, Initiative, SignUp


def _readable(user, queryset, field: str = "workstation_id"):
    if user.is_superuser:
        return queryset
    return queryset.filter(**{f"{field}__in": scope.readable_workstation_ids(user)})


class ActivitySerializer(serializers.ModelSerializer):
    workstation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    place = serializers.CharField(read_only=True)
    public_url = serializers.SerializerMethodField()
    confirmed_seats = serializers.IntegerField(read_only=True)
    waiting_seats = serializers.IntegerField(read_only=True)
    partners = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "title",
            "description",
            "workstation",
            "initiative",
            "starts_at",
            "ends_at",
            "place",
            "status",
            "eligibility",
            "capacity",
            "reserved_seats",
            "reserved_for",
            "reserved_group",
            "reserved_min_age",
            "max_seats_per_signup",
            "signup_opens_at",
            "signup_closes_at",
            "confirmed_seats",
            "waiting_seats",
            "partners",
            "public_url",
        ]
        read_only_fields = fields

    def get_public_url(self, activity: Activity) -> str | None:
        return None if activity.status == Activity.Status.DRAFT else activity.public_url()


@extend_schema_view(
    list=extend_schema(summary="Community events of your workstations"), retrieve=extend_schema(summary="One event")
)
class ActivityViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = ID_PATTERN
    serializer_class = ActivitySerializer

    queryset = Activity.objects.none()  # for the schema

    def get_queryset(self):
        user = self.request.user
        if not user.is_authenticated:
            return Activity.objects.none()
        visible = _readable(user, Activity.objects.all())
        if not user.is_superuser:
            visible = Activity.objects.filter(Q(pk__in=visible.values("pk")) | Q(organisers=user)).distinct()
        holding = Q(signups__status__in=SignUp.HOLDING, signups__walk_in=False)
        return (
            visible.select_related("workstation", "location")
            .prefetch_related("partners")
            .annotate(
                confirmed_seats=Sum("signups__seats", filter=holding, default=0),
                waiting_seats=Sum("signups__seats", filter=Q(signups__status=SignUp.Status.WAITING), default=0),
            )
            .order_by("starts_at", "id")
        )


class InitiativeSerializer(serializers.ModelSerializer):
    workstation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    source_issue = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    events = serializers.IntegerField(source="n_events", read_only=True)
    participants = serializers.IntegerField(source="n_participants", read_only=True)
    partner_units = serializers.IntegerField(source="n_partners", read_only=True)

    class Meta:
        model = Initiative
        fields = [
            "id",
            "title",
            "topic",
            "description",
            "status",
            "workstation",
            "source_issue",
            "events",
            "participants",
            "partner_units",
            "created_at",
        ]
        read_only_fields = fields


@extend_schema_view(list=extend_schema(summary="Initiatives (好事)"), retrieve=extend_schema(summary="One initiative"))
class InitiativeViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = ID_PATTERN
    serializer_class = InitiativeSerializer
    pagination_class = None

    queryset = Initiative.objects.none()  # for the schema

    def get_queryset(self):
        return _readable(self.request.user, Initiative.objects.select_related("workstation", "source_issue"))

    def list(self, request, *args, **kwargs):
        return Response(InitiativeSerializer(exports.initiative_counts(self.get_queryset()), many=True).data)

    def retrieve(self, request, *args, **kwargs):
        rows = exports.initiative_counts(self.get_queryset().filter(pk=kwargs["pk"]))
        if not rows:
            raise Http404
        return Response(InitiativeSerializer(rows[0]).data)


class SignUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = SignUp
        fields = [
            "id",
            "activity",
            "name",
            "phone",
            "seats",
            "in_reserved_group",
            "birth_year",
            "partner_unit",
            "walk_in",
            "status",
            "created_at",
            "offer_expires_at",
            "checked_in_at",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary="Sign-ups of the events you organise"), retrieve=extend_schema(summary="One sign-up")
)
class SignUpViewSet(viewsets.ReadOnlyModelViewSet):
    """Personal data: only the organisers of the event (and its workstation's staff) see it."""

    lookup_value_regex = ID_PATTERN
    serializer_class = SignUpSerializer

    queryset = SignUp.objects.none()  # for the schema

    def get_queryset(self):
        if not self.request.user.is_authenticated:
            return SignUp.objects.none()
        organised = services.organised_activities(self.request.user).values("pk")
        queryset = SignUp.objects.filter(activity_id__in=organised).order_by("activity_id", "created_at", "id")
        activity = self.request.query_params.get("activity", "")
        if activity.isdigit():
            queryset = queryset.filter(activity_id=int(activity))
        return queryset
