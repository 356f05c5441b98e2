"""Webhook subscriptions, managed by their owners. A subscription receives the events of the
issues its owner may see (workstations.scope), so a token's owner cannot widen its view."""

from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from webhooks import services
from webhooks.models import Delivery, Subscription, new_secret
from workstations import scope

from ..pagination import ID_PATTERN
from ..serializers import DeliverySerializer, SubscriptionSecretSerializer, SubscriptionSerializer


@extend_schema_view(
    list=extend_schema(summary="Your webhook subscriptions"),
    retrieve=extend_schema(summary="One subscription"),
    create=extend_schema(
        summary="Subscribe",
        description="The answer carries the signing `secret`; see the signature description in the README.",
        responses={201: SubscriptionSecretSerializer},
    ),
    partial_update=extend_schema(summary="Change a subscription"),
    update=extend_schema(summary="Replace a subscription"),
    destroy=extend_schema(summary="Unsubscribe"),
)
class SubscriptionViewSet(viewsets.ModelViewSet):
    lookup_value_regex = ID_PATTERN
    serializer_class = SubscriptionSerializer
    queryset = Subscription.objects.none()  # for the schema; get_queryset narrows to the caller

    def get_queryset(self):
        subscriptions = Subscription.objects.order_by("-created_at", "-id")
        if self.request.user.is_superuser:
            return subscriptions
        return subscriptions.filter(owner=self.request.user)

    def create(self, request, *args, **kwargs):
        if scope.is_read_only(request.user):
            # Read-only roles hear about what concerns them on their personal webhook
            # (notification settings), not through a feed of every event they can read.
            raise PermissionDenied(
                "Read-only roles cannot subscribe to the event feed; "
                "set a personal webhook in your notification settings instead."
            )
        data = SubscriptionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = data.save(owner=request.user)
        return Response(SubscriptionSecretSerializer(subscription).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Enable again after it was disabled", request=None, responses={200: SubscriptionSerializer})
    @action(detail=True, methods=["post"])
    def enable(self, request, pk=None):
        subscription = self.get_object()
        services.enable(subscription)
        return Response(SubscriptionSerializer(subscription).data)

    @extend_schema(summary="New signing secret", request=None, responses={200: SubscriptionSecretSerializer})
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        subscription = self.get_object()
        with transaction.atomic():
            subscription.secret = new_secret()
            subscription.save(update_fields=["secret"])
        return Response(SubscriptionSecretSerializer(subscription).data)

    @extend_schema(
        summary="Deliveries and their attempts, newest first", responses={200: DeliverySerializer(many=True)}
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        subscription = self.get_object()
        deliveries = Delivery.objects.filter(subscription=subscription).prefetch_related("attempt_log")
        page = self.paginate_queryset(deliveries.order_by("-created_at", "-id"))
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)
