"""The admin: cases and their parts are read here (every write goes through cowork.services, with
its timeline event); partnerships and their commitments are kept here."""

from django.contrib import admin

from workstations import scope

from . import access
from .models import ActionItem, Case, CaseEvent, CaseUnit, Commitment, CostAgreement, CostShare, Meeting, Partnership


class ReadOnly:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class UnitInline(ReadOnly, admin.TabularInline):
    model = CaseUnit
    extra = 0


class ActionInline(ReadOnly, admin.TabularInline):
    model = ActionItem
    extra = 0
    fields = ["title", "owner_unit", "due_at", "status", "percent", "weight"]


class EventInline(ReadOnly, admin.TabularInline):
    model = CaseEvent
    extra = 0


@admin.register(Case)
class CaseAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["title", "workstation", "status", "due_at", "created_at"]
    list_filter = ["status", "proactive"]
    search_fields = ["title"]
    inlines = [UnitInline, ActionInline, EventInline]

    def get_queryset(self, request):
        return access.visible_cases(request.user, super().get_queryset(request))

    def has_view_permission(self, request, obj=None) -> bool:
        return super().has_view_permission(request, obj) and (obj is None or access.reads_all(request.user, obj))


@admin.register(Meeting)
class MeetingAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["case", "kind", "held_at", "version", "status"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(case__in=access.visible_cases(request.user))


class ShareInline(ReadOnly, admin.TabularInline):
    model = CostShare
    extra = 0


@admin.register(CostAgreement)
class CostAgreementAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["case", "title", "version", "total", "status"]
    inlines = [ShareInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(case__in=access.visible_cases(request.user))


class CommitmentInline(admin.TabularInline):
    model = Commitment
    extra = 1


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["department", "workstation", "deputy_secretary", "started_on", "is_active"]
    filter_horizontal = ["categories"]
    inlines = [CommitmentInline]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return (
            qs if request.user.is_superuser else qs.filter(workstation_id__in=scope.staff_workstation_ids(request.user))
        )
