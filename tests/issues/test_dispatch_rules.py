"""The rules that tie 派单 to the issue's life: an issue that ends (closed, declined, merged) withdraws
its open dispatches, which are never flagged late afterwards; and "urgent with a category" sends the
category's departments their required dispatch wherever an issue becomes so (routing, a new kind, a
new category), never twice to one department."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from issues import lifecycle, services
from issues.models import Category, Dispatch, IssueEvent, Notification
from tests import factories
from workstations.models import Role

pytestmark = pytest.mark.usefixtures("sla_policies")


@pytest.fixture
def power(world):
    """市南供电所 of the world's subdistrict, its liaison, and the 电力 category that needs it."""
    dept = factories.department(world.ws.subdistrict, name="市南供电所")
    category = Category.objects.create(name="电力", slug="power", keywords="电线, 漏电 停电")
    category.departments.add(dept)
    liaison = factories.user("power-liaison", role=Role.Kind.LIAISON, department=dept)
    return dept, liaison, category


def client_for(user) -> Client:
    c = Client(headers={"accept-language": "en"})
    c.force_login(user)
    return c


def withdrawn_events(issue) -> list[tuple]:
    return list(
        IssueEvent.objects.filter(issue=issue, type=IssueEvent.Type.DISPATCH_WITHDRAWN).values_list(
            "actor", "note", "is_public"
        )
    )


# --- an issue that ends withdraws its open 派单 --------------------------------------------------


def test_the_final_statuses_are_exactly_those_the_table_leads_nowhere_from():
    """So "every terminal status" is FINAL_STATUSES: the withdrawal keys on it."""
    targets = {t for t in lifecycle.TABLE.values() if t in lifecycle.Status.values}
    terminal = {s for s in targets if not lifecycle.allowed_actions(s)}
    assert terminal == set(lifecycle.FINAL_STATUSES)


def test_merging_withdraws_the_open_dispatches_with_a_reason_the_liaison_sees(world, power):
    dept, liaison, _ = power
    other = factories.department(world.ws.subdistrict, name="物业公司")
    finished = factories.department(world.ws.subdistrict, name="房管所")
    superuser = factories.user("root")
    superuser.is_superuser = True
    superuser.save(update_fields=["is_superuser"])
    issue, _ = factories.issue(world.loc, kind="consult", description="楼道灯坏了")
    into, _ = factories.issue(world.loc, kind="consult", description="楼道灯又坏了")
    sent = services.dispatch_issue(issue, to=dept, actor=world.staff, required=False)
    acknowledged = services.dispatch_issue(issue, to=other, actor=world.staff, required=False)
    services.acknowledge_dispatch(acknowledged, actor=superuser)
    done = services.dispatch_issue(issue, to=finished, actor=world.staff, required=False)
    services.complete_dispatch(done, actor=superuser, note="已修")

    services.merge_issue(issue, into=into, actor=world.staff, reason="同一盏灯")

    statuses = dict(Dispatch.objects.filter(issue=issue).values_list("department__name", "status"))
    assert statuses == {"市南供电所": "withdrawn", "物业公司": "withdrawn", "房管所": "done"}
    sent.refresh_from_db()
    assert into.reference in sent.result
    events = withdrawn_events(issue)
    assert len(events) == 2 and all(actor == world.staff.pk and not public for actor, _, public in events)
    assert any("市南供电所" in note and into.reference in note for _, note, _ in events)
    assert Notification.objects.filter(user=liaison, key=f"dispatch-withdrawn:{sent.pk}:{liaison.pk}").exists()

    page = client_for(liaison).get(reverse("dispatches"))
    assert page.context["open_dispatches"] == []
    assert [d.pk for d in page.context["closed_dispatches"]] == [sent.pk]
    text = page.content.decode()
    assert "Withdrawn" in text and f"the issue was merged into {into.reference}" in text
    # Nothing is left to act on.
    with pytest.raises(services.IssueError):
        services.acknowledge_dispatch(sent, actor=liaison)


