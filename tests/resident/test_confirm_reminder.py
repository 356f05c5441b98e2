"""The day before an unanswered report is closed as "no rating", the resident who left a phone is
reminded once by SMS (issues.resident.remind_unconfirmed, run by the close_unconfirmed beat task):
once per resolution round, never after an answer, the closing SMS still following a day later."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from issues import notify, publish, resident, services
from issues import tasks as issue_tasks
from issues.lifecycle import Status
from issues.models import Issue, Notification
from tests import factories

PHONE = "13812341234"
KEY = "confirm-reminder-key-0001"


class Gateway:
    sent: list = []

    def send(self, notification) -> None:
        self.sent.append(notification.body)


def _deliver_inline(ids) -> None:
    for pk in ids if ids is not None else notify.pending_ids(older_than=dt.timedelta(), batch=1000):
        notify.deliver(pk)


@pytest.fixture
def sms(settings, monkeypatch) -> list[str]:
    """The SMS the gateway sends, delivered after each commit as the delivery task would."""
    Gateway.sent = []
    monkeypatch.setattr(notify, "deliver_soon", lambda ids, inline: _deliver_inline(ids))
    monkeypatch.setattr(publish, "delivery", _deliver_inline)
    settings.NOTIFY_CHANNELS = {**settings.NOTIFY_CHANNELS, "sms": "tests.resident.test_confirm_reminder.Gateway"}
    settings.SITE_URL = "https://mq.example.cn"
    settings.RESIDENT_CONFIRM_DAYS = 7
    return Gateway.sent


def resolve(world, issue: Issue) -> Issue:
    issue = services.accept_issue(issue, actor=world.worker)
    issue = services.arrive_issue(issue, actor=world.worker)  # urgent: resolving needs the visit
    return services.resolve_issue(issue, actor=world.worker, note="已接好电线")


@pytest.fixture
def resolved(world, sms, django_capture_on_commit_callbacks):
    """A report with a phone, resolved now; the SMS so far (received, given, resolved) cleared."""
    with django_capture_on_commit_callbacks(execute=True):
        issue, token = factories.issue(world.loc, reporter_phone=PHONE, idempotency_key=KEY)
        issue = resolve(world, issue)
    sms.clear()
    return issue, token


def beat(at: dt.datetime, capture) -> int:
    """The beat task close_unconfirmed at the moment `at`, its commits' callbacks run."""
    with time_machine.travel(at, tick=False), capture(execute=True):
        return issue_tasks.close_unconfirmed()


def reminders(issue: Issue) -> list[str]:
    return list(
        Notification.objects.filter(issue=issue, key__startswith="resident:confirm-reminder:").values_list(
            "key", flat=True
        )
    )


def test_the_day_before_closing_the_resident_is_reminded_once_then_told_of_the_closing(
    resolved, sms, django_capture_on_commit_callbacks
):
    issue, token = resolved
    day6 = issue.resolved_at + dt.timedelta(days=6)
    assert beat(day6 - dt.timedelta(minutes=1), django_capture_on_commit_callbacks) == 0
    assert sms == []  # not earlier
    assert beat(day6 + dt.timedelta(minutes=1), django_capture_on_commit_callbacks) == 0
    [body] = sms
    assert issue.reference in body
    assert f"https://mq.example.cn/t/{token}/" in body  # the link, to answer from the SMS
    assert reminders(issue) == [f"resident:confirm-reminder:{issue.pk}:{issue.resolved_at.isoformat()}"]
    for later in (dt.timedelta(minutes=16), dt.timedelta(hours=12), dt.timedelta(hours=23, minutes=59)):
        beat(day6 + later, django_capture_on_commit_callbacks)
    assert len(sms) == 1  # once: every later tick of the day leaves it alone
    # The day after, it is closed without a rating, and the resident is told so.
    assert beat(issue.resolved_at + dt.timedelta(days=7, minutes=1), django_capture_on_commit_callbacks) == 1
    assert len(sms) == 2 and issue.reference in sms[1]
    assert Notification.objects.filter(issue=issue, key=f"resident:closed-unanswered:{issue.pk}").exists()
    issue.refresh_from_db()
    assert (issue.status, issue.rating) == (Status.CLOSED, None)
    assert len(reminders(issue)) == 1


def test_the_reminder_is_written_in_chinese_whoever_runs_the_sweep(resolved, sms, django_capture_on_commit_callbacks):
    """Needs the msgstr of the reminder in locale/zh_Hans (see the report's Translations)."""
    issue, _ = resolved
    with translation.override("en"):
        beat(issue.resolved_at + dt.timedelta(days=6, minutes=1), django_capture_on_commit_callbacks)
    [body] = sms
    assert body.startswith(f"您反映的问题（编号 {issue.reference}）已办结，请在明天之前确认是否解决")


def test_the_link_in_the_reminder_still_lets_the_resident_answer(resolved, sms, django_capture_on_commit_callbacks):
    issue, token = resolved
    at = issue.resolved_at + dt.timedelta(days=6, minutes=1)
    beat(at, django_capture_on_commit_callbacks)
    assert len(sms) == 1
    with time_machine.travel(at, tick=False):
        html = Client(headers={"accept-language": "en"}).get(reverse("track", args=[token])).content.decode()
    assert "Is it solved?" in html
    assert "If we hear nothing from you within 7 days, the report is closed without a rating." in html


@pytest.mark.parametrize("answer", ["confirm", "reopen"])
def test_no_reminder_after_an_answer(resolved, sms, answer, django_capture_on_commit_callbacks):
    issue, _ = resolved
    with django_capture_on_commit_callbacks(execute=True):
        if answer == "confirm":
            services.confirm_issue(issue, rating=4)
        else:
            services.reopen_issue(issue, reason="灯还是不亮")
    sms.clear()
    for hours in (0, 1, 12):
        beat(issue.resolved_at + dt.timedelta(days=6, hours=hours, minutes=1), django_capture_on_commit_callbacks)
    assert sms == [] and reminders(issue) == []


def test_a_report_reopened_and_resolved_again_gets_a_new_reminder(
    world, resolved, sms, django_capture_on_commit_callbacks
):
    issue, _ = resolved
    first_round = issue.resolved_at
    day6 = first_round + dt.timedelta(days=6, minutes=1)
    beat(day6, django_capture_on_commit_callbacks)
    assert len(sms) == 1
    with (
        time_machine.travel(day6 + dt.timedelta(hours=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        issue = services.reopen_issue(issue, reason="灯还是不亮")
        issue = resolve(world, issue)  # a new round, resolved again at once
    assert issue.resolved_at > first_round
    beat(day6 + dt.timedelta(hours=2), django_capture_on_commit_callbacks)
    sms.clear()  # the reopening's and the resolution's messages, and no reminder this early
    assert len(reminders(issue)) == 1
    beat(issue.resolved_at + dt.timedelta(days=6, minutes=1), django_capture_on_commit_callbacks)
    [body] = sms
    assert issue.reference in body
    assert sorted(reminders(issue)) == sorted(
        [
            f"resident:confirm-reminder:{issue.pk}:{first_round.isoformat()}",
            f"resident:confirm-reminder:{issue.pk}:{issue.resolved_at.isoformat()}",
        ]
    )


def test_no_reminder_without_a_phone(world, sms, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        issue, _ = factories.issue(world.loc)
        issue = resolve(world, issue)
    at = issue.resolved_at + dt.timedelta(days=6, minutes=1)
    with time_machine.travel(at, tick=False):
        assert resident.due_for_reminder(at).count() == 0  # not picked again and again either
    beat(at, django_capture_on_commit_callbacks)
    assert sms == [] and not Notification.objects.filter(issue=issue, user=None).exists()
    assert beat(at + dt.timedelta(days=1), django_capture_on_commit_callbacks) == 1  # closed all the same


def test_with_one_day_to_answer_there_is_no_reminder(resolved, sms, settings, django_capture_on_commit_callbacks):
    settings.RESIDENT_CONFIRM_DAYS = 1
    issue, _ = resolved
    for minutes in (1, 60, 23 * 60):
        beat(issue.resolved_at + dt.timedelta(minutes=minutes), django_capture_on_commit_callbacks)
    assert sms == [] and reminders(issue) == []
    assert beat(issue.resolved_at + dt.timedelta(days=1, minutes=1), django_capture_on_commit_callbacks) == 1
    assert len(sms) == 1 and reminders(issue) == []  # only the closing


def test_two_sweepers_at_once_send_one_sms(resolved, sms, monkeypatch, django_capture_on_commit_callbacks):
    """The second sweeper reads the due issues before the first has written its reminders (so the
    NOT EXISTS does not hold it back) and writes them after: the unique key keeps one."""
    issue, _ = resolved
    at = issue.resolved_at + dt.timedelta(days=6, minutes=1)
    take = resident._taken_for_reminder

    def read_then_let_the_other_sweeper_finish(now, batch):
        taken = take(now, batch)
        monkeypatch.setattr(resident, "_taken_for_reminder", take)
        assert [i.pk for i in taken] == [issue.pk]
        assert resident.remind_unconfirmed(now=now) == 1  # the other one, start to finish
        return taken

    monkeypatch.setattr(resident, "_taken_for_reminder", read_then_let_the_other_sweeper_finish)
    with django_capture_on_commit_callbacks(execute=True):
        assert resident.remind_unconfirmed(now=at) == 1
    assert len(sms) == 1
    assert len(reminders(issue)) == 1


@pytest.mark.parametrize("due", [5, 50])
def test_the_sweep_makes_the_same_queries_however_many_are_due(
    world, due, settings, django_capture_on_commit_callbacks
):
    settings.RESIDENT_CONFIRM_DAYS = 7
    ids = [
        factories.issue(world.loc, route=False, reporter_phone=PHONE, description=f"路灯不亮 {n}")[0].pk
        for n in range(due + 2)
    ]
    now = timezone.now()
    Issue.objects.filter(pk__in=ids[:due]).update(
        status=Status.RESOLVED, resolved_at=now - dt.timedelta(days=6, hours=1)
    )
    # Not due: resolved too recently, or already past the closing time.
    Issue.objects.filter(pk=ids[due]).update(status=Status.RESOLVED, resolved_at=now - dt.timedelta(days=5))
    Issue.objects.filter(pk=ids[due + 1]).update(
        status=Status.RESOLVED, resolved_at=now - dt.timedelta(days=7, hours=1)
    )
    with CaptureQueriesContext(connection) as queries:
        assert resident.remind_unconfirmed(now=now) == due
    assert Notification.objects.filter(key__startswith="resident:confirm-reminder:").count() == due
    # A savepoint and its release around the two statements (the test runs in a transaction).
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 2, statements
    with CaptureQueriesContext(connection) as again:
        assert resident.remind_unconfirmed(now=now + dt.timedelta(minutes=15)) == 0  # none picked again
    assert len([q for q in again.captured_queries if "SAVEPOINT" not in q["sql"]]) == 1


def test_a_reminder_answered_before_it_could_be_sent_is_not_sent(resolved, sms, monkeypatch, world):
    """The gateway was down when the reminder was written; the resident confirmed meanwhile."""
    issue, _ = resolved
    monkeypatch.setattr(notify, "deliver_soon", lambda ids, inline: None)  # nothing sent yet
    monkeypatch.setattr(publish, "delivery", lambda ids: None)
    day_before = issue.resolved_at + dt.timedelta(days=6, hours=1)
    with time_machine.travel(day_before, tick=False):
        issue_tasks.close_unconfirmed()
        [row] = Notification.objects.filter(issue=issue, key__startswith="resident:confirm-reminder:")
        services.confirm_issue(Issue.objects.get(pk=issue.pk), rating=5, comment="")
        assert notify.deliver(row.pk) is True
    row.refresh_from_db()
    assert sms == [] and row.last_error == "no longer due" and row.sent_at is not None


SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def test_at_night_the_reminder_waits_for_the_morning(world, sms, settings, django_capture_on_commit_callbacks):
    settings.RESIDENT_QUIET_HOURS = (21, 8)
    evening = dt.datetime(2026, 11, 2, 22, 30, tzinfo=SHANGHAI)
    with time_machine.travel(evening, tick=False), django_capture_on_commit_callbacks(execute=True):
        issue, _ = factories.issue(world.loc, reporter_phone=PHONE, idempotency_key=KEY)
        issue = resolve(world, issue)
    assert len(sms) == 2  # given to a grid worker, resolved: news they wait for, at any hour
    sms.clear()
    beat(evening + dt.timedelta(days=6, minutes=15), django_capture_on_commit_callbacks)  # 22:45
    assert sms == [] and len(reminders(issue)) == 1  # written, held
    with time_machine.travel(evening + dt.timedelta(days=6, hours=2), tick=False):  # 00:30
        assert notify.pending_ids(older_than=dt.timedelta(), batch=100) == []
    with time_machine.travel(evening + dt.timedelta(days=6, hours=9, minutes=35), tick=False):  # 08:05
        _deliver_inline(None)
    [body] = sms
    assert issue.reference in body


@pytest.mark.parametrize(
    ("hours", "at", "quiet"),
    [
        ((21, 8), 20, False),
        ((21, 8), 21, True),
        ((21, 8), 3, True),
        ((21, 8), 8, False),
        ((1, 5), 2, True),
        (None, 3, False),
    ],
)
def test_quiet_hours_wrap_around_midnight(settings, hours, at, quiet):
    settings.RESIDENT_QUIET_HOURS = hours
    assert notify.quiet_hours(dt.datetime(2026, 11, 2, at, 0, tzinfo=SHANGHAI)) is quiet
