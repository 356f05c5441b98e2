"""难事共办: coordination cases (协调案) that several units carry together, their meetings,
decisions, action items and cost shares, and the 结对 partnerships of district bureaus with an
area (片区).

A unit is a workstations.Department (a line department, a utility, a property company, or the
residents' representatives entered as a department of category "other"). Each unit's part of a
case (CaseUnit) has its own 签收 and deadline; for every linked issue the unit is also sent a core
派单 (issues.dispatch), so its liaison sees the work on the 派单 list and the core's sweep flags a
late one. Every write goes through cowork.services; CaseEvent is the case's append-only timeline.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open")  # the units are working on it
        RESOLVED = "resolved", _("resolved")  # closed by staff; linked issues resolved with the summary

    workstation = models.ForeignKey("workstations.Workstation", on_delete=models.PROTECT, related_name="cases")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # 未诉先办: opened by staff before anyone reported (no linked issues at opening).
    proactive = models.BooleanField(_("opened before any report (未诉先办)"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    issues = models.ManyToManyField("issues.Issue", blank=True, related_name="cases", verbose_name=_("linked issues"))
    due_at = models.DateTimeField(_("due by"))
    # What residents read when the case is resolved (and on each linked issue's timeline).
    resident_summary = models.TextField(_("summary for residents"), blank=True)
    # Staff closed it with a unit or an action item still open; residents can read this.
    override_reason = models.TextField(_("reason for closing with work still open"), blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("coordination case")
        verbose_name_plural = _("coordination cases")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The open-cases page: one workstation's open cases.
            models.Index(fields=["workstation", "status"], name="case_ws_status"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class CaseUnit(models.Model):
    """One unit's part of a case: lead (牵头) or supporting (配合), its 签收 and its sign-off."""

    class Part(models.TextChoices):
        LEAD = "lead", _("lead unit (牵头)")
        SUPPORT = "support", _("supporting unit (配合)")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="units")
    department = models.ForeignKey(
        "workstations.Department", on_delete=models.PROTECT, related_name="case_parts", verbose_name=_("unit")
    )
    part = models.CharField(_("part"), max_length=8, choices=Part.choices)
    instructions = models.TextField(_("what is asked of the unit"), blank=True)
    due_at = models.DateTimeField(_("due by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at (签收)"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sign_off_note = models.TextField(_("what the unit did"), blank=True)

    class Meta:
        verbose_name = _("unit of a case")
        verbose_name_plural = _("units of cases")
        ordering = ["part", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "department"], name="case_unit_once"),
            models.UniqueConstraint(fields=["case"], condition=models.Q(part="lead"), name="case_one_lead"),
        ]

    def __str__(self) -> str:
        return f"{self.department} · {self.get_part_display()}"


class CaseEvent(models.Model):
    """The case's append-only timeline (status changes included)."""

    class Type(models.TextChoices):
        OPENED = "opened", _("case opened")
        LINKED = "linked", _("report linked")
        UNIT_ADDED = "unit_added", _("unit added")
        ACKNOWLEDGED = "acknowledged", _("unit acknowledged (签收)")
        SIGNED_OFF = "signed_off", _("unit signed off")
        MEETING = "meeting", _("meeting")
        MINUTES_CONFIRMED = "minutes_confirmed", _("minutes confirmed by an attendee")
        MINUTES_FINAL = "minutes_final", _("minutes final")
        ACTION_ADDED = "action_added", _("action item added")
        ACTION_DONE = "action_done", _("action item done")
        EVIDENCE = "evidence", _("evidence added")
        ACTION_REMINDED = "action_reminded", _("action item due soon")
        ACTION_OVERDUE = "action_overdue", _("action item overdue")
        ACTION_ESCALATED = "action_escalated", _("action item escalated")
        COST_SHARE = "cost_share", _("cost share")
        RESOLVED = "resolved", _("case resolved")
        OVERRIDE = "override", _("closed with work still open")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=20, choices=Type.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The unit the event concerns, so a liaison's view of the timeline shows their part only.
    department = models.ForeignKey("workstations.Department", null=True, blank=True, on_delete=models.PROTECT)
    old_status = models.CharField(max_length=16, blank=True)
    new_status = models.CharField(max_length=16, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.type}"


