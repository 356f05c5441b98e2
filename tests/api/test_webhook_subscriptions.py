"""Subscriptions through the API: owned by the caller, secret shown on creation and rotation."""

import pytest
from django.urls import reverse

from webhooks.models import Subscription

from .conftest import client_for

pytestmark = pytest.mark.django_db


def test_subscribe_list_change_and_unsubscribe(world):
    client = client_for(world.staff)
    response = client.post(
        reverse("api:webhook-list"),
        {"name": "区平台", "url": "https://city.example/hooks", "event_types": ["resolved", "created", "resolved"]},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    subscription = Subscription.objects.get()
    assert subscription.owner == world.staff
    assert body["secret"] == subscription.secret and body["secret"].startswith("whsec_")
    assert body["event_types"] == ["created", "resolved"]
    listed = client.get(reverse("api:webhook-list")).json()["results"]
    assert [s["name"] for s in listed] == ["区平台"] and "secret" not in listed[0]
    url = reverse("api:webhook-detail", args=[subscription.pk])
    assert client.patch(url, {"event_types": []}, format="json").json()["event_types"] == []
    rotated = client.post(reverse("api:webhook-rotate-secret", args=[subscription.pk])).json()["secret"]
    assert rotated != body["secret"]
    assert client.delete(url).status_code == 204
    assert not Subscription.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"name": "x", "url": "ftp://example.com/"},
        {"name": "x", "url": "not a url"},
        {"name": "x", "url": "https://example.com/", "event_types": ["exploded"]},
        {"url": "https://example.com/"},
    ],
)
def test_bad_subscriptions_are_400(world, data):
    assert client_for(world.staff).post(reverse("api:webhook-list"), data, format="json").status_code == 400


def test_is_active_and_counters_are_not_writable(world):
    client = client_for(world.staff)
    subscription = Subscription.objects.create(owner=world.staff, name="x", url="https://example.com/")
    client.patch(
        reverse("api:webhook-detail", args=[subscription.pk]),
        {"is_active": False, "consecutive_failures": 99, "secret": "mine"},
        format="json",
    )
    subscription.refresh_from_db()
    assert subscription.is_active and subscription.consecutive_failures == 0 and subscription.secret != "mine"


def test_enable_after_disabling(world):
    from webhooks import services

    subscription = Subscription.objects.create(owner=world.staff, name="x", url="https://example.com/")
    services.disable(subscription.pk, reason="down")
    response = client_for(world.staff).post(reverse("api:webhook-enable", args=[subscription.pk]))
    assert response.status_code == 200 and response.json()["is_active"] is True


def test_deliveries_are_listed_with_their_attempts(world, reported):
    from webhooks.models import Attempt, Delivery

    subscription = Subscription.objects.create(owner=world.staff, name="x", url="https://example.com/")
    from issues import services

    services.accept_issue(reported, actor=world.worker)
    delivery = Delivery.objects.get(subscription=subscription)
    Attempt.objects.create(
        delivery=delivery, number=1, started_at=delivery.created_at, duration_ms=3, status_code=500, succeeded=False
    )
    body = client_for(world.staff).get(reverse("api:webhook-deliveries", args=[subscription.pk])).json()
    [row] = body["results"]
    assert row["event_type"] == "accepted" and row["status"] == "pending"
    assert row["attempt_log"][0]["status_code"] == 500
    assert row["payload"]["issue"]["reference"] == reported.reference
