"""Issue 18, item 5: once resolved, the tracking page asks its question first, and the resident
may say "solved" without choosing a rating (a rating is offered, never forced)."""

import pytest
from django.test import Client
from django.urls import reverse

from issues import services
from issues.lifecycle import Status
from issues.models import Issue, IssueEvent
from issues.stats import overall
from tests import factories


def english() -> Client:
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def resolved(world):
    issue, token = factories.issue(world.loc, reporter_phone="13812341234")
    issue = services.accept_issue(issue, actor=world.worker)
    issue = services.arrive_issue(issue, actor=world.worker)
    issue = services.resolve_issue(issue, actor=world.worker, note="已更换路灯")
    return issue, token


def test_solved_without_a_rating_closes_the_report(world, resolved):
    issue, token = resolved
    response = english().post(reverse("track_confirm", args=[token]), {"comment": " 谢谢 "}, follow=True)
    html = response.content.decode()
    assert "This report is now closed." in html
    assert "You said it is solved. Thank you for telling us." in html
    assert "closed without a rating" not in html  # that is what an unanswered report says
    issue.refresh_from_db()
    assert (issue.status, issue.rating, issue.rating_comment) == (Status.CLOSED, None, "谢谢")
    event = IssueEvent.objects.get(issue=issue, type=IssueEvent.Type.CONFIRMED)
    assert (event.old_status, event.new_status, event.is_public) == (Status.RESOLVED, Status.CLOSED, True)
    assert event.note in ("已解决，未评价。谢谢", "Solved, without a rating. 谢谢")


def test_an_unrated_confirmation_is_solved_but_outside_the_satisfaction_rate(world, resolved):
    issue, _ = resolved
    services.confirm_issue(issue, comment="")
    other, _ = factories.issue(world.loc)
    other = services.accept_issue(other, actor=world.worker)
    other = services.arrive_issue(other, actor=world.worker)
    services.confirm_issue(services.resolve_issue(other, actor=world.worker, note="好了"), rating=5)
    row = overall(Issue.objects.all())
    assert (row.rated, row.satisfied, row.satisfaction_rate) == (1, 1, 100.0)


def test_a_second_unrated_tap_is_thanked_not_refused(world, resolved):
    issue, token = resolved
    client, url = english(), reverse("track_confirm", args=[token])
    client.post(url, {}, follow=True)
    html = client.post(url, {}, follow=True).content.decode()
    assert "This report is now closed." in html and "cannot be done now" not in html
    assert IssueEvent.objects.filter(issue=issue, type=IssueEvent.Type.CONFIRMED).count() == 1


def test_a_rating_out_of_range_is_still_refused_and_nothing_changes(world, resolved):
    issue, token = resolved
    response = english().post(reverse("track_confirm", args=[token]), {"rating": "9", "comment": "好"})
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    issue.refresh_from_db()
    assert (issue.status, issue.rating) == (Status.RESOLVED, None)
    assert not IssueEvent.objects.filter(issue=issue, type=IssueEvent.Type.CONFIRMED).exists()


def test_the_question_comes_first_on_a_resolved_report(world, resolved):
    _, token = resolved
    html = english().get(reverse("track", args=[token])).content.decode()
    question = html.index('id="h-answer"')
    assert question < html.index('class="reference-box')
    assert question < html.index('id="h-status"') < html.index('id="h-timeline"')
    # What was done is read with the question, once.
    assert html.index('id="h-done"') > question and html.count('id="h-done"') == 1
    assert "已更换路灯" in html[question : html.index('id="confirm"')]
    assert "How happy are you with how it was handled? (optional)" in html


def test_an_open_report_keeps_its_reference_first(world):
    _, token = factories.issue(world.loc)
    html = english().get(reverse("track", args=[token])).content.decode()
    assert 'id="h-answer"' not in html
    assert html.index('class="reference-box') < html.index('id="h-status"')