class Meeting(models.Model):
    """A 专题会议 or 工作例会 of a case. Minutes: draft → confirmed (every attendee confirmed) →
    final. A final meeting is never edited; an amendment is a new version (`amends`)."""

    class Kind(models.TextChoices):
        TOPIC = "topic", _("topic meeting (专题会议)")
        REGULAR = "regular", _("regular work meeting (工作例会)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        CONFIRMED = "confirmed", _("confirmed by the attendees")
        FINAL = "final", _("final")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.TOPIC)
    held_at = models.DateTimeField(_("held at"))
    place = models.CharField(_("place"), max_length=200)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("attendees")
    )
    units = models.ManyToManyField(
        "workstations.Department", blank=True, related_name="+", verbose_name=_("units present")
    )
    minutes = models.TextField(_("minutes"), blank=True)
    # The redacted summary published to each linked issue's timeline when the minutes are final.
    resident_summary = models.TextField(_("summary for residents"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    amends = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="amendments", verbose_name=_("amends")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    finalised_at = models.DateTimeField(_("final since"), null=True, blank=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["held_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_at:%Y-%m-%d} v{self.version}"


class MinutesConfirmation(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="confirmations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("confirmation of minutes")
        verbose_name_plural = _("confirmations of minutes")
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="minutes_confirmed_once")]

    def __str__(self) -> str:
        return f"{self.meeting_id} · {self.user_id}"


class ActionItem(models.Model):
    """Something a unit (and a person of it) must do by a date. Reminders and escalation run in
    the core's SLA sweep (cowork.sweep, named in settings.SLA_SWEEP_STEPS)."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("what"), max_length=300)
    owner_unit = models.ForeignKey(
        "workstations.Department",
        on_delete=models.PROTECT,
        related_name="case_actions",
        verbose_name=_("responsible unit"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person"),
    )
    due_at = models.DateTimeField(_("due by"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    percent = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    # Optional weight in the case's progress; unset everywhere: the plain mean.
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    # The sweep: a reminder at 80 % of the time (NULL: sent or none), the miss, the ladder.
    remind_at = models.DateTimeField(null=True, blank=True)
    overdue_at = models.DateTimeField(_("overdue since"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalate_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_at", "id"]
        indexes = [
            # cowork.sweep: open items with a reminder, a miss or a ladder step due.
            models.Index(
                fields=["remind_at"], name="action_remind", condition=models.Q(status="open", remind_at__isnull=False)
            ),
            models.Index(
                fields=["due_at"], name="action_open_due", condition=models.Q(status="open", overdue_at__isnull=True)
            ),
            models.Index(
                fields=["escalate_at"],
                name="action_escalate",
                condition=models.Q(status="open", escalate_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def progress(self) -> int:
        return 100 if self.status == self.Status.DONE else self.percent


class AgendaItem(models.Model):
    class Outcome(models.TextChoices):
        INFORMATION = "information", _("information")
        DECISION = "decision", _("decision")
        ACTION = "action", _("action")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("agenda item"), max_length=300)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.INFORMATION)
    notes = models.TextField(_("notes"), blank=True)
    responsible_unit = models.ForeignKey(
        "workstations.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible unit (责任单位)"),
    )
    due_at = models.DateTimeField(_("deadline (时限)"), null=True, blank=True)
    # The action item a decision created, or the overdue one carried onto this agenda.
    action = models.ForeignKey(ActionItem, null=True, blank=True, on_delete=models.PROTECT, related_name="agenda_items")
    carried_over = models.BooleanField(_("carried over (overdue)"), default=False)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Evidence(models.Model):
    """What shows an action item was done: words, and a photo through the core's photo rules."""

    action = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="evidence")
    text = models.TextField(_("what was done"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="cowork/%Y/%m/", blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return self.text[:50] or self.photo.name


class FundSource(models.TextChoices):
    MAINTENANCE_FUND = "maintenance_fund", _("special maintenance fund (专项维修资金)")
    SUBSIDY = "subsidy", _("government subsidy (财政补贴)")
    OWNERS = "owners", _("owners' own funds (业主自筹)")
    COMPANY = "company", _("borne by the company (企业承担)")
    OTHER = "other", _("other")


class CostAgreement(models.Model):
    """费用分摊: who pays what. draft → agreed (every party confirmed) → paid (every milestone
    paid). A change after agreement is a new version; the old one is kept, superseded."""

    class Basis(models.TextChoices):
        PERCENT = "percent", _("percentages")
        AMOUNT = "amount", _("amounts")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        AGREED = "agreed", _("agreed")
        PAID = "paid", _("paid")
        SUPERSEDED = "superseded", _("superseded by a later version")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="agreements")
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_version", verbose_name=_("replaces")
    )
    title = models.CharField(_("what is paid for"), max_length=200)
    total = models.DecimalField(_("total (yuan)"), max_digits=12, decimal_places=2)
    basis = models.CharField(_("shares given as"), max_length=8, choices=Basis.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    agreed_at = models.DateTimeField(_("agreed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("cost-sharing agreement")
        verbose_name_plural = _("cost-sharing agreements")
        ordering = ["case", "version"]
        constraints = [models.UniqueConstraint(fields=["case", "version"], name="cost_agreement_version_once")]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class CostShare(models.Model):
    agreement = models.ForeignKey(CostAgreement, on_delete=models.CASCADE, related_name="shares")
    # A unit of the case, or a party that is not one (业主 of a building), named in `party_name`.
    department = models.ForeignKey(
        "workstations.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    party_name = models.CharField(_("party"), max_length=100)
    percent = models.DecimalField(_("percent"), max_digits=5, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    fund_source = models.CharField(_("fund source"), max_length=20, choices=FundSource.choices)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("cost share")
        verbose_name_plural = _("cost shares")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.party_name} {self.amount}"


class CostMilestone(models.Model):
    agreement = models.ForeignKey(CostAgreement, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2, default=Decimal("0"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("payment milestone")
        verbose_name_plural = _("payment milestones")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class Partnership(models.Model):
    """结对: a district bureau paired with an area (片区). Reports in its co-owned topics are
    sent to the bureau as 派单 when they are routed (cowork.receivers)."""

    department = models.ForeignKey(
        "workstations.Department", on_delete=models.PROTECT, related_name="partnerships", verbose_name=_("bureau")
    )
    workstation = models.ForeignKey("workstations.Workstation", on_delete=models.PROTECT, related_name="partnerships")
    deputy_secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("part-time deputy secretary (兼职副书记)"),
    )
    categories = models.ManyToManyField(
        "issues.Category", blank=True, related_name="partnerships", verbose_name=_("co-owned topics")
    )
    started_on = models.DateField(_("paired since"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("partnership (结对)")
        verbose_name_plural = _("partnerships (结对)")
        constraints = [models.UniqueConstraint(fields=["department", "workstation"], name="partnership_once")]

    def __str__(self) -> str:
        return f"{self.department} · {self.workstation}"


class Commitment(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="commitments")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("commitment"), max_length=300)
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    fulfilment_note = models.TextField(_("how it was fulfilled"), blank=True)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["-year", "id"]

    def __str__(self) -> str:
        return self.title
