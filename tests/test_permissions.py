"""Who is refused what, through HTTP. Every page is tried by someone who must not get in."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from issues.lifecycle import Status
from issues.models import Issue, IssueEvent
from tests import factories

PHONE = "13812341234"
MASKED = "138****1234"


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    # Rate-limit counters kept by earlier runs (Redis, or the file cache) must not count here.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }


def client_for(user=None) -> Client:
    """A client that reads the pages in English (the msgids), logged in as `user` if given."""
    client = Client(headers={"accept-language": "en"})
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def reported(world):
    """An urgent issue at the first grid's location, already routed to world.worker."""
    issue, token = factories.issue(world.loc, reporter_name="王阿姨", reporter_phone=PHONE)
    assert issue.assignee == world.worker
    return issue, token


def event_count(issue: Issue) -> int:
    return IssueEvent.objects.filter(issue=issue).count()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- Anonymous visitors --------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_login(world, reported):
    issue, _ = reported
    urls = [
        reverse("staff_dashboard"),
        reverse("tasks"),
        reverse("task_detail", args=[issue.pk]),
        reverse("staff_issue", args=[issue.pk]),
        reverse("staff_locations"),
        reverse("location_qr", args=[world.loc.pk]),
    ]
    client = client_for()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login") + "?next="), url


