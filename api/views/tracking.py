"""The resident's side of the API: what the tracking page shows, and the resident's answer
(confirm and rate, or "not solved" with a reason), keyed by the tracking token alone.

The token is the resident's only key, exactly as in /t/<token>/: no login, no session (so no
CSRF either: nothing here is authorised by a cookie), an unknown token is a 404 that says
nothing more, and the answers are never cached. Anonymous rate limits apply. What is shown is
the public timeline only: never a person's name or phone, never an internal note.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from issues import services
from issues.lifecycle import Status
from issues.plain import STATUS_PLAIN, event_plain, handler_role, kind_label

from ..exceptions import refusal_responses
from ..throttles import AnonThrottle

TEXT = 2000


class PublicEventSerializer(serializers.Serializer):
    type = serializers.CharField()
    text = serializers.SerializerMethodField(help_text="The step in plain words.")
    note = serializers.CharField(source="note_for_reader", help_text="In the language of the request.")
    created_at = serializers.DateTimeField()

    def get_text(self, event) -> str:
        return event_plain(event)


class TrackingSerializer(serializers.Serializer):
    reference = serializers.CharField(help_text="The short code to quote on the phone.")
    kind = serializers.CharField()
    kind_label = serializers.SerializerMethodField()
    status = serializers.CharField()
    status_text = serializers.SerializerMethodField(help_text="The status in plain words.")
    handled_by = serializers.SerializerMethodField(help_text="A role, never a person.")
    place = serializers.CharField(source="location.name")
    created_at = serializers.DateTimeField()
    expected_by = serializers.DateTimeField(source="resolve_due_at", allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    rating = serializers.IntegerField(allow_null=True)
    can_answer = serializers.SerializerMethodField(help_text="True when confirm and reopen are open to the resident.")
    events = serializers.SerializerMethodField()

    def get_kind_label(self, issue) -> str:
        return str(kind_label(issue))

    def get_status_text(self, issue) -> str:
        return str(STATUS_PLAIN.get(issue.status, issue.get_status_display()))

    def get_handled_by(self, issue) -> str:
        return str(handler_role(issue))

    def get_can_answer(self, issue) -> bool:
        return issue.status == Status.RESOLVED

    @extend_schema_field(PublicEventSerializer(many=True))
    def get_events(self, issue) -> list:
        return PublicEventSerializer(services.public_events(issue), many=True).data


class ConfirmSerializer(serializers.Serializer):
    rating = serializers.IntegerField(
        min_value=1,
        max_value=5,
        required=False,
        allow_null=True,
        default=None,
        help_text="1 (bad) to 5 (very good); optional, as on the tracking page (offered, never required).",
    )
    comment = serializers.CharField(max_length=TEXT, required=False, allow_blank=True, default="")


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT, help_text="What is still wrong.")


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store, private"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


class _TrackingView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonThrottle]

    def issue(self, token: str):
        issue = services.find_by_token(token)
        if issue is None:
            raise NotFound()
        return issue

    def answer(self, token: str) -> Response:
        return _private(Response(TrackingSerializer(self.issue(token)).data))


class TrackingView(_TrackingView):
    @extend_schema(
        summary="A report, as its resident sees it",
        description="The tracking token from the resident's link /t/<token>/ is the only key.",
        responses={200: TrackingSerializer, 404: OpenApiResponse(description="No report has this token.")},
    )
    def get(self, request, token: str) -> Response:
        return self.answer(token)


class ConfirmView(_TrackingView):
    @extend_schema(
        summary="The resident confirms it is solved, and may rate it",
        request=ConfirmSerializer,
        responses={200: TrackingSerializer, **refusal_responses()},
    )
    def post(self, request, token: str) -> Response:
        issue = self.issue(token)
        data = ConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.confirm_issue(issue, rating=data.validated_data["rating"], comment=data.validated_data["comment"])
        return self.answer(token)


class ReopenView(_TrackingView):
    @extend_schema(
        summary="The resident says it is not solved: it goes back to its handler",
        request=ReopenSerializer,
        responses={200: TrackingSerializer, **refusal_responses()},
    )
    def post(self, request, token: str) -> Response:
        issue = self.issue(token)
        data = ReopenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.reopen_issue(issue, reason=data.validated_data["reason"])
        return self.answer(token)
