"""Deliveries to a real local receiver: written with the event, sent after commit, signed."""

import json
import time

import pytest

from issues import services as issue_services
from issues.models import IssueEvent
from tests import factories
from webhooks import services, signing
from webhooks.models import Attempt, Delivery, Subscription

pytestmark = pytest.mark.django_db


def test_an_event_is_delivered_after_commit_signed(
    world, subscription, receiver, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        issue, _ = factories.issue(world.loc, route=False)
    delivery = Delivery.objects.get(subscription=subscription, event_type="created")
    assert delivery.status == Delivery.Status.DELIVERED
    assert sent == [(delivery.pk, 0)]
    [hit] = receiver.received
    headers = {k.lower(): v for k, v in hit.headers.items()}
    assert headers["x-minqing-event"] == "created"
    assert headers["x-minqing-delivery"] == str(delivery.uuid)
    assert headers["content-type"].startswith("application/json")
    assert signing.verify(
        subscription.secret,
        timestamp=headers["x-minqing-timestamp"],
        body=hit.body,
        signature_header=headers["x-minqing-signature"],
    )
    body = json.loads(hit.body)
    assert body["id"] == str(delivery.uuid)
    assert body["type"] == "created"
    assert body["issue"]["reference"] == issue.reference
    assert body["issue"]["reporter_phone"] in ("", None) or "*" in body["issue"]["reporter_phone"]
    assert body["event"]["type"] == "created"
    [attempt] = Attempt.objects.filter(delivery=delivery)
    assert attempt.succeeded and attempt.status_code == 200 and attempt.number == 1


def test_nothing_is_sent_before_commit(world, subscription, receiver, sent):
    # Without running the on-commit callbacks (the transaction never commits), nothing goes out,
    # but the delivery is on record for the sweep.
    factories.issue(world.loc, route=False)
    assert receiver.received == []
    assert Delivery.objects.filter(status="pending").count() == 1


def test_a_tampered_body_or_old_timestamp_fails_verification(subscription):
    body = b'{"a":1}'
    now = int(time.time())
    good = signing.signature(subscription.secret, now, body)
    assert signing.verify(subscription.secret, timestamp=str(now), body=body, signature_header=good)
    assert not signing.verify(subscription.secret, timestamp=str(now), body=b'{"a":2}', signature_header=good)
    assert not signing.verify("whsec_other", timestamp=str(now), body=body, signature_header=good)
    old = now - 3600
    stale = signing.signature(subscription.secret, old, body)
    assert not signing.verify(subscription.secret, timestamp=str(old), body=body, signature_header=stale)
    assert not signing.verify(subscription.secret, timestamp="soon", body=body, signature_header=good)


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body(subscription):
    import hashlib
    import hmac

    mac = hmac.new(subscription.secret.encode(), b"1764300000." + b"{}", hashlib.sha256).hexdigest()
    assert signing.signature(subscription.secret, 1764300000, b"{}") == "sha256=" + mac


def test_only_the_wanted_event_types_are_delivered(
    world, subscription, receiver, sent, django_capture_on_commit_callbacks
):
    subscription.event_types = ["accepted"]
    subscription.save(update_fields=["event_types"])
    with django_capture_on_commit_callbacks(execute=True):
        issue, _ = factories.issue(world.loc)
    with django_capture_on_commit_callbacks(execute=True):
        issue_services.accept_issue(issue, actor=world.worker)
    assert [d.event_type for d in Delivery.objects.all()] == ["accepted"]
    assert [r.headers["X-Minqing-Event"] for r in receiver.received] == ["accepted"]


def test_a_subscription_sees_only_what_its_owner_may_see(world, receiver, sent, django_capture_on_commit_callbacks):
    Subscription.objects.create(owner=world.outsider, name="theirs", url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        factories.issue(world.loc)
    assert Delivery.objects.count() == 0
    assert receiver.received == []


def test_a_disabled_subscription_gets_nothing(world, subscription, sent):
    services.disable(subscription.pk, reason="test")
    factories.issue(world.loc)
    assert Delivery.objects.count() == 0


def test_a_broken_fan_out_never_breaks_the_issue(world, subscription, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("payload bug")

    monkeypatch.setattr(services, "event_payload", boom)
    issue, _ = factories.issue(world.loc)
    assert IssueEvent.objects.filter(issue=issue, type="created").exists()
    assert Delivery.objects.count() == 0


def test_a_duplicate_task_sends_once(world, subscription, receiver):
    factories.issue(world.loc, route=False)
    delivery = Delivery.objects.get()
    assert services.attempt(delivery.pk, 0) is True
    assert services.attempt(delivery.pk, 0) is None  # the same publish, delivered twice
    assert len(receiver.received) == 1
    assert Attempt.objects.count() == 1


def test_a_broker_outage_loses_nothing(world, subscription, receiver, monkeypatch, django_capture_on_commit_callbacks):
    from webhooks.tasks import deliver

    def down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(deliver, "apply_async", down)
    with django_capture_on_commit_callbacks(execute=True):
        factories.issue(world.loc, route=False)  # no 500, no exception
    delivery = Delivery.objects.get()
    assert delivery.status == "pending" and receiver.received == []
    # The broker is back; the sweep publishes what is due once its lease has passed.
    calls = []
    monkeypatch.setattr(deliver, "apply_async", lambda args=None, **kw: calls.append(args) or services.attempt(*args))
    assert services.sweep() == 0  # not due yet: just published (or tried to)
    assert services.sweep(now=delivery.next_attempt_at) == 1
    assert calls == [[delivery.pk, 0]]
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert len(receiver.received) == 1


def test_private_receivers_are_refused_in_production(world, subscription, receiver, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    factories.issue(world.loc, route=False)
    delivery = Delivery.objects.get()
    assert services.attempt(delivery.pk) is False
    assert receiver.received == []
    assert "private address" in Attempt.objects.get().error
