"""Issues, their timeline, photos, SLA policies and the notifications sent about them."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .lifecycle import OPEN_STATUSES, Status


class Kind(models.TextChoices):
    CONSULT = "consult", _("Quick answers (小事即办)")
    URGENT = "urgent", _("Urgent matters (急事快办)")
    COMPLEX = "complex", _("Hard matters, handled together (难事共办)")
    COMMUNITY = "community", _("Good deeds and ideas (好事常办)")


def hash_token(token: str) -> str:
    """We keep only this digest of a resident's tracking token, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


class SLAPolicy(models.Model):
    """How fast each kind of issue must be accepted and resolved. Editable in the admin."""

    class Unit(models.TextChoices):
        MINUTES = "minutes", _("minutes, around the clock")
        DAYS = "days", _("calendar days")
        WORKING_DAYS = "working_days", _("working days (Chinese calendar)")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, unique=True)
    unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices)
    accept_within = models.PositiveIntegerField(_("accept within"), null=True, blank=True)
    resolve_within = models.PositiveIntegerField(_("resolve within"))

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}"


class WorkdayOverride(models.Model):
    """A date whose working-day status the calendar package gets wrong or does not know yet."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("is a working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("working-day override")
        verbose_name_plural = _("working-day overrides")

    def __str__(self) -> str:
        return f"{self.date} {'+' if self.is_workday else '-'}"


class Issue(models.Model):
    reference = models.CharField(_("reference"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CONSULT)
    description = models.TextField(_("description"))
    reporter_name = models.CharField(_("name"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("phone"), max_length=20, blank=True)
    location = models.ForeignKey("workstations.Location", on_delete=models.PROTECT, related_name="issues")
    # Denormalised from the location so that scoping a list is one indexed filter.
    workstation = models.ForeignKey("workstations.Workstation", on_delete=models.PROTECT, related_name="issues")
    grid = models.ForeignKey("workstations.Grid", on_delete=models.PROTECT, related_name="issues")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="assigned_issues"
    )
    tracking_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The outbox: NULL means "still to be routed"; the relay task sets it, the sweep re-sends.
    routed_at = models.DateTimeField(null=True, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    on_site_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    accept_due_at = models.DateTimeField(_("accept by"), null=True, blank=True)
    resolve_due_at = models.DateTimeField(_("resolve by"), null=True, blank=True)
    # Set once, by compare-and-set, when the sweep finds a missed deadline and escalates.
    overdue_at = models.DateTimeField(_("overdue since"), null=True, blank=True)

    resolution = models.TextField(_("resolution"), blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True)

    class Meta:
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        ordering = ["-created_at"]
        indexes = [
            # The SLA sweep: open issues not yet escalated, by deadline.
            models.Index(
                fields=["accept_due_at"],
                name="issue_accept_due_open",
                condition=models.Q(overdue_at__isnull=True, accepted_at__isnull=True),
            ),
            models.Index(
                fields=["resolve_due_at"],
                name="issue_resolve_due_open",
                condition=models.Q(overdue_at__isnull=True, resolved_at__isnull=True),
            ),
            # The sweep's outbox re-send: issues received but never routed.
            models.Index(fields=["created_at"], name="issue_unrouted", condition=models.Q(routed_at__isnull=True)),
            # Dashboards: one workstation's issues, newest first; a worker's tasks.
            models.Index(fields=["workstation", "-created_at"], name="issue_ws_created"),
            models.Index(fields=["assignee", "status"], name="issue_assignee_status"),
        ]
        constraints = [
            models.CheckConstraint(
                name="issue_rating_1_to_5",
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.reporter_phone)


def mask_phone(phone: str) -> str:
    """138****1234: enough to recognise, not enough to call."""
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


class IssueEvent(models.Model):
    """The append-only timeline of an issue. Nothing here is ever updated or deleted."""

    class Type(models.TextChoices):
        CREATED = "created", _("reported")
        ASSIGNED = "assigned", _("assigned to a grid worker")
        UNROUTED = "unrouted", _("no grid worker available")
        ACCEPTED = "accepted", _("accepted")
        ARRIVED = "arrived", _("on site")
        RESOLVED = "resolved", _("resolved")
        CONFIRMED = "confirmed", _("confirmed by the resident")
        REOPENED = "reopened", _("reopened by the resident")
        OVERDUE = "overdue", _("deadline missed")
        ESCALATED = "escalated", _("escalated")
        NOTIFIED = "notified", _("notified")

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    type = models.CharField(max_length=16, choices=Type.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    old_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    new_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    note = models.TextField(blank=True)
    is_public = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("issue event")
        verbose_name_plural = _("issue events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.issue_id} {self.type}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("issue events are append-only")
        super().save(*args, **kwargs)


def photo_path(instance: "IssuePhoto", filename: str) -> str:
    return f"issues/{instance.issue.created_at:%Y/%m}/{instance.issue.reference}-{filename}"


class IssuePhoto(models.Model):
    """A photo, already re-encoded as JPEG without EXIF (see issues.photos)."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=photo_path)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.image.name


class ReferenceCounter(models.Model):
    """The last reference number handed out per subdistrict and day (TP-20261128-0042)."""

    prefix = models.CharField(max_length=32, unique=True)
    value = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix}: {self.value}"


class FAQ(models.Model):
    """A published answer to a question residents ask again and again."""

    question = models.CharField(_("question"), max_length=200)
    answer = models.TextField(_("answer"))
    category = models.CharField(_("category"), max_length=50, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")
        ordering = ["category", "id"]

    def __str__(self) -> str:
        return self.question


class Notification(models.Model):
    """One message to one person. `key` is unique, so a retried task never notifies twice."""

    key = models.CharField(max_length=200, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    issue = models.ForeignKey(Issue, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.key
