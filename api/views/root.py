"""GET /api/v1/: where each resource lives, so that a client (or a person with a browser) can
start from the API's own address."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

# name in the answer → URL name in api/urls.py
RESOURCES = {
    "issues": "api:issue-list",
    "events": "api:event-list",
    "dispatches": "api:dispatch-list",
    "locations": "api:location-list",
    "faq": "api:faq-list",
    "webhooks": "api:webhook-list",
    "activities": "api:activity-list",
    "initiatives": "api:initiative-list",
    "signups": "api:signup-list",
    "cases": "api:case-list",
    "estates": "api:estate-list",
    "companies": "api:company-list",
    "disclosures": "api:disclosure-list",
    "notices": "api:notice-list",
    "complaints": "api:complaint-list",
    "statistics": "api:statistics",
    "schema": "api:schema",
    "docs": "api:docs",
}


class ApiRootView(APIView):
    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        return Response({name: reverse(url_name, request=request) for name, url_name in RESOURCES.items()})
