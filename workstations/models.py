"""Places and people: subdistrict → workstation (片区) → neighbourhood → grid → location."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def new_qr_token() -> str:
    """An unguessable token for a location's QR code (128 bits, URL-safe)."""
    return secrets.token_urlsafe(16)


class Subdistrict(models.Model):
    """A 街道, e.g. 天平街道. Its code prefixes every issue reference (TP-20261128-0042)."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), unique=True)
    code = models.CharField(_("reference prefix"), max_length=8, unique=True)

    class Meta:
        verbose_name = _("subdistrict")
        verbose_name_plural = _("subdistricts")

    def __str__(self) -> str:
        return self.name


class Workstation(models.Model):
    """An area (片区) and its 民情快办 workstation, the unit that staff belong to."""

    subdistrict = models.ForeignKey(Subdistrict, on_delete=models.PROTECT, related_name="workstations")
    area_name = models.CharField(_("area"), max_length=100)
    name = models.CharField(_("workstation name"), max_length=100)
    slug = models.SlugField(_("slug"), unique=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("workstation")
        verbose_name_plural = _("workstations")

    def __str__(self) -> str:
        return self.name


class Neighbourhood(models.Model):
    """A 居民区 (residents' committee area)."""

    workstation = models.ForeignKey(Workstation, on_delete=models.PROTECT, related_name="neighbourhoods")
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"))

    class Meta:
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")
        constraints = [models.UniqueConstraint(fields=["workstation", "slug"], name="neighbourhood_slug_unique")]

    def __str__(self) -> str:
        return self.name


class Grid(models.Model):
    """A 网格: the patch one grid worker answers for."""

    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.PROTECT, related_name="grids")
    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), unique=True)

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    """A 点位 with a QR code: a lane entrance, an estate gate or a building."""

    class Kind(models.TextChoices):
        LANE = "lane", _("lane entrance")
        ESTATE_GATE = "estate_gate", _("estate gate")
        BUILDING = "building", _("building")

    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="locations")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.LANE)
    address = models.CharField(_("address"), max_length=200, blank=True)
    qr_token = models.CharField(_("QR token"), max_length=64, unique=True, default=new_qr_token, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self) -> str:
        return self.name

    def report_path(self) -> str:
        return reverse("report", args=[self.qr_token])

    def report_url(self) -> str:
        return settings.SITE_URL + self.report_path()


class Department(models.Model):
    """A 条线部门 or 属地单位 that receives dispatched work (派单)."""

    class Category(models.TextChoices):
        POWER = "power", _("power supply")
        PROPERTY = "property", _("property company")
        BUREAU = "bureau", _("district bureau")
        OTHER = "other", _("other")

    subdistrict = models.ForeignKey(Subdistrict, on_delete=models.PROTECT, related_name="departments")
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), unique=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class Role(models.Model):
    """What a user may see and do, and where. A user may hold several roles."""

    class Kind(models.TextChoices):
        STATION_HEAD = "station_head", _("station head")  # runs a workstation; receives escalations
        STAFF = "staff", _("workstation staff")  # works the workstation's dashboard
        GRID_WORKER = "grid_worker", _("grid worker")  # handles the tasks of one grid
        LIAISON = "liaison", _("department liaison")  # acts for a department on dispatched work

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("role"), max_length=16, choices=Kind.choices)
    workstation = models.ForeignKey(Workstation, null=True, blank=True, on_delete=models.CASCADE, related_name="roles")
    grid = models.ForeignKey(Grid, null=True, blank=True, on_delete=models.CASCADE, related_name="roles")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.CASCADE, related_name="roles")
    is_primary = models.BooleanField(_("primary"), default=True, help_text=_("The grid's first choice for new tasks."))

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.CheckConstraint(
                name="role_scope_matches_kind",
                violation_error_message=_(
                    "A station head or staff member needs a workstation only; a grid worker a grid only; "
                    "a liaison a department only."
                ),
                condition=(
                    models.Q(
                        kind__in=["station_head", "staff"],
                        workstation__isnull=False,
                        grid__isnull=True,
                        department__isnull=True,
                    )
                    | models.Q(
                        kind="grid_worker", grid__isnull=False, workstation__isnull=True, department__isnull=True
                    )
                    | models.Q(kind="liaison", department__isnull=False, workstation__isnull=True, grid__isnull=True)
                ),
            ),
        ]

    def __str__(self) -> str:
        scope = self.workstation or self.grid or self.department
        return f"{self.user} · {self.get_kind_display()} · {scope}"
