from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from issues.models import Issue
from workstations import scope

from .models import ApiKey, LocationPoint, Service, ServiceAttribute, ServiceRequest


class ServiceAttributeInline(admin.StackedInline):
    model = ServiceAttribute
    extra = 0


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "category", "type", "group", "publish_descriptions", "is_active", "order"]
    list_editable = ["is_active", "order"]
    list_filter = ["kind", "type", "is_active"]
    list_select_related = ["category"]
    search_fields = ["code", "name", "keywords"]
    inlines = [ServiceAttributeInline]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    search_fields = ["name", "prefix"]
    actions = ["revoke"]

    def save_model(self, request, obj, form, change) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        key_row, key = ApiKey.issue(name=obj.name)
        obj.pk, obj.prefix, obj.key_hash = key_row.pk, key_row.prefix, key_row.key_hash
        messages.warning(
            request,
            _("The api_key of “%(name)s” is %(key)s — copy it now, it is not shown again.")
            % {"name": obj.name, "key": key},
        )

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset) -> None:
        for key in queryset.filter(revoked_at__isnull=True):
            key.revoke()


@admin.register(LocationPoint)
class LocationPointAdmin(admin.ModelAdmin):
    list_display = ["location", "lat", "long"]
    list_select_related = ["location"]
    search_fields = ["location__name", "location__address"]
    autocomplete_fields = ["location"]


@admin.register(ServiceRequest)
class ServiceRequestAdmin(admin.ModelAdmin):
    list_display = ["issue", "service", "api_key", "created_at"]
    list_select_related = ["issue", "service", "api_key"]
    list_filter = ["service", "api_key"]
    search_fields = ["issue__reference", "token"]
    readonly_fields = [f.name for f in ServiceRequest._meta.fields]

    def get_queryset(self, request):
        # The reporter's name and email: only for those who may see the issue.
        visible = scope.visible_issues(request.user, Issue.objects.all())
        return super().get_queryset(request).filter(issue__in=visible)

    def has_add_permission(self, request) -> bool:
        return False
