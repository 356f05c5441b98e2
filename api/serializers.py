"""What the API reads and writes. Read serializers never accept `status`; writes go through
dedicated input serializers whose data is handed to issues.services."""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from issues.lifecycle import Status, allowed_actions
from issues.models import FAQ, Dispatch, Issue, IssueEvent, Kind
from minqing import outbound as sending
from webhooks import events as webhook_events
from webhooks.models import Attempt, Delivery, Subscription
from workstations.models import Location

DESCRIPTION_MAX_LENGTH = 4000


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)


class RefSerializer(serializers.Serializer):
    """A related place, by id and name."""

    id = serializers.IntegerField()
    name = serializers.CharField()


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.get_full_name() or user.username


class IssueSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    location = RefSerializer(read_only=True)
    workstation = RefSerializer(read_only=True)
    grid = RefSerializer(read_only=True)
    assignee = UserRefSerializer(read_only=True, allow_null=True)
    category = RefSerializer(read_only=True, allow_null=True)
    reporter_phone = serializers.CharField(source="masked_phone", read_only=True, help_text="Masked: 138****1234.")
    is_open = serializers.BooleanField(read_only=True)
    allowed_actions = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Issue
        fields = [
            "id",
            "reference",
            "url",
            "kind",
            "priority",
            "category",
            "status",
            "is_open",
            "allowed_actions",
            "description",
            "reporter_name",
            "reporter_phone",
            "location",
            "workstation",
            "grid",
            "assignee",
            "created_at",
            "updated_at",
            "assigned_at",
            "accepted_at",
            "on_site_at",
            "resolved_at",
            "closed_at",
            "accept_due_at",
            "resolve_due_at",
            "overdue_at",
            "resolution",
            "rating",
            "rating_comment",
        ]
        read_only_fields = fields

    def get_allowed_actions(self, issue) -> list[str]:
        return [str(a) for a in allowed_actions(issue.status, issue.kind)]

    def get_url(self, issue) -> str:
        return settings.SITE_URL + reverse("api:issue-detail", args=[issue.pk])


