"""Estates' events go to webhook subscribers through the one delivery path (webhooks.services.emit),
to a real local receiver: a new disclosure version (`disclosure.published`) to whoever reads the
estate, a complaint's hand-over to the housing officer (`complaint.handed_over`, with the reason)
to whoever may see the issue; an outsider's subscription receives nothing, and no payload
carries the resident's personal data."""

import datetime as dt
import json

import pytest

from estates import services as estates_services
from estates.models import Category, Complaint
from issues import services
from tests import factories
from tests.webhooks import conftest as webhook_fixtures
from webhooks import events, signing
from webhooks.models import Delivery, Subscription

from .conftest import T0

pytestmark = pytest.mark.usefixtures("sla_policies")

# The webhooks tests' fixtures: a loopback receiver, deliveries run at once, world.staff's
# subscription, and the settings that let a receiver on 127.0.0.1 in (autouse).
receiver = webhook_fixtures.receiver
sent = webhook_fixtures.sent
subscription = webhook_fixtures.subscription
webhook_settings = webhook_fixtures._webhook_settings

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NAME, PHONE = "王阿姨", "13812345678"


def bodies(rec) -> list[dict]:
    return [json.loads(hit.body) for hit in rec.received]


def verified(sub, hit) -> bool:
    headers = {k.lower(): v for k, v in hit.headers.items()}
    return signing.verify(
        sub.secret,
        timestamp=headers["x-minqing-timestamp"],
        body=hit.body,
        signature_header=headers["x-minqing-signature"],
    )


@pytest.fixture
def outsiders(world, estates, receiver):
    """Subscriptions of another workstation's staff and of the other company's customer service."""
    return [
        Subscription.objects.create(owner=world.outsider, name="elsewhere", url=receiver.url),
        Subscription.objects.create(owner=estates.other_cs, name="安亭物业", url=receiver.url),
    ]


def test_the_event_types_are_registered():
    registered = dict(events.choices())
    assert "disclosure.published" in registered and "complaint.handed_over" in registered


def test_a_new_disclosure_version_is_delivered_signed_to_readers_of_the_estate(
    estates,
    world,
    clock,
    subscription,
    outsiders,
    receiver,
    sent,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        estates_services.publish_disclosure(estates.estate, category=Category.FEES, actor=estates.cs, text="0.65 元")
        second = estates_services.publish_disclosure(
            estates.estate,
            category=Category.FEES,
            actor=estates.cs,
            text="0.70 元",
            documents=[SimpleUploadedFile("收费标准.pdf", PDF, content_type="application/pdf")],
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 12, 31),
        )
    got = bodies(receiver)
    assert [b["type"] for b in got] == ["disclosure.published", "disclosure.published"]
    assert [b["disclosure"]["version"] for b in got] == [1, 2]
    body = got[1]
    assert body["estate"]["id"] == estates.estate.pk and body["estate"]["name"] == "永嘉新村"
    assert body["estate"]["public_url"].endswith(estates.estate.public_path())
    assert body["disclosure"]["category"] == "fees" and body["disclosure"]["text"] == "0.70 元"
    assert body["disclosure"]["period_start"] == "2026-01-01" and body["disclosure"]["period_end"] == "2026-12-31"
    [document] = body["disclosure"]["documents"]
    assert document["name"] == "收费标准.pdf" and document["type"] == "pdf"
    assert document["url"] == second.documents.get().public_path()
    for hit in receiver.received:
        assert verified(subscription, hit)
        assert {k.lower(): v for k, v in hit.headers.items()}["x-minqing-event"] == "disclosure.published"
    delivery = Delivery.objects.get(uuid=body["id"])
    assert delivery.source == f"estates.disclosure:{second.pk}" and delivery.event_id is None
    # Only the subscription of a reader of the estate: not another workstation, not another company.
    assert set(Delivery.objects.values_list("subscription_id", flat=True)) == {subscription.pk}


