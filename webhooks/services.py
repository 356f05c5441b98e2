"""Fan-out, delivery, retry with backoff, and disabling. Tasks and the admin call these.

Retries are scheduled in the database (`Delivery.next_attempt_at`) and swept by beat, not with
per-delivery `countdown` tasks: the row is the record of what is still owed to whom.
"""

import datetime as dt
import json
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from issues import notify
from issues.models import Issue, IssueEvent
from minqing import config_cache
from minqing import outbound as sending
from workstations import scope

from . import signing
from .models import Attempt, Delivery, Subscription

logger = logging.getLogger(__name__)

USER_AGENT = "minqing-webhooks/1"


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed attempt: base, 2×base, 4×base, … capped."""
    seconds = settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, settings.WEBHOOK_RETRY_MAX_SECONDS))


def lease() -> dt.timedelta:
    """How long a published or in-flight delivery is left alone before the sweep re-sends it."""
    return dt.timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS * 2 + 60)


# --- Fan-out: runs inside the transaction that writes the event ---------------------------


def event_payload(event: IssueEvent, delivery_uuid, issue: Issue | None = None) -> dict:
    from api.serializers import EventSerializer, IssueSerializer

    if issue is None:
        issue = _issues_for_payload({event.issue_id})[event.issue_id]
    return {
        "id": str(delivery_uuid),
        "type": event.type,
        "created_at": event.created_at,
        "event": EventSerializer(event).data,
        "issue": IssueSerializer(issue).data,
    }


def _any_active_subscription() -> bool:
    """Whether fan-out has anything to do; minqing.config_cache keeps the answer per process
    (a subscription's save or delete bumps it; see webhooks.apps)."""
    return Subscription.objects.filter(is_active=True).exists()


def _issues_for_payload(ids) -> dict[int, Issue]:
    return Issue.objects.select_related("location", "workstation", "grid", "assignee").in_bulk(ids)


def fan_out(event: IssueEvent) -> list[int]:
    """Write one pending delivery per active subscription that wants this event and whose owner
    may see its issue; publish them after commit. Returns the delivery ids."""
    return fan_out_many([(event.pk, event.issue_id, event.type)], known={event.pk: event})


def fan_out_many(events: list[tuple[int, int, str]], *, known: dict[int, IssueEvent] | None = None) -> list[int]:
    """fan_out for many events at once, given as (event id, issue id, type): a fixed number of
    queries per call (subscriptions; then, only if one wants any of these types, one visibility
    query per subscription, the events, their issues, and one insert of the deliveries)."""
    if not config_cache.get("webhooks.any_active", _any_active_subscription):
        return []  # read once per process and configuration version: no query while none exist
    types = {kind for _pk, _issue, kind in events}
    subscriptions = [
        s
        for s in Subscription.objects.filter(is_active=True, owner__is_active=True).select_related("owner")
        if any(s.wants(kind) for kind in types)
    ]
    if not subscriptions:
        return []
    now = timezone.now()
    issue_ids = {issue_id for _pk, issue_id, _kind in events}
    try:
        # A savepoint: a bug here must never undo the change to the issue that this event records.
        with transaction.atomic():
            wanted = []
            for subscription in subscriptions:
                if scope.is_read_only(subscription.owner):
                    continue  # read-only roles keep only their personal webhook (issue 14)
                visible = set(
                    scope.visible_issues(subscription.owner, Issue.objects.filter(pk__in=issue_ids)).values_list(
                        "pk", flat=True
                    )
                )
                wanted += [
                    (subscription, pk, issue_id, kind)
                    for pk, issue_id, kind in events
                    if issue_id in visible and subscription.wants(kind)
                ]
            if not wanted:
                return []
            known = dict(known or {})
            known.update(IssueEvent.objects.in_bulk({pk for _s, pk, _i, _k in wanted} - set(known)))
            issues = _issues_for_payload({issue_id for _s, _pk, issue_id, _k in wanted})
            deliveries = []
            for subscription, pk, issue_id, kind in wanted:
                delivery = Delivery(
                    subscription=subscription, event=known[pk], event_type=kind, next_attempt_at=now + lease()
                )
                delivery.payload = _as_json(event_payload(known[pk], delivery.uuid, issues[issue_id]))
                deliveries.append(delivery)
            ids = _record(deliveries)
    except Exception:  # noqa: BLE001 - logged loudly; the issue's own write goes on
        logger.exception("webhook fan-out failed for issue events %s", [pk for pk, _i, _k in events][:20])
        return []
    return ids


def _as_json(payload: dict) -> dict:
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder))


