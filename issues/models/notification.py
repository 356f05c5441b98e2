"""Telling people: one row per message and channel, how each person wants to be told, and who
hears at the upper levels of the escalation ladder."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("email")
    SMS = "sms", _("SMS")
    WECHAT = "wechat", _("WeChat template message")
    WEBHOOK = "webhook", _("webhook")


class NotificationKind(models.TextChoices):
    """What a message is, where that changes how it goes out: the SMS template a gateway uses
    (gateways.sms), the messages that wait out the night and the reminder not sent once
    answered (issues.notify). Everything else is a plain notice."""

    NOTICE = "notice", _("notice")
    RECEIVED = "received", _("report received")  # the resident: received, or given to a grid worker
    RESOLVED = "resolved", _("report resolved")  # the resident: please confirm
    REMINDER = "reminder", _("reminder to confirm")  # the day before closing; waits for morning
    CLOSED = "closed", _("closed without an answer")  # waits for morning
    OFFER = "offer", _("seat offered")  # community: a seat freed for someone on the waiting list


class Notification(models.Model):
    """One message to one person on one channel (issues.notify). (`key`, `channel`) is unique, so a
    retried task never notifies twice. Written in the transaction of the change it tells about;
    NULL `sent_at` is the outbox that the delivery task and the sweep work through."""

    Channel = Channel
    Kind = NotificationKind

    key = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=NotificationKind.choices, default=NotificationKind.NOTICE)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.EMAIL)
    # A staff member, or nobody for a resident reached at `address` (their phone).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    address = models.CharField(max_length=300, blank=True)
    issue = models.ForeignKey(
        "issues.Issue", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    # A delivery attempt claims the row first (compare-and-set), so two workers never both send.
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["key", "channel"], name="notification_once_per_channel")]
        indexes = [
            # issues.notify.deliver_pending: what is still to be sent, oldest first.
            models.Index(fields=["created_at"], name="notification_unsent", condition=models.Q(sent_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.channel})"


class NotificationPreference(models.Model):
    """How one person wants to be told. Without any row, a person with an email address gets email."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    enabled = models.BooleanField(_("enabled"), default=True)
    # Where to send on this channel: a mobile number, a webhook URL, a WeChat openid. Email uses
    # the account's address when this is blank.
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "channel"], name="notification_preference_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.channel}"


class EscalationContact(models.Model):
    """Who is told at the upper levels of the escalation ladder: the area secretary (片区书记) of a
    workstation's area, and the subdistrict's (街道) duty officer. Levels 1 and 2 are the grid
    worker and the station heads, known from their roles."""

    class Level(models.IntegerChoices):
        AREA_SECRETARY = 3, _("area secretary")
        SUBDISTRICT = 4, _("subdistrict")

    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    workstation = models.ForeignKey(
        "workstations.Workstation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    subdistrict = models.ForeignKey(
        "workstations.Subdistrict", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("escalation contact")
        verbose_name_plural = _("escalation contacts")
        constraints = [
            models.CheckConstraint(
                name="escalation_contact_scope",
                violation_error_message=_(
                    "An area secretary needs a workstation; a subdistrict contact a subdistrict."
                ),
                condition=models.Q(level=3, workstation__isnull=False, subdistrict__isnull=True)
                | models.Q(level=4, subdistrict__isnull=False, workstation__isnull=True),
            ),
            models.UniqueConstraint(
                fields=["level", "workstation", "subdistrict", "user"], name="escalation_contact_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.user}"