class IssueCreateSerializer(serializers.Serializer):
    """A report taken by staff (by phone, at the counter): the same service as the QR form."""

    location = serializers.PrimaryKeyRelatedField(queryset=Location.objects.none())
    description = serializers.CharField(max_length=DESCRIPTION_MAX_LENGTH)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False, allow_blank=True)
    reporter_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    reporter_phone = serializers.RegexField(r"^[0-9+\- ]{0,20}$", max_length=20, required=False, allow_blank=True)
    idempotency_key = serializers.RegexField(
        r"^[A-Za-z0-9_-]{16,64}$",
        required=False,
        help_text="16-64 of A-Z a-z 0-9 _ -. The same key twice creates one issue.",
    )

    def __init__(self, *args, locations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if locations is not None:
            self.fields["location"].queryset = locations

    def validate_description(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Please describe the matter.")
        return value


class EventSerializer(serializers.ModelSerializer):
    type = serializers.ChoiceField(choices=IssueEvent.Type.choices, read_only=True)
    issue = serializers.IntegerField(source="issue_id", read_only=True)
    actor = UserRefSerializer(read_only=True, allow_null=True)
    old_status = serializers.CharField(read_only=True, help_text="A status value, or empty.")
    new_status = serializers.CharField(read_only=True, help_text="A status value, or empty.")

    class Meta:
        model = IssueEvent
        fields = ["id", "issue", "type", "created_at", "actor", "old_status", "new_status", "note", "is_public"]
        read_only_fields = fields


class LocationSerializer(serializers.ModelSerializer):
    grid = serializers.SerializerMethodField()
    neighbourhood = serializers.SerializerMethodField()
    workstation = serializers.SerializerMethodField()
    report_url = serializers.CharField(read_only=True)

    class Meta:
        model = Location
        fields = ["id", "name", "kind", "address", "is_active", "grid", "neighbourhood", "workstation", "report_url"]
        read_only_fields = fields

    @extend_schema_field(RefSerializer)
    def get_grid(self, location) -> dict:
        return {"id": location.grid_id, "name": location.grid.name}

    @extend_schema_field(RefSerializer)
    def get_neighbourhood(self, location) -> dict:
        hood = location.grid.neighbourhood
        return {"id": hood.pk, "name": hood.name}

    @extend_schema_field(RefSerializer)
    def get_workstation(self, location) -> dict:
        ws = location.grid.neighbourhood.workstation
        return {"id": ws.pk, "name": ws.name}

    def to_representation(self, location):
        data = super().to_representation(location)
        data["report_url"] = location.report_url()
        return data


class FAQSerializer(serializers.ModelSerializer):
    class Meta:
        model = FAQ
        fields = ["id", "question", "answer", "category"]
        read_only_fields = fields


class CountSerializer(serializers.Serializer):
    key = serializers.CharField()
    count = serializers.IntegerField()


class StatisticsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    closed = serializers.IntegerField()
    rated = serializers.IntegerField()
    average_rating = serializers.FloatField(allow_null=True)
    by_status = CountSerializer(many=True)
    by_kind = CountSerializer(many=True)


# --- Webhooks -------------------------------------------------------------------------------


class SubscriptionSerializer(serializers.ModelSerializer):
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=IssueEvent.Type.choices),
        required=False,
        allow_empty=True,
        max_length=200,
        help_text="Event types to receive; empty for all.",
    )
    url = serializers.URLField(max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Issue events and the types other apps registered (cases, initiatives, events, sign-ups).
        self.fields["event_types"].child.choices = webhook_events.choices()

    class Meta:
        model = Subscription
        fields = [
            "id",
            "name",
            "url",
            "event_types",
            "is_active",
            "consecutive_failures",
            "disabled_at",
            "disabled_reason",
            "created_at",
        ]
        read_only_fields = ["id", "is_active", "consecutive_failures", "disabled_at", "disabled_reason", "created_at"]

    def validate_url(self, value: str) -> str:
        if not value.lower().startswith(("http://", "https://")):
            raise serializers.ValidationError("Only http and https receivers are allowed.")
        reason = sending.non_public_reason(value)
        if reason:
            raise serializers.ValidationError(f"Please give a receiver on the internet: {reason}.")
        return value

    def validate_event_types(self, value: list[str]) -> list[str]:
        return sorted(set(value))


class SubscriptionSecretSerializer(SubscriptionSerializer):
    """Shown to the owner when the subscription is made and when its secret is rotated."""

    secret = serializers.CharField(read_only=True)

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "secret"]


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attempt
        fields = ["number", "started_at", "duration_ms", "status_code", "succeeded", "error"]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    event = serializers.IntegerField(source="event_id", read_only=True)
    attempt_log = AttemptSerializer(many=True, read_only=True)
    payload = serializers.JSONField(read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "event",
            "source",
            "event_type",
            "status",
            "attempts",
            "next_attempt_at",
            "created_at",
            "delivered_at",
            "payload",
            "attempt_log",
        ]
        read_only_fields = fields


class DispatchSerializer(serializers.ModelSerializer):
    """派单: one department asked to act on one issue."""

    issue = serializers.IntegerField(source="issue_id", read_only=True)
    issue_reference = serializers.CharField(source="issue.reference", read_only=True)
    # What the department must act on, where: a liaison may not otherwise see the issue.
    issue_description = serializers.CharField(source="issue.description", read_only=True)
    location = RefSerializer(source="issue.location", read_only=True)
    address = serializers.CharField(source="issue.location.address", read_only=True)
    department = RefSerializer(read_only=True)

    class Meta:
        model = Dispatch
        fields = [
            "id",
            "issue",
            "issue_reference",
            "issue_description",
            "location",
            "address",
            "department",
            "status",
            "required",
            "instructions",
            "due_at",
            "created_at",
            "acknowledged_at",
            "done_at",
            "returned_at",
            "result",
            "overdue_at",
        ]
        read_only_fields = fields
