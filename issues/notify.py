"""The one way we tell a person something: one notifier, a channel per gateway.

A message is first a Notification row, written in the transaction of the change it tells about
(one row per channel the person wants; (key, channel) is unique, so a retried task never
notifies twice). After the commit it is delivered: at once when the caller is background work,
through a Celery task when it is a web request; the SLA sweep delivers whatever is still unsent
a minute later. Delivery claims the row by compare-and-set, so two workers never both send it.

Channels are classes named in settings.NOTIFY_CHANNELS: email (Django's mail), SMS and WeChat
template messages (logging stand-ins: a real gateway plugs in by naming its class), webhook.
"""

import datetime as dt
import json
import logging
import re
from collections.abc import Iterable
from functools import cache

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from . import publish, tracking
from .lifecycle import Status
from .models import Channel, Issue, Notification, NotificationKind, NotificationPreference, mask_phone

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A claimed row whose sender died is tried again after this long.
CLAIM_LEASE = dt.timedelta(minutes=5)


# --- Channels ----------------------------------------------------------------------------------


class EmailChannel:
    def send(self, notification: Notification) -> None:
        send_mail(notification.subject, notification.body, None, [notification.address])


class LoggingSmsChannel:
    """The SMS gateway interface: `send` gets the row (address = the mobile number). This one only
    logs (with the number masked); a real gateway is a class with the same method, named in
    settings.NOTIFY_CHANNELS["sms"]."""

    def send(self, notification: Notification) -> None:
        body = TRACKING_LINK_RE.sub(r"\1…/", notification.body)  # the link is the resident's key
        logger.info("SMS to %s: %s", mask_phone(notification.address), body)


class LoggingWeChatChannel:
    """The WeChat template-message interface (address = the person's openid). Logs only."""

    template_id = ""

    def send(self, notification: Notification) -> None:
        payload = {"touser": notification.address, "template_id": self.template_id, "data": self.data(notification)}
        logger.info("WeChat template message: %s", json.dumps(payload, ensure_ascii=False))

    def data(self, notification: Notification) -> dict:
        return {"first": {"value": notification.subject}, "remark": {"value": notification.body}}


DEFAULT_CHANNELS = {
    Channel.EMAIL: "issues.notify.EmailChannel",
    Channel.SMS: "issues.notify.LoggingSmsChannel",
    Channel.WECHAT: "issues.notify.LoggingWeChatChannel",
    Channel.WEBHOOK: "webhooks.channel.WebhookChannel",  # named, not imported: issues never imports webhooks
}


@cache
def _channel_class(path: str):
    return import_string(path)


def channel(name: str):
    path = {**DEFAULT_CHANNELS, **getattr(settings, "NOTIFY_CHANNELS", {})}[name]
    return _channel_class(path)()


# --- Who gets what, where -----------------------------------------------------------------------


def addresses_for(user, preferences: Iterable[NotificationPreference] | None = None) -> list[tuple[str, str]]:
    """(channel, address) pairs for `user`: the enabled preferences, or email when there are none."""
    if preferences is None:
        preferences = NotificationPreference.objects.filter(user=user)
    preferences = list(preferences)
    if not preferences:
        return [(Channel.EMAIL, user.email)] if user.email else []
    pairs = []
    for pref in preferences:
        if not pref.enabled:
            continue
        address = pref.address or (user.email if pref.channel == Channel.EMAIL else "")
        if address:
            pairs.append((pref.channel, address))
    return pairs


def build(
    user,
    *,
    key: str,
    subject: str,
    body: str,
    issue: Issue | None = None,
    kind: NotificationKind = NotificationKind.NOTICE,
    preferences=None,
) -> list[Notification]:
    """Unsaved rows for `user`, one per channel (none if the user can be reached nowhere)."""
    return [
        Notification(
            key=key[:200],
            kind=kind,
            channel=ch,
            user=user,
            address=address[:300],
            issue=issue,
            subject=subject[:200],
            body=body,
        )
        for ch, address in addresses_for(user, preferences)
    ] or [
        Notification(
            key=key[:200], kind=kind, channel=Channel.EMAIL, user=user, issue=issue, subject=subject[:200], body=body
        )
    ]


def issue_link(user_id: int | None, issue) -> str:
    """The page of `issue` that the person `user_id` can open from a message: their task
    (/tasks/<id>/) if it is theirs, else the desk's page of it (staff, heads, the ladder)."""
    if user_id is not None and user_id == issue.assignee_id:
        return f"{settings.SITE_URL}/tasks/{issue.pk}/"
    return f"{settings.SITE_URL}/staff/issues/{issue.pk}/"


def build_for_resident(
    issue: Issue, *, key: str, body: str, kind: NotificationKind = NotificationKind.NOTICE
) -> list[Notification]:
    """An SMS to the resident's phone, if they left one."""
    if not issue.reporter_phone:
        return []
    return [
        Notification(
            key=key[:200],
            kind=kind,
            channel=Channel.SMS,
            address=issue.reporter_phone,
            issue=issue,
            subject=issue.reference,
            body=body,
        )
    ]


TRACKING_LINK_RE = re.compile(r"(/t/)[^/\s]+/")


