"""The admin. Status and the lifecycle fields are read-only here: only `issues.services`
writes them, with an IssueEvent for every change. The timeline is never edited or deleted."""

from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from workstations import scope
from workstations.models import Workstation

from . import faq as faq_index  # noqa: F401 - connects the cache invalidation of FAQ answers
from . import keywords  # noqa: F401 - connects the cache invalidation of keyword rules
from .models import (
    FAQ,
    Issue,
    IssueEvent,
    IssuePhoto,
    KeywordRule,
    Notification,
    ReferenceCounter,
    SLAPolicy,
    WorkdayOverride,
    mask_phone,
)


def _manages_issue(user, issue: Issue | None) -> bool:
    """Whether `user` may change or delete by hand what belongs to `issue` (None: the list page):
    superusers, and the staff and heads of its workstation (workstations.scope)."""
    if issue is None:
        return user.is_superuser or bool(scope.staff_workstation_ids(user))
    return scope.can_manage_workstation(user, issue.workstation_id)


def _sees_phone(user, issue: Issue | None) -> bool:
    """Whether the admin shows `issue`'s resident phone in full: to superusers and to the staff of
    its workstation, who correct a mistyped number here. Everyone the desk masks it for
    (supervisors, housing officers, area secretaries) sees 138****1234, as on the desk."""
    return issue is not None and _manages_issue(user, issue)


class ReadOnlyAdminMixin:
    """View-only: rows are written by services, never by hand."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SLAPolicy)
class SLAPolicyAdmin(admin.ModelAdmin):
    list_display = ["kind", "priority", "unit", "accept_within", "arrive_within", "resolve_within", "escalate_every"]
    list_editable = ["unit", "accept_within", "arrive_within", "resolve_within", "escalate_every"]
    list_filter = ["unit", "priority"]
    search_fields = ["kind"]


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "note"]
    list_filter = ["is_workday"]
    search_fields = ["note"]
    date_hierarchy = "date"
    ordering = ["-date"]


class IssueEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = IssueEvent
    fields = ["created_at", "type", "old_status", "new_status", "actor", "note", "is_public"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.display(description=_("photo"))
def photo_link(photo: IssuePhoto) -> str:
    """Through the view that checks the viewer, not the file's storage URL (issue 14)."""
    return format_html('<a href="{}">{}</a>', reverse("desk_photo", args=[photo.pk]), _("open"))


