"""What administrators set up: SLA policies, working-day overrides, urgent keywords, FAQ entries."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .issue import Kind, Priority


class SLAPolicy(models.Model):
    """How fast each kind of issue, at each priority, must be accepted, visited and resolved, and
    how often a missed deadline climbs the escalation ladder. Editable in the admin."""

    class Unit(models.TextChoices):
        MINUTES = "minutes", _("minutes, around the clock")
        DAYS = "days", _("calendar days")
        WORKING_DAYS = "working_days", _("working days (Chinese calendar)")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices)
    accept_within = models.PositiveIntegerField(_("accept within"), null=True, blank=True)
    arrive_within = models.PositiveIntegerField(
        _("be on site within"), null=True, blank=True, help_text=_("Urgent matters: the visit has its own deadline.")
    )
    resolve_within = models.PositiveIntegerField(_("resolve within"))
    escalate_every = models.PositiveIntegerField(
        _("escalate again every"),
        default=1,
        help_text=_("While a deadline stays missed, the next level of the ladder is told after this long."),
    )

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["kind", "priority"]
        constraints = [models.UniqueConstraint(fields=["kind", "priority"], name="sla_policy_one_per_kind_priority")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_priority_display()}"

    # About a year in each unit: deadlines further out are a typing error, and past the working
    # calendar's reach (issues.sla) they would make every new report of this kind fail.
    MAX_WITHIN = {Unit.MINUTES: 366 * 24 * 60, Unit.DAYS: 366, Unit.WORKING_DAYS: 250}

    def clean(self) -> None:
        """Targets that make sense together: each at least 1 (an empty accept or on-site target
        means none), within about a year, and in order: accepted, on site, resolved."""
        errors: dict[str, str] = {}
        targets = {
            "accept_within": self.accept_within,
            "arrive_within": self.arrive_within,
            "resolve_within": self.resolve_within,
            "escalate_every": self.escalate_every,
        }
        longest = self.MAX_WITHIN.get(self.unit)
        for name, value in targets.items():
            if value is None:
                continue
            if value < 1:
                optional = name in ("accept_within", "arrive_within")
                errors[name] = (
                    _("Give at least 1, or leave it empty for no deadline.") if optional else _("Give at least 1.")
                )
            elif longest is not None and value > longest:
                errors[name] = _("At most %(max)d in this unit (about a year).") % {"max": longest}
        accept, arrive, resolve = self.accept_within, self.arrive_within, self.resolve_within
        if resolve and "resolve_within" not in errors:
            if accept and "accept_within" not in errors and accept > resolve:
                errors["accept_within"] = _("The acceptance target cannot be longer than the resolution target.")
            if arrive and "arrive_within" not in errors and arrive > resolve:
                errors["arrive_within"] = _("The on-site target cannot be longer than the resolution target.")
        if accept and arrive and not errors.keys() & {"accept_within", "arrive_within"} and accept > arrive:
            errors["accept_within"] = _("The acceptance target cannot be longer than the on-site target.")
        if errors:
            raise ValidationError(errors)


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


class KeywordRule(models.Model):
    """A word that, found in a report, suggests `urgent` to the resident and flags it for staff."""

    phrase = models.CharField(_("word or phrase"), max_length=30, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("urgent keyword")
        verbose_name_plural = _("urgent keywords")
        ordering = ["phrase"]

    def __str__(self) -> str:
        return self.phrase


class FAQ(models.Model):
    """A published answer to a question residents ask again and again."""

    question = models.CharField(_("question"), max_length=200)
    answer = models.TextField(_("answer"))
    category = models.CharField(_("category"), max_length=50, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    # The workstation whose residents see it (its report pages and /faq/?ws=); none: every
    # resident (entries an administrator wrote before entries had a workstation).
    workstation = models.ForeignKey(
        "workstations.Workstation",
        verbose_name=_("workstation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="faq_entries",
    )
    # Shown at every workstation of the workstation's subdistrict; only an administrator sets it.
    subdistrict_wide = models.BooleanField(_("for the whole subdistrict"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")
        ordering = ["category", "id"]

    def __str__(self) -> str:
        return self.question
