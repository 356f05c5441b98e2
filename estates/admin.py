from django.contrib import admin

from . import scope
from .models import (
    Complaint,
    Disclosure,
    DisclosureDocument,
    Estate,
    EstateLocation,
    Notice,
    PropertyCompany,
    PropertySLAPolicy,
    ServiceContract,
    StalenessRule,
)


class ContractInline(admin.TabularInline):
    model = ServiceContract
    extra = 0


class LocationInline(admin.TabularInline):
    model = EstateLocation
    extra = 0
    raw_id_fields = ["location"]


@admin.register(PropertyCompany)
class PropertyCompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "parent", "phone"]
    search_fields = ["name", "credit_code"]
    raw_id_fields = ["department", "parent"]


@admin.register(Estate)
class EstateAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "households", "company", "neighbourhood", "housing_officer"]
    list_filter = ["kind", "company"]
    search_fields = ["name", "address"]
    raw_id_fields = ["housing_officer"]
    inlines = [LocationInline, ContractInline]
    readonly_fields = ["short_code"]

    def get_queryset(self, request):
        return scope.visible_estates(request.user, super().get_queryset(request))


class DocumentInline(admin.TabularInline):
    model = DisclosureDocument
    extra = 0
    readonly_fields = ["file", "type", "name", "size"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # documents are checked by content: publish through /property/


@admin.register(Disclosure)
class DisclosureAdmin(admin.ModelAdmin):
    list_display = ["estate", "category", "version", "period_start", "period_end", "published_at"]
    list_filter = ["category"]
    inlines = [DocumentInline]

    def has_add_permission(self, request) -> bool:
        return False  # a new version is published through estates.services.publish_disclosure

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # versions are never changed


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "unit", "estate", "expires_on"]
    list_filter = ["unit"]


@admin.register(StalenessRule)
class StalenessRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "kind", "days", "is_active"]
    list_editable = ["is_active"]


@admin.register(PropertySLAPolicy)
class PropertySLAPolicyAdmin(admin.ModelAdmin):
    list_display = ["kind", "priority", "unit", "accept_within", "resolve_within"]


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ["issue", "estate", "company", "holder", "reason", "accept_due_at", "resolve_due_at"]
    list_filter = ["holder", "reason"]
    readonly_fields = [f.name for f in Complaint._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