def with_tracking_link(notification: Notification) -> str:
    """A resident's message as sent: the body, then the link to their tracking page, where they
    follow, confirm or reopen the report. It is added only when sending: we keep a digest of the
    tracking token, never the token, and can rebuild it only from the report's idempotency key
    (issues.tracking.token_of, which survives a rotation of SECRET_KEY); a report sent without a
    key gets the body alone."""
    issue = notification.issue
    token = tracking.token_of(issue) if issue is not None else None
    if token is None:
        return notification.body
    url = tracking.url_of(token)
    with translation.override(settings.LANGUAGE_CODE):  # residents are written to in Chinese
        return notification.body + "\n" + _("Follow it here: %(url)s") % {"url": url}


def workstation_language():
    """What others are told is written in the workstation's language (settings.LANGUAGE_CODE),
    not in the language of the page of whoever acted. A context manager."""
    return translation.override(settings.LANGUAGE_CODE)


def save(rows: Iterable[Notification], *, inline: bool) -> list[Notification]:
    """Write `rows` in the current transaction, skipping keys already notified, and deliver the
    new ones after the commit. Returns the new rows."""
    created = []
    for row in rows:
        try:
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError:
            continue
        created.append(row)
    if created:
        ids = [row.pk for row in created]
        transaction.on_commit(lambda: deliver_soon(ids, inline=inline), robust=True)
    return created


def queue(user, *, key: str, subject: str, body: str, issue: Issue | None = None, inline: bool = False) -> list:
    return save(build(user, key=key, subject=subject, body=body, issue=issue), inline=inline)


def queue_resident(
    issue: Issue, *, key: str, body: str, kind: NotificationKind = NotificationKind.NOTICE, inline: bool = False
) -> list:
    return save(build_for_resident(issue, key=key, body=body, kind=kind), inline=inline)


def send(user, *, key: str, subject: str, body: str, issue: Issue | None = None) -> bool:
    """Record and deliver (after the commit) one notification. False if this key was already
    notified on every channel."""
    return bool(queue(user, key=key, subject=subject, body=body, issue=issue, inline=True))


# --- Delivery ----------------------------------------------------------------------------------


def deliver_soon(ids: list[int], *, inline: bool) -> None:
    """After a commit: deliver now, or hand to the delivery task. A broker error is logged, never
    raised: the rows stay unsent and the sweep delivers them."""
    if inline:
        for pk in ids:
            deliver(pk)
        return
    publish.delivery(ids)


def _claimable(now: dt.datetime) -> Q:
    return Q(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS) & (
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_LEASE)
    )


# What a resident did not just ask for, written by a sweep at whatever hour: it waits out the
# night (settings.RESIDENT_QUIET_HOURS). What they did just ask for (received, resolved) is not held.
WAITS_FOR_MORNING = (NotificationKind.REMINDER, NotificationKind.CLOSED)


def quiet_hours(now: dt.datetime) -> bool:
    hours = settings.RESIDENT_QUIET_HOURS
    if not hours:
        return False
    start, end = hours
    hour = timezone.localtime(now).hour
    return (hour >= start or hour < end) if start > end else start <= hour < end


def _held_for_morning(now: dt.datetime) -> Q:
    """The rows not to send now: during quiet hours, the residents' messages that can wait."""
    if not quiet_hours(now):
        return Q(pk__in=[])
    return Q(kind__in=WAITS_FOR_MORNING)


def _answered_before_sending(notification: Notification) -> bool:
    """A reminder to confirm whose report the resident answered (or that was closed) between its
    writing and its sending (a gateway retrying, a worker down): it is not sent."""
    return (
        notification.kind == NotificationKind.REMINDER
        and notification.issue is not None
        and notification.issue.status != Status.RESOLVED
    )


def deliver(notification_id: int) -> bool:
    """Send one notification, once: claim it (compare-and-set), send, mark it sent."""
    now = timezone.now()
    claimed = (
        Notification.objects.filter(_claimable(now), pk=notification_id)
        .exclude(_held_for_morning(now))
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("issue").get(pk=notification_id)
    if not notification.address:
        # Nowhere to send (no email, no preference): on record, and done.
        Notification.objects.filter(pk=notification_id).update(sent_at=timezone.now(), last_error="no address")
        return True
    if _answered_before_sending(notification):
        Notification.objects.filter(pk=notification_id).update(sent_at=timezone.now(), last_error="no longer due")
        return True
    if notification.user_id is None:
        notification.body = with_tracking_link(notification)  # to the resident; never saved
    try:
        channel(notification.channel).send(notification)
    except Exception as exc:  # noqa: BLE001 - a gateway outage must not undo the work; retried later
        logger.warning("%s notification %s failed", notification.channel, notification.key, exc_info=True)
        Notification.objects.filter(pk=notification_id).update(last_error=str(exc)[:300] or type(exc).__name__)
        return False
    Notification.objects.filter(pk=notification_id).update(sent_at=timezone.now(), last_error="")
    return True


def pending_ids(*, older_than: dt.timedelta, batch: int, now: dt.datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(
        Notification.objects.filter(_claimable(now), created_at__lte=now - older_than)
        .exclude(_held_for_morning(now))  # not at the head of the queue all night
        .order_by("created_at")
        .values_list("id", flat=True)[:batch]
    )
