"""Estates (小区), their property-service companies and contracts, the six-category information
disclosure (信息公开) with its versions and staleness rules, the 便民服务 notices, and the
property-service complaints (有事先找我) that go to the company first."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import creditcode


def new_short_code() -> str:
    """The short, unguessable-enough code of an estate's public page (/xq/<code>/)."""
    return secrets.token_urlsafe(6)


def validate_credit_code(value: str) -> None:
    message = creditcode.problem(value)
    if message:
        raise ValidationError(gettext(message), code="credit_code")


class PropertyCompany(models.Model):
    """A property-service company (物业服务企业), or a branch of one (`parent`). Its staff (物业客服)
    hold the `property` role of `department`, the 派单 department that stands for the company."""

    name = models.CharField(_("name"), max_length=100)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="branches",
        verbose_name=_("parent company"),
    )
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    department = models.OneToOneField(
        "workstations.Department",
        on_delete=models.PROTECT,
        related_name="property_company",
        verbose_name=_("department"),
        help_text=_("The department that stands for the company; its staff hold the property role there."),
    )

    class Meta:
        verbose_name = _("property-service company")
        verbose_name_plural = _("property-service companies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.credit_code = creditcode.normalize(self.credit_code)
        super().save(*args, **kwargs)


class Estate(models.Model):
    """A 小区: its places, kind, size, company, project manager, owners' committee and the
    subdistrict housing officer (房管专员) whose name and phone its pages publish."""

    class Kind(models.TextChoices):
        COMMERCIAL = "commercial", _("commercial housing (商品房)")
        PUBLIC_SOLD = "public_sold", _("sold public housing (售后公房)")
        OLD = "old", _("old estate (老旧小区)")
        LANE = "lane", _("old lane houses (里弄)")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=100)
    short_code = models.CharField(_("short code"), max_length=16, unique=True, default=new_short_code, editable=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    neighbourhood = models.ForeignKey(
        "workstations.Neighbourhood", on_delete=models.PROTECT, related_name="estates", verbose_name=_("neighbourhood")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.COMMERCIAL)
    households = models.PositiveIntegerField(_("households"), default=0)
    company = models.ForeignKey(
        PropertyCompany,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="estates",
        verbose_name=_("property-service company"),
    )
    manager_name = models.CharField(_("project manager"), max_length=50, blank=True)
    manager_certificate = models.CharField(_("project manager's certificate number"), max_length=50, blank=True)
    manager_phone = models.CharField(_("project manager's phone"), max_length=32, blank=True)
    committee_contact = models.CharField(_("owners' committee contact"), max_length=100, blank=True)
    committee_phone = models.CharField(_("owners' committee phone"), max_length=32, blank=True)
    housing_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="housing_estates",
        verbose_name=_("housing officer"),
    )
    housing_officer_phone = models.CharField(_("housing officer's public phone"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("estate")
        verbose_name_plural = _("estates")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["neighbourhood", "name"], name="estate_name_unique")]

    def __str__(self) -> str:
        return self.name

    def public_path(self) -> str:
        return reverse("estates:public", args=[self.short_code])

    def public_url(self) -> str:
        return settings.SITE_URL + self.public_path()


class EstateLocation(models.Model):
    """A location (QR code) inside an estate; a location is in one estate at most."""

    estate = models.ForeignKey(Estate, on_delete=models.CASCADE, related_name="estate_locations")
    location = models.OneToOneField(
        "workstations.Location", on_delete=models.CASCADE, related_name="estate_link", verbose_name=_("location")
    )

    class Meta:
        verbose_name = _("location inside the estate")
        verbose_name_plural = _("locations inside the estate")

    def __str__(self) -> str:
        return f"{self.estate} · {self.location}"


