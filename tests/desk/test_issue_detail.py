"""One issue at the desk: what it shows, and staff actions through the services."""

import pytest
from django.urls import reverse

from issues import services
from issues.lifecycle import Status
from issues.models import FAQ, Dispatch, Issue, IssueEvent
from tests import factories
from tests.desk.conftest import client_for


def act(client, issue, action, **data):
    return client.post(reverse("staff_issue_action", args=[issue.pk, action]), data, follow=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def issue(world):
    issue, _ = factories.issue(world.loc, description="电梯坏了，老人下不了楼", kind="consult")
    return issue


def test_detail_shows_clocks_dispatches_duplicates_and_the_same_place(world, issue):
    department = factories.department(world.ws.subdistrict, name="电梯维保公司")
    services.dispatch_issue(issue, to=department, actor=world.staff)
    twin, _ = factories.issue(world.loc, description="电梯又坏了，老人下不了楼", kind="consult")
    older, _ = factories.issue(world.loc, description="门口垃圾堆着", kind="consult")
    services.merge_issue(older, into=issue, actor=world.staff)
    response = client_for(world.staff).get(reverse("staff_issue", args=[issue.pk]))
    page = response.content.decode()
    assert [c.name for c in response.context["clocks"]] == ["resolve"]
    assert response.context["clocks"][0].state == "running" and 'class="js-countdown' in page
    assert "电梯维保公司" in page
    assert older.reference in page and twin in response.context["possible_duplicates"]
    assert twin in list(response.context["same_place"])
    assert [e.type for e in response.context["events"]][0] == "created"


def test_detail_queries_do_not_grow_with_the_timeline(world, issue, django_assert_max_num_queries):
    client = client_for(world.staff)
    client.get(reverse("staff_issue", args=[issue.pk]))
    for n in range(30):
        services.add_work_note(issue, actor=world.staff, note=f"第{n}次回访")
    with django_assert_max_num_queries(25):
        client.get(reverse("staff_issue", args=[issue.pk]))


def test_triage_sets_kind_priority_and_category_with_events(world, issue):
    response = act(client_for(world.staff), issue, "triage", kind="urgent", priority="high", category="")
    assert "Saved: kind, priority." in messages_of(response)
    before = issue.resolve_due_at
    issue.refresh_from_db()
    assert (issue.kind, issue.priority) == ("urgent", "high")
    # The deadlines are those of an urgent matter now: minutes, not a working day.
    assert issue.accept_due_at is not None and issue.resolve_due_at < before
    assert {"kind", "priority"} <= set(IssueEvent.objects.filter(issue=issue).values_list("type", flat=True))


def test_what_triage_saved_is_listed_as_chinese_writes_a_list(world, issue):
    client = client_for(world.staff)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    response = act(client, issue, "triage", kind="urgent", priority="high", category="")
    [saved] = [m for m in messages_of(response) if m.startswith("已保存")]
    assert "、" in saved and ", " not in saved


def test_triage_to_urgent_with_a_new_category_sends_only_the_new_category_s_departments(world, issue):
    from issues.models import Category

    gas = factories.department(world.ws.subdistrict, name="燃气公司")
    lifts = factories.department(world.ws.subdistrict, name="电梯维保公司")
    old = Category.objects.create(name="燃气", slug="gas")
    old.departments.add(gas)
    new = Category.objects.create(name="电梯", slug="lifts")
    new.departments.add(lifts)
    services.set_category(issue, category=old, actor=world.staff)
    response = act(client_for(world.staff), issue, "triage", kind="urgent", priority="high", category=new.pk)
    assert "Saved: kind, priority, category." in messages_of(response)
    issue.refresh_from_db()
    dispatch = Dispatch.objects.get(issue=issue)
    assert (dispatch.department, dispatch.required) == (lifts, True)
    assert dispatch.due_at == issue.resolve_due_at  # the urgent, high-priority deadline


def test_answer_with_faq_suggestion(world, issue):
    act(client_for(world.staff), issue, "answer", answer="已联系物业，今天修好", make_faq="on")
    issue.refresh_from_db()
    assert issue.status == Status.RESOLVED and issue.resolution == "已联系物业，今天修好"
    assert FAQ.objects.filter(answer="已联系物业，今天修好", is_published=False).exists()


def test_suggesting_an_existing_answer_for_the_faq(world, issue):
    services.answer_issue(issue, actor=world.staff, answer="请拨打物业电话")
    response = act(client_for(world.staff), issue, "faq")
    assert FAQ.objects.filter(question=issue.description, answer="请拨打物业电话", is_published=False).count() == 1
    assert response.status_code == 200


def test_dispatch_assign_and_merge(world, issue):
    client = client_for(world.staff)
    department = factories.department(world.ws.subdistrict)
    act(client, issue, "dispatch", department=department.pk, instructions="请派人", required="on")
    assert Dispatch.objects.get(issue=issue).department == department
    act(client, issue, "assign", to=world.worker2.pk)
    assert Issue.objects.get(pk=issue.pk).assignee == world.worker2
    other, _ = factories.issue(world.loc2)
    response = act(client, other, "merge", into=issue.reference)
    assert Issue.objects.get(pk=other.pk).status == Status.MERGED
    assert f"Merged into {issue.reference}." in messages_of(response)


def test_refusals_are_messages_and_change_nothing(world, issue):
    client = client_for(world.staff)
    before = IssueEvent.objects.filter(issue=issue).count()
    response = act(client, issue, "resume")
    assert response.redirect_chain[0][1] == 303
    assert any("This cannot be done now" in m for m in messages_of(response))
    assert "Nothing was changed." in messages_of(act(client, issue, "triage", kind=issue.kind, priority=issue.priority))
    assert "No issue nope here." in messages_of(act(client, issue, "merge", into="nope"))
    assert IssueEvent.objects.filter(issue=issue).count() == before
    assert client.post(reverse("staff_issue_action", args=[issue.pk, "explode"])).status_code == 404


@pytest.mark.parametrize("due_at", ["2026-13-45T10:00", "2026-02-30 10:00", "tomorrow"])
def test_an_impossible_dispatch_deadline_is_a_message_not_a_500(world, issue, due_at):
    department = factories.department(world.ws.subdistrict)
    response = act(client_for(world.staff), issue, "dispatch", department=department.pk, due_at=due_at)
    assert response.status_code == 200
    assert "Please give the deadline as a date and time." in messages_of(response)
    assert not Dispatch.objects.filter(issue=issue).exists()


def test_only_our_staff_may_act(world, issue):
    assert (
        client_for(world.outsider)
        .post(reverse("staff_issue_action", args=[issue.pk, "hold"]), {"reason": "x"})
        .status_code
        == 404
    )
    from workstations.models import Role

    reader = factories.user("reader", role=Role.Kind.HOUSING_OFFICER, workstation=world.ws)
    response = act(client_for(reader), issue, "hold", reason="等居民回复")
    assert "Only the workstation's staff can do this." in messages_of(response)
    assert Issue.objects.get(pk=issue.pk).status == Status.ASSIGNED


def test_triage_is_all_or_nothing(world, issue):
    # The kind would be fine; the priority is refused, so the new kind is not kept either.
    response = act(client_for(world.staff), issue, "triage", kind="urgent", priority="bogus")
    assert "Unknown priority: bogus" in messages_of(response)
    issue.refresh_from_db()
    assert (issue.kind, issue.priority) == ("consult", "normal")
    assert not IssueEvent.objects.filter(issue=issue, type="kind").exists()
