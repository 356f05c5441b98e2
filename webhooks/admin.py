from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Attempt, Delivery, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "url", "is_active", "consecutive_failures", "disabled_at", "created_at"]
    list_filter = ["is_active"]
    list_select_related = ["owner"]
    search_fields = ["name", "url", "owner__username"]
    readonly_fields = ["secret", "consecutive_failures", "disabled_at", "disabled_reason", "created_at"]
    autocomplete_fields = ["owner"]
    actions = ["enable"]
    # A receiver typed without a scheme is taken as https (Django 6's default; 5.2 warns).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    # A subscription receives what its owner may see: anyone but a superuser manages only their
    # own, and what they make is theirs (never a more widely seeing user's), as over the API.
    def get_queryset(self, request):
        subscriptions = super().get_queryset(request)
        return subscriptions if request.user.is_superuser else subscriptions.filter(owner=request.user)

    def get_exclude(self, request, obj=None):
        return None if request.user.is_superuser else ["owner"]

    def save_model(self, request, obj, form, change) -> None:
        if not request.user.is_superuser:
            obj.owner = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Enable the selected subscriptions again"))
    def enable(self, request, queryset) -> None:
        for subscription in queryset.filter(is_active=False):
            services.enable(subscription)


class AttemptInline(admin.TabularInline):
    model = Attempt
    fields = ["number", "started_at", "duration_ms", "status_code", "succeeded", "error", "response_excerpt"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["uuid", "subscription", "event_type", "status", "attempts", "next_attempt_at", "created_at"]
    list_filter = ["status", "event_type"]
    list_select_related = ["subscription"]
    search_fields = ["uuid", "subscription__name"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    inlines = [AttemptInline]

    def get_queryset(self, request):
        deliveries = super().get_queryset(request)
        return deliveries if request.user.is_superuser else deliveries.filter(subscription__owner=request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
