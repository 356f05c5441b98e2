"""Open311 GeoReport v2: service definitions, API keys, coordinates of our locations, and the
requests that came in through the interface. Services map onto our kinds of matter."""

import hashlib
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from issues.models import Kind


def new_token() -> str:
    return secrets.token_hex(16)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class Service(models.Model):
    """A GeoReport service (request type). Reports filed through it become issues of `kind`.
    Our own issues are listed under the first active service of their kind and category, else
    the first of their kind without a category."""

    class Type(models.TextChoices):
        REALTIME = "realtime", _("realtime: the request id is returned at once")
        BATCH = "batch", _("batch: a token is returned, to be exchanged for the request id")
        BLACKBOX = "blackbox", _("blackbox: nothing is returned")

    code = models.SlugField(_("service code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # Optional: our issues of this kind *and* category are listed under this service.
    category = models.ForeignKey(
        "issues.Category",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("category"),
    )
    group = models.CharField(_("group"), max_length=50, blank=True)
    keywords = models.CharField(_("keywords"), max_length=200, blank=True, help_text=_("Comma separated."))
    type = models.CharField(_("type"), max_length=16, choices=Type.choices, default=Type.REALTIME)
    # Residents write about private matters too: only these services show the text publicly.
    publish_descriptions = models.BooleanField(_("publish descriptions"), default=False)
    service_notice = models.CharField(_("service notice"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("Open311 service")
        verbose_name_plural = _("Open311 services")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class ServiceAttribute(models.Model):
    """One extra question of a service definition (`attribute[CODE]` in a POST)."""

    class Datatype(models.TextChoices):
        STRING = "string", _("string")
        NUMBER = "number", _("number")
        DATETIME = "datetime", _("date and time")
        TEXT = "text", _("text")
        SINGLEVALUELIST = "singlevaluelist", _("one of a list")
        MULTIVALUELIST = "multivaluelist", _("several of a list")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="attributes")
    code = models.CharField(_("code"), max_length=32)
    variable = models.BooleanField(_("asks for input"), default=True)
    datatype = models.CharField(_("datatype"), max_length=16, choices=Datatype.choices, default=Datatype.STRING)
    required = models.BooleanField(_("required"), default=False)
    datatype_description = models.CharField(_("datatype description"), max_length=200, blank=True)
    order = models.PositiveIntegerField(_("order"), default=1)
    description = models.CharField(_("question"), max_length=300)
    # For list datatypes: [{"key": "...", "name": "..."}, ...]
    values = models.JSONField(_("values"), default=list, blank=True)

    class Meta:
        verbose_name = _("service attribute")
        verbose_name_plural = _("service attributes")
        ordering = ["service", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["service", "code"], name="open311_attribute_code_unique")]

    def __str__(self) -> str:
        return f"{self.service.code}/{self.code}"


class ApiKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    """A client's key for POST requests. Only a SHA-256 digest is kept."""

    name = models.CharField(_("client"), max_length=100, unique=True)
    prefix = models.CharField(_("prefix"), max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, name: str) -> tuple["ApiKey", str]:
        key = secrets.token_urlsafe(24)
        return cls.objects.create(name=name, prefix=key[:6], key_hash=digest(key)), key

    @classmethod
    def find(cls, key: str) -> "ApiKey | None":
        if not key:
            return None
        return cls.objects.active().filter(key_hash=digest(key)).first()

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])


class LocationPoint(models.Model):
    """Where a location is (WGS84), so that a POST with lat/long finds the nearest one."""

    location = models.OneToOneField("workstations.Location", on_delete=models.CASCADE, related_name="open311_point")
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    long = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)

    class Meta:
        verbose_name = _("location coordinates")
        verbose_name_plural = _("location coordinates")

    def __str__(self) -> str:
        return f"{self.location} ({self.lat}, {self.long})"


class ServiceRequest(models.Model):
    """What an Open311 client sent along with a report, beyond the issue itself."""

    issue = models.OneToOneField("issues.Issue", on_delete=models.CASCADE, related_name="open311_request")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="requests")
    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="requests")
    # For GET tokens/<token> (batch services). Not the resident's tracking token.
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    attributes = models.JSONField(default=dict, blank=True)
    lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    address_string = models.CharField(max_length=300, blank=True)
    address_id = models.CharField(max_length=64, blank=True)
    email = models.EmailField(blank=True)
    device_id = models.CharField(max_length=100, blank=True)
    account_id = models.CharField(max_length=100, blank=True)
    first_name = models.CharField(max_length=50, blank=True)
    last_name = models.CharField(max_length=50, blank=True)
    media_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 request")
        verbose_name_plural = _("Open311 requests")

    def __str__(self) -> str:
        return f"{self.service.code} → {self.issue_id}"