def test_anonymous_post_to_a_task_action_changes_nothing(world, reported):
    issue, _ = reported
    before = event_count(issue)
    response = client_for().post(reverse("task_action", args=[issue.pk, "accept"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    issue.refresh_from_db()
    assert issue.status == Status.ASSIGNED
    assert event_count(issue) == before


def test_unknown_tokens_are_404(world):
    client = client_for()
    assert client.get(reverse("track", args=["no-such-token-" + "x" * 30])).status_code == 404
    assert client.get(reverse("report", args=["no-such-qr-token"])).status_code == 404
    assert client.post(reverse("track_confirm", args=["nope" * 10]), {"rating": 5}).status_code == 404
    assert client.post(reverse("track_reopen", args=["nope" * 10]), {"reason": "x"}).status_code == 404


# --- Another grid worker -------------------------------------------------------------------


def test_another_grid_worker_cannot_see_or_act_on_the_task(world, reported):
    issue, _ = reported
    client = client_for(world.worker2)
    before = event_count(issue)

    assert client.get(reverse("task_detail", args=[issue.pk])).status_code == 404
    for action in ("accept", "arrive", "resolve"):
        response = client.post(reverse("task_action", args=[issue.pk, action]), {"note": "done"})
        assert response.status_code == 404, action
    listing = client.get(reverse("tasks"))
    assert listing.status_code == 200
    assert issue.reference not in listing.content.decode()

    issue.refresh_from_db()
    assert issue.status == Status.ASSIGNED
    assert issue.accepted_at is None
    assert event_count(issue) == before


def test_the_assigned_worker_sees_the_task(world, reported):
    issue, _ = reported
    client = client_for(world.worker)
    assert issue.reference in client.get(reverse("tasks")).content.decode()
    assert client.get(reverse("task_detail", args=[issue.pk])).status_code == 200


def test_a_grid_worker_is_refused_the_staff_pages(world, reported):
    issue, _ = reported
    client = client_for(world.worker)
    assert client.get(reverse("staff_dashboard")).status_code == 403
    assert client.get(reverse("staff_issue", args=[issue.pk])).status_code == 403
    assert client.get(reverse("staff_locations")).status_code == 403


# --- Staff of another workstation ----------------------------------------------------------


def test_an_outsider_does_not_see_our_issues(world, reported):
    issue, _ = reported
    client = client_for(world.outsider)
    dashboard = client.get(reverse("staff_dashboard"))
    assert dashboard.status_code == 200
    assert issue.reference not in dashboard.content.decode()
    assert client.get(reverse("staff_issue", args=[issue.pk])).status_code == 404
    assert client.get(reverse("location_qr", args=[world.loc.pk])).status_code == 404
    locations = client.get(reverse("staff_locations")).content.decode()
    assert world.loc.qr_token not in locations


def test_an_outsider_is_not_a_grid_worker(world, reported):
    issue, _ = reported
    client = client_for(world.outsider)
    assert client.get(reverse("task_detail", args=[issue.pk])).status_code == 404
    assert client.post(reverse("task_action", args=[issue.pk, "accept"])).status_code == 404
    issue.refresh_from_db()
    assert issue.status == Status.ASSIGNED


# --- Our own staff -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff", "head"])
def test_our_staff_see_the_issue(world, reported, who):
    issue, _ = reported
    client = client_for(getattr(world, who))
    dashboard = client.get(reverse("staff_dashboard"))
    assert dashboard.status_code == 200
    assert issue.reference in dashboard.content.decode()
    assert client.get(reverse("staff_issue", args=[issue.pk])).status_code == 200
    qr = client.get(reverse("location_qr", args=[world.loc.pk]))
    assert qr.status_code == 200
    assert qr["Content-Type"] == "image/png"
    assert qr.content.startswith(b"\x89PNG")


# --- The reporter's phone ------------------------------------------------------------------


def test_the_tracking_page_never_shows_the_phone(world, reported):
    _, token = reported
    response = client_for().get(reverse("track", args=[token]))
    assert response.status_code == 200
    page = response.content.decode()
    assert PHONE not in page
    assert MASKED not in page


def test_staff_see_the_phone_masked(world, reported):
    issue, _ = reported
    client = client_for(world.staff)
    for url in (reverse("staff_dashboard"), reverse("staff_issue", args=[issue.pk])):
        page = client.get(url).content.decode()
        assert MASKED in page, url
        assert PHONE not in page, url


# --- Refused transitions over HTTP ---------------------------------------------------------


def test_resolving_without_a_note_is_refused_with_a_message(world, reported):
    issue, _ = reported
    client = client_for(world.worker)
    client.post(reverse("task_action", args=[issue.pk, "accept"]))
    client.post(reverse("task_action", args=[issue.pk, "arrive"]))
    issue.refresh_from_db()
    assert issue.status == Status.ON_SITE  # so the missing note is the only thing wrong
    before = event_count(issue)

    response = client.post(reverse("task_action", args=[issue.pk, "resolve"]), {"note": "   "})

    # The task page again, with the reason beside the form (issue 18: what was typed stays)
    assert response.status_code == 400
    assert "Please say what was done." in messages_of(response)
    issue.refresh_from_db()
    assert issue.status == Status.ON_SITE
    assert issue.resolution == ""
    assert event_count(issue) == before


def test_an_illegal_transition_is_refused_with_a_message(world, reported):
    issue, _ = reported
    client = client_for(world.worker)
    before = event_count(issue)

    response = client.post(reverse("task_action", args=[issue.pk, "arrive"]), follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[0][1] == 303
    assert any("This cannot be done now" in m for m in messages_of(response))
    issue.refresh_from_db()
    assert issue.status == Status.ASSIGNED
    assert issue.on_site_at is None
    assert event_count(issue) == before


def test_an_unknown_action_is_404(world, reported):
    issue, _ = reported
    client = client_for(world.worker)
    before = event_count(issue)
    assert client.post(reverse("task_action", args=[issue.pk, "close"])).status_code == 404
    assert client.get(reverse("task_action", args=[issue.pk, "accept"])).status_code == 405
    assert event_count(issue) == before


def test_a_resident_cannot_confirm_before_it_is_resolved(world, reported):
    issue, token = reported
    before = event_count(issue)
    response = client_for().post(reverse("track_confirm", args=[token]), {"rating": 5}, follow=True)
    assert response.status_code == 200
    assert any("This cannot be done now" in m for m in messages_of(response))
    issue.refresh_from_db()
    assert issue.status == Status.ASSIGNED
    assert issue.rating is None
    assert event_count(issue) == before
