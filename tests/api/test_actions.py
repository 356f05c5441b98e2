"""Lifecycle actions: explicit endpoints that call the services. Refusals are 409 (not allowed
from this status) or 400 (the rules say no), each with the reason."""

import pytest
from django.urls import reverse

from issues.models import IssueEvent

from .conftest import client_for

pytestmark = pytest.mark.django_db


def post(user, issue, action, data=None):
    return client_for(user).post(reverse(f"api:issue-{action}", args=[issue.pk]), data or {}, format="json")


def events(issue) -> list[str]:
    return list(IssueEvent.objects.filter(issue=issue).values_list("type", flat=True))


def test_the_assignee_accepts_arrives_and_resolves(world, reported):
    response = post(world.worker, reported, "accept")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    assert post(world.worker, reported, "arrive").json()["status"] == "on_site"
    response = post(world.worker, reported, "resolve", {"note": "接好了电线"})
    assert response.status_code == 200
    assert response.json()["status"] == "resolved"
    assert response.json()["resolution"] == "接好了电线"
    reported.refresh_from_db()
    assert reported.status == "resolved"
    assert events(reported)[-3:] == ["accepted", "arrived", "resolved"]
    accepted = IssueEvent.objects.get(issue=reported, type="accepted")
    assert accepted.actor == world.worker


def test_an_illegal_transition_is_409_with_the_reason(world, reported):
    before = events(reported)
    response = post(world.worker, reported, "resolve", {"note": "x"})
    if response.status_code == 400:  # some flows refuse earlier with a rule (e.g. the visit first)
        response = post(world.worker, reported, "arrive")
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "illegal_transition"
    assert "cannot be done now" in body["detail"]
    assert events(reported) == before


def test_accepting_twice_is_409(world, reported):
    assert post(world.worker, reported, "accept").status_code == 200
    response = post(world.worker, reported, "accept")
    assert response.status_code == 409
    assert events(reported).count("accepted") == 1


def test_a_rule_refusal_is_400_with_the_reason(world, reported):
    post(world.worker, reported, "accept")
    post(world.worker, reported, "arrive")
    before = events(reported)
    response = post(world.worker, reported, "resolve", {"note": "   "})
    assert response.status_code == 400
    assert response.json().get("detail") or response.json().get("note")
    assert events(reported) == before


def test_a_missing_note_is_400(world, reported):
    response = post(world.worker, reported, "resolve", {})
    assert response.status_code == 400
    assert "note" in response.json()


def test_someone_who_sees_but_does_not_hold_the_task_is_refused(world, reported):
    before = events(reported)
    response = post(world.staff, reported, "accept")
    assert response.status_code in (400, 403, 409)
    assert response.json()["detail"]
    assert events(reported) == before


def test_another_grid_worker_gets_404(world, reported):
    for action in ("accept", "arrive", "resolve"):
        assert post(world.worker2, reported, action, {"note": "x"}).status_code == 404
    reported.refresh_from_db()
    assert reported.status == "assigned"


def test_get_on_an_action_is_405(world, reported):
    response = client_for(world.worker).get(reverse("api:issue-accept", args=[reported.pk]))
    assert response.status_code == 405


def test_the_timeline(world, reported):
    post(world.worker, reported, "accept")
    body = client_for(world.staff).get(reverse("api:issue-events", args=[reported.pk])).json()
    types = [e["type"] for e in body["results"]]
    assert types[0] == "created" and types[-1] == "accepted"
    assert body["results"][-1]["actor"]["username"] == world.worker.username