class IssuePhotoInline(admin.TabularInline):
    model = IssuePhoto
    fields = [photo_link, "is_public", "created_at"]
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(overdue_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(overdue_at__isnull=True)
        return queryset


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "kind",
        "status",
        "workstation",
        "grid",
        "location",
        "assignee",
        "created_at",
        "resolve_due_at",
        "overdue_at",
    ]
    list_filter = ["status", "kind", "channel", "priority", OverdueFilter, "workstation", "created_at"]
    list_select_related = ["workstation", "grid", "location", "assignee"]
    search_fields = ["reference", "description", "location__name", "reporter_phone"]
    date_hierarchy = "created_at"
    inlines = [IssuePhotoInline, IssueEventInline]
    # Corrections an administrator may make by hand (wording, a mistyped name or phone).
    # Everything else is the issue's lifecycle, and belongs to issues.services.
    editable_fields = ["description", "reporter_name", "reporter_phone"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "reference",
                    "kind",
                    "channel",
                    "priority",
                    "urgent_keywords",
                    "status",
                    "description",
                    "reporter_name",
                    "reporter_phone",
                ]
            },
        ),
        (_("Where and who"), {"fields": ["workstation", "grid", "location", "assignee"]}),
        (
            _("Deadlines and lifecycle"),
            {
                "fields": [
                    "created_at",
                    "routed_at",
                    "assigned_at",
                    "accepted_at",
                    "on_site_at",
                    "resolved_at",
                    "closed_at",
                    "accept_due_at",
                    "resolve_due_at",
                    "overdue_at",
                ]
            },
        ),
        (_("Outcome"), {"fields": ["resolution", "rating", "rating_comment"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        if _sees_phone(request.user, obj):
            return self.fieldsets
        swap = {"reporter_phone": "masked_reporter_phone"}
        return [(name, {**opts, "fields": [swap.get(f, f) for f in opts["fields"]]}) for name, opts in self.fieldsets]

    def get_readonly_fields(self, request, obj=None):
        fields = [f for fs in self.get_fieldsets(request, obj) for f in fs[1]["fields"]]
        return [f for f in fields if f not in self.editable_fields]

    @admin.display(description=_("phone"))
    def masked_reporter_phone(self, obj: Issue) -> str:
        return obj.masked_phone

    def get_queryset(self, request):
        return scope.visible_issues(request.user, super().get_queryset(request))

    def get_search_fields(self, request):
        # The phone is searched in get_search_results, only where this user may see it.
        return [f for f in self.search_fields if f != "reporter_phone"]

    def get_search_results(self, request, queryset, search_term):
        """A phone number finds only the issues whose phone this user may see in full: for
        anyone else, searching by number would tell them whose it is."""
        results, duplicates = super().get_search_results(request, queryset, search_term)
        digits = search_term.strip()
        if digits and (request.user.is_superuser or scope.staff_workstation_ids(request.user)):
            by_phone = queryset.filter(reporter_phone__icontains=digits)
            if not request.user.is_superuser:
                by_phone = by_phone.filter(workstation_id__in=scope.staff_workstation_ids(request.user))
            results = results | by_phone
        return results, duplicates

    def has_add_permission(self, request) -> bool:
        # Issues come in through the report form (services.create_issue) only.
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # Supervisors and housing officers read; only the workstation's staff correct by hand.
        return super().has_change_permission(request, obj) and _manages_issue(request.user, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        # Write only what was edited here, never a stale copy of status or the deadlines.
        changed = [f for f in form.changed_data if f in self.editable_fields]
        if change and changed:
            obj.save(update_fields=[*changed, "updated_at"])


@admin.register(IssueEvent)
class IssueEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["issue", "type", "created_at", "actor", "old_status", "new_status", "is_public"]
    list_filter = ["type", "is_public", "new_status"]
    list_select_related = ["issue", "actor"]
    search_fields = ["issue__reference", "note"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        visible = scope.visible_issues(request.user, Issue.objects.all())
        return super().get_queryset(request).filter(issue__in=visible)


@admin.register(IssuePhoto)
class IssuePhotoAdmin(admin.ModelAdmin):
    list_display = ["issue", photo_link, "is_public", "created_at"]
    list_filter = ["created_at"]
    list_select_related = ["issue"]
    search_fields = ["issue__reference"]
    fields = ["issue", photo_link, "is_public", "created_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        visible = scope.visible_issues(request.user, Issue.objects.all())
        return super().get_queryset(request).filter(issue__in=visible)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and _manages_issue(request.user, obj and obj.issue)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReferenceCounter)
class ReferenceCounterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["prefix", "value"]
    search_fields = ["prefix"]
    ordering = ["-prefix"]


@admin.register(FAQ)
class FAQAdmin(admin.ModelAdmin):
    """Staff keep their own workstation's entries; only a superuser writes entries for everyone
    (no workstation) or for a whole subdistrict (issue 14)."""

    list_display = ["question", "category", "workstation", "subdistrict_wide", "is_published", "created_at"]
    list_editable = ["is_published"]
    list_filter = ["is_published", "subdistrict_wide", "category"]
    list_select_related = ["workstation"]
    search_fields = ["question", "answer", "category"]

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if request.user.is_superuser:
            return rows
        return rows.filter(workstation_id__in=scope.staff_workstation_ids(request.user))

    def get_exclude(self, request, obj=None):
        return [] if request.user.is_superuser else ["subdistrict_wide"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "workstation" and not request.user.is_superuser:
            kwargs["queryset"] = Workstation.objects.filter(pk__in=scope.staff_workstation_ids(request.user))
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(KeywordRule)
class KeywordRuleAdmin(admin.ModelAdmin):
    """Words that suggest 紧急情况 to a resident while typing and flag the report for staff."""

    list_display = ["phrase", "is_active", "note", "created_at"]
    list_editable = ["is_active"]
    list_filter = ["is_active"]
    search_fields = ["phrase", "note"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["key", "kind", "user", "issue", "subject", "created_at", "sent_at"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter), "created_at"]
    list_select_related = ["user", "issue"]
    search_fields = ["key", "subject", "user__username", "issue__reference"]
    date_hierarchy = "created_at"

    def get_fields(self, request, obj=None):
        fields = [f.name for f in Notification._meta.fields]
        if obj is not None and self._sees_address(request.user, obj):
            return fields
        return ["masked_address" if f == "address" else f for f in fields]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @staticmethod
    def _sees_address(user, notification: Notification) -> bool:
        return notification.user_id == user.pk or user.is_superuser or _sees_phone(user, notification.issue)

    @admin.display(description=_("address"))
    def masked_address(self, obj: Notification) -> str:
        # A resident's SMS goes to their phone: masked as on the desk; other addresses are a person's own.
        return mask_phone(obj.address) if obj.channel == "sms" else obj.address

    def get_queryset(self, request):
        # A resident's SMS carries their phone in `address`: only for those who may see the issue.
        rows = super().get_queryset(request)
        if request.user.is_superuser:
            return rows
        visible = scope.visible_issues(request.user, Issue.objects.all())
        return rows.filter(Q(issue__in=visible) | Q(issue__isnull=True, user=request.user))


# --- The lifecycle engine: categories, 派单, the outbox, the ladder's people, preferences --------

from .models import Category, Dispatch, EscalationContact, NotificationPreference, Outbox  # noqa: E402


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "keywords", "is_active", "is_property_service"]
    list_filter = ["is_active", "is_property_service"]
    search_fields = ["name", "keywords"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["departments"]


@admin.register(Dispatch)
class DispatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["issue", "department", "status", "required", "due_at", "overdue_at", "created_at"]
    list_filter = ["status", "department", "required"]
    list_select_related = ["issue", "department"]
    search_fields = ["issue__reference", "result", "instructions"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        visible = scope.visible_issues(request.user, Issue.objects.all())
        return super().get_queryset(request).filter(issue__in=visible)


@admin.register(Outbox)
class OutboxAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["topic", "issue", "created_at", "publish_after", "attempts", "done_at"]
    list_filter = ["topic", ("done_at", admin.EmptyFieldListFilter)]
    list_select_related = ["issue"]
    search_fields = ["issue__reference"]

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if request.user.is_superuser:
            return rows
        return rows.filter(issue__in=scope.visible_issues(request.user, Issue.objects.all()))


@admin.register(EscalationContact)
class EscalationContactAdmin(admin.ModelAdmin):
    """Who the ladder tells above the station: set by administrators. Anyone else with access
    sees only the contacts of the workstations they can read, and changes nothing."""

    list_display = ["level", "workstation", "subdistrict", "user"]
    list_filter = ["level"]
    list_select_related = ["workstation", "subdistrict", "user"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if request.user.is_superuser:
            return rows
        return rows.filter(workstation_id__in=scope.readable_workstation_ids(request.user))

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    """Where a person is told (an address, a phone): anyone but a superuser sees and sets only
    their own."""

    list_display = ["user", "channel", "enabled", "address"]
    list_filter = ["channel", "enabled"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        return rows if request.user.is_superuser else rows.filter(user=request.user)

    def get_exclude(self, request, obj=None):
        return None if request.user.is_superuser else ["user"]

    def save_model(self, request, obj, form, change) -> None:
        if not request.user.is_superuser:
            obj.user = request.user
        super().save_model(request, obj, form, change)
