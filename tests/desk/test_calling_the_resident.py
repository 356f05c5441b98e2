"""The resident's phone is masked everywhere; the issue's grid worker and the workstation's staff
can have it shown to call (for 15 minutes), each time on the internal timeline; readers, other
grid workers and other workstations never; the resident's public timeline says nothing of it."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from issues import services
from issues.models import IssueEvent
from tests import factories
from tests.desk.conftest import client_for
from workstations.models import Role

PHONE = "13812345678"

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue(world):
    issue, token = factories.issue(world.loc, kind="consult", reporter_name="王阿姨", reporter_phone=PHONE)
    return issue


def test_the_grid_worker_has_the_number_shown_to_call(world, issue):
    worker = client_for(world.worker)
    page = worker.get(reverse("task_detail", args=[issue.pk])).content.decode()
    assert PHONE not in page and "138****5678" in page and "Show the number to call" in page
    shown = worker.post(reverse("task_action", args=[issue.pk, "phone"]), follow=True).content.decode()
    assert f'href="tel:{PHONE}"' in shown
    [event] = IssueEvent.objects.filter(issue=issue, type="phone_shown")
    assert (event.actor, event.is_public) == (world.worker, False)


def test_staff_have_it_shown_on_the_desk_and_it_masks_again_after_15_minutes(world, issue):
    staff = client_for(world.staff)
    staff.post(reverse("staff_issue_action", args=[issue.pk, "phone"]))
    assert f'href="tel:{PHONE}"' in staff.get(reverse("staff_issue", args=[issue.pk])).content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        page = staff.get(reverse("staff_issue", args=[issue.pk])).content.decode()
    assert PHONE not in page and "138****5678" in page


def test_nobody_else_ever_sees_it(world, issue):
    housing = factories.user(role=Role.Kind.HOUSING_OFFICER, workstation=world.ws)
    reader = client_for(housing)
    assert reader.post(reverse("staff_issue_action", args=[issue.pk, "phone"])).status_code == 303
    assert "Show the number to call" not in reader.get(reverse("staff_issue", args=[issue.pk])).content.decode()
    assert client_for(world.worker2).post(reverse("task_action", args=[issue.pk, "phone"])).status_code == 404
    assert client_for(world.outsider).post(reverse("staff_issue_action", args=[issue.pk, "phone"])).status_code == 404
    with pytest.raises(services.IssueError):
        services.reveal_phone(issue, actor=housing)
    assert not IssueEvent.objects.filter(issue=issue, type="phone_shown").exists()


def test_the_residents_timeline_says_nothing_of_it(world, issue):
    services.reveal_phone(issue, actor=world.worker)
    assert [e.type for e in services.public_events(issue)] == ["created", "assigned"]


def test_without_a_phone_there_is_nothing_to_show(world):
    anonymous, _ = factories.issue(world.loc, kind="consult")
    assert (
        "Show the number to call"
        not in client_for(world.worker).get(reverse("task_detail", args=[anonymous.pk])).content.decode()
    )
    with pytest.raises(services.IssueError):
        services.reveal_phone(anonymous, actor=world.worker)
