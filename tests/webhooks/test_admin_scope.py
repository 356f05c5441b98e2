"""The webhooks admin for someone given admin access who is not a superuser: as over the API,
a subscription is its owner's alone. They never see another's subscription, its secret or its
deliveries, and never make one that receives what another user (a superuser) may see."""

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from webhooks.models import Delivery, Subscription


@pytest.fixture
def head_admin(world) -> Client:
    return factories.admin_client(world.head, "webhooks")


def test_another_users_subscription_is_invisible(world, head_admin, root):
    theirs = Subscription.objects.create(owner=root, name="城运中心", url="https://example.com/hook")
    mine = Subscription.objects.create(owner=world.head, name="我的", url="https://example.com/mine")
    page = head_admin.get(reverse("admin:webhooks_subscription_changelist"))
    assert list(page.context["cl"].result_list) == [mine]
    detail = head_admin.get(reverse("admin:webhooks_subscription_change", args=[theirs.pk]))
    assert detail.status_code == 302
    assert theirs.secret not in detail.content.decode()
    changed = head_admin.post(
        reverse("admin:webhooks_subscription_change", args=[theirs.pk]),
        {
            "owner": root.pk,
            "name": "城运中心",
            "url": "https://attacker.example/",
            "event_types": "[]",
            "is_active": "on",
        },
    )
    assert changed.status_code == 302
    theirs.refresh_from_db()
    assert theirs.url == "https://example.com/hook"
    assert list(head_admin.get(reverse("admin:webhooks_delivery_changelist")).context["cl"].result_list) == []


def test_a_subscription_made_in_the_admin_is_always_the_makers_own(world, head_admin, root):
    response = head_admin.post(
        reverse("admin:webhooks_subscription_add"),
        {"owner": root.pk, "name": "偷看", "url": "https://attacker.example/", "event_types": "[]", "is_active": "on"},
    )
    assert response.status_code == 302
    made = Subscription.objects.get(name="偷看")
    assert made.owner == world.head  # not the superuser, who sees every issue


def test_a_superuser_still_manages_every_subscription(world, root):
    theirs = Subscription.objects.create(owner=world.head, name="站里的", url="https://example.com/hook")
    client = Client()
    client.force_login(root)
    page = client.get(reverse("admin:webhooks_subscription_changelist"))
    assert theirs in list(page.context["cl"].result_list)
    assert Delivery.objects.count() == 0


def test_a_receiver_url_typed_without_a_scheme_is_taken_as_https(world, head_admin):
    response = head_admin.post(
        reverse("admin:webhooks_subscription_add"),
        {"name": "城运中心", "url": "hooks.example.org/in", "event_types": "[]", "is_active": "on"},
    )
    assert response.status_code == 302
    assert Subscription.objects.get(name="城运中心").url == "https://hooks.example.org/in"
