"""Places and people: subdistrict → workstation (片区) → neighbourhood → grid → location."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def new_qr_token() -> str:
    """An unguessable token for a location's QR code (128 bits, URL-safe)."""
    return secrets.token_urlsafe(16)


# The address printed under a poster's QR code, for a phone that cannot scan: a short code in
# Crockford's base32 (no I, L, O, U; read case-insensitively), 8 characters = 40 random bits.
# It goes with the QR token: rotating the code gives a new one, revoking stops both.
SHORT_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SHORT_CODE_LENGTH = 8


def new_short_code() -> str:
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))


def normalize_short_code(typed: str) -> str:
    """What a person typed ("7kq2-m9xd", "7KQ2 M9XD", an O for a 0) as the stored code."""
    code = "".join(typed.split()).replace("-", "").upper()
    return code.translate(str.maketrans("OIL", "011"))


class District(models.Model):
    """A 区, e.g. 徐汇区: what a district-level supervisor oversees."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), unique=True)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return self.name


class Subdistrict(models.Model):
    """A 街道, e.g. 天平街道. Its code prefixes every issue reference (TP-20261128-0042).
    Several subdistricts can share one installation; scope keeps them apart."""

    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT, related_name="subdistricts")
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
    short_code = models.CharField(
        _("short code"), max_length=SHORT_CODE_LENGTH, unique=True, default=new_short_code, editable=False
    )
    # Set when staff switch the current code off (a fake sticker, abuse); a rotation clears it.
    qr_revoked_at = models.DateTimeField(_("QR code revoked at"), null=True, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        constraints = [models.UniqueConstraint(fields=["grid", "name"], name="location_name_unique_in_grid")]

    def __str__(self) -> str:
        return self.name

    def report_path(self) -> str:
        return reverse("report", args=[self.qr_token])

    def report_url(self) -> str:
        return settings.SITE_URL + self.report_path()

    @property
    def short_code_display(self) -> str:
        """The short code as printed: two groups of four ("7KQ2-M9XD")."""
        half = SHORT_CODE_LENGTH // 2
        return f"{self.short_code[:half]}-{self.short_code[half:]}"

    def typed_url(self) -> str:
        """The address printed under the QR code, to type: no scheme (browsers add it), the
        short code (/k/<code> leads to the QR code's own address, whatever state it is in)."""
        host = settings.SITE_URL.split("://", 1)[-1]
        return f"{host}{reverse('short_code', args=[self.short_code_display])}"


class RetiredQRCode(models.Model):
    """A location's former QR token after a rotation. Until `valid_until` the old poster still
    leads to the location's report form (a redirect to the new URL); after that it shows the
    "code no longer in use" page with the workstation's contact."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="retired_codes")
    token = models.CharField(_("QR token"), max_length=64, unique=True)
    # The short code printed with it (empty for codes replaced before short codes existed).
    short_code = models.CharField(_("short code"), max_length=SHORT_CODE_LENGTH, unique=True, null=True, blank=True)
    retired_at = models.DateTimeField(_("replaced at"))
    valid_until = models.DateTimeField(_("old posters work until"))

    class Meta:
        verbose_name = _("replaced QR code")
        verbose_name_plural = _("replaced QR codes")

    def __str__(self) -> str:
        return f"{self.location} · {self.retired_at:%Y-%m-%d}"


class LocationEvent(models.Model):
    """Who did what to a location's QR code, and when. Append-only."""

    class Type(models.TextChoices):
        ROTATED = "rotated", _("new QR code issued")
        REVOKED = "revoked", _("QR code revoked")
        REINSTATED = "reinstated", _("QR code reinstated")

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(_("what"), max_length=16, choices=Type.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    old_code_valid_until = models.DateTimeField(_("old posters work until"), null=True, blank=True)

    class Meta:
        verbose_name = _("QR code event")
        verbose_name_plural = _("QR code events")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.location} · {self.get_type_display()}"


class ScanCount(models.Model):
    """How often a location's code was opened on one day. Nothing about who scanned is kept:
    a scan is one `UPDATE … SET scans = scans + 1`."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="scan_counts")
    day = models.DateField(_("day"))
    scans = models.PositiveIntegerField(_("scans"), default=0)
    # Scans of a revoked, replaced or retired code: an old poster is still up somewhere.
    stale_scans = models.PositiveIntegerField(_("scans of a stopped code"), default=0)

    class Meta:
        verbose_name = _("daily scan count")
        verbose_name_plural = _("daily scan counts")
        constraints = [models.UniqueConstraint(fields=["location", "day"], name="scan_count_one_row_per_day")]

    def __str__(self) -> str:
        return f"{self.location_id} {self.day}: {self.scans}"


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


ROLE_SCOPES = ("workstation", "grid", "department", "subdistrict", "district")


def _only(scope: str, **kind) -> models.Q:
    """The role's `scope` field is set and every other scope field is empty."""
    others = {f"{name}__isnull": True for name in ROLE_SCOPES if name != scope}
    return models.Q(**kind, **{f"{scope}__isnull": False}, **others)


class Role(models.Model):
    """What a user may see and do, and where. A user may hold several roles."""

    class Kind(models.TextChoices):
        STATION_HEAD = "station_head", _("station head")  # runs a workstation; receives escalations
        STAFF = "staff", _("workstation staff")  # works the workstation's dashboard
        GRID_WORKER = "grid_worker", _("grid worker")  # handles the tasks of one grid
        LIAISON = "liaison", _("department liaison")  # acts for a department on dispatched work
        HOUSING_OFFICER = "housing_officer", _("housing officer")  # 房管专员: reads a workstation's issues
        # 片区书记: reads a workstation's desk; hears level 3 of the escalation ladder through an
        # issues.EscalationContact
        AREA_SECRETARY = "area_secretary", _("area secretary")
        # 兼职副书记: a district bureau's officer paired with the area (cowork.Partnership); reads
        # the workstation's desk
        DEPUTY_SECRETARY = "deputy_secretary", _("part-time deputy secretary")
        SUBDISTRICT_SUPERVISOR = "sub_supervisor", _("subdistrict supervisor")  # reads a whole 街道
        DISTRICT_SUPERVISOR = "district_supervisor", _("district supervisor")  # reads every 街道 of a 区
        # 物业客服: staff of a property-service company, scoped to the department that stands for
        # the company (estates.PropertyCompany.department); they work their company's estates.
        PROPERTY = "property", _("property company staff")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("role"), max_length=20, choices=Kind.choices)
    workstation = models.ForeignKey(Workstation, null=True, blank=True, on_delete=models.CASCADE, related_name="roles")
    grid = models.ForeignKey(Grid, null=True, blank=True, on_delete=models.CASCADE, related_name="roles")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.CASCADE, related_name="roles")
    subdistrict = models.ForeignKey(Subdistrict, null=True, blank=True, on_delete=models.CASCADE, related_name="roles")
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.CASCADE, related_name="roles")
    is_primary = models.BooleanField(
        _("primary"),
        default=True,
        help_text=_("For grid workers: the grid's first choice for new tasks. The others are backups."),
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.CheckConstraint(
                name="role_scope_matches_kind",
                violation_error_message=_(
                    "A station head, staff member, housing officer or area secretary needs a workstation only; "
                    "a grid worker a grid only; a liaison or property company staff a department only; "
                    "a subdistrict supervisor a subdistrict only; a district supervisor a district only."
                ),
                condition=(
                    _only(
                        "workstation",
                        kind__in=["station_head", "staff", "housing_officer", "area_secretary", "deputy_secretary"],
                    )
                    | _only("grid", kind="grid_worker")
                    | _only("department", kind__in=["liaison", "property"])
                    | _only("subdistrict", kind="sub_supervisor")
                    | _only("district", kind="district_supervisor")
                ),
            ),
        ]

    def __str__(self) -> str:
        scope = self.workstation or self.grid or self.department or self.subdistrict or self.district
        return f"{self.user} · {self.get_kind_display()} · {scope}"