def test_closing_withdraws_them_and_the_sweep_never_flags_them_late(world, power, time_machine):
    dept, liaison, _ = power
    issue, token = factories.issue(world.loc, kind="consult", description="问一下")
    due = timezone.now() + dt.timedelta(hours=2)
    dispatch = services.dispatch_issue(issue, to=dept, actor=world.staff, due_at=due, required=False)
    services.answer_issue(issue, actor=world.staff, answer="已答复")
    services.confirm_issue(issue, rating=5)
    dispatch.refresh_from_db()
    assert dispatch.status == Dispatch.Status.WITHDRAWN
    assert withdrawn_events(issue)[0][0] is None  # the resident closed it: no staff actor
    time_machine.move_to(due + dt.timedelta(minutes=5), tick=False)
    assert services.sla_sweep()["dispatches_late"] == 0
    dispatch.refresh_from_db()
    assert dispatch.overdue_at is None
    assert not IssueEvent.objects.filter(issue=issue, type=IssueEvent.Type.DISPATCH_LATE).exists()


def test_declining_withdraws_them(world, power):
    dept, _, _ = power
    issue, _ = factories.issue(world.loc, kind="community", description="想在小区里种花")
    dispatch = services.dispatch_issue(issue, to=dept, actor=world.staff)
    with translation.override("en"):  # `result` is written in the language of whoever declined
        services.decline_issue(issue, actor=world.staff, reason="场地不够")
    dispatch.refresh_from_db()
    assert dispatch.status == Dispatch.Status.WITHDRAWN
    assert dispatch.result == "Withdrawn from 市南供电所: the issue was declined."


def test_closing_without_the_resident_s_answer_withdraws_them(world, power):
    dept, _, _ = power
    issue, _ = factories.issue(world.loc, kind="consult", description="问一下")
    dispatch = services.dispatch_issue(issue, to=dept, actor=world.staff, required=False)
    services.answer_issue(issue, actor=world.staff, answer="已答复")
    services.close_unconfirmed(now=timezone.now() + dt.timedelta(days=30))
    dispatch.refresh_from_db()
    assert dispatch.status == Dispatch.Status.WITHDRAWN


def test_the_api_shows_a_withdrawn_dispatch_with_its_reason(world, power):
    dept, liaison, _ = power
    issue, _ = factories.issue(world.loc, kind="community", description="想在小区里种花")
    dispatch = services.dispatch_issue(issue, to=dept, actor=world.staff)
    with translation.override("en"):
        services.decline_issue(issue, actor=world.staff, reason="场地不够")
    body = client_for(liaison).get(reverse("api:dispatch-detail", args=[dispatch.pk])).json()
    assert (body["status"], body["result"]) == ("withdrawn", "Withdrawn from 市南供电所: the issue was declined.")


# --- urgent with a category: required 派单 to the category's departments -----------------------


def test_reclassifying_as_urgent_sends_the_category_s_departments_their_dispatch(world, power):
    dept, liaison, _ = power
    elsewhere = factories.department(factories.workstation().subdistrict, name="别的街道供电所")
    Category.objects.get(slug="power").departments.add(elsewhere)
    issue, _ = factories.issue(world.loc, kind="consult", description="楼里停电了")
    assert issue.category.slug == "power" and not Dispatch.objects.filter(issue=issue).exists()

    services.set_kind(issue, kind="urgent", actor=world.staff, reason="整栋楼停电")

    dispatch = Dispatch.objects.get(issue=issue)  # the own subdistrict's department only
    assert (dispatch.department, dispatch.required, dispatch.created_by) == (dept, True, world.staff)
    assert dispatch.due_at > timezone.now()
    event = IssueEvent.objects.get(issue=issue, type=IssueEvent.Type.DISPATCHED)
    assert event.actor == world.staff and "市南供电所" in event.note
    assert Notification.objects.filter(user=liaison, key=f"dispatch:{dispatch.pk}:{liaison.pk}").exists()
    # Back and forth: never a second dispatch to the department.
    services.set_kind(issue, kind="consult", actor=world.staff)
    services.set_kind(issue, kind="urgent", actor=world.staff)
    assert Dispatch.objects.filter(issue=issue).count() == 1


