"""Failed deliveries are retried with exponential backoff from the database by the beat sweep,
every attempt is logged, and a subscription that keeps failing is disabled with a notice."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone, translation

from issues.models import Notification
from tests import factories
from webhooks import services
from webhooks.models import Attempt, Delivery

pytestmark = pytest.mark.django_db


def test_backoff_doubles_and_is_capped(settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    settings.WEBHOOK_RETRY_MAX_SECONDS = 300
    assert [services.backoff(n).total_seconds() for n in (1, 2, 3, 4, 5, 6)] == [30, 60, 120, 240, 300, 300]


def test_a_failed_delivery_is_retried_after_its_backoff(world, subscription, receiver, sent):
    receiver.answers = [500, 503]
    start = timezone.now()
    factories.issue(world.loc, route=False)
    delivery = Delivery.objects.get()

    with time_machine.travel(start, tick=False):
        assert services.attempt(delivery.pk, 0) is False
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.attempts == 1
    assert delivery.next_attempt_at == start + dt.timedelta(seconds=30)

    # Before the backoff is over the sweep leaves it alone.
    assert services.sweep(now=start + dt.timedelta(seconds=29)) == 0
    with time_machine.travel(start + dt.timedelta(seconds=31), tick=False):
        assert services.sweep() == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.status == "pending"
    assert delivery.next_attempt_at == start + dt.timedelta(seconds=31 + 60)

    with time_machine.travel(start + dt.timedelta(seconds=92), tick=False):
        assert services.sweep() == 1
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 3
    attempts = list(Attempt.objects.filter(delivery=delivery).values_list("number", "status_code", "succeeded"))
    assert attempts == [(1, 500, False), (2, 503, False), (3, 200, True)]
    assert [r.headers["X-Minqing-Delivery"] for r in receiver.received] == [str(delivery.uuid)] * 3
    # Every attempt is signed afresh with its own timestamp.
    assert all(r.headers["X-Minqing-Signature"].startswith("sha256=") for r in receiver.received)
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 0


def test_an_unreachable_receiver_is_logged(world, subscription, sent):
    subscription.url = "http://127.0.0.1:9/nothing-listens-here"
    subscription.save(update_fields=["url"])
    factories.issue(world.loc, route=False)
    assert services.attempt(Delivery.objects.get().pk) is False
    attempt = Attempt.objects.get()
    assert attempt.status_code is None and not attempt.succeeded
    assert "Error" in attempt.error or "refused" in attempt.error.lower()


def test_a_redirect_is_not_followed(world, subscription, receiver):
    receiver.answers = [302]
    factories.issue(world.loc, route=False)
    assert services.attempt(Delivery.objects.get().pk) is False
    assert Attempt.objects.get().status_code == 302


def test_gives_up_after_max_attempts_and_disables_after_repeated_failure(world, subscription, receiver, sent):
    """WEBHOOK_MAX_ATTEMPTS = 3, WEBHOOK_DISABLE_AFTER_FAILURES = 2 (tests/webhooks/conftest.py)."""
    receiver.answers = [500] * 20
    start = timezone.now()
    factories.issue(world.loc, route=False)
    factories.issue(world.loc2, route=False)
    first, second = Delivery.objects.order_by("id")
    for delivery in (first, second):
        for n in range(3):
            # The reason is written in the language active in the worker; read it in English here.
            with time_machine.travel(start + dt.timedelta(hours=n), tick=False), translation.override("en"):
                services.attempt(delivery.pk, n)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.attempts, second.status) == ("failed", 3, "failed")
    assert Attempt.objects.count() == 6
    subscription.refresh_from_db()
    assert not subscription.is_active
    assert subscription.disabled_at is not None
    assert "2 deliveries in a row" in subscription.disabled_reason
    told = set(
        Notification.objects.filter(key__startswith=f"webhook-disabled:{subscription.pk}:").values_list(
            "user__username", flat=True
        )
    )
    assert told == {world.staff.username, world.head.username}
    # Disabled: new events are not even recorded for it, and the sweep sends nothing.
    factories.issue(world.loc, route=False)
    assert Delivery.objects.count() == 2
    assert services.sweep(now=start + dt.timedelta(days=1)) == 0


def test_disabling_notifies_once(world, subscription):
    assert services.disable(subscription.pk, reason="x") is True
    assert services.disable(subscription.pk, reason="x") is False
    assert Notification.objects.filter(key__startswith="webhook-disabled:").count() == 2  # owner and head


def test_enabling_again_resumes_pending_deliveries(world, subscription, receiver, sent):
    factories.issue(world.loc, route=False)
    services.disable(subscription.pk, reason="x")
    delivery = Delivery.objects.get()
    assert services.attempt(delivery.pk) is None  # disabled: not sent
    subscription.refresh_from_db()
    services.enable(subscription)
    assert services.sweep() == 1
    delivery.refresh_from_db()
    assert delivery.status == "delivered"


def test_a_success_resets_the_failure_count(world, subscription, receiver, sent):
    receiver.answers = [500, 500, 500]
    factories.issue(world.loc, route=False)
    delivery = Delivery.objects.get()
    for n in range(3):
        services.attempt(delivery.pk, n)
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 1 and subscription.is_active
    factories.issue(world.loc2, route=False)
    services.attempt(Delivery.objects.latest("id").pk)
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 0


def test_the_sweep_task_runs(world, subscription, receiver, sent):
    from webhooks.tasks import sweep

    factories.issue(world.loc, route=False)
    Delivery.objects.update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    assert sweep() == 1
    assert len(receiver.received) == 1
