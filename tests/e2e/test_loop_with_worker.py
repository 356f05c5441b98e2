"""The walking skeleton's whole loop through HTTP, with a real Celery worker doing the routing.

Resident reports from the QR page → the worker routes it to the grid worker (task, notification,
email) → the grid worker accepts, arrives, resolves → the resident reopens → the grid worker
resolves again → the resident confirms and rates → staff see it on their dashboard.
"""

import html
import re
import threading

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from issues import services
from issues.lifecycle import Status
from issues.models import Issue, IssueEvent, Notification
from issues.tasks import route_issue_task
from tests.factories import PASSWORD

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROUTE = route_issue_task.name
PHONE = "13812341234"


def english_client() -> Client:
    return Client(headers={"accept-language": "en"})


def page_text(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def hidden_value(page: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert tag, f"no input named {name}"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    assert value, f"input {name} has no value"
    return value.group(1)


def tracking_page(client: Client, url: str) -> tuple[str, str, list[str]]:
    """What the resident's page shows: its text, the issue's status and the public timeline's
    event types. Wording is the templates' business: we check that what the view says is shown."""
    response = client.get(url)
    text = page_text(response)
    assert html.unescape(str(response.context["status_plain"])) in text
    events = list(response.context["events"])
    for event in events:
        assert html.unescape(str(getattr(event, "plain", event.get_type_display()))) in text, event.type
    return text, response.context["issue"].status, [event.type for event in events]


def status_of(issue_id: int) -> str:
    return Issue.objects.values_list("status", flat=True).get(pk=issue_id)


def test_the_whole_loop_through_http(world, routing_worker, wait_until):
    resident = english_client()

    # The resident scans the QR code and sends an urgent report.
    form_page = page_text(resident.get(world.loc.report_path()))
    key = hidden_value(form_page, "idempotency_key")
    assert len(key) >= 16
    report = {
        "kind": "urgent",
        "description": "弄堂口电线被扯断了，很危险",
        "name": "王阿姨",
        "phone": PHONE,
        "idempotency_key": key,
        "website": "",
    }
    response = resident.post(world.loc.report_path(), report)
    assert response.status_code == 303
    match = re.fullmatch(r"/t/([^/]+)/", response["Location"])
    assert match, response["Location"]
    track_url = response["Location"]
    issue = services.find_by_token(match.group(1))
    assert issue is not None
    assert (issue.kind, issue.reporter_phone, issue.location_id) == ("urgent", PHONE, world.loc.pk)

    # A second tap on "send" (same idempotency key) leads to the same report, not a new one.
    again = resident.post(world.loc.report_path(), report)
    assert (again.status_code, again["Location"]) == (303, track_url)
    assert Issue.objects.count() == 1

    # The real worker routes it to the grid's worker, in its own thread.
    wait_until(lambda: status_of(issue.pk) == Status.ASSIGNED, what="the worker to route the issue")
    issue.refresh_from_db()
    assert issue.assignee == world.worker
    runs = wait_until(lambda: routing_worker.runs_of(ROUTE), what="the routing task to finish")
    assert runs[0].args == (issue.pk,)
    assert runs[0].thread != threading.get_ident()

    notification = Notification.objects.get(issue=issue, user=world.worker)
    assert notification.key.startswith("assigned:")
    assert notification.sent_at is not None
    assert [m.to for m in mail.outbox] == [[world.worker.email]]
    assert issue.reference in mail.outbox[0].subject

    page, status, timeline = tracking_page(resident, track_url)
    assert issue.reference in page
    assert status == Status.ASSIGNED
    assert timeline[-1] == IssueEvent.Type.ASSIGNED
    assert PHONE not in page

    # The grid worker logs in and works the task.
    worker = english_client()
    login = worker.post(reverse("login"), {"username": world.worker.username, "password": PASSWORD})
    assert login.status_code == 302
    tasks = page_text(worker.get(reverse("tasks")))
    assert issue.reference in tasks
    assert reverse("task_detail", args=[issue.pk]) in tasks
    assert issue.description in page_text(worker.get(reverse("task_detail", args=[issue.pk])))

    def act(action: str, expected: str, **data) -> None:
        response = worker.post(reverse("task_action", args=[issue.pk, action]), data)
        assert response.status_code == 303, action
        assert response["Location"] == reverse("task_detail", args=[issue.pk])
        assert status_of(issue.pk) == expected, action

    act("accept", Status.ACCEPTED)
    act("arrive", Status.ON_SITE)
    act("resolve", Status.RESOLVED, note="已接好电线，贴了警示")

    confirm_url = reverse("track_confirm", args=[match.group(1)])
    page, status, timeline = tracking_page(resident, track_url)
    assert (status, timeline[-1]) == (Status.RESOLVED, IssueEvent.Type.RESOLVED)
    assert "已接好电线，贴了警示" in page
    assert f'action="{confirm_url}"' in page

    # The resident says it is not solved yet.
    response = resident.post(reverse("track_reopen", args=[match.group(1)]), {"reason": "晚上又断了"})
    assert (response.status_code, response["Location"]) == (303, track_url)
    assert status_of(issue.pk) == Status.REOPENED
    # The grid worker is told; from a web request the worker delivers it, after the commit.
    reopened = Notification.objects.get(issue=issue, user=world.worker, key__startswith="reopened:")
    wait_until(
        lambda: Notification.objects.filter(pk=reopened.pk, sent_at__isnull=False).exists(),
        what="the worker to deliver the reopen notice",
    )
    assert [m.to for m in mail.outbox] == [[world.worker.email]] * 2
    page, status, timeline = tracking_page(resident, track_url)
    assert (status, timeline[-1]) == (Status.REOPENED, IssueEvent.Type.REOPENED)
    assert "晚上又断了" in page

    # Back to the same grid worker, who accepts and resolves again.
    assert issue.reference in page_text(worker.get(reverse("tasks")))
    act("accept", Status.ACCEPTED)
    act("arrive", Status.ON_SITE)
    act("resolve", Status.RESOLVED, note="换了整段电线")

    # The resident confirms and rates: the loop is closed.
    response = resident.post(confirm_url, {"rating": "5", "comment": "谢谢"})
    assert (response.status_code, response["Location"]) == (303, track_url)
    issue.refresh_from_db()
    assert (issue.status, issue.rating, issue.rating_comment) == (Status.CLOSED, 5, "谢谢")
    assert issue.closed_at is not None
    page, status, timeline = tracking_page(resident, track_url)
    assert (status, timeline[-1]) == (Status.CLOSED, IssueEvent.Type.CONFIRMED)
    assert f'action="{confirm_url}"' not in page

    transitions = IssueEvent.objects.filter(issue=issue).exclude(new_status="").order_by("created_at", "id")
    assert list(transitions.values_list("type", flat=True)) == [
        "created",
        "assigned",
        "accepted",
        "arrived",
        "resolved",
        "reopened",
        "accepted",
        "arrived",
        "resolved",
        "confirmed",
    ]

    # Staff of the workstation see it, closed, on their dashboard and its detail page.
    staff = english_client()
    staff.force_login(world.staff)
    # The dashboard opens on the open work; a closed issue is in the "everything" queue.
    dashboard = page_text(staff.get(reverse("staff_dashboard"), {"queue": "all"}))
    assert issue.reference in dashboard
    assert PHONE not in dashboard
    detail = page_text(staff.get(reverse("staff_issue", args=[issue.pk])))
    assert "换了整段电线" in detail
    assert "晚上又断了" in detail

    # Routing happened exactly once, however many times anything was published.
    assert Notification.objects.filter(issue=issue, key__startswith="assigned:").count() == 1


def test_a_routing_task_delivered_twice_assigns_and_notifies_once(world, routing_worker, wait_until):
    issue, _, _ = services.create_issue(world.loc, description="楼道灯坏了", kind="consult")
    # One publish on commit (by create_issue), then the same task twice more, as a broker
    # redelivery or a sweep re-send would.
    route_issue_task.delay(issue.pk)
    services.publish_route(issue.pk)

    runs = wait_until(
        lambda: len(routing_worker.runs_of(ROUTE)) >= 3 and routing_worker.runs_of(ROUTE),
        what="three deliveries of the routing task",
    )
    assert {run.args for run in runs} == {(issue.pk,)}

    issue.refresh_from_db()
    assert issue.status == Status.ASSIGNED
    assert issue.assignee == world.worker
    assert IssueEvent.objects.filter(issue=issue, type=IssueEvent.Type.ASSIGNED).count() == 1
    assert Notification.objects.filter(issue=issue, user=world.worker).count() == 1
    assert [m.to for m in mail.outbox] == [[world.worker.email]]