class OnCallShift(models.Model):
    """One entry of a workstation's on-call rota (值班表): from `starts_at` to `ends_at` this
    person takes the urgent matters of all the workstation's grids — nights, weekends, holidays."""

    workstation = models.ForeignKey(Workstation, on_delete=models.CASCADE, related_name="on_call_shifts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="on_call_shifts", verbose_name=_("on call")
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("on-call shift")
        verbose_name_plural = _("on-call shifts")
        ordering = ["starts_at", "id"]
        # Routing asks "who is on call for this workstation at this moment?"
        indexes = [models.Index(fields=["workstation", "ends_at", "starts_at"], name="shift_ws_window")]
        constraints = [
            models.CheckConstraint(
                name="shift_ends_after_start",
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                violation_error_message=_("A shift must end after it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%Y-%m-%d %H:%M}"


class Absence(models.Model):
    """Leave or another absence: routing passes this person over while it lasts."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="absences", verbose_name=_("person")
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["starts_at", "id"]
        # Routing asks "which of these people are away at this moment?"
        indexes = [models.Index(fields=["user", "ends_at"], name="absence_user_ends")]
        constraints = [
            models.CheckConstraint(
                name="absence_ends_after_start",
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                violation_error_message=_("An absence must end after it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.starts_at:%Y-%m-%d}–{self.ends_at:%Y-%m-%d}"
