"""Outbound webhooks: who wants which events, and every delivery and attempt.

A delivery row is written in the same transaction as the event it reports (an outbox): the
event cannot happen without its deliveries being on record, and the beat sweep sends whatever is
due even if the broker was down when the event happened. An issue's event (IssueEvent) is linked
by `event`; an event of another app (a coordination case's, a community event's) has no
IssueEvent and is named by `source` instead (webhooks.services.emit); both are sent, signed and
retried the same way, from the stored payload.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class Subscription(models.Model):
    """A receiver URL and the event types it wants. It sees what its owner may see
    (workstations.scope.visible_issues), no more."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_subscriptions")
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("receiver URL"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=64, default=new_secret, editable=False)
    # IssueEvent.Type values and the types other apps register (webhooks.events); empty: every type.
    event_types = models.JSONField(_("event types"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Deliveries that gave up in a row; reset by any successful delivery.
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0, editable=False)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True, editable=False)
    disabled_reason = models.CharField(_("why disabled"), max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Refused when made (the admin) as well as when sending: no receiver on this machine or
        a non-public network (issue 14)."""
        from django.core.exceptions import ValidationError

        from minqing.outbound import non_public_reason

        reason = non_public_reason(self.url) if self.url else None
        if reason:
            raise ValidationError({"url": reason})

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types


class Delivery(models.Model):
    """One event for one subscription. Sent until the receiver answers 2xx, or given up."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")  # to be (re)sent when next_attempt_at comes
        DELIVERED = "delivered", _("delivered")  # the receiver answered 2xx
        FAILED = "failed", _("failed")  # gave up after WEBHOOK_MAX_ATTEMPTS attempts

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    # The issue event reported, or none for another app's event (then `source` names it).
    event = models.ForeignKey("issues.IssueEvent", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # What another app's event is, e.g. "cowork.caseevent:12": one delivery per subscription.
    source = models.CharField(_("source"), max_length=80, blank=True)
    event_type = models.CharField(_("event type"), max_length=32)
    payload = models.JSONField()
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # When the sweep should (re)publish this delivery: the backoff after a failure, or a lease
    # while a worker has it in hand (so a worker that dies mid-send is covered).
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The sweep: pending deliveries by due time.
            models.Index(fields=["next_attempt_at"], name="webhook_delivery_due", condition=models.Q(status="pending")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event"], name="webhook_delivery_once"),
            models.UniqueConstraint(
                fields=["subscription", "source"], condition=~models.Q(source=""), name="webhook_delivery_source_once"
            ),
            models.CheckConstraint(
                name="webhook_delivery_has_event_or_source",
                condition=models.Q(event__isnull=False) | ~models.Q(source=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscription} · {self.event_type} · {self.uuid}"


class Attempt(models.Model):
    """The log of one HTTP attempt of a delivery."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started at"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    succeeded = models.BooleanField(_("succeeded"))
    error = models.CharField(_("error"), max_length=500, blank=True)
    response_excerpt = models.CharField(_("response"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number}"
