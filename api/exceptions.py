"""The rules' refusals as HTTP answers: IssueError → 400, IllegalTransition → 409, with the reason."""

from django.http import Http404
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from issues.lifecycle import IllegalTransition
from issues.services import IssueError


def exception_handler(exc, context):
    if isinstance(exc, IllegalTransition):
        return Response(
            {
                "detail": str(exc.message),
                "code": "illegal_transition",
                "status": getattr(exc, "status", ""),
                "action": getattr(exc, "action", ""),
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, IssueError):
        return Response({"detail": str(exc.message), "code": "refused"}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        # Django's "No Issue matches the given query." is English whatever the language, and names
        # the model: answer DRF's own, translated "Not found." as for any other missing resource.
        exc = NotFound()
    return drf_exception_handler(exc, context)


def refusal_responses() -> dict:
    """For extend_schema: what a lifecycle action answers when the rules refuse it."""
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import OpenApiResponse

    from .serializers import ErrorSerializer

    return {
        400: OpenApiResponse(
            OpenApiTypes.OBJECT,
            description="Refused by the rules (`{detail, code}`), or invalid input (`{field: [messages]}`).",
        ),
        404: OpenApiResponse(ErrorSerializer, description="Not found, or not yours to see."),
        409: OpenApiResponse(ErrorSerializer, description="Not allowed from the issue's current status."),
    }
