"""The area secretary (片区书记): reads their workstation's desk like a housing officer, changes
nothing there, never sees another workstation, and lands on the desk after logging in."""

import uuid

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from issues.lifecycle import Status
from issues.models import Issue, IssueEvent
from issues.views.desk_dashboard import BULK_ACTIONS
from issues.views.desk_issue import ACTIONS
from tests import factories
from workstations import scope
from workstations.models import Location, OnCallShift, Role


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    # Login throttling and rate-limit counters of earlier runs must not count here.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }


@pytest.fixture
def secretary(world):
    return factories.user("secretary", role=Role.Kind.AREA_SECRETARY, workstation=world.ws)


@pytest.fixture
def issue(world):
    """An urgent issue of our workstation, routed to world.worker."""
    issue, _ = factories.issue(world.loc, reporter_name="王阿姨", reporter_phone="13812341234")
    assert issue.status == Status.ASSIGNED and issue.assignee == world.worker
    return issue


def client_for(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def snapshot(issue: Issue) -> tuple:
    fresh = Issue.objects.get(pk=issue.pk)
    fields = (fresh.status, fresh.assignee_id, fresh.priority, fresh.kind, fresh.merged_into_id, fresh.category_id)
    return fields, IssueEvent.objects.filter(issue=issue).count()


def test_an_area_secretary_needs_a_workstation_only(world):
    Role.objects.create(user=factories.user(), kind=Role.Kind.AREA_SECRETARY, workstation=world.ws)
    for wrong in ({"grid": world.grid}, {"subdistrict": world.ws.subdistrict}, {}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Role.objects.create(user=factories.user(), kind=Role.Kind.AREA_SECRETARY, **wrong)
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(user=factories.user(), kind=Role.Kind.AREA_SECRETARY, workstation=world.ws, grid=world.grid)


def test_the_scope_reads_their_workstation_and_changes_nothing(world, secretary, issue):
    other, _ = factories.issue(world.other_loc)
    assert scope.is_staff_member(secretary)
    assert set(scope.visible_issues(secretary, Issue.objects.all())) == {issue}
    assert not scope.staff_workstation_ids(secretary)
    assert not scope.can_manage_workstation(secretary, world.ws.pk)
    assert not scope.can_act_on_issue(secretary, issue)
    assert not scope.can_act_on_issue(secretary, other)
    assert set(scope.visible_locations(secretary)) == set(
        Location.objects.filter(grid__neighbourhood__workstation=world.ws)
    )


def test_they_read_the_desk_and_the_issue_page_without_any_action(world, secretary, issue):
    client = client_for(secretary)
    dashboard = client.get(reverse("staff_dashboard"))
    assert dashboard.status_code == 200
    assert issue.reference in dashboard.content.decode()
    assert dashboard.context["can_manage"] is False
    assert "bulk-bar" not in dashboard.content.decode()

    page = client.get(reverse("staff_issue", args=[issue.pk]))
    assert page.status_code == 200
    assert page.context["can_manage"] is False
    html = page.content.decode()
    assert issue.reference in html
    assert reverse("staff_issue_action", args=[issue.pk, "note"]) not in html
    assert "13812341234" not in html  # the resident's number is for those who may call

    for name in ("worklog", "themes", "stats", "staff_locations", "duty"):
        assert client.get(reverse(name)).status_code == 200, name


def test_every_action_on_the_issue_is_refused(world, secretary, issue):
    department = factories.department(world.ws.subdistrict)
    duplicate, _ = factories.issue(world.loc2)
    data = {
        "note": "我来处理",
        "reason": "等居民回复",
        "to": world.worker2.pk,
        "priority": "high",
        "kind": "complex",
        "department": department.pk,
        "into": duplicate.pk,
        "answer": "已经联系物业",
        "question": "问题",
    }
    client = client_for(secretary)
    before = snapshot(issue)
    for action in ACTIONS:
        response = client.post(reverse("staff_issue_action", args=[issue.pk, action]), data, follow=True)
        assert response.status_code == 200, action
        assert response.redirect_chain[0] == (reverse("staff_issue", args=[issue.pk]), 303), action
        assert "Only the workstation's staff can do this." in messages_of(response), action
        assert snapshot(issue) == before, action
    # The same request by our staff does change the issue: the refusal above is the role's.
    client_for(world.staff).post(reverse("staff_issue_action", args=[issue.pk, "note"]), data)
    assert snapshot(issue)[1] == before[1] + 1


def test_bulk_actions_and_the_other_desk_writes_are_refused(world, secretary, issue):
    client = client_for(secretary)
    before = snapshot(issue)
    for action in BULK_ACTIONS:
        response = client.post(
            reverse("staff_bulk"),
            {"action": action, "ids": [issue.pk], "to": world.worker2.pk, "priority": "high", "kind": "complex"},
        )
        assert response.status_code == 403, action
    refused = {
        reverse("worklog_entry"): {"location": world.loc.pk, "description": "问路", "answer": "已答复"},
        reverse("themes_faq"): {"question": "问", "answer": "答", "category": "民生服务"},
        reverse("location_rotate", args=[world.loc.pk]): {"grace_days": "7"},
        reverse("location_revoke", args=[world.loc.pk]): {},
        reverse("duty_shift_add"): {"ws": world.ws.slug, "user": world.worker.pk},
    }
    token = world.loc.qr_token
    for url, data in refused.items():
        assert client.post(url, data).status_code == 403, url
    assert snapshot(issue) == before
    world.loc.refresh_from_db()
    assert (world.loc.qr_token, world.loc.qr_revoked_at) == (token, None)
    assert not OnCallShift.objects.exists()


def test_the_api_refuses_their_actions_too(world, secretary, issue):
    client = client_for(secretary)
    assert client.get(f"/api/v1/issues/{issue.pk}/").status_code == 200
    before = snapshot(issue)
    for action, data in {
        "hold": {"reason": "等居民回复"},
        "priority": {"priority": "high"},
        "assign": {"to": world.worker2.pk},
        "accept": {},
    }.items():
        response = client.post(f"/api/v1/issues/{issue.pk}/{action}/", data, content_type="application/json")
        assert (response.status_code, response.json()["code"]) == (400, "refused"), action
        assert snapshot(issue) == before, action


def test_they_cannot_read_another_workstations_issues(world, secretary):
    other, _ = factories.issue(world.other_loc)
    client = client_for(secretary)
    assert other.reference not in client.get(reverse("staff_dashboard")).content.decode()
    assert client.get(reverse("staff_issue", args=[other.pk])).status_code == 404
    assert client.post(reverse("staff_issue_action", args=[other.pk, "note"]), {"note": "x"}).status_code == 404
    assert client.get(reverse("location_detail", args=[world.other_loc.pk])).status_code == 404
    assert client.get(f"/api/v1/issues/{other.pk}/").status_code == 404


def test_they_land_on_the_desk_after_logging_in(world, secretary):
    response = Client().post(
        reverse("login"), {"username": secretary.username, "password": factories.PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("staff_dashboard")
    assert response.status_code == 200
