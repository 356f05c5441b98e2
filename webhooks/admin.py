from django.contrib import admin
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

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
