"""Adding to a report from its tracking page is rate-limited like the report form: every note
tells the grid worker, so a script must not flood them. What was typed is kept."""

import pytest
from django.test import Client
from django.urls import reverse

from issues.models import IssueEvent
from issues.views import resident
from tests import factories


@pytest.fixture
def reported(world):
    return factories.issue(world.loc, kind="consult")


def english(ip: str = "127.0.0.1") -> Client:
    return Client(headers={"accept-language": "en"}, REMOTE_ADDR=ip)


def notes(issue) -> int:
    return IssueEvent.objects.filter(issue=issue, type=IssueEvent.Type.RESIDENT_NOTE).count()


def test_too_many_notes_on_one_report_get_a_friendly_429(world, reported, settings, monkeypatch):
    settings.RATELIMIT_ENABLE = True
    monkeypatch.setattr(resident, "NOTES_PER_ISSUE_PER_HOUR", 2)
    issue, token = reported
    url = reverse("track_note", args=[token])
    for n in range(2):
        assert english(f"10.0.0.{n + 1}").post(url, {"note": f"补充{n}"}).status_code == 303
    response = english("10.0.0.9").post(url, {"note": "第三条补充"})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Please wait a while and send again." in html
    assert "第三条补充" in html
    assert notes(issue) == 2


def test_too_many_notes_from_one_address_get_a_429(world, reported, settings, monkeypatch):
    settings.RATELIMIT_ENABLE = True
    monkeypatch.setattr(resident, "NOTES_PER_IP_PER_HOUR", 1)
    issue, token = reported
    other, other_token = factories.issue(world.loc2, kind="consult")
    client = english()
    assert client.post(reverse("track_note", args=[token]), {"note": "一"}).status_code == 303
    assert client.post(reverse("track_note", args=[other_token]), {"note": "二"}).status_code == 429
    assert notes(other) == 0


def test_the_typed_note_never_shows_on_another_residents_page(world, reported, settings, monkeypatch):
    settings.RATELIMIT_ENABLE = True
    monkeypatch.setattr(resident, "NOTES_PER_ISSUE_PER_HOUR", 0)
    _issue, token = reported
    assert english().post(reverse("track_note", args=[token]), {"note": "只给我自己看"}).status_code == 429
    _other, other_token = factories.issue(world.loc2, kind="consult")
    assert "只给我自己看" not in english().get(reverse("track", args=[other_token])).content.decode()
