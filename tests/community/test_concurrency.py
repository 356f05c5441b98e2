"""Two residents racing for the last seat, in real threads on PostgreSQL: exactly one gets it,
the other is on the waiting list and told so in plain words."""

import threading

import pytest
from django.db import connection, connections

from community import services
from community.models import SignUp

from .conftest import make_activity

pytestmark = pytest.mark.django_db(transaction=True)


def _race(activity, requests: list[dict]) -> list:
    barrier = threading.Barrier(len(requests))
    results: list = [None] * len(requests)

    def run(i: int, fields: dict) -> None:
        try:
            barrier.wait()
            results[i] = services.sign_up(activity, **fields)[0]
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("the row lock is PostgreSQL's; set DATABASE_URL")


def test_two_racing_for_the_last_seat_exactly_one_gets_it(postgres, world):
    activity = make_activity(world.ws, capacity=2)
    services.sign_up(activity, name="先到", seats=1)
    results = _race(activity, [{"name": "甲"}, {"name": "乙"}])
    assert all(isinstance(r, SignUp) for r in results), results
    assert sorted(r.status for r in results) == [SignUp.Status.CONFIRMED, SignUp.Status.WAITING]
    assert services.seats_of(activity).held == 2


def test_many_racing_households_never_oversell(postgres, world):
    activity = make_activity(world.ws, capacity=10, max_seats_per_signup=3)
    results = _race(activity, [{"name": f"户{i}", "seats": 1 + i % 3} for i in range(12)])
    assert all(isinstance(r, SignUp) for r in results), results
    held = sum(r.seats for r in results if r.status == SignUp.Status.CONFIRMED)
    assert held == services.seats_of(activity).held <= 10
    waiting = [r for r in results if r.status == SignUp.Status.WAITING]
    assert held + sum(r.seats for r in waiting) == sum(1 + i % 3 for i in range(12))
    assert held >= 10 - 2  # only a request larger than what is left waits


def test_the_waitlisted_one_is_told_in_plain_words(postgres, world, client):
    activity = make_activity(world.ws, capacity=1)
    services.sign_up(activity, name="先到")
    response = client.post(activity.public_path(), {"name": "后到", "seats": "1"}, follow=True)
    assert "waiting list" in response.content.decode() or "候补" in response.content.decode()


def test_racing_for_reserved_and_general_seats_with_a_webhook_subscriber(postgres, world, settings, monkeypatch):
    """Reserved seats go only to the group (by year of birth) under the race, the rest never
    oversells, and each sign-up's webhook delivery is written in its own transaction."""
    from webhooks.models import Delivery, Subscription
    from webhooks.tasks import deliver

    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    published: list = []
    monkeypatch.setattr(deliver, "apply_async", lambda args=None, **kw: published.append(tuple(args)))
    Subscription.objects.create(owner=world.staff, name="feed", url="http://127.0.0.1:9/hooks", event_types=[])
    activity = make_activity(world.ws, capacity=4, reserved_seats=2, reserved_group="age")
    elder = str(activity.starts_at.year - 70)
    requests = [{"name": f"长者{i}", "in_reserved_group": True, "birth_year": elder} for i in range(3)]
    requests += [{"name": f"居民{i}"} for i in range(3)]
    results = _race(activity, requests)
    assert all(isinstance(r, SignUp) for r in results), results
    confirmed = [r for r in results if r.status == SignUp.Status.CONFIRMED]
    assert len(confirmed) == 4 == services.seats_of(activity).held
    assert sum(1 for r in confirmed if not r.in_reserved_group) <= 2  # the general seats only
    assert sum(1 for r in results if r.status == SignUp.Status.WAITING) == 2
    deliveries = Delivery.objects.filter(event_type__in=["signup.signed_up", "signup.waitlisted"])
    assert sorted(d.payload["signup"]["id"] for d in deliveries) == sorted(r.pk for r in results)
    assert len(published) == deliveries.count()
