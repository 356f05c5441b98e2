"""Events of coordination cases (cowork) and of community initiatives, events and sign-ups go
to webhook subscribers through the same outbox, signing and retries as issue events, to a real
local receiver; a sign-up's personal data never goes into the payload."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from community import services as community
from community.models import Activity, SignUp
from cowork import services as cowork
from cowork.models import CaseUnit
from tests import factories
from webhooks import services, signing
from webhooks.models import Delivery, Subscription
from workstations.models import Role

pytestmark = pytest.mark.django_db


def in_days(n: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=n)


def bodies(receiver) -> list[dict]:
    return [json.loads(hit.body) for hit in receiver.received]


def verified(subscription, hit) -> bool:
    headers = {k.lower(): v for k, v in hit.headers.items()}
    return signing.verify(
        subscription.secret,
        timestamp=headers["x-minqing-timestamp"],
        body=hit.body,
        signature_header=headers["x-minqing-signature"],
    )


@pytest.fixture
def units(world):
    sub = world.ws.subdistrict
    power = factories.department(sub, name="市南供电所")
    estate = factories.department(sub, name="衡复物业", category="property")
    return power, estate


def open_case(world, units):
    power, estate = units
    return cowork.open_case(
        world.ws,
        actor=world.staff,
        title="高安路电表分表",
        units=[
            cowork.UnitPlan(department=power, part=CaseUnit.Part.LEAD, due_at=in_days(20)),
            cowork.UnitPlan(department=estate, part=CaseUnit.Part.SUPPORT, due_at=in_days(20)),
        ],
    )


def test_case_events_are_delivered_signed(
    world, units, subscription, receiver, sent, sla_policies, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = open_case(world, units)
    got = bodies(receiver)
    types = [b["type"] for b in got]
    assert "case.opened" in types and "case.unit_added" in types
    opened = got[types.index("case.opened")]
    assert opened["case"]["id"] == case.pk and opened["case"]["title"] == "高安路电表分表"
    assert opened["event"]["type"] == "opened"
    for hit in receiver.received:
        assert verified(subscription, hit)
        headers = {k.lower(): v for k, v in hit.headers.items()}
        assert headers["x-minqing-event"].startswith("case.")
    delivery = Delivery.objects.get(uuid=opened["id"])
    assert delivery.status == Delivery.Status.DELIVERED and delivery.event_id is None
    assert delivery.source.startswith("cowork.caseevent:")


def test_a_liaison_receives_only_the_events_of_their_own_unit(
    world, units, receiver, sent, sla_policies, django_capture_on_commit_callbacks
):
    power, estate = units
    liaison = factories.user("power", role=Role.Kind.LIAISON, department=power)
    mine = Subscription.objects.create(owner=liaison, name="power", url=receiver.url)
    outsider = Subscription.objects.create(owner=world.outsider, name="elsewhere", url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        case = open_case(world, units)
        cowork.acknowledge_unit(case, actor=liaison)
    assert not Delivery.objects.filter(subscription=outsider).exists()
    theirs = list(Delivery.objects.filter(subscription=mine))
    assert theirs and {d.payload["event"]["unit"] for d in theirs} == {power.pk}
    assert "case.acknowledged" in {d.event_type for d in theirs}


def test_event_types_filter_other_apps_events_too(
    world, units, subscription, receiver, sent, sla_policies, django_capture_on_commit_callbacks
):
    subscription.event_types = ["case.resolved", "signup.signed_up"]
    subscription.save(update_fields=["event_types"])
    with django_capture_on_commit_callbacks(execute=True):
        open_case(world, units)
    assert receiver.received == []
    assert not Delivery.objects.exists()


def test_a_failed_delivery_of_a_case_event_is_retried_like_an_issue_event(
    world, units, subscription, receiver, sent, sla_policies, django_capture_on_commit_callbacks
):
    subscription.event_types = ["case.opened"]
    subscription.save(update_fields=["event_types"])
    receiver.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        open_case(world, units)
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.PENDING and delivery.attempts == 1
    assert services.sweep(now=delivery.next_attempt_at + dt.timedelta(seconds=1)) == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED and delivery.attempts == 2
    first, second = receiver.received
    assert first.body == second.body  # the same payload on every attempt
    assert verified(subscription, second)


def test_a_signup_is_sent_without_the_persons_data(
    world, subscription, receiver, sent, django_capture_on_commit_callbacks
):
    start = timezone.now() + dt.timedelta(days=3)
    activity = Activity.objects.create(
        workstation=world.ws,
        title="创业者沙龙",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        place_text="梧桐院",
        capacity=1,
        status=Activity.Status.PUBLISHED,
    )
    with django_capture_on_commit_callbacks(execute=True):
        first, token = community.sign_up(activity, name="王阿姨", phone="13812345678", seats=1)
        second, _t = community.sign_up(activity, name="李先生", phone="13987654321", seats=1)
    types = [b["type"] for b in bodies(receiver)]
    assert types == ["signup.signed_up", "signup.waitlisted"]
    for hit in receiver.received:
        assert verified(subscription, hit)
        raw = hit.body.decode()
        for private in ("王阿姨", "李先生", "13812345678", "5678", "13987654321", token, first.checkin_code):
            assert private not in raw
    body = bodies(receiver)[0]
    assert body["signup"] == {
        "id": first.pk,
        "seats": 1,
        "status": SignUp.Status.CONFIRMED,
        "in_reserved_group": False,
        "walk_in": False,
        "created_at": body["signup"]["created_at"],
        "checked_in_at": None,
    }
    assert "name" not in body["signup"] and "phone" not in body["signup"]
    assert body["activity"]["id"] == activity.pk and body["activity"]["seats_held"] == 1
    assert body["activity"]["public_url"].endswith(activity.public_path())


def test_initiatives_and_events_are_sent_to_readers_of_the_workstation_only(
    world, subscription, receiver, sent, django_capture_on_commit_callbacks
):
    outsider = Subscription.objects.create(owner=world.outsider, name="elsewhere", url=receiver.url)
    start = timezone.now() + dt.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        initiative = community.create_initiative(world.ws, title="垃圾分类", actor=world.staff)
        community.set_initiative_status(initiative, status="running", actor=world.staff)
        activity = Activity.objects.create(
            workstation=world.ws,
            initiative=initiative,
            title="垃圾分类宣传",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            place_text="梧桐院",
            capacity=10,
        )
        community.publish_activity(activity, actor=world.staff)
        community.cancel_activity(activity, actor=world.staff, reason="台风预警")
    types = [b["type"] for b in bodies(receiver)]
    assert types == ["initiative.created", "initiative.running", "activity.published", "activity.event_cancelled"]
    assert bodies(receiver)[0]["initiative"]["title"] == "垃圾分类"
    assert bodies(receiver)[-1]["entry"]["reason"] == "台风预警"
    assert not Delivery.objects.filter(subscription=outsider).exists()


def test_the_api_accepts_the_other_apps_event_types(world, client):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world.staff)
    answer = api.post(
        "/api/v1/webhooks/",
        {"name": "feed", "url": "https://hooks.example.com/in", "event_types": ["case.resolved", "signup.cancelled"]},
        format="json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["event_types"] == ["case.resolved", "signup.cancelled"]
    wrong = api.post(
        "/api/v1/webhooks/",
        {"name": "feed", "url": "https://hooks.example.com/in", "event_types": ["case.nothing"]},
        format="json",
    )
    assert wrong.status_code == 400 and "event_types" in wrong.json()
    assert Subscription.objects.count() == 1


def test_an_event_of_another_app_is_recorded_once_per_subscription(world, subscription, receiver, sent):
    def everyone(owner) -> bool:
        return True

    first = services.emit("case.opened", source="test:1", payload={"case": {"id": 1}}, audience=everyone)
    again = services.emit("case.opened", source="test:1", payload={"case": {"id": 1}}, audience=everyone)
    assert len(first) == 1 and again == []
    assert Delivery.objects.filter(source="test:1").count() == 1
    nobody = services.emit("case.opened", source="test:2", payload={}, audience=lambda owner: False)
    assert nobody == [] and not Delivery.objects.filter(source="test:2").exists()


def test_a_reserved_sign_up_is_sent_without_the_year_of_birth(
    world, subscription, receiver, sent, django_capture_on_commit_callbacks
):
    start = timezone.now() + dt.timedelta(days=3)
    activity = Activity.objects.create(
        workstation=world.ws,
        title="敬老茶话会",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        place_text="梧桐院",
        capacity=5,
        reserved_seats=2,
        reserved_group="age",
        status=Activity.Status.PUBLISHED,
    )
    with django_capture_on_commit_callbacks(execute=True):
        signup, _t = community.sign_up(activity, name="王阿姨", in_reserved_group=True, birth_year="1951")
    [hit] = receiver.received
    assert verified(subscription, hit)
    assert "1951" not in hit.body.decode() and "王阿姨" not in hit.body.decode()
    body = json.loads(hit.body)
    assert body["signup"]["in_reserved_group"] is True and "birth_year" not in body["signup"]