def test_the_estates_own_company_staff_receive_its_disclosures(
    estates,
    clock,
    receiver,
    sent,
    django_capture_on_commit_callbacks,
):
    mine = Subscription.objects.create(owner=estates.cs, name="衡复物业", url=receiver.url)
    theirs = Subscription.objects.create(owner=estates.other_cs, name="安亭物业", url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        estates_services.publish_disclosure(
            estates.estate, category=Category.REPORT, actor=estates.cs, text="2025 年度"
        )
    assert Delivery.objects.filter(subscription=mine).count() == 1
    assert not Delivery.objects.filter(subscription=theirs).exists()


def test_a_refused_disclosure_sends_nothing(estates, clock, subscription, receiver, sent):
    with pytest.raises(estates_services.EstateError) as refused:
        estates_services.publish_disclosure(estates.estate, category=Category.FEES, actor=estates.other_cs, text="x")
    assert refused.value.message == "You can publish only for the estates your company serves."
    assert not Delivery.objects.exists() and receiver.received == []


def test_a_hand_over_on_a_missed_deadline_is_sent_with_its_reason_and_no_personal_data(
    estates,
    world,
    clock,
    subscription,
    outsiders,
    receiver,
    sent,
    django_capture_on_commit_callbacks,
):
    issue, token = factories.issue(
        world.loc,
        kind="consult",
        description="3号楼楼道灯坏了",
        property_service=True,
        reporter_name=NAME,
        reporter_phone=PHONE,
    )
    receiver.received.clear()
    subscription.event_types = ["complaint.handed_over", "reassigned", "assigned"]
    subscription.save(update_fields=["event_types"])
    clock(T0 + dt.timedelta(hours=25))  # the company's one day to accept has passed
    with django_capture_on_commit_callbacks(execute=True):
        services.sla_sweep()
    types = [b["type"] for b in bodies(receiver)]
    assert "complaint.handed_over" in types and "assigned" in types  # the issue's own event as well
    body = bodies(receiver)[types.index("complaint.handed_over")]
    complaint = Complaint.objects.get(issue=issue)
    assert body["complaint"]["id"] == complaint.pk
    assert (body["complaint"]["holder"], body["complaint"]["reason"]) == ("housing", "not_accepted")
    assert body["complaint"]["reason_label"] == "the property company did not accept it in time"
    assert body["complaint"]["company"] == estates.company.pk
    assert body["estate"]["id"] == estates.estate.pk
    assert body["issue"] == {
        "id": issue.pk,
        "reference": issue.reference,
        "status": "assigned",
        "workstation": world.ws.pk,
        "assignee": estates.officer.pk,
    }
    hit = receiver.received[types.index("complaint.handed_over")]
    assert verified(subscription, hit)
    raw = hit.body.decode()
    for private in (NAME, PHONE, "5678", token, "楼道灯"):
        assert private not in raw
    assert not Delivery.objects.filter(subscription__in=outsiders).exists()
    # Sent once: a second sweep hands nothing over and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        services.sla_sweep()
    assert Delivery.objects.filter(event_type="complaint.handed_over").count() == 1


def test_a_reopened_complaint_is_sent_as_reopened(
    estates,
    world,
    clock,
    subscription,
    receiver,
    sent,
    django_capture_on_commit_callbacks,
):
    subscription.event_types = ["complaint.handed_over"]
    subscription.save(update_fields=["event_types"])
    issue, _token = factories.issue(world.loc, kind="consult", description="3号楼楼道灯坏了", property_service=True)
    services.accept_issue(issue, actor=estates.cs)
    services.resolve_issue(issue, actor=estates.cs, note="换了灯泡")
    issue.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.reopen_issue(issue, reason="还是不亮")
    [body] = bodies(receiver)
    assert body["type"] == "complaint.handed_over" and body["complaint"]["reason"] == "reopened"
    assert "还是不亮" not in json.dumps(body, ensure_ascii=False)


def test_an_estate_without_a_company_is_sent_as_no_company(
    estates,
    world,
    clock,
    subscription,
    receiver,
    sent,
    django_capture_on_commit_callbacks,
):
    subscription.event_types = ["complaint.handed_over"]
    subscription.save(update_fields=["event_types"])
    with django_capture_on_commit_callbacks(execute=True):
        issue, _token = factories.issue(
            estates.bare_loc, kind="consult", description="弄堂里的路灯", property_service=True
        )
    [body] = bodies(receiver)
    assert body["complaint"]["reason"] == "no_company" and body["complaint"]["company"] is None
    assert body["issue"]["id"] == issue.pk and body["issue"]["assignee"] == estates.officer.pk
