from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Department, Grid, Location, Neighbourhood, Role, Subdistrict, Workstation


@admin.register(Subdistrict)
class SubdistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "slug"]
    search_fields = ["name", "code", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Workstation)
class WorkstationAdmin(admin.ModelAdmin):
    list_display = ["name", "area_name", "subdistrict", "phone", "slug"]
    list_filter = ["subdistrict"]
    list_select_related = ["subdistrict"]
    search_fields = ["name", "area_name", "slug"]
    prepopulated_fields = {"slug": ["area_name"]}


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(admin.ModelAdmin):
    list_display = ["name", "workstation", "slug"]
    list_filter = ["workstation"]
    list_select_related = ["workstation"]
    search_fields = ["name", "slug"]
    autocomplete_fields = ["workstation"]


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "neighbourhood", "workstation"]
    list_filter = ["neighbourhood__workstation"]
    list_select_related = ["neighbourhood__workstation"]
    search_fields = ["name", "code", "neighbourhood__name"]
    autocomplete_fields = ["neighbourhood"]

    @admin.display(description=_("workstation"), ordering="neighbourhood__workstation__name")
    def workstation(self, obj: Grid):
        return obj.neighbourhood.workstation


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "grid", "neighbourhood", "address", "is_active"]
    list_filter = ["kind", "is_active", "grid__neighbourhood__workstation"]
    list_select_related = ["grid__neighbourhood"]
    search_fields = ["name", "address", "grid__name", "qr_token"]
    autocomplete_fields = ["grid"]
    readonly_fields = ["qr_token", "report_link", "qr_image"]

    @admin.display(description=_("neighbourhood"), ordering="grid__neighbourhood__name")
    def neighbourhood(self, obj: Location):
        return obj.grid.neighbourhood

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
        return format_html('<img src="{}" width="160" height="160" alt="">', reverse("location_qr", args=[obj.pk]))


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "subdistrict", "phone"]
    list_filter = ["category", "subdistrict"]
    list_select_related = ["subdistrict"]
    search_fields = ["name", "slug", "phone"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "workstation", "grid", "department", "is_primary"]
    list_filter = ["kind", "is_primary", "workstation"]
    list_select_related = ["user", "workstation", "grid", "department"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "grid__name", "workstation__name"]
    autocomplete_fields = ["user", "workstation", "grid", "department"]
