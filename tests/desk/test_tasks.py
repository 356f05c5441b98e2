"""The grid worker's phone: tasks by deadline, check-in, notes and photos, hand back, asking for
coordination, and patrol reports."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from issues.lifecycle import Status
from issues.models import Intake, Issue, IssueEvent
from tests import factories
from tests.desk.conftest import client_for, many_issues, queries_of

H = dt.timedelta(hours=1)


def jpeg(name="p.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def do(client, issue, action, **data):
    return client.post(reverse("task_action", args=[issue.pk, action]), data, follow=True)


def test_tasks_come_soonest_deadline_first_with_countdowns(world):
    now = timezone.now()
    (later,) = many_issues(world.loc, 1, assignee=world.worker, resolve_due_at=now + 5 * H)
    (first,) = many_issues(world.loc, 1, assignee=world.worker, resolve_due_at=now + 9 * H, accept_due_at=now + H)
    (late,) = many_issues(world.loc, 1, assignee=world.worker, resolve_due_at=now - H)
    response = client_for(world.worker).get(reverse("tasks"))
    assert [t.pk for t in response.context["open_tasks"]] == [late.pk, first.pk, later.pk]
    page = response.content.decode()
    assert "js-countdown" in page and "late by" in page and "desk-countdown.js" in page
    assert "echarts" not in page  # light on a weak connection


@pytest.mark.parametrize("query", ["", "?status=accepted", "?page=3"])
def test_task_list_queries_do_not_grow(world, django_assert_num_queries, query):
    client = client_for(world.worker)
    many_issues(world.loc, 10, assignee=world.worker)
    many_issues(world.loc, 2, assignee=world.worker, status="accepted")
    small, _ = queries_of(client, reverse("tasks") + query)
    many_issues(world.loc, 1990, assignee=world.worker2)
    many_issues(world.loc, 200, assignee=world.worker, status="closed")
    many_issues(world.loc2, 148, assignee=world.worker, status="accepted")
    with django_assert_num_queries(small):
        client.get(reverse("tasks") + query)


def test_at_volume_overdue_and_today_first_grouped_by_place_a_page_at_a_time(world):
    """148 open tasks (issue 18): overdue ones, then today's, then later ones, each band by
    place; twenty to a page; filters by status and neighbourhood."""
    now = timezone.now()
    end_of_today = timezone.localtime(now).replace(hour=23, minute=59, second=0)
    later = many_issues(world.loc, 100, assignee=world.worker, resolve_due_at=now + 3 * 24 * H)
    today_a = many_issues(world.loc2, 20, assignee=world.worker, resolve_due_at=end_of_today, status="accepted")
    today_b = many_issues(world.loc, 20, assignee=world.worker, resolve_due_at=end_of_today)
    late = many_issues(world.loc2, 6, assignee=world.worker, resolve_due_at=now - H)
    held = many_issues(world.loc, 2, assignee=world.worker, status="on_hold", resolve_due_at=now - H)
    client = client_for(world.worker)
    response = client.get(reverse("tasks"))
    ctx = response.context
    assert ctx["total"] == 148 and len(ctx["open_tasks"]) == 20 and ctx["has_next"]
    assert [(str(label), n) for label, n, _ in ctx["band_counts"]] == [
        ("Overdue", 6),
        ("Due today", 40),
        ("Later", 100),
        ("No deadline running", 2),
    ]
    first = [g["band"] for g in ctx["groups"]]
    assert first == [0, 1]  # overdue, then today's
    assert {t.pk for t in ctx["groups"][0]["places"][0]["tasks"]} == {t.pk for t in late}
    today_places = ctx["groups"][1]["places"]
    assert len({p["location"].pk for p in today_places}) == len(today_places), "one heading per place"
    page = response.content.decode()
    assert "Overdue" in page and "Due today" in page and world.loc2.name in page
    assert 'rel="next"' in page and "<script>" not in page

    # Every task once over the pages, in the same bands order.
    seen = []
    for number in range(1, 9):
        seen += [(t.band, t.pk) for t in client.get(reverse("tasks"), {"page": number}).context["open_tasks"]]
    assert len(seen) == 148 and len({pk for _, pk in seen}) == 148
    assert [band for band, _ in seen] == sorted(band for band, _ in seen)
    assert {pk for band, pk in seen if band == 3} == {t.pk for t in held}

    by_status = client.get(reverse("tasks"), {"status": "accepted"}).context
    assert by_status["total"] == 20 and {t.pk for t in by_status["open_tasks"]} == {t.pk for t in today_a}
    by_hood = client.get(reverse("tasks"), {"hood": world.grid2.neighbourhood_id, "page": 2}).context
    assert by_hood["total"] == 26 and by_hood["page_number"] == 2 and len(by_hood["open_tasks"]) == 6
    assert {n.pk for n in by_hood["neighbourhoods"]} == {world.grid.neighbourhood_id, world.grid2.neighbourhood_id}
    # Nonsense is ignored, never a 500.
    assert (
        client.get(reverse("tasks"), {"status": "drop", "hood": "x", "page": "99999999999999999999"}).status_code == 200
    )
    assert later and today_b


@pytest.fixture
def task(world):
    issue, _ = factories.issue(world.loc, kind="consult", description="楼道灯不亮")
    assert issue.assignee == world.worker
    return issue


def test_check_in_records_the_phone_location_when_allowed(world, task):
    client = client_for(world.worker)
    do(client, task, "accept")
    do(client, task, "arrive", latitude="31.20512", longitude="121.44431", accuracy="18.4")
    check_in = IssueEvent.objects.get(issue=task, type="note")
    assert "31.20512, 121.44431 (±18 m)" in check_in.note and not check_in.is_public
    assert IssueEvent.objects.get(issue=task, type="arrived").is_public
    assert Issue.objects.get(pk=task.pk).on_site_at is not None


def test_check_in_without_location_records_the_time_only(world, task):
    client = client_for(world.worker)
    do(client, task, "accept")
    do(client, task, "arrive", latitude="nonsense", longitude="999")
    assert IssueEvent.objects.get(issue=task, type="arrived").note == ""
    assert not IssueEvent.objects.filter(issue=task, type="note").exists()


def test_notes_and_photos(world, task):
    client = client_for(world.worker)
    response = client.post(
        reverse("task_action", args=[task.pk, "note"]),
        {"note": "灯泡已买", "photos": [jpeg(), jpeg("b.jpg")]},
        follow=True,
    )
    assert "Note added." in [str(m) for m in response.context["messages"]]
    assert task.photos.count() == 2
    assert IssueEvent.objects.get(issue=task, type="note").is_public is False
    bad = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    response = client.post(reverse("task_action", args=[task.pk, "note"]), {"photos": [bad]}, follow=True)
    # Refused: the task page again (400) with the reason, nothing stored.
    assert task.photos.count() == 2 and response.status_code == 400
    assert "This file is not a photo we can read." in response.content.decode()


def test_hand_back_returns_it_to_the_desk(world, task):
    response = do(client_for(world.worker), task, "hand_back", reason="不在我的网格")
    assert response.redirect_chain[-1][0] == reverse("tasks")
    task.refresh_from_db()
    assert task.status == Status.NEW and task.assignee is None


def test_asking_for_coordination_makes_it_complex_and_hands_it_back(world, task):
    do(client_for(world.worker), task, "accept")
    do(client_for(world.worker), task, "coordinate", reason="需要物业和供电所一起来")
    task.refresh_from_db()
    assert (task.kind, task.status, task.assignee) == ("complex", Status.NEW, None)
    assert "需要物业和供电所一起来" in IssueEvent.objects.filter(issue=task, type="handed_back").get().note


def test_a_refused_reason_is_a_message(world, task):
    response = do(client_for(world.worker), task, "hand_back", reason="  ")
    assert "Please give the reason for handing it back." in [str(m) for m in response.context["messages"]]
    assert Issue.objects.get(pk=task.pk).assignee == world.worker


def test_patrol_report_goes_to_my_task_list(world, published):
    client = client_for(world.worker)
    assert client.get(reverse("patrol")).status_code == 200
    response = client.post(
        reverse("patrol"),
        {"location": world.loc2.pk, "description": "发现共享单车堵住消防通道", "kind": "", "photos": [jpeg()]},
    )
    issue = Issue.objects.get(channel=Intake.PATROL)
    assert response.status_code == 303 and response["Location"] == reverse("task_detail", args=[issue.pk])
    assert (issue.assignee, issue.status, issue.photos.count()) == (world.worker, Status.ASSIGNED, 1)
    assert issue.routed_at is not None


def test_a_patrol_report_in_his_own_grid_is_taken_on_at_once(world, published):
    """Issue 18: what the grid worker of that grid finds on patrol is accepted by him at once,
    through the one transition (an `accepted` event by him), not left in his list to accept."""
    client = client_for(world.worker)
    response = client.post(reverse("patrol"), {"location": world.loc.pk, "description": "井盖松动了", "kind": ""})
    issue = Issue.objects.get(channel=Intake.PATROL)
    assert response.status_code == 303
    assert (issue.assignee, issue.status) == (world.worker, Status.ACCEPTED)
    assert issue.accepted_at is not None and issue.accepted_at >= issue.created_at
    accepted = IssueEvent.objects.get(issue=issue, type=IssueEvent.Type.ACCEPTED)
    assert (accepted.actor, accepted.old_status, accepted.new_status) == (world.worker, "assigned", "accepted")
    # On his list it waits for nothing to be accepted: its next step is the visit or the fix.
    (task,) = client.get(reverse("tasks")).context["open_tasks"]
    assert task.pk == issue.pk and task.deadline_name != "accept"
    page = client.get(reverse("task_detail", args=[issue.pk])).content.decode()
    assert "Accept this task" not in page


def test_patrol_refusals(world):
    client = client_for(world.worker)
    response = client.post(reverse("patrol"), {"location": world.other_loc.pk, "description": "别处"})
    assert response.status_code == 400 and not Issue.objects.exists()
    assert client_for(world.staff).get(reverse("patrol")).status_code == 403
