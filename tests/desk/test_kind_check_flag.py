"""「请核对类型」: a report is flagged for staff only when its urgent words disagree with the kind
the resident chose; the flag goes once staff confirm or change the kind, and shows on no report
that has ended."""

import pytest
from django.test import Client
from django.urls import reverse

from issues import services
from issues.models import Issue, IssueEvent

pytestmark = pytest.mark.django_db

FLAG = "notice kind-check"  # the notice at the top of the issue page (the timeline keeps the flag event)


def report(loc, **fields) -> Issue:
    data = {"description": "弄堂口电线掉下来了", "idempotency_key": "k" * 20, **fields}
    Client(headers={"accept-language": "en"}).post(loc.report_path(), data)
    return Issue.objects.get()


def desk(world) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.staff)
    return client


def issue_page(world, issue) -> str:
    return desk(world).get(reverse("staff_issue", args=[issue.pk])).content.decode()


def test_a_resident_who_chose_urgent_is_not_second_guessed(world):
    issue = report(world.loc, kind="urgent")
    assert (issue.kind, issue.urgent_keywords) == ("urgent", "")
    assert not IssueEvent.objects.filter(issue=issue, type=IssueEvent.Type.FLAGGED).exists()
    assert FLAG not in issue_page(world, issue)


def test_urgent_words_in_a_report_of_another_kind_are_flagged(world):
    issue = report(world.loc, kind="consult")
    assert issue.urgent_keywords == "电线"
    assert FLAG in issue_page(world, issue)


def test_staff_confirming_the_kind_clears_the_flag(world):
    issue = report(world.loc, kind="consult")
    response = desk(world).post(reverse("staff_issue_action", args=[issue.pk, "confirm_kind"]), follow=True)
    assert "Kind checked" in response.content.decode()
    issue.refresh_from_db()
    assert (issue.kind, issue.urgent_keywords) == ("consult", "")
    assert IssueEvent.objects.filter(issue=issue, type=IssueEvent.Type.KIND, actor=world.staff).exists()
    assert FLAG not in issue_page(world, issue)


def test_confirming_twice_is_refused_with_a_reason_and_writes_nothing(world):
    issue = report(world.loc, kind="consult")
    services.confirm_kind(issue, actor=world.staff)
    events = IssueEvent.objects.count()
    with pytest.raises(services.IssueError, match="nothing to check"):
        services.confirm_kind(issue, actor=world.staff)
    assert IssueEvent.objects.count() == events


def test_a_reader_cannot_confirm_the_kind(world):
    issue = report(world.loc, kind="consult")
    with pytest.raises(services.IssueError):
        services.confirm_kind(issue, actor=world.worker2)
    issue.refresh_from_db()
    assert issue.urgent_keywords == "电线"


def test_staff_changing_the_kind_clears_the_flag(world):
    issue = report(world.loc, kind="consult")
    services.set_kind(issue, kind="urgent", actor=world.staff)
    issue.refresh_from_db()
    assert (issue.kind, issue.urgent_keywords) == ("urgent", "")


def test_the_flag_is_gone_once_the_issue_is_resolved(world):
    issue = report(world.loc, kind="consult")
    services.route_issue(issue.pk)
    issue.refresh_from_db()
    services.accept_issue(issue, actor=issue.assignee)
    services.resolve_issue(issue, actor=issue.assignee, note="修好了")
    assert FLAG not in issue_page(world, issue)
    dashboard = desk(world).get(reverse("staff_dashboard") + "?status=resolved").content.decode()
    assert "Check kind" not in dashboard
