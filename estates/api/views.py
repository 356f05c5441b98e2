"""/api/v1/estates/, companies, disclosures, notices, complaints. Read-only. Disclosures and
live notices are public (no login), as on the estates' pages; the rest is scoped by
estates.scope: a company's staff see only their company's estates and complaints."""

from django.db.models import Q
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import AllowAny

from .. import scope
from ..models import Complaint, Disclosure, Notice, PropertyCompany
from .serializers import (
    CompanySerializer,
    ComplaintSerializer,
    DisclosureSerializer,
    EstateSerializer,
    NoticeSerializer,
)

ID = r"[0-9]+"


def _estate_param(request, queryset, field: str = "estate_id"):
    estate = request.query_params.get("estate", "")
    return queryset.filter(**{field: int(estate)}) if estate.isdigit() else queryset


@extend_schema_view(list=extend_schema(summary="Estates you may see"), retrieve=extend_schema(summary="One estate"))
class EstateViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = ID
    serializer_class = EstateSerializer

    def get_queryset(self):
        estates = scope.visible_estates(self.request.user).select_related("company", "neighbourhood").order_by("id")
        company = self.request.query_params.get("company", "")
        return estates.filter(company_id=int(company)) if company.isdigit() else estates


@extend_schema_view(list=extend_schema(summary="Property-service companies of your estates"))
class CompanyViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = ID
    serializer_class = CompanySerializer

    def get_queryset(self):
        user = self.request.user
        if user.is_superuser:
            return PropertyCompany.objects.order_by("id")
        visible = scope.visible_estates(user).values("company_id")
        return PropertyCompany.objects.filter(Q(pk__in=visible) | Q(pk__in=scope.company_ids(user))).order_by("id")


@extend_schema_view(list=extend_schema(summary="Published disclosures (public; filter with ?estate=)"))
class DisclosureViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = ID
    serializer_class = DisclosureSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        queryset = (
            Disclosure.objects.select_related("estate")
            .prefetch_related("documents")
            .order_by("estate_id", "category", "-version")
        )
        return _estate_param(self.request, queryset)


@extend_schema_view(list=extend_schema(summary="Notices still shown (public; filter with ?estate=)"))
class NoticeViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = ID
    serializer_class = NoticeSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        queryset = Notice.objects.filter(expires_on__gte=timezone.localdate()).order_by("expires_on", "id")
        return _estate_param(self.request, queryset)


@extend_schema_view(list=extend_schema(summary="Property-service complaints of the estates you may see"))
class ComplaintViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = ID
    serializer_class = ComplaintSerializer

    def get_queryset(self):
        estates = scope.visible_estates(self.request.user).values("pk")
        queryset = Complaint.objects.filter(estate_id__in=estates).select_related("issue").order_by("-id")
        return _estate_param(self.request, queryset)