class ServiceContract(models.Model):
    """Which company serves which estate, from when to when (物业服务合同)."""

    company = models.ForeignKey(PropertyCompany, on_delete=models.PROTECT, related_name="contracts")
    estate = models.ForeignKey(Estate, on_delete=models.CASCADE, related_name="contracts")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))

    class Meta:
        verbose_name = _("service contract")
        verbose_name_plural = _("service contracts")
        ordering = ["-ends_on"]
        constraints = [
            models.CheckConstraint(
                name="contract_ends_after_start",
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                violation_error_message=_("A contract cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.company} · {self.estate} · {self.starts_on}–{self.ends_on}"


class Category(models.TextChoices):
    """The six core categories of disclosure (上海 物业服务信息公开)."""

    CONTRACT = "contract", _("service contract (服务合同)")
    FEES = "fees", _("fee standards (收费标准)")
    ACCOUNTS = "accounts", _("income and expense details (收入明细)")
    PROCEDURES = "procedures", _("procedures (办事制度)")
    REPORT = "report", _("service performance report (服务履职报告)")
    CONTACTS = "contacts", _("contacts (联系方式)")


class Disclosure(models.Model):
    """One version of one category of an estate's disclosure. A new version never changes the
    old ones: the public page shows the newest and lists the earlier ones, still readable."""

    estate = models.ForeignKey(Estate, on_delete=models.CASCADE, related_name="disclosures")
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    text = models.TextField(_("text"), blank=True)
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period until"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        ordering = ["estate", "category", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "category", "version"], name="disclosure_version_unique"),
            models.CheckConstraint(
                name="disclosure_period_in_order",
                condition=models.Q(period_end__isnull=True)
                | models.Q(period_start__isnull=True)
                | models.Q(period_end__gte=models.F("period_start")),
                violation_error_message=_("The period cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.estate} · {self.get_category_display()} v{self.version}"


def document_path(instance: "DisclosureDocument", filename: str) -> str:
    return f"estates/{instance.disclosure.estate_id}/{instance.disclosure.category}/{secrets.token_hex(8)}-{filename}"


class DisclosureDocument(models.Model):
    """A PDF or an image attached to a disclosure version (checked by content, estates.documents)."""

    class Type(models.TextChoices):
        PDF = "pdf", "PDF"
        IMAGE = "image", _("image")

    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("file"), upload_to=document_path)
    type = models.CharField(_("type"), max_length=8, choices=Type.choices)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.name

    def public_path(self) -> str:
        """Served by estates.views.public.document (no URL serves MEDIA_ROOT itself)."""
        return reverse("estates:document", args=[self.disclosure.estate.short_code, self.pk])


class Notice(models.Model):
    """便民服务信息公开区: a notice of another unit (城管, 公安, 居家养老, 装修垃圾清运 …) on an
    estate's page until it expires."""

    estate = models.ForeignKey(Estate, on_delete=models.CASCADE, related_name="notices")
    unit = models.CharField(_("from"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    expires_on = models.DateField(_("shown until"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["expires_on", "id"]

    def __str__(self) -> str:
        return self.title


class StalenessRule(models.Model):
    """When a category of disclosure is "past the time it should have been updated"
    (已超过应更新时间). Edited in the admin."""

    class Check(models.TextChoices):
        NEVER = "never", _("never published")
        OLDER_THAN = "older_than", _("newest version older than N days")
        CONTRACT_ENDED = "contract_ended", _("service contract past its end date")

    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(
        _("category"), max_length=16, choices=Category.choices, blank=True, help_text=_("Empty: every category.")
    )
    kind = models.CharField(_("check"), max_length=16, choices=Check.choices)
    days = models.PositiveIntegerField(
        _("days"),
        null=True,
        blank=True,
        help_text=_(
            "For “older than”: counted from the end of the period the newest version covers (else its publication)."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("staleness rule")
        verbose_name_plural = _("staleness rules")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == self.Check.OLDER_THAN and not self.days:
            raise ValidationError({"days": _("Give the number of days.")})


class StaleAlert(models.Model):
    """The housing officer was told that this rule finds this estate stale: once, until the
    estate is up to date again (the row is then deleted, so a later lapse is told again)."""

    estate = models.ForeignKey(Estate, on_delete=models.CASCADE, related_name="stale_alerts")
    rule = models.ForeignKey(StalenessRule, on_delete=models.CASCADE, related_name="alerts")
    category = models.CharField(max_length=16, choices=Category.choices)
    told_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["estate", "rule", "category"], name="stale_alert_once"),
        ]

    def __str__(self) -> str:
        return f"{self.estate} · {self.rule} · {self.category}"


class PropertySLAPolicy(models.Model):
    """How fast the property company must accept and resolve a property-service complaint, per
    kind and priority, before it is handed over to the housing officer."""

    kind = models.CharField(
        _("kind"), max_length=16, choices=[(k, k) for k in ("consult", "urgent", "complex", "community")]
    )
    priority = models.CharField(_("priority"), max_length=8, default="normal")
    unit = models.CharField(
        _("unit"),
        max_length=16,
        choices=[
            ("minutes", _("minutes, around the clock")),
            ("days", _("calendar days")),
            ("working_days", _("working days (Chinese calendar)")),
        ],
    )
    accept_within = models.PositiveIntegerField(_("accept within"))
    resolve_within = models.PositiveIntegerField(_("resolve within"))

    class Meta:
        verbose_name = _("property-company SLA policy")
        verbose_name_plural = _("property-company SLA policies")
        constraints = [models.UniqueConstraint(fields=["kind", "priority"], name="property_sla_one_per_kind")]

    def __str__(self) -> str:
        return f"{self.kind} · {self.priority}"

    def clean(self) -> None:
        if self.accept_within < 1 or self.resolve_within < 1:
            raise ValidationError(_("Give at least 1."))
        if self.accept_within > self.resolve_within:
            raise ValidationError(_("The acceptance target cannot be longer than the resolution target."))


class Complaint(models.Model):
    """A property-service complaint (有事先找我): the issue, its estate, and who has it now."""

    class Holder(models.TextChoices):
        COMPANY = "company", _("the property company")
        HOUSING = "housing", _("the housing officer")

    class Reason(models.TextChoices):
        NO_COMPANY = "no_company", _("the estate has no property company")
        NOT_ACCEPTED = "not_accepted", _("the property company did not accept it in time")
        NOT_RESOLVED = "not_resolved", _("the property company did not resolve it in time")
        REOPENED = "reopened", _("the resident said it was not solved")
        LOW_RATING = "low_rating", _("the resident rated the company's work 2 or lower")

    issue = models.OneToOneField("issues.Issue", on_delete=models.CASCADE, related_name="property_complaint")
    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="complaints")
    company = models.ForeignKey(
        PropertyCompany, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    holder = models.CharField(_("with"), max_length=8, choices=Holder.choices, default=Holder.COMPANY)
    created_at = models.DateTimeField(auto_now_add=True)
    accept_due_at = models.DateTimeField(_("company accepts by"), null=True, blank=True)
    resolve_due_at = models.DateTimeField(_("company resolves by"), null=True, blank=True)
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    reason = models.CharField(_("why"), max_length=16, choices=Reason.choices, blank=True)

    class Meta:
        verbose_name = _("property-service complaint")
        verbose_name_plural = _("property-service complaints")
        ordering = ["-created_at"]
        indexes = [
            # estates.complaints.due_for_hand_over: the company's complaints by deadline.
            models.Index(
                fields=["accept_due_at"], name="complaint_company_accept", condition=models.Q(holder="company")
            ),
            models.Index(
                fields=["resolve_due_at"], name="complaint_company_resolve", condition=models.Q(holder="company")
            ),
            # The rankings: an estate's complaints by month.
            models.Index(fields=["estate", "created_at"], name="complaint_estate_created"),
        ]

    def __str__(self) -> str:
        return f"{self.issue_id} · {self.estate} · {self.holder}"
