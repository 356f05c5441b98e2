"""Through a real Celery worker on the configured broker (Redis, or the filesystem transport):
the delivery is published after the commit, fails, is retried by the beat sweep once its backoff
is over, and arrives, signed, at a local receiver."""

import time

import pytest

from issues import services as issue_services
from webhooks import services, signing
from webhooks.models import Attempt, Delivery, Subscription

from ..e2e.conftest import routing_worker, wait_until  # noqa: F401 - the shared real-worker fixtures

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_failed_delivery_is_retried_through_the_worker(world, receiver, routing_worker, wait_until, settings):  # noqa: F811
    settings.WEBHOOK_RETRY_BASE_SECONDS = 1
    subscription = Subscription.objects.create(
        owner=world.staff, name="city", url=receiver.url, event_types=["created"]
    )
    receiver.answers = [503]

    issue, _, _ = issue_services.create_issue(world.loc, description="井盖不见了", kind="urgent")

    delivery = wait_until(
        lambda: Delivery.objects.filter(subscription=subscription, attempts=1).first(), what="the first attempt"
    )
    assert delivery.status == "pending"
    time.sleep(1.2)  # the backoff
    assert services.sweep() == 1  # what beat does every 30 s
    wait_until(
        lambda: Delivery.objects.filter(pk=delivery.pk, status="delivered").exists(), what="the retried delivery"
    )
    assert list(Attempt.objects.filter(delivery=delivery).values_list("number", "status_code")) == [(1, 503), (2, 200)]
    assert len(receiver.received) == 2
    last = receiver.received[-1]
    assert signing.verify(
        subscription.secret,
        timestamp=last.headers["X-Minqing-Timestamp"],
        body=last.body,
        signature_header=last.headers["X-Minqing-Signature"],
    )
    assert issue.reference in last.body.decode()
    assert "webhooks.tasks.deliver" in {run.name for run in routing_worker.runs}
