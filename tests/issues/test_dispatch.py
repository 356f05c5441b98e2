"""派单: urgent reports go to their category's departments at once; liaisons acknowledge, finish
or return from their own list; an issue resolves only when its required dispatches are done, or
staff override in writing."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from issues import services
from issues.lifecycle import Status
from issues.models import Category, Dispatch, Issue, IssueEvent, Notification
from tests import factories
from workstations.models import Role

pytestmark = pytest.mark.usefixtures("sla_policies")


@pytest.fixture
def power(world):
    dept = factories.department(world.ws.subdistrict, name="市南供电所")
    category = Category.objects.create(name="电力", slug="power", keywords="电线, 漏电 停电")
    category.departments.add(dept)
    liaison = factories.user("power-liaison", role=Role.Kind.LIAISON, department=dept)
    return dept, liaison


def client_for(user) -> Client:
    c = Client(headers={"accept-language": "en"})
    c.force_login(user)
    return c


def test_an_urgent_report_goes_to_the_on_duty_worker_and_its_departments_at_once(world, power):
    dept, liaison = power
    issue, _ = factories.issue(world.loc, kind="urgent", description="弄堂口电线被扯断了")
    assert issue.category.slug == "power"
    assert issue.assignee == world.worker
    dispatch = Dispatch.objects.get(issue=issue)
    assert (dispatch.department, dispatch.status, dispatch.required) == (dept, "sent", True)
    assert dispatch.due_at == issue.resolve_due_at
    assert Notification.objects.filter(issue=issue, user=liaison, key__startswith="dispatch:").count() == 1
    assert [t for t in IssueEvent.objects.filter(issue=issue).values_list("type", flat=True)] == [
        "created",
        "assigned",
        "dispatched",
    ]


def test_routing_twice_dispatches_once(world, power):
    issue, _, _ = services.create_issue(world.loc, description="楼里漏电了", kind="urgent")
    services.route_issue(issue.pk)
    services.route_issue(issue.pk)
    assert Dispatch.objects.filter(issue=issue).count() == 1


def test_a_non_urgent_report_waits_for_staff_to_dispatch(world, power):
    issue, _ = factories.issue(world.loc, kind="complex", description="小区停电问题反复出现")
    assert issue.category.slug == "power" and not Dispatch.objects.filter(issue=issue).exists()


def test_the_issue_resolves_only_when_required_dispatches_are_done_or_staff_override(world, power):
    dept, liaison = power
    issue, _ = factories.issue(world.loc, kind="urgent", description="电线断了")
    services.accept_issue(issue, actor=world.worker)
    services.arrive_issue(issue, actor=world.worker)
    with pytest.raises(services.IssueError):
        services.resolve_issue(issue, actor=world.worker, note="现场已隔离")
    with pytest.raises(services.IssueError):  # only staff may override
        services.resolve_issue(issue, actor=world.worker, note="现场已隔离", override_reason="供电所电话确认")
    dispatch = Dispatch.objects.get(issue=issue)
    services.acknowledge_dispatch(dispatch, actor=liaison)
    services.complete_dispatch(dispatch, actor=liaison, note="已更换电缆")
    services.resolve_issue(issue, actor=world.worker, note="已修复")
    issue.refresh_from_db()
    assert issue.status == "resolved"


def test_staff_override_is_recorded_with_its_reason(world, power):
    issue, _ = factories.issue(world.loc, kind="consult", description="问一下电费")
    services.dispatch_issue(issue, to=power[0], actor=world.staff, instructions="请回复电费标准")
    services.answer_issue(issue, actor=world.staff, answer="电费标准见附件", override_reason="已电话确认")
    override = IssueEvent.objects.get(issue=issue, type="override")
    assert (override.actor, override.is_public) == (world.staff, False)
    assert "已电话确认" in override.note


def test_a_liaison_of_another_department_cannot_act(world, power):
    issue, _ = factories.issue(world.loc, kind="urgent", description="电线断了")
    other = factories.user(
        "other-liaison", role=Role.Kind.LIAISON, department=factories.department(world.ws.subdistrict)
    )
    with pytest.raises(services.IssueError):
        services.acknowledge_dispatch(Dispatch.objects.get(issue=issue), actor=other)


def test_returning_needs_a_reason_and_tells_the_handler(world, power):
    issue, _ = factories.issue(world.loc, kind="urgent", description="电线断了")
    dispatch = Dispatch.objects.get(issue=issue)
    with pytest.raises(services.IssueError):
        services.return_dispatch(dispatch, actor=power[1], reason=" ")
    services.return_dispatch(dispatch, actor=power[1], reason="属于物业维修范围")
    dispatch.refresh_from_db()
    assert (dispatch.status, dispatch.result) == ("returned", "属于物业维修范围")
    assert Notification.objects.filter(issue=issue, user=world.worker, key__startswith="dispatch_return:").exists()
    with pytest.raises(services.IssueError):  # a returned dispatch is finished
        services.complete_dispatch(dispatch, actor=power[1], note="x")
    # The department may be asked again.
    assert services.dispatch_issue(issue, to=power[0], actor=world.staff).status == "sent"


# --- the liaison's page ------------------------------------------------------------------------


def test_the_liaison_sees_and_acts_on_their_dispatches(world, power):
    issue, _ = factories.issue(world.loc, kind="urgent", description="电线断了")
    page = client_for(power[1]).get(reverse("dispatches"))
    assert page.status_code == 200
    assert issue.reference in page.content.decode()
    dispatch = Dispatch.objects.get(issue=issue)
    c = client_for(power[1])
    response = c.post(reverse("dispatch_action", args=[dispatch.pk, "acknowledge"]))
    assert (response.status_code, response["Location"]) == (303, reverse("dispatches"))
    response = c.post(reverse("dispatch_action", args=[dispatch.pk, "done"]), {"note": "已抢修"})
    dispatch.refresh_from_db()
    assert (dispatch.status, dispatch.result) == ("done", "已抢修")
    # Doing it again is refused with a message, not a 500.
    response = c.post(reverse("dispatch_action", args=[dispatch.pk, "done"]), {"note": "again"}, follow=True)
    assert response.status_code == 200
    assert "This cannot be done now" in response.content.decode()


def test_the_page_is_for_liaisons_and_their_own_dispatches_only(world, power):
    issue, _ = factories.issue(world.loc, kind="urgent", description="电线断了")
    dispatch = Dispatch.objects.get(issue=issue)
    assert client_for(world.worker).get(reverse("dispatches")).status_code == 403
    other = factories.user(
        "other-liaison", role=Role.Kind.LIAISON, department=factories.department(world.ws.subdistrict)
    )
    assert issue.reference not in client_for(other).get(reverse("dispatches")).content.decode()
    response = client_for(other).post(reverse("dispatch_action", args=[dispatch.pk, "acknowledge"]))
    assert response.status_code == 404
    assert client_for(power[1]).post(reverse("dispatch_action", args=[dispatch.pk, "bogus"])).status_code == 404
    anonymous = Client().get(reverse("dispatches"))
    assert anonymous.status_code == 302


@pytest.mark.parametrize("n", [1, 8])
def test_the_page_runs_a_fixed_number_of_queries(world, power, n, django_assert_max_num_queries):
    for i in range(n):
        factories.issue(world.loc, kind="urgent", description=f"电线断了 {i}")
    c = client_for(power[1])
    with django_assert_max_num_queries(9):
        assert c.get(reverse("dispatches")).status_code == 200


def test_coordination_refuses_a_deadline_in_the_past_as_a_single_dispatch_does(world):
    issue, _ = factories.issue(world.loc, kind="complex")
    department = factories.department(world.ws.subdistrict)
    services.triage_issue(issue, actor=world.staff)
    yesterday = timezone.now() - dt.timedelta(days=1)
    with pytest.raises(services.IssueError):
        services.coordinate_issue(issue, actor=world.staff, departments=[department], due_at=yesterday)
    assert Issue.objects.get(pk=issue.pk).status == Status.TRIAGED
    assert not Dispatch.objects.filter(issue=issue).exists()
