"""The admin for places and people. Every list is narrowed by workstations.scope, so an admin
user who is not a superuser sees only their own workstations, and changes only what they run;
every list runs a fixed number of queries (list_select_related, see tests/workstations)."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import scope, services
from .models import (
    Absence,
    Department,
    District,
    Grid,
    Location,
    LocationEvent,
    Neighbourhood,
    OnCallShift,
    RetiredQRCode,
    Role,
    Subdistrict,
    Workstation,
)


class ScopedAdmin(admin.ModelAdmin):
    """Rows outside the user's scope are invisible; only superusers change the upper levels of
    the hierarchy. `managed_path` says how a row reaches the workstation whose staff may edit it."""

    managed_path: str | None = None

    def get_queryset(self, request):
        return scope.places(request.user, super().get_queryset(request))

    def _manages(self, request, obj) -> bool:
        user = request.user
        if user.is_superuser:
            return True
        if self.managed_path is None:
            return False
        if obj is None:
            return bool(scope.staff_workstation_ids(user))
        workstation_id = obj
        for part in self.managed_path.split("."):
            workstation_id = getattr(workstation_id, part)
        return scope.can_manage_workstation(user, workstation_id)

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and self._manages(request, None)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self._manages(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and self._manages(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Choices too come from the user's scope: no one files a grid under someone else's area.
        related = db_field.related_model
        if not request.user.is_superuser and related in (Workstation, Neighbourhood, Grid, Location):
            kwargs["queryset"] = scope.places(
                request.user, related.objects.filter(**self._managed_filter(related, request.user))
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @staticmethod
    def _managed_filter(model, user) -> dict:
        path = {
            Workstation: "pk",
            Neighbourhood: "workstation_id",
            Grid: "neighbourhood__workstation_id",
            Location: "grid__neighbourhood__workstation_id",
        }[model]
        return {f"{path}__in": scope.staff_workstation_ids(user)}


@admin.register(District)
class DistrictAdmin(ScopedAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Subdistrict)
class SubdistrictAdmin(ScopedAdmin):
    list_display = ["name", "code", "district", "slug"]
    list_filter = ["district"]
    list_select_related = ["district"]
    search_fields = ["name", "code", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Workstation)
class WorkstationAdmin(ScopedAdmin):
    list_display = ["name", "area_name", "subdistrict", "phone", "slug"]
    list_filter = ["subdistrict"]
    list_select_related = ["subdistrict"]
    search_fields = ["name", "area_name", "slug", "phone"]
    prepopulated_fields = {"slug": ["area_name"]}


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(ScopedAdmin):
    managed_path = "workstation_id"
    list_display = ["name", "workstation", "slug"]
    list_filter = ["workstation__subdistrict", "workstation"]
    list_select_related = ["workstation"]
    search_fields = ["name", "slug", "workstation__name"]
    autocomplete_fields = ["workstation"]


@admin.register(Grid)
class GridAdmin(ScopedAdmin):
    managed_path = "neighbourhood.workstation_id"
    list_display = ["name", "code", "neighbourhood", "workstation"]
    list_filter = ["neighbourhood__workstation__subdistrict", "neighbourhood__workstation"]
    list_select_related = ["neighbourhood__workstation"]
    search_fields = ["name", "code", "neighbourhood__name"]
    autocomplete_fields = ["neighbourhood"]

    @admin.display(description=_("workstation"), ordering="neighbourhood__workstation__name")
    def workstation(self, obj: Grid):
        return obj.neighbourhood.workstation


class LocationEventInline(admin.TabularInline):
    model = LocationEvent
    fields = ["created_at", "type", "actor", "note", "old_code_valid_until"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(Location)
class LocationAdmin(ScopedAdmin):
    managed_path = "grid.neighbourhood.workstation_id"
    list_display = ["name", "kind", "grid", "neighbourhood", "workstation", "address", "is_active", "code_state"]
    list_filter = [
        "kind",
        "is_active",
        "grid__neighbourhood__workstation__subdistrict",
        "grid__neighbourhood__workstation",
    ]
    list_select_related = ["grid__neighbourhood__workstation"]
    search_fields = ["name", "address", "grid__name", "grid__code", "=qr_token"]
    autocomplete_fields = ["grid"]
    readonly_fields = ["qr_token", "qr_revoked_at", "report_link", "qr_image"]
    inlines = [LocationEventInline]
    actions = ["rotate_codes", "revoke_codes", "reinstate_codes"]

    @admin.display(description=_("neighbourhood"), ordering="grid__neighbourhood__name")
    def neighbourhood(self, obj: Location):
        return obj.grid.neighbourhood

    @admin.display(description=_("workstation"), ordering="grid__neighbourhood__workstation__name")
    def workstation(self, obj: Location):
        return obj.grid.neighbourhood.workstation

    @admin.display(description=_("QR code"), boolean=True)
    def code_state(self, obj: Location) -> bool:
        return obj.is_active and obj.qr_revoked_at is None

    @admin.display(description=_("report URL"))
    def report_link(self, obj: Location):
        if not obj.pk:
            return "—"
        url = obj.report_url()
        return format_html('<a href="{}">{}</a>', url, url)

    @admin.display(description=_("QR code"))
    def qr_image(self, obj: Location):
        if not obj.pk:
            return "—"
        return format_html(
            '<img src="{}" width="160" height="160" alt=""><br><a href="{}">{}</a>',
            reverse("location_qr_svg", args=[obj.pk]),
            reverse("location_detail", args=[obj.pk]),
            _("Scans, poster and code changes"),
        )

    def _each_managed(self, request, queryset):
        return [loc for loc in queryset if self._manages(request, loc)]

    @admin.action(description=_("Issue new QR codes (old posters keep working for 30 days)"))
    def rotate_codes(self, request, queryset):
        done = self._each_managed(request, queryset.select_related("grid__neighbourhood"))
        for location in done:
            services.rotate_qr(location, actor=request.user)
        self.message_user(request, ngettext("%d code rotated.", "%d codes rotated.", len(done)) % len(done))

    @admin.action(description=_("Revoke QR codes"))
    def revoke_codes(self, request, queryset):
        done = self._each_managed(request, queryset.select_related("grid__neighbourhood"))
        for location in done:
            services.revoke_qr(location, actor=request.user)
        self.message_user(
            request, ngettext("%d code revoked.", "%d codes revoked.", len(done)) % len(done), messages.WARNING
        )

    @admin.action(description=_("Reinstate revoked QR codes"))
    def reinstate_codes(self, request, queryset):
        done = self._each_managed(request, queryset.select_related("grid__neighbourhood"))
        for location in done:
            services.reinstate_qr(location, actor=request.user)
        self.message_user(request, ngettext("%d code reinstated.", "%d codes reinstated.", len(done)) % len(done))


@admin.register(RetiredQRCode)
class RetiredQRCodeAdmin(admin.ModelAdmin):
    """Read-only: rows are written by services.rotate_qr."""

    list_display = ["location", "retired_at", "valid_until"]
    list_select_related = ["location"]
    search_fields = ["location__name", "=token"]
    date_hierarchy = "retired_at"

    def get_queryset(self, request):
        visible = scope.visible_locations(request.user)
        return super().get_queryset(request).filter(location__in=visible)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Department)
class DepartmentAdmin(ScopedAdmin):
    list_display = ["name", "category", "subdistrict", "phone"]
    list_filter = ["category", "subdistrict"]
    list_select_related = ["subdistrict"]
    search_fields = ["name", "slug", "phone"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Role)
class RoleAdmin(ScopedAdmin):
    """Roles grant access, so only superusers change them; others may look at their own area's."""

    list_display = ["user", "kind", "workstation", "grid", "department", "subdistrict", "district", "is_primary"]
    list_filter = ["kind", "is_primary", "workstation"]
    list_select_related = ["user", "workstation", "grid", "department", "subdistrict", "district"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "grid__name", "workstation__name"]
    autocomplete_fields = ["user", "workstation", "grid", "department", "subdistrict", "district"]


@admin.register(OnCallShift)
class OnCallShiftAdmin(ScopedAdmin):
    managed_path = "workstation_id"
    list_display = ["starts_at", "ends_at", "user", "workstation", "note"]
    list_filter = ["workstation"]
    list_select_related = ["user", "workstation"]
    search_fields = ["user__username", "user__first_name", "note"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["user", "workstation"]


@admin.register(Absence)
class AbsenceAdmin(ScopedAdmin):
    list_display = ["user", "starts_at", "ends_at", "reason"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__first_name", "reason"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["user"]

    def _manages(self, request, obj) -> bool:
        # Staff and heads record leave; the duty page is where they usually do it.
        return request.user.is_superuser or bool(scope.staff_workstation_ids(request.user))
