"""The admin of 好事常办: initiatives and events scoped to the workstations a person manages.
Seats are changed through community.services (never by editing sign-ups' status here)."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from workstations import scope

from . import services
from .models import Activity, ActivityLog, FollowUp, Initiative, SignUp


class _Scoped(admin.ModelAdmin):
    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(workstation_id__in=scope.staff_workstation_ids(request.user))


@admin.register(Initiative)
class InitiativeAdmin(_Scoped):
    list_display = ("title", "workstation", "topic", "status", "created_at")
    list_filter = ("status", "workstation")
    search_fields = ("title", "topic")
    filter_horizontal = ("organisers", "partners")
    raw_id_fields = ("source_issue",)


class SignUpInline(admin.TabularInline):
    model = SignUp
    fields = (
        "name",
        "seats",
        "status",
        "in_reserved_group",
        "birth_year",
        "partner_unit",
        "walk_in",
        "created_at",
        "checked_in_at",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ActivityAdminForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = "__all__"  # noqa: DJ007 - the admin's own form

    def clean(self):
        data = super().clean()
        capacity = data.get("capacity")
        if self.instance.pk and capacity is not None:
            held = services.seats_of(self.instance).held
            if capacity < held:
                self.add_error(
                    "capacity",
                    _("%(held)d seats are already taken, so the event cannot have fewer than %(held)d seats.")
                    % {"held": held},
                )
        return data


@admin.register(Activity)
class ActivityAdmin(_Scoped):
    form = ActivityAdminForm
    list_display = ("title", "workstation", "starts_at", "capacity", "status")
    list_filter = ("status", "workstation")
    search_fields = ("title",)
    filter_horizontal = ("organisers", "partners")
    raw_id_fields = ("location",)
    readonly_fields = ("status", "public_token", "cancel_reason")
    inlines = [SignUpInline]
    actions = ["publish"]

    @admin.action(description=_("Publish the chosen drafts"))
    def publish(self, request, queryset):
        for activity in queryset:
            try:
                services.publish_activity(activity, actor=request.user)
            except services.CommunityError as exc:
                self.message_user(request, f"{activity}: {exc.message}", messages.ERROR)

    def save_model(self, request, obj, form, change):
        """A lower capacity goes through the service, which refuses fewer seats than are held."""
        if change and {"capacity", "reserved_seats"} & set(form.changed_data):
            services.change_capacity(
                Activity.objects.get(pk=obj.pk),
                capacity=obj.capacity,
                reserved_seats=obj.reserved_seats,
                actor=request.user,
            )
            form.changed_data = [f for f in form.changed_data if f not in ("capacity", "reserved_seats")]
        super().save_model(request, obj, form, change)


@admin.register(ActivityLog)
class ActivityLogAdmin(admin.ModelAdmin):
    list_display = ("activity", "type", "signup", "actor", "created_at")
    list_filter = ("type",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(activity__workstation_id__in=scope.staff_workstation_ids(request.user))


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ("activity", "text", "issue", "created_at")
    raw_id_fields = ("activity", "issue")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(activity__workstation_id__in=scope.staff_workstation_ids(request.user))
