"""What a matter is about (its category and the departments it needs) and 派单 to them."""

import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    """What a matter is about (电力, 燃气, 绿化 …), the words that recognise it in a report, and the
    departments it needs. An urgent report of a category is sent to these departments at once."""

    name = models.CharField(_("name"), max_length=50)
    slug = models.SlugField(_("slug"), unique=True)
    keywords = models.TextField(
        _("keywords"),
        blank=True,
        help_text=_("Words that put a report in this category, separated by commas or spaces."),
    )
    departments = models.ManyToManyField(
        "workstations.Department", blank=True, related_name="categories", verbose_name=_("departments")
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_property_service = models.BooleanField(
        _("property service"),
        default=False,
        help_text=_("A report of this category inside an estate goes to its property company first (有事先找我)."),
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def keyword_list(self) -> list[str]:
        return [w for w in re.split(r"[\s,，、;；]+", self.keywords) if w]


class Dispatch(models.Model):
    """派单: one department asked to act on one issue, with its own deadline and status."""

    class Status(models.TextChoices):
        SENT = "sent", _("sent")  # waiting for the department to acknowledge
        ACKNOWLEDGED = "acknowledged", _("acknowledged")  # the department is on it
        DONE = "done", _("done")  # the department finished its part
        RETURNED = "returned", _("returned")  # the department says it is not theirs, with a reason
        # The issue ended (closed, declined, merged) before the department finished: nothing is
        # asked of it any more (issues.dispatch.withdraw_open_dispatches). `result` says why.
        WITHDRAWN = "withdrawn", _("withdrawn")

    OPEN = (Status.SENT, Status.ACKNOWLEDGED)

    issue = models.ForeignKey("issues.Issue", on_delete=models.PROTECT, related_name="dispatches")
    department = models.ForeignKey(
        "workstations.Department", on_delete=models.PROTECT, related_name="dispatches", verbose_name=_("department")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SENT)
    # A required dispatch must be done before the issue may be resolved (or staff override).
    required = models.BooleanField(_("required"), default=True)
    instructions = models.TextField(_("instructions"), blank=True)
    due_at = models.DateTimeField(_("due by"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    # What the department did, or why it returned the dispatch.
    result = models.TextField(_("result"), blank=True)
    # Set once, by compare-and-set, when the sweep finds the deadline missed.
    overdue_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        ordering = ["due_at", "id"]
        constraints = [
            # A department has at most one open dispatch per issue; after a return it may get another.
            models.UniqueConstraint(
                fields=["issue", "department"],
                condition=models.Q(status__in=["sent", "acknowledged"]),
                name="dispatch_one_open_per_department",
            ),
        ]
        indexes = [
            # The liaison's list: one department's dispatches by status.
            models.Index(fields=["department", "status", "due_at"], name="dispatch_department_status"),
            # The sweep: open dispatches past their deadline, not yet marked overdue.
            models.Index(
                fields=["due_at"],
                name="dispatch_open_due",
                condition=models.Q(status__in=["sent", "acknowledged"], overdue_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issue_id} → {self.department_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN
