"""工作日志: every channel in one log, the three-field quick entry, day and week, exports."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from issues.lifecycle import Status
from issues.models import Intake, Issue, IssueEvent
from tests import factories
from tests.desk.conftest import client_for, many_issues, queries_of


def local_noon() -> dt.datetime:
    return dt.datetime.combine(timezone.localdate(), dt.time(12), tzinfo=timezone.get_current_timezone())


def log(client, channel, **data):
    return client.post(reverse("worklog_entry"), {"channel": channel, **data}, follow=True)


def test_a_walk_in_answered_on_the_spot(world, published):
    response = log(
        client_for(world.staff),
        "walk_in",
        location=world.loc.pk,
        description="问老年卡怎么办",
        answer="带身份证到街道服务中心",
    )
    issue = Issue.objects.get(channel=Intake.WALK_IN)
    assert issue.status == Status.RESOLVED and issue.resolution == "带身份证到街道服务中心"
    assert issue.accepted_at is not None
    messages = [str(m) for m in response.context["messages"]]
    assert any(issue.reference in m and "/t/" in m for m in messages)
    assert IssueEvent.objects.filter(issue=issue, type="note", is_public=False).exists()


def test_a_phone_call_left_to_follow_up_is_routed_like_any_report(world, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        log(client_for(world.staff), "phone", location=world.loc2.pk, description="楼上漏水")
    issue = Issue.objects.get(channel=Intake.PHONE)
    assert issue.status == Status.NEW and published == [[issue.pk]]


def test_quick_entry_refusals(world, published):
    client = client_for(world.staff)
    response = log(client, "walk_in", location=world.loc.pk, description="", answer="我们说的话")
    # The log again, with the reason beside the field and what was typed kept (issue 18).
    assert response.status_code == 400 and not Issue.objects.exists()
    assert "This field is required." in response.content.decode() and "我们说的话" in response.content.decode()
    log(client, "walk_in", location=world.other_loc.pk, description="别处的事")
    log(client, "patrol", location=world.loc.pk, description="走访")  # not a desk channel
    assert not Issue.objects.exists()
    assert client_for(world.worker).post(reverse("worklog_entry"), {"channel": "phone"}).status_code == 403


def test_the_callers_name_and_phone_are_kept_masked_and_revealable(world, published):
    """Issue 18: 登记来访 / 登记来电 take who it was, to call back; kept as the resident's name and
    phone (create_issue's reporter_name / reporter_phone), masked in the log and revealable (an
    audited event) on the issue's page like a QR reporter's."""
    client = client_for(world.staff)
    log(
        client,
        "phone",
        location=world.loc.pk,
        description="楼上漏水",
        caller_name="张先生",
        caller_phone="138 1234 5678",
    )
    issue = Issue.objects.get(channel=Intake.PHONE)
    assert (issue.reporter_name, issue.reporter_phone) == ("张先生", "13812345678")
    page = client.get(reverse("worklog")).content.decode()
    assert "张先生" in page and "138****5678" in page and "13812345678" not in page
    issue_page = client.get(reverse("staff_issue", args=[issue.pk])).content.decode()
    assert "138****5678" in issue_page and "13812345678" not in issue_page
    client.post(reverse("staff_issue_action", args=[issue.pk, "phone"]))
    assert 'href="tel:13812345678"' in client.get(reverse("staff_issue", args=[issue.pk])).content.decode()
    shown = IssueEvent.objects.get(issue=issue, type=IssueEvent.Type.PHONE_SHOWN)
    assert (shown.actor, shown.is_public) == (world.staff, False)


def test_a_callers_phone_that_is_no_number_is_refused_with_everything_kept(world, published):
    client = client_for(world.staff)
    response = log(
        client,
        "walk_in",
        location=world.loc.pk,
        description="问老年卡怎么办",
        caller_name="李阿姨",
        caller_phone="12345",
    )
    page = response.content.decode()
    assert response.status_code == 400 and not Issue.objects.exists() and not IssueEvent.objects.exists()
    assert "Please write a mobile number like 13812345678" in page
    assert "问老年卡怎么办" in page and 'value="李阿姨"' in page and 'value="12345"' in page


def test_day_and_week_views_show_every_channel(world, published):
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    noon = dt.datetime.combine(monday, dt.time(12), tzinfo=timezone.get_current_timezone())
    many_issues(world.loc, 1, created_at=noon, description="扫码报的")
    many_issues(world.loc, 1, created_at=noon + dt.timedelta(hours=1), channel=Intake.WALK_IN, description="上门问的")
    many_issues(world.loc, 1, created_at=noon + dt.timedelta(days=1), channel=Intake.PATROL, description="走访发现的")
    many_issues(world.loc, 1, created_at=noon - dt.timedelta(days=1), channel=Intake.PHONE, description="上周的电话")
    client = client_for(world.staff)
    day = client.get(reverse("worklog"), {"day": monday.isoformat()})
    assert [i.description for i in day.context["rows"]] == ["扫码报的", "上门问的"]
    week = client.get(reverse("worklog"), {"day": (monday + dt.timedelta(days=2)).isoformat(), "view": "week"})
    assert [i.description for i in week.context["rows"]] == ["扫码报的", "上门问的", "走访发现的"]
    assert len(week.context["days"]) == 2
    counts = {value: n for value, _label, n in week.context["channels"]}
    assert counts[Intake.QR] == counts[Intake.WALK_IN] == counts[Intake.PATROL] == 1
    only = client.get(reverse("worklog"), {"day": monday.isoformat(), "view": "week", "channel": "patrol"})
    assert [i.description for i in only.context["rows"]] == ["走访发现的"]


def test_csv_and_excel_exports(world, published):
    issue, _ = factories.issue(world.loc, description='=HYPERLINK("x")', reporter_phone="13812341234")
    client = client_for(world.staff)
    response = client.get(reverse("worklog_csv"))
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Reference" and rows[1][0] == issue.reference
    assert rows[1][7].startswith("'=")  # no formula from a resident's words
    assert "13812341234" not in response.content.decode("utf-8-sig") and "138****1234" in rows[1][6]
    response = client.get(reverse("worklog_xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == issue.reference and sheet["K1"].value == "Result"


def test_the_log_is_printable_without_script(world):
    page = client_for(world.staff).get(reverse("worklog")).content.decode()
    assert "js-print" in page and "<script>" not in page and " style=" not in page


def test_outsiders_see_nothing_of_ours(world):
    many_issues(world.loc, 2)
    assert client_for(world.outsider).get(reverse("worklog")).context["rows"] == []
    assert client_for(world.worker).get(reverse("worklog")).status_code == 403


def test_same_queries_at_10_and_2000_matters(world, django_assert_num_queries):
    client = client_for(world.staff)
    noon = local_noon()
    for url in (reverse("worklog"), reverse("worklog") + "?view=week", reverse("worklog_csv")):
        Issue.objects.all().delete()
        many_issues(world.loc, 10, created_at=noon, assignee=world.worker)
        small, _ = queries_of(client, url)
        many_issues(world.loc2, 1990, created_at=noon, assignee=world.worker2, status="closed")
        with django_assert_num_queries(small):
            assert client.get(url).status_code == 200


@pytest.mark.parametrize("view", ["day", "week"])
def test_rows_load_in_one_query(world, view, django_assert_max_num_queries):
    many_issues(world.loc, 300, created_at=local_noon())
    client = client_for(world.staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("worklog"), {"view": view})
    assert len(response.context["rows"]) == 300


def test_earlier_and_later_keep_the_view_and_channel(world):
    response = client_for(world.staff).get(
        reverse("worklog"), {"day": "2026-11-25", "view": "week", "channel": "phone"}
    )
    page = response.content.decode()
    assert "?day=2026-11-16&amp;view=week&amp;channel=phone" in page
    assert "?day=2026-11-30&amp;view=week&amp;channel=phone" in page
