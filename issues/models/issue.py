"""The issue itself: its kind and priority, how it came in, its timeline, photos, reference
numbers and the outbox of work promised with it."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .. import notes
from ..lifecycle import OPEN_STATUSES, Status


class Kind(models.TextChoices):
    CONSULT = "consult", _("Quick answers (小事即办)")
    URGENT = "urgent", _("Urgent matters (急事快办)")
    COMPLEX = "complex", _("Hard matters, handled together (难事共办)")
    COMMUNITY = "community", _("Good deeds and ideas (好事常办)")


def hash_token(token: str) -> str:
    """We keep only this digest of a resident's tracking token, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


class Priority(models.TextChoices):
    NORMAL = "normal", _("normal")
    HIGH = "high", _("high")  # staff raised it (danger, many residents, a vulnerable resident)


class Intake(models.TextChoices):
    """How a matter reached the workstation. Every channel is an Issue, so one set of rules (SLA,
    timeline, statistics, the 工作日志) covers them all."""

    QR = "qr", _("QR code")  # a resident scanned a location's code
    WALK_IN = "walk_in", _("walk-in")  # a resident came to the workstation's window
    PHONE = "phone", _("phone")  # a resident called the workstation
    PATROL = "patrol", _("patrol (走访)")  # a grid worker found it on their rounds
    API = "api", _("other system")  # the REST API or Open311


