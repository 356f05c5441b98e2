"""The tracking page /t/<token>/: what the resident sees, adding a note or photo while open,
confirming, reopening, and closing without an answer after RESIDENT_CONFIRM_DAYS."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from issues import services
from issues.lifecycle import Status
from issues.models import IssueEvent, IssuePhoto
from tests import factories

from .conftest import image_bytes, upload

PHONE = "13812341234"


def english() -> Client:
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def reported(world):
    issue, token = factories.issue(world.loc, reporter_name="王阿姨", reporter_phone=PHONE)
    return issue, token


@pytest.fixture
def resolved(world, reported):
    issue, token = reported
    issue = services.accept_issue(issue, actor=world.worker)
    issue = services.arrive_issue(issue, actor=world.worker)  # urgent: resolving needs the visit
    issue = services.resolve_issue(issue, actor=world.worker, note="已更换路灯")
    return issue, token


def test_the_page_shows_the_reference_the_plain_timeline_the_due_time_and_a_role(world, reported):
    issue, token = reported
    response = english().get(reverse("track", args=[token]))
    assert response.status_code == 200
    html = response.content.decode()
    assert issue.reference in html
    assert "We received your report." in html
    assert "Expected to be handled by" in html
    assert "A grid worker" in html
    assert world.worker.username not in html and PHONE not in html and "138****1234" not in html
    assert response["Cache-Control"] == "no-store, private"
    assert 'data-url="/t/' in html  # for the browser's own list


def test_the_resident_adds_a_note_and_a_photo_while_it_is_open(world, reported):
    issue, token = reported
    response = english().post(
        reverse("track_note", args=[token]), {"note": "越来越严重了", "photos": [upload(image_bytes())]}
    )
    assert response.status_code == 303
    assert response["Location"] == reverse("track", args=[token]) + "#h-timeline"
    event = IssueEvent.objects.get(issue=issue, type=IssueEvent.Type.RESIDENT_NOTE)
    assert (event.note, event.is_public) == ("越来越严重了", True)
    assert IssuePhoto.objects.filter(issue=issue).count() == 1
    html = english().get(reverse("track", args=[token])).content.decode()
    assert "You added something." in html and "越来越严重了" in html
    # The grid worker handling it is told (delivered by a worker, after the commit).
    from issues.models import Notification

    assert Notification.objects.filter(user=world.worker, key=f"resident-note:{event.pk}").exists()


def test_an_empty_note_is_refused_with_a_message(world, reported):
    _, token = reported
    response = english().post(reverse("track_note", args=[token]), {"note": "  "})
    assert response.status_code == 400
    assert "Please write something or choose a photo." in response.content.decode()
    assert not IssueEvent.objects.filter(type=IssueEvent.Type.RESIDENT_NOTE).exists()


def test_a_bad_photo_in_a_note_keeps_the_note(world, reported):
    _, token = reported
    response = english().post(
        reverse("track_note", args=[token]), {"note": "补充一张照片", "photos": [upload(b"nope", "x.jpg")]}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "This file is not a photo we can read." in html and "补充一张照片" in html


def test_nothing_can_be_added_once_it_is_resolved(world, resolved):
    issue, token = resolved
    assert 'id="note"' not in english().get(reverse("track", args=[token])).content.decode()
    response = english().post(reverse("track_note", args=[token]), {"note": "还有"})
    assert response.status_code == 409
    assert "no longer open" in response.content.decode()
    assert not IssueEvent.objects.filter(type=IssueEvent.Type.RESIDENT_NOTE).exists()


def test_a_report_holds_at_most_twelve_photos(world, reported):
    issue, token = reported
    for _ in range(2):
        files = [upload(image_bytes(), f"{n}.jpg") for n in range(6)]
        assert english().post(reverse("track_note", args=[token]), {"photos": files}).status_code == 303
    response = english().post(reverse("track_note", args=[token]), {"photos": [upload(image_bytes())]})
    assert response.status_code == 409
    assert IssuePhoto.objects.filter(issue=issue).count() == 12


def test_confirm_with_a_rating_and_a_comment_closes_it(world, resolved):
    issue, token = resolved
    html = english().get(reverse("track", args=[token])).content.decode()
    assert "If we hear nothing from you within 7 days" in html
    response = english().post(reverse("track_confirm", args=[token]), {"rating": 4, "comment": "很及时"}, follow=True)
    assert "You gave 4 out of 5." in response.content.decode()
    issue.refresh_from_db()
    assert (issue.status, issue.rating, issue.rating_comment) == (Status.CLOSED, 4, "很及时")


def test_a_rating_out_of_range_is_refused(world, resolved):
    issue, token = resolved
    assert english().post(reverse("track_confirm", args=[token]), {"rating": 6}).status_code == 400
    issue.refresh_from_db()
    assert issue.status == Status.RESOLVED


def test_not_solved_with_a_reason_reopens_it(world, resolved):
    issue, token = resolved
    response = english().post(reverse("track_reopen", args=[token]), {"reason": "灯还是不亮"}, follow=True)
    assert "We have sent it back to the grid worker." in response.content.decode()
    issue.refresh_from_db()
    assert issue.status == Status.REOPENED
    assert "You said it is not solved yet." in response.content.decode()


def test_a_second_tap_on_solved_is_thanked_not_refused(world, resolved):
    """Without JavaScript nothing stops a double tap: the page the resident ends on is the second
    answer. The same answer again is no error; a different one after closing still is."""
    issue, token = resolved
    client, url = english(), reverse("track_confirm", args=[token])
    client.post(url, {"rating": 5}, follow=True)
    html = client.post(url, {"rating": 5}, follow=True).content.decode()
    assert "This report is now closed." in html and "cannot be done now" not in html
    html = client.post(url, {"rating": 1}, follow=True).content.decode()
    assert "cannot be done now" in html
    issue.refresh_from_db()
    assert (issue.status, issue.rating) == (Status.CLOSED, 5)


def test_a_second_tap_on_not_solved_is_not_an_error(world, resolved):
    issue, token = resolved
    client, url = english(), reverse("track_reopen", args=[token])
    client.post(url, {"reason": "灯还是不亮"}, follow=True)
    html = client.post(url, {"reason": "灯还是不亮"}, follow=True).content.decode()
    assert "We have sent it back to the grid worker." in html and "cannot be done now" not in html
    assert IssueEvent.objects.filter(issue=issue, type=IssueEvent.Type.REOPENED).count() == 1


def test_no_answer_within_the_days_closes_it_without_a_rating(world, resolved, settings):
    settings.RESIDENT_CONFIRM_DAYS = 3
    issue, token = resolved
    assert services.close_unconfirmed(now=timezone.now() + dt.timedelta(days=2, hours=23)) == 0
    later = timezone.now() + dt.timedelta(days=3, minutes=1)
    assert services.close_unconfirmed(now=later) == 1
    issue.refresh_from_db()
    assert (issue.status, issue.rating, issue.closed_at) == (Status.CLOSED, None, later)
    event = IssueEvent.objects.get(issue=issue, type=IssueEvent.Type.UNCONFIRMED)
    assert (event.old_status, event.new_status, event.is_public) == (Status.RESOLVED, Status.CLOSED, True)
    assert services.close_unconfirmed(now=later) == 0  # once only
    html = english().get(reverse("track", args=[token])).content.decode()
    assert "This report was closed without a rating." in html
    assert "Closed without your answer, so without a rating." in html


def test_an_answer_given_in_time_is_never_overwritten(world, resolved):
    issue, token = resolved
    services.confirm_issue(issue, rating=2, comment="")
    assert services.close_unconfirmed(now=timezone.now() + dt.timedelta(days=30)) == 0
    issue.refresh_from_db()
    assert issue.rating == 2


def test_the_beat_task_runs_the_sweep(world, resolved, settings):
    from issues.tasks import close_unconfirmed

    issue, _ = resolved
    with time_machine.travel(timezone.now() + dt.timedelta(days=settings.RESIDENT_CONFIRM_DAYS, hours=1)):
        assert close_unconfirmed() == 1
    assert "close-unconfirmed" in settings.CELERY_BEAT_SCHEDULE


def test_unknown_tokens_are_404(db):
    for name in ("track", "track_note"):
        assert english().get(reverse(name, args=["x" * 40])).status_code in (404, 405)
    assert english().post(reverse("track_note", args=["x" * 40]), {"note": "hi"}).status_code == 404


def test_opening_a_form_address_leads_back_to_the_tracking_page(world, reported):
    """The page with a note's error message has the note form's address (…/note/); switching
    the language there, or reloading it, opens that address with GET: the tracking page, not 405."""
    _, token = reported
    for name in ("track_note", "track_confirm", "track_reopen"):
        response = english().get(reverse(name, args=[token]))
        assert (response.status_code, response["Location"]) == (303, reverse("track", args=[token]))


def test_my_reports_page_renders_without_any_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        html = english().get(reverse("my_reports")).content.decode()
    assert "Reports sent from this phone" in html and "js-my-report-list" in html


def test_the_status_heading_reads_naturally_in_both_languages(world, reported):
    _, token = reported
    zh = Client(headers={"accept-language": "zh-hans"}).get(reverse("track", args=[token])).content.decode()
    assert '<h2 id="h-status">当前状态：' in zh  # a full-width colon, as Chinese is written
    assert '<h2 id="h-status">Now: ' in english().get(reverse("track", args=[token])).content.decode()
