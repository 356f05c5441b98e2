"""好事常办: initiatives, their events (活动), sign-ups with a waiting list, check-in and the record.

Seats are counted, never stored as a counter: a sign-up that holds seats (confirmed, or offered
from the waiting list) says how many. Every count that decides a seat is taken under a row lock
of the activity (community.services), so two people racing for the last seat never both get it.
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def new_public_token() -> str:
    """The activity's public address (its QR code): unguessable, so drafts cannot be found."""
    return secrets.token_urlsafe(12)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Initiative(models.Model):
    """A 好事: something good the workstation does with residents and partner units, often for
    months, with events along the way. Often a resident's `community` idea, adopted."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")  # an idea, not yet taken up
        ADOPTED = "adopted", _("adopted")  # the workstation takes it up
        RUNNING = "running", _("running")  # events are being held
        DONE = "done", _("done")  # finished

    workstation = models.ForeignKey("workstations.Workstation", on_delete=models.PROTECT, related_name="initiatives")
    title = models.CharField(_("title"), max_length=120)
    topic = models.CharField(_("topic"), max_length=60, blank=True, help_text=_("For example: jobs, greening."))
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PROPOSED)
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="organised_initiatives", verbose_name=_("organisers")
    )
    partners = models.ManyToManyField(
        "workstations.Department", blank=True, related_name="initiatives", verbose_name=_("partner units")
    )
    # The resident's idea it grew from (a `community` issue), if any.
    source_issue = models.OneToOneField(
        "issues.Issue",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="initiative",
        verbose_name=_("from the resident's idea"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Activity(models.Model):
    """One event (活动) with a capacity, a sign-up window and a public page. Called Activity in
    code and the API because `events` already names an issue's timeline."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")  # only organisers see it
        PUBLISHED = "published", _("published")  # public page, sign-ups within the window
        CANCELLED = "cancelled", _("cancelled")  # everyone signed up was told

    class Eligibility(models.TextChoices):
        ANYONE = "anyone", _("anyone")
        NEIGHBOURHOOD = "neighbourhood", _("residents of one neighbourhood")
        APPROVAL = "approval", _("with staff approval")

    workstation = models.ForeignKey("workstations.Workstation", on_delete=models.PROTECT, related_name="activities")
    initiative = models.ForeignKey(
        Initiative, null=True, blank=True, on_delete=models.PROTECT, related_name="activities"
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    location = models.ForeignKey(
        "workstations.Location",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("place"),
    )
    place_text = models.CharField(
        _("place (in words)"), max_length=200, blank=True, help_text=_("When the place is not one of our locations.")
    )
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="organised_activities", verbose_name=_("organisers")
    )
    partners = models.ManyToManyField(
        "workstations.Department", blank=True, related_name="activities", verbose_name=_("partner units")
    )

    class ReservedGroup(models.TextChoices):
        # Who may take a reserved seat, and what the sign-up asks to show it (README, 好事常办).
        DECLARED = "declared", _("as the person says (checked at the door)")
        AGE = "age", _("residents of a minimum age (the year of birth is asked)")
        PARTNER = "partner", _("people of a partner unit of the event (the unit is chosen)")

    capacity = models.PositiveIntegerField(_("seats"))
    reserved_seats = models.PositiveIntegerField(_("reserved seats"), default=0)
    reserved_for = models.CharField(
        _("reserved for"), max_length=60, blank=True, help_text=_("For example: residents over 60, 结对 units.")
    )
    reserved_group = models.CharField(
        _("who may take a reserved seat"), max_length=10, choices=ReservedGroup.choices, default=ReservedGroup.DECLARED
    )
    reserved_min_age = models.PositiveSmallIntegerField(
        _("minimum age for a reserved seat"),
        default=60,
        help_text=_("Counted in the year of the event: 60 means born in that year minus 60 or earlier."),
    )
    max_seats_per_signup = models.PositiveSmallIntegerField(_("seats one sign-up may ask for"), default=4)
    signup_opens_at = models.DateTimeField(_("sign-up opens"), null=True, blank=True)
    signup_closes_at = models.DateTimeField(
        _("sign-up closes"), null=True, blank=True, help_text=_("Empty: when the event starts.")
    )
    eligibility = models.CharField(
        _("who may sign up"), max_length=16, choices=Eligibility.choices, default=Eligibility.ANYONE
    )
    neighbourhood = models.ForeignKey(
        "workstations.Neighbourhood",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("neighbourhood"),
    )
    offer_hours = models.PositiveSmallIntegerField(_("hours an offered seat is held"), default=12)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    public_token = models.CharField(max_length=32, unique=True, default=new_public_token, editable=False)
    cancel_reason = models.CharField(_("why cancelled"), max_length=200, blank=True)
    # The record afterwards (活动台账).
    summary = models.TextField(_("summary"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "id"]
        indexes = [
            # The upcoming-events page of a workstation.
            models.Index(fields=["workstation", "status", "starts_at"], name="activity_ws_upcoming"),
        ]
        constraints = [
            models.CheckConstraint(
                name="activity_ends_after_start", condition=models.Q(ends_at__gt=models.F("starts_at"))
            ),
            models.CheckConstraint(
                name="activity_reserved_within_capacity", condition=models.Q(reserved_seats__lte=models.F("capacity"))
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def public_path(self) -> str:
        return reverse("community:event", args=[self.public_token])

    def public_url(self) -> str:
        return settings.SITE_URL + self.public_path()

    @property
    def place(self) -> str:
        if self.location_id:
            address = self.location.address
            return f"{self.location.name}（{address}）" if address else self.location.name
        return self.place_text


class SignUp(models.Model):
    """One person's (or household's) request for seats. Whole or nothing: `seats` are held
    together (confirmed or offered) or wait together."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for approval")  # holds no seat until staff approve
        CONFIRMED = "confirmed", _("confirmed")  # holds its seats
        WAITING = "waiting", _("on the waiting list")  # holds nothing; first come, first served
        OFFERED = "offered", _("seat offered")  # holds its seats until offer_expires_at
        EXPIRED = "expired", _("offer expired")  # did not take the offer in time
        CANCELLED = "cancelled", _("cancelled")  # by the person, or the event was cancelled
        REFUSED = "refused", _("not approved")

    HOLDING = (Status.CONFIRMED, Status.OFFERED)
    ACTIVE = (Status.PENDING, Status.CONFIRMED, Status.WAITING, Status.OFFERED)

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="signups")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    seats = models.PositiveSmallIntegerField(_("seats"), default=1)
    # Asked for a reserved seat (e.g. a 结对 unit or a resident over 60), and what shows it:
    # the year of birth (Activity.ReservedGroup.AGE) or the partner unit (PARTNER).
    in_reserved_group = models.BooleanField(_("in the reserved group"), default=False)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    partner_unit = models.ForeignKey(
        "workstations.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("partner unit"),
    )
    walk_in = models.BooleanField(_("walk-in"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    # A random value; the sign-up page's token is derived from it (token_for), and only the
    # token's digest is stored, so that the SMS can carry the link and the table cannot.
    secret = models.CharField(max_length=32, default=new_public_token, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    checkin_code = models.CharField(_("check-in code"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("signed up at"), auto_now_add=True)
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer held until"), null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["created_at", "id"]
        indexes = [
            # Seat counts and the waiting list's head, under the activity's lock.
            models.Index(fields=["activity", "status", "created_at"], name="signup_activity_status"),
            # The SLA sweep's step (community.services.expire_offers): offers due to expire.
            models.Index(fields=["offer_expires_at"], name="signup_offer_due", condition=models.Q(status="offered")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["activity", "checkin_code"], name="signup_checkin_code_unique"),
            models.CheckConstraint(name="signup_seats_positive", condition=models.Q(seats__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.name} ×{self.seats}"

    @property
    def masked_phone(self) -> str:
        from issues.models import mask_phone

        return mask_phone(self.phone)

    @property
    def holds_seats(self) -> bool:
        return self.status in self.HOLDING

    def reserved_basis(self) -> str:
        """What entitles this sign-up to a reserved seat, for the organisers to see and check."""
        from django.utils.translation import gettext

        if not self.in_reserved_group:
            return ""
        if self.birth_year:
            return gettext("born %(year)d, aged %(age)d in the year of the event") % {
                "year": self.birth_year,
                "age": self.activity.starts_at.year - self.birth_year,
            }
        if self.partner_unit_id:
            return self.partner_unit.name
        return self.activity.reserved_for or gettext("reserved")


def token_for(signup: SignUp) -> str:
    """The sign-up page's token: derived from the row's secret with the SECRET_KEY."""
    return hmac.new(settings.SECRET_KEY.encode(), signup.secret.encode(), hashlib.sha256).hexdigest()[:32]


class ActivityLog(models.Model):
    """What happened to an activity and its sign-ups, who did it, when. Append-only: the audit
    of seats taken and given back, offers, check-ins and every phone number shown."""

    class Type(models.TextChoices):
        PUBLISHED = "published", _("published")
        CHANGED = "changed", _("changed")
        CANCELLED_EVENT = "event_cancelled", _("event cancelled")
        SIGNED_UP = "signed_up", _("signed up")
        WAITLISTED = "waitlisted", _("put on the waiting list")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("not approved")
        OFFERED = "offered", _("seat offered")
        ACCEPTED = "accepted", _("offer accepted")
        EXPIRED = "expired", _("offer expired")
        CANCELLED = "cancelled", _("sign-up cancelled")
        CHECKED_IN = "checked_in", _("checked in")
        WALK_IN = "walk_in", _("walk-in added")
        PHONES_SHOWN = "phones_shown", _("phone numbers shown")
        FOLLOW_UP = "follow_up", _("follow-up recorded")
        ERASED = "erased", _("personal data erased")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="log")
    signup = models.ForeignKey(SignUp, null=True, blank=True, on_delete=models.CASCADE, related_name="log")
    type = models.CharField(max_length=16, choices=Type.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("event log entry")
        verbose_name_plural = _("event log")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.type}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("the event log is append-only")
        super().save(*args, **kwargs)


def photo_path(instance: "ActivityPhoto", filename: str) -> str:
    return f"community/{instance.activity.starts_at:%Y/%m}/{instance.activity_id}-{filename}"


class ActivityPhoto(models.Model):
    """A photo for the record afterwards, re-encoded without EXIF (issues.photos)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=photo_path)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("event photo")
        verbose_name_plural = _("event photos")

    def __str__(self) -> str:
        return self.image.name


class FollowUp(models.Model):
    """Something to do after the event; it may become an issue through the core's intake."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="follow_ups")
    text = models.TextField(_("what to follow up"))
    issue = models.OneToOneField(
        "issues.Issue", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("issue")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:50]