def _record(deliveries: list[Delivery]) -> list[int]:
    """Insert the deliveries and publish them once the surrounding transaction commits."""
    ids = [d.pk for d in Delivery.objects.bulk_create(deliveries)]
    if ids:
        transaction.on_commit(lambda: publish([(pk, 0) for pk in ids]), robust=True)
    return ids


def emit(
    event_type: str, *, source: str, payload: dict | Callable[[], dict], audience: Callable[[object], bool]
) -> list[int]:
    """An event of another app (no IssueEvent): one pending delivery per active subscription
    that wants `event_type` and whose owner `audience(owner)` lets see it, written in the
    caller's transaction and sent after its commit, signed and retried like an issue's event.

    `source` names the event uniquely (e.g. "cowork.caseevent:12"): a second emit of it writes
    nothing. `payload` (or a function that builds it, called only if someone receives it) is
    what the receiver gets besides "id", "type" and "created_at"; the caller decides what it may
    contain (never a resident's personal data). Read-only roles receive no feed, as for issue
    events. Returns the delivery ids."""
    if not config_cache.get("webhooks.any_active", _any_active_subscription):
        return []
    subscriptions = [
        s
        for s in Subscription.objects.filter(is_active=True, owner__is_active=True).select_related("owner")
        if s.wants(event_type)
    ]
    if not subscriptions:
        return []
    now = timezone.now()
    try:
        with transaction.atomic():  # a savepoint: a bug here never undoes the caller's change
            taken = set(
                Delivery.objects.filter(subscription__in=subscriptions, source=source).values_list(
                    "subscription_id", flat=True
                )
            )
            deliveries = []
            for subscription in subscriptions:
                if subscription.pk in taken or scope.is_read_only(subscription.owner):
                    continue
                if not audience(subscription.owner):
                    continue
                delivery = Delivery(
                    subscription=subscription, source=source, event_type=event_type, next_attempt_at=now + lease()
                )
                if callable(payload):
                    payload = payload()
                body = {"id": str(delivery.uuid), "type": event_type, "created_at": now, **payload}
                delivery.payload = _as_json(body)
                deliveries.append(delivery)
            return _record(deliveries)
    except Exception:  # noqa: BLE001 - logged loudly; the caller's own write goes on
        logger.exception("webhook emit failed for %s %s", event_type, source)
        return []


def publish(items: list[tuple[int, int]]) -> None:
    """Hand (delivery id, attempts so far) pairs to Celery. A broker outage loses nothing: the
    sweep re-sends them. The attempt count makes a stale duplicate task a no-op."""
    from .tasks import deliver

    for delivery_id, attempts in items:
        try:
            deliver.apply_async(args=[delivery_id, attempts], retry=False)
        except Exception:  # noqa: BLE001 - any broker failure; the delivery row is the record
            logger.warning("could not publish webhook delivery %s; the sweep will retry", delivery_id, exc_info=True)
            return


# --- One attempt -------------------------------------------------------------------------------


def request_for(delivery: Delivery, *, timestamp: int) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        signing.EVENT_HEADER: delivery.event_type,
        signing.DELIVERY_HEADER: str(delivery.uuid),
        signing.TIMESTAMP_HEADER: str(timestamp),
        signing.SIGNATURE_HEADER: signing.signature(delivery.subscription.secret, timestamp, body),
    }
    return body, headers