def test_a_reclassified_issue_whose_urgent_deadline_passed_gives_the_department_a_future_one(
    world, power, time_machine
):
    issue, _ = factories.issue(world.loc, kind="consult", description="楼里停电了")
    time_machine.move_to(timezone.now() + dt.timedelta(hours=6), tick=False)
    services.set_kind(issue, kind="urgent", actor=world.staff)
    issue.refresh_from_db()
    assert issue.resolve_due_at < timezone.now()  # the round started six hours ago
    assert Dispatch.objects.get(issue=issue).due_at > timezone.now()


def test_an_urgent_issue_given_its_category_later_is_dispatched(world, power):
    dept, _, category = power
    issue, _ = factories.issue(world.loc, kind="urgent", description="楼道里有异味")
    assert issue.category is None and not Dispatch.objects.filter(issue=issue).exists()
    services.set_category(issue, category=category, actor=world.staff)
    assert list(Dispatch.objects.filter(issue=issue).values_list("department", "required")) == [(dept.pk, True)]


def test_staff_assigning_before_routing_ran_dispatches_as_routing_would(world, power):
    dept, _, _ = power
    issue, _, _ = services.create_issue(world.loc, description="弄堂口电线被扯断了", kind="urgent")
    services.assign_issue(issue, to=world.worker2, actor=world.staff)
    services.route_issue(issue.pk)
    assert list(Dispatch.objects.filter(issue=issue).values_list("department", "created_by")) == [
        (dept.pk, world.staff.pk)
    ]
    issue.refresh_from_db()
    assert issue.assignee == world.worker2  # routing left the assignment alone
    services.assign_issue(issue, to=world.worker, actor=world.staff)  # a later assignment sends nothing
    assert Dispatch.objects.filter(issue=issue).count() == 1


def test_routing_dispatches_an_issue_staff_put_on_hold_first(world, power):
    dept, _, _ = power
    issue, _, _ = services.create_issue(world.loc, description="弄堂口电线被扯断了", kind="urgent")
    services.hold_issue(issue, actor=world.staff, reason="等居民开门")
    services.route_issue(issue.pk)
    assert list(Dispatch.objects.filter(issue=issue).values_list("department", flat=True)) == [dept.pk]
    issue.refresh_from_db()
    assert (issue.status, issue.assignee) == ("on_hold", None)


def test_routing_a_merged_urgent_issue_dispatches_nothing(world, power):
    issue, _, _ = services.create_issue(world.loc, description="弄堂口电线被扯断了", kind="urgent")
    into, _ = factories.issue(world.loc, kind="consult", description="别的事")
    services.merge_issue(issue, into=into, actor=world.staff)
    services.route_issue(issue.pk)
    assert not Dispatch.objects.filter(issue=issue).exists()


def test_a_department_with_an_open_or_answered_dispatch_is_not_sent_another(world, power):
    dept, liaison, category = power
    issue, _ = factories.issue(world.loc, kind="consult", description="楼里停电了")
    manual = services.dispatch_issue(issue, to=dept, actor=world.staff, required=False)
    services.set_kind(issue, kind="urgent", actor=world.staff)
    assert list(Dispatch.objects.filter(issue=issue)) == [manual]
    # A department that returned it said it is not theirs: becoming urgent again does not overrule it.
    services.return_dispatch(manual, actor=liaison, reason="不归我们管")
    services.set_kind(issue, kind="consult", actor=world.staff)
    services.set_kind(issue, kind="urgent", actor=world.staff)
    assert Dispatch.objects.filter(issue=issue).count() == 1
