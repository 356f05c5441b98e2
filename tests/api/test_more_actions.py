"""The rest of the lifecycle over the API (issue 5's flows) and 派单 with the liaison's side.
Each endpoint is one service call; these tests check the wiring, the scope and the refusals."""

import pytest
from django.urls import reverse

from issues.models import Dispatch, IssueEvent
from tests import factories
from workstations.models import Role

from .conftest import client_for

pytestmark = pytest.mark.django_db


def post(user, name, pk, data=None, basename="issue"):
    return client_for(user).post(reverse(f"api:{basename}-{name}", args=[pk]), data or {}, format="json")


def test_hold_and_resume(world, reported):
    response = post(world.staff, "hold", reported.pk, {"reason": "等居民回家"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "on_hold"
    assert post(world.staff, "hold", reported.pk, {"reason": "again"}).status_code == 409
    response = post(world.staff, "resume", reported.pk)
    assert response.status_code == 200 and response.json()["status"] == "assigned"


def test_a_reason_is_required(world, reported):
    response = post(world.staff, "hold", reported.pk, {})
    assert response.status_code == 400 and "reason" in response.json()


def test_answer_a_consult(world):
    issue, _ = factories.issue(world.loc, kind="consult")
    response = post(world.staff, "answer", issue.pk, {"answer": "带身份证去受理中心", "make_faq": True})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "resolved"


def test_assign_to_someone_of_ours_only(world, reported):
    response = post(world.staff, "assign", reported.pk, {"to": world.worker2.pk, "note": "换人"})
    assert response.status_code == 200, response.content
    assert response.json()["assignee"]["id"] == world.worker2.pk
    outsider_worker = factories.user("far", role=Role.Kind.GRID_WORKER, grid=factories.grid(world.other_ws))
    response = post(world.staff, "assign", reported.pk, {"to": outsider_worker.pk})
    assert response.status_code == 400 and "to" in response.json()
    # Once accepted, it is a reassignment, with a reason.
    post(world.worker2, "accept", reported.pk)
    response = post(world.staff, "reassign", reported.pk, {"to": world.worker.pk, "reason": "轮休"})
    assert response.status_code == 200, response.content
    assert response.json()["assignee"]["id"] == world.worker.pk


def test_merge_into_a_visible_issue(world, reported):
    duplicate, _ = factories.issue(world.loc)
    theirs, _ = factories.issue(world.other_loc)
    assert post(world.staff, "merge", duplicate.pk, {"into": theirs.pk}).status_code == 400
    response = post(world.staff, "merge", duplicate.pk, {"into": reported.pk, "reason": "同一处"})
    assert response.status_code == 200 and response.json()["status"] == "merged"


def test_priority(world, reported):
    response = post(world.staff, "priority", reported.pk, {"priority": "high", "reason": "老人独居"})
    assert response.status_code == 200 and response.json()["priority"] == "high"
    assert post(world.staff, "priority", reported.pk, {"priority": "urgent!"}).status_code == 400


def test_a_grid_worker_cannot_do_staff_things(world, reported):
    before = IssueEvent.objects.filter(issue=reported).count()
    response = post(world.worker, "priority", reported.pk, {"priority": "high"})
    assert response.status_code == 400 and response.json()["detail"]
    assert IssueEvent.objects.filter(issue=reported).count() == before


def test_dispatch_and_the_liaison_side(world, reported):
    department = factories.department(world.ws.subdistrict)
    liaison = factories.user("liaison", role=Role.Kind.LIAISON, department=department)
    response = post(world.staff, "dispatch", reported.pk, {"department": department.pk, "instructions": "断电抢修"})
    assert response.status_code == 201, response.content
    dispatch_id = response.json()["id"]
    assert response.json()["status"] == "sent" and response.json()["department"]["id"] == department.pk
    listed = client_for(world.staff).get(reverse("api:issue-dispatches", args=[reported.pk])).json()["results"]
    assert [d["id"] for d in listed] == [dispatch_id]

    # The liaison sees their department's dispatch (not the issue list), and works it.
    mine = client_for(liaison).get(reverse("api:dispatch-list")).json()["results"]
    assert [d["id"] for d in mine] == [dispatch_id]
    assert post(world.staff, "acknowledge", dispatch_id, basename="dispatch").status_code == 400  # not a liaison
    assert post(liaison, "acknowledge", dispatch_id, basename="dispatch").json()["status"] == "acknowledged"
    assert post(liaison, "complete", dispatch_id, {}, basename="dispatch").status_code == 400
    response = post(liaison, "complete", dispatch_id, {"note": "已恢复供电"}, basename="dispatch")
    assert response.status_code == 200 and response.json()["status"] == "done"
    assert Dispatch.objects.get(pk=dispatch_id).result == "已恢复供电"
    # Another department's liaison sees nothing of it.
    other = factories.user(
        "other-liaison", role=Role.Kind.LIAISON, department=factories.department(world.ws.subdistrict)
    )
    assert client_for(other).get(reverse("api:dispatch-list")).json()["count"] == 0
    assert post(other, "return", dispatch_id, {"reason": "x"}, basename="dispatch").status_code == 404
    assert client_for(world.outsider).get(reverse("api:dispatch-detail", args=[dispatch_id])).status_code == 404


def test_a_department_outside_our_subdistrict_cannot_be_picked(world, reported):
    far = factories.department(factories.subdistrict())
    response = post(world.staff, "dispatch", reported.pk, {"department": far.pk})
    assert response.status_code == 400 and "department" in response.json()