def attempt(delivery_id: int, attempts: int | None = None) -> bool | None:
    """Send one delivery once. Returns True (delivered), False (failed; retried later or given
    up), or None if there was nothing to do: not pending, its subscription disabled, or this
    attempt already made by another task (the claim is a compare-and-set on `attempts`, the
    number of attempts the publisher saw; None means "whatever it is now")."""
    now = timezone.now()
    delivery = (
        Delivery.objects.select_related("subscription")
        .filter(pk=delivery_id, status=Delivery.Status.PENDING, subscription__is_active=True)
        .first()
    )
    if delivery is None or (attempts is not None and attempts != delivery.attempts):
        return None
    number = delivery.attempts + 1
    claimed = Delivery.objects.filter(
        pk=delivery.pk, status=Delivery.Status.PENDING, attempts=delivery.attempts
    ).update(attempts=number, next_attempt_at=now + lease())
    if not claimed:
        return None
    body, headers = request_for(delivery, timestamp=int(time.time()))
    outcome = sending.post(delivery.subscription.url, body, headers)
    Attempt.objects.create(
        delivery=delivery,
        number=number,
        started_at=now,
        duration_ms=outcome.duration_ms,
        status_code=outcome.status_code,
        succeeded=outcome.ok,
        error=outcome.error[:500],
        response_excerpt=outcome.response_excerpt[:500],
    )
    done = timezone.now()
    if outcome.ok:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.DELIVERED, delivered_at=done, next_attempt_at=None
        )
        Subscription.objects.filter(pk=delivery.subscription_id, consecutive_failures__gt=0).update(
            consecutive_failures=0
        )
        return True
    if number < settings.WEBHOOK_MAX_ATTEMPTS:
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=done + backoff(number))
        return False
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED, next_attempt_at=None)
    gave_up(delivery.subscription_id)
    return False


def gave_up(subscription_id: int) -> None:
    Subscription.objects.filter(pk=subscription_id).update(consecutive_failures=F("consecutive_failures") + 1)
    failures = Subscription.objects.values_list("consecutive_failures", flat=True).get(pk=subscription_id)
    if failures >= settings.WEBHOOK_DISABLE_AFTER_FAILURES:
        disable(
            subscription_id,
            reason=_("%(n)s deliveries in a row failed after every retry.") % {"n": failures},
        )


def disable(subscription_id: int, *, reason: str) -> bool:
    """Disable a subscription and tell its owner and the station heads of the owner's
    workstations, exactly once (compare-and-set on is_active)."""
    now = timezone.now()
    if not Subscription.objects.filter(pk=subscription_id, is_active=True).update(
        is_active=False, disabled_at=now, disabled_reason=reason[:200]
    ):
        return False
    subscription = Subscription.objects.select_related("owner").get(pk=subscription_id)
    from issues.services import station_heads

    recipients = {subscription.owner.pk: subscription.owner}
    for workstation_id in sorted(scope.staff_workstation_ids(subscription.owner)):
        for head in station_heads(workstation_id):
            recipients.setdefault(head.pk, head)
    for user in recipients.values():
        notify.send(
            user,
            key=f"webhook-disabled:{subscription.pk}:{user.pk}:{now.isoformat()}",
            subject=_("Webhook “%(name)s” disabled") % {"name": subscription.name},
            body=_(
                "The webhook “%(name)s” (%(url)s) was disabled: %(reason)s "
                "Fix the receiver, then enable the subscription again in the admin or the API."
            )
            % {"name": subscription.name, "url": subscription.url, "reason": reason},
        )
    logger.warning("webhook subscription %s disabled: %s", subscription_id, reason)
    return True


def enable(subscription: Subscription) -> None:
    """Turn a disabled subscription back on; its pending deliveries go out on the next sweep."""
    subscription.is_active = True
    subscription.consecutive_failures = 0
    subscription.disabled_at = None
    subscription.disabled_reason = ""
    subscription.save(update_fields=["is_active", "consecutive_failures", "disabled_at", "disabled_reason"])
    Delivery.objects.filter(subscription=subscription, status=Delivery.Status.PENDING).update(
        next_attempt_at=timezone.now()
    )


# --- The sweep ---------------------------------------------------------------------------------


def due_deliveries(now: dt.datetime):
    return Delivery.objects.filter(
        status=Delivery.Status.PENDING, next_attempt_at__lte=now, subscription__is_active=True
    )


def sweep(*, now: dt.datetime | None = None, batch: int = 200) -> int:
    """Publish every delivery that is due (a retry whose backoff is over, or one whose publish or
    worker was lost). Each is leased first, by compare-and-set, so two sweeps never both send it."""
    now = now or timezone.now()
    due = list(due_deliveries(now).order_by("next_attempt_at").values_list("id", "attempts")[:batch])
    claimed = []
    for delivery_id, attempts in due:
        if due_deliveries(now).filter(pk=delivery_id, attempts=attempts).update(next_attempt_at=now + lease()):
            claimed.append((delivery_id, attempts))
    publish(claimed)
    return len(claimed)