class Issue(models.Model):
    reference = models.CharField(_("reference"), max_length=32)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CONSULT)
    description = models.TextField(_("description"))
    reporter_name = models.CharField(pgettext_lazy("person", "name"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("phone"), max_length=20, blank=True)
    location = models.ForeignKey("workstations.Location", on_delete=models.PROTECT, related_name="issues")
    # Denormalised from the location so that scoping a list is one indexed filter. Indexed by the
    # composite indexes below, which all start with it; no index of its own (see Meta).
    workstation = models.ForeignKey(
        "workstations.Workstation", on_delete=models.PROTECT, related_name="issues", db_index=False
    )
    grid = models.ForeignKey("workstations.Grid", on_delete=models.PROTECT, related_name="issues")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_issues",
        db_index=False,  # issue_assignee_status starts with it
    )
    tracking_token_hash = models.CharField(max_length=64, editable=False)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001 - NULL (no key) may repeat; "" may not

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
    # Moderation: set when staff mark the description and the status notes fit for public
    # listings (Open311's feed); until then those list the public summary only.
    publishable_at = models.DateTimeField(_("published in public listings"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True)
    # Words of the report that a KeywordRule marks as urgent ("漏电, 电线"): staff should check the
    # kind. Empty means no rule matched.
    urgent_keywords = models.CharField(_("urgent keywords found"), max_length=200, blank=True)
    # How the matter came in (issues.services.log_matter writes the desk's and patrols' ones).
    channel = models.CharField(_("received through"), max_length=8, choices=Intake.choices, default=Intake.QR)

    # --- The lifecycle engine (issues.services, issues.sla, issues.escalation) ----------------
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    category = models.ForeignKey(
        "issues.Category", null=True, blank=True, on_delete=models.PROTECT, related_name="issues"
    )
    # An issue on hold remembers where it was; resuming returns there and shifts the deadlines.
    held_from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    paused_at = models.DateTimeField(_("on hold since"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
        verbose_name=_("merged into"),
    )
    # The SLA round: set on creation and on reopening.
    sla_started_at = models.DateTimeField(null=True, blank=True)
    arrive_due_at = models.DateTimeField(_("on site by"), null=True, blank=True)
    # 80 % reminders still to send (NULL: sent, or nothing to remind of).
    accept_remind_at = models.DateTimeField(null=True, blank=True)
    arrive_remind_at = models.DateTimeField(null=True, blank=True)
    resolve_remind_at = models.DateTimeField(null=True, blank=True)
    # Deadlines whose miss the sweep has already handled this round (issues.sla.MISSED_* bits).
    missed = models.PositiveSmallIntegerField(default=0)
    # Levels of the ladder told this round (0 = none; issues.ladder.Level), and when the next
    # level is due if a deadline is still missed then.
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalate_at = models.DateTimeField(null=True, blank=True)
    # The next moment the SLA sweep has something to do for this issue; NULL: nothing.
    sla_next_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        ordering = ["-created_at"]
        indexes = [
            # The SLA sweep (issues.escalation.due_issues): what has something due, soonest first.
            models.Index(fields=["sla_next_at"], name="issue_sla_next", condition=models.Q(sla_next_at__isnull=False)),
            # Dashboards' "overdue" filter.
            models.Index(
                fields=["workstation", "overdue_at"],
                name="issue_ws_overdue",
                condition=models.Q(overdue_at__isnull=False),
            ),
            # Dashboards: one workstation's issues, newest first; a worker's tasks.
            models.Index(fields=["workstation", "-created_at"], name="issue_ws_created"),
            models.Index(fields=["assignee", "status"], name="issue_assignee_status"),
            # The desk's queues (issues.views.desk_dashboard): a workstation's unfinished issues
            # (open, or resolved and awaiting the resident) by status. Partial, so it stays the
            # size of the backlog however long the history grows.
            models.Index(
                fields=["workstation", "status"], name="issue_ws_unfinished", condition=models.Q(closed_at__isnull=True)
            ),
            # services.close_unconfirmed: resolved issues the resident never confirmed, by age.
            models.Index(
                fields=["resolved_at"], name="issue_awaiting_confirmation", condition=models.Q(status="resolved")
            ),
        ]
        constraints = [
            # Declared here rather than with unique=True on the fields: on PostgreSQL a unique
            # CharField also gets a second, varchar_pattern_ops index for LIKE 'prefix%', which
            # nothing here asks for (the desk searches with icontains/iexact), and every index is
            # written on each update of a row (the SLA sweep updates thousands at a time).
            models.UniqueConstraint(fields=["reference"], name="issue_reference_unique"),
            models.UniqueConstraint(fields=["tracking_token_hash"], name="issue_tracking_token_unique"),
            models.UniqueConstraint(fields=["idempotency_key"], name="issue_idempotency_key_unique"),
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
        REMINDED = "reminded", _("deadline approaching")
        ANSWERED = "answered", _("answered")
        TRIAGED = "triaged", _("triaged")
        COORDINATING = "coordinating", _("coordination started")
        MILESTONE = "milestone", _("milestone")
        ADOPTED = "adopted", _("adopted")
        STARTED = "started", _("work started")
        DECLINED = "declined", _("declined")
        REASSIGNED = "reassigned", _("reassigned")
        HANDED_BACK = "handed_back", _("handed back")
        HELD = "held", _("put on hold")
        RESUMED = "resumed", _("resumed")
        MERGED = "merged", _("merged into another report")
        MERGED_IN = "merged_in", _("a duplicate was merged in")
        PRIORITY = "priority", _("priority changed")
        CATEGORY = "category", _("category set")
        DISPATCHED = "dispatched", _("sent to a department")
        DISPATCH_ACK = "dispatch_ack", _("department acknowledged")
        DISPATCH_DONE = "dispatch_done", _("department done")
        DISPATCH_RETURN = "dispatch_return", _("department returned it")
        DISPATCH_LATE = "dispatch_late", _("department deadline missed")
        DISPATCH_WITHDRAWN = "dispatch_recall", _("dispatch withdrawn")  # the issue ended first
        OVERRIDE = "override", _("resolved with open dispatches")
        RESIDENT_NOTE = "resident_note", _("the resident added something")
        UNCONFIRMED = "unconfirmed", _("closed without the resident's answer")
        FLAGGED = "flagged", _("flagged for staff")
        NOTE = "note", _("note added")
        KIND = "kind", _("kind changed")
        PHONE_SHOWN = "phone_shown", _("the resident's phone number shown")
        ERASED = "erased", _("personal data erased")  # privacy: retention, or on request

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    type = models.CharField(max_length=16, choices=Type.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    old_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    new_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    note = models.TextField(blank=True)
    # What a system-written note was made from, [msgid, params] (issues.notes), so that it is
    # shown in the reader's language; null for a person's words and for older rows.
    note_source = models.JSONField(null=True, blank=True, editable=False)
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

    @property
    def note_for_reader(self) -> str:
        """The note in the current language (`note` as stored when it has no source)."""
        return notes.render(self.note_source, self.note)


def photo_path(instance: "IssuePhoto", filename: str) -> str:
    """A random name that says nothing of the issue (no reference number): photos are served only
    through views that check the viewer (issues.views.photos), never from a public URL."""
    suffix = "-thumb.jpg" if filename.endswith("-thumb.jpg") else ".jpg"
    return f"photos/{instance.issue.created_at:%Y/%m}/{secrets.token_hex(16)}{suffix}"


class IssuePhoto(models.Model):
    """A photo, already re-encoded as JPEG without EXIF (see issues.photos), and its thumbnail."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=photo_path)
    # A small JPEG for lists and the tracking page; blank for photos stored before thumbnails.
    thumbnail = models.ImageField(upload_to=photo_path, blank=True)
    # A photo belongs to the event it came with: the resident's own and the report's are shown on
    # the tracking page; those of an internal staff or worker note are not.
    is_public = models.BooleanField(_("shown to the resident"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.image.name

    @property
    def thumbnail_file(self):
        return self.thumbnail or self.image


class ReferenceCounter(models.Model):
    """The last reference number handed out per subdistrict and day (TP-20261128-0042)."""

    prefix = models.CharField(_("prefix"), max_length=32, unique=True)
    value = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("reference counter")
        verbose_name_plural = _("reference counters")

    def __str__(self) -> str:
        return f"{self.prefix}: {self.value}"


class Outbox(models.Model):
    """Work promised in the same transaction as the change that needs it (routing a new report:
    assignment and 派单). A Celery task does the work and marks the row done; the sweep publishes
    again whatever is still not done a minute later, so a broker outage loses nothing."""

    class Topic(models.TextChoices):
        ROUTE = "route", _("route a new report")

    topic = models.CharField(max_length=16, choices=Topic.choices)
    issue = models.ForeignKey("issues.Issue", on_delete=models.CASCADE, related_name="outbox")
    created_at = models.DateTimeField(auto_now_add=True)
    # The sweep publishes again from this moment on (moved a minute ahead at each publish).
    publish_after = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outbox entry")
        verbose_name_plural = _("outbox")
        indexes = [
            # issues.escalation.resend_outbox: undone work, by when it may be published again.
            models.Index(fields=["publish_after"], name="outbox_pending", condition=models.Q(done_at__isnull=True)),
            models.Index(fields=["issue", "topic"], name="outbox_issue_topic"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.issue_id}"
