"""Open311's public feed (issue 14, item 3): a request is listed with its public summary only
(service, status, the lane, dates); the resident's description, the status notes and the exact
point only once staff mark them publishable at the desk; never a name, a phone or an internal note."""

import importlib
import json

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from issues import moderation, services
from issues.models import IssueEvent
from open311.models import LocationPoint
from tests import factories

PHONE = "13812341234"


@pytest.fixture
def open311_services(db):
    importlib.import_module("open311.migrations.0002_default_services").create(apps, None)


@pytest.fixture
def resolved(world, open311_services, published):
    LocationPoint.objects.create(location=world.loc, lat="31.205000", long="121.445000")
    issue, _token = factories.issue(
        world.loc, description="302室王阿姨家门口电线断了", reporter_name="王阿姨", reporter_phone=PHONE
    )
    services.accept_issue(issue, actor=world.worker)
    services.arrive_issue(issue, actor=world.worker)
    services.add_work_note(issue, actor=world.worker, note="内部：住户情绪激动")
    services.resolve_issue(issue, actor=world.worker, note="已为302室接好电线")
    return issue


def feed(reference: str | None = None) -> tuple[dict, str]:
    url = f"/open311/v2/requests/{reference}.json" if reference else "/open311/v2/requests.json"
    response = Client().get(url)
    assert response.status_code == 200
    return json.loads(response.content)[0], response.content.decode()


def test_the_feed_lists_the_public_summary_only(resolved, world):
    for row, text in (feed(), feed(resolved.reference)):
        assert row["service_request_id"] == resolved.reference
        assert row["status"] == "closed" and row["service_code"] == "urgent"
        assert row["description"] is None
        assert "302" not in (row["status_notes"] or "") and "接好" not in text
        assert row["address"] == (world.loc.address or world.loc.name)
        assert (row["lat"], row["long"]) == (31.205, 121.445)
        for secret in ("王阿姨", PHONE, "138****", "内部", "情绪"):
            assert secret not in text


def test_staff_mark_it_publishable_at_the_desk_and_the_feed_shows_its_words(resolved, world):
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.staff)
    before = IssueEvent.objects.count()
    response = client.post(reverse("staff_issue_action", args=[resolved.pk, "publishable"]), {"publishable": "on"})
    assert response.status_code == 303
    resolved.refresh_from_db()
    assert resolved.publishable_at is not None
    assert IssueEvent.objects.count() == before + 1
    assert not IssueEvent.objects.latest("id").is_public

    row, text = feed(resolved.reference)
    assert row["description"] == resolved.description
    assert row["status_notes"] == "已为302室接好电线"
    for secret in ("王阿姨", PHONE, "内部"):
        assert secret not in text.replace(resolved.description, "")

    client.post(reverse("staff_issue_action", args=[resolved.pk, "publishable"]), {})
    row, _text = feed(resolved.reference)
    assert row["description"] is None


def test_a_reader_or_an_outsider_cannot_mark_it_publishable(resolved, world):
    reader = factories.user("reader", role="housing_officer", workstation=world.ws)
    for who in (reader, world.outsider, world.worker):
        client = Client(headers={"accept-language": "en"})
        client.force_login(who)
        client.post(reverse("staff_issue_action", args=[resolved.pk, "publishable"]), {"publishable": "on"})
    resolved.refresh_from_db()
    assert resolved.publishable_at is None
    with pytest.raises(services.IssueError):
        moderation.set_publishable(resolved, actor=world.outsider, publishable=True)
