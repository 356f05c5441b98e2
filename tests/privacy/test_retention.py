"""Retention: a resident's name and phone are erased 180 days (PERSONAL_DATA_RETENTION_DAYS) after
their report ended, by the beat task, with an internal event; open reports keep them; statistics
do not change. Time is frozen and moved with time_machine."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from issues import stats
from issues.models import Issue, IssueEvent, Notification
from privacy import erasure
from privacy.tasks import erase_expired
from tests import factories

T0 = dt.datetime(2026, 1, 5, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(T0, tick=False)
    return lambda when: time_machine.move_to(when, tick=False)


def report(world, **kw) -> Issue:
    issue, _ = factories.issue(world.loc, kind="consult", reporter_name="王阿姨", reporter_phone="13800138000", **kw)
    return issue


def close(issue: Issue, when: dt.datetime) -> None:
    Issue.objects.filter(pk=issue.pk).update(status="closed", closed_at=when, rating=5, resolved_at=when)


def test_a_closed_reports_contact_is_erased_after_the_retention_period(world, clock):
    issue = report(world)
    close(issue, T0)
    clock(T0 + dt.timedelta(days=179, hours=23))
    assert erase_expired() == 0
    assert Issue.objects.get(pk=issue.pk).reporter_phone == "13800138000"

    clock(T0 + dt.timedelta(days=180, minutes=1))
    assert erase_expired() == 1
    issue.refresh_from_db()
    assert (issue.reporter_name, issue.reporter_phone) == ("", "")
    (event,) = IssueEvent.objects.filter(issue=issue, type=IssueEvent.Type.ERASED)
    assert event.is_public is False and event.actor is None and "180" in event.note
    assert not Notification.objects.filter(issue=issue, user__isnull=True).exclude(address="").exists()
    assert erase_expired() == 0  # once


def test_an_open_report_keeps_its_contact(world, clock):
    issue = report(world)
    clock(T0 + dt.timedelta(days=400))
    assert erase_expired() == 0
    assert Issue.objects.get(pk=issue.pk).reporter_phone == "13800138000"


def test_the_period_comes_from_the_settings(world, clock, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    issue = report(world)
    close(issue, T0)
    clock(T0 + dt.timedelta(days=31))
    assert erase_expired() == 1


def test_statistics_are_the_same_after_erasing(world, clock):
    for _ in range(3):
        close(report(world), T0 + dt.timedelta(days=1))
    before = stats.overall(Issue.objects.all(), now=T0 + dt.timedelta(days=200))
    clock(T0 + dt.timedelta(days=200))
    assert erase_expired() == 3
    after = stats.overall(Issue.objects.all(), now=T0 + dt.timedelta(days=200))
    assert after == before


def test_one_persons_data_is_found_and_erased_on_request_audited(world, clock, capsys):
    mine = report(world)
    other, _ = factories.issue(world.loc, kind="consult", reporter_phone="13900000000")
    call_command("erase_person", phone="13800138000", actor=world.head.username)
    assert mine.reference in capsys.readouterr().out
    assert Issue.objects.get(pk=mine.pk).reporter_phone == "13800138000"  # listing changes nothing

    call_command("erase_person", phone="13800138000", actor=world.head.username, erase=True)
    assert "1 report(s) erased" in capsys.readouterr().out
    assert Issue.objects.get(pk=mine.pk).reporter_phone == ""
    assert Issue.objects.get(pk=other.pk).reporter_phone == "13900000000"
    (event,) = IssueEvent.objects.filter(issue=mine, type=IssueEvent.Type.ERASED)
    assert event.actor == world.head


def test_a_request_without_phone_or_name_is_refused_and_changes_nothing(world):
    from django.core.management.base import CommandError

    report(world)
    with pytest.raises(CommandError, match="Give --phone or --name"):
        call_command("erase_person", actor=world.head.username, erase=True)
    assert not IssueEvent.objects.filter(type=IssueEvent.Type.ERASED).exists()
    assert erasure.find_person().count() == 0


def test_the_report_form_says_how_long_contacts_are_kept(client, world, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 90
    page = client.get(f"/q/{world.loc.qr_token}/", headers={"accept-language": "en"}).content.decode()
    assert "for 90 days after it ends" in page


def test_a_sign_ups_contact_is_erased_after_the_event_by_the_same_period(world, clock):
    """Sign-up contacts too (issue 19): name, phone and year of birth, PERSONAL_DATA_RETENTION_DAYS
    after the event ends, with an entry in the event's log; the seats stay counted."""
    from community import services as community
    from community.models import Activity, ActivityLog, SignUp

    start = T0 + dt.timedelta(days=2)
    activity = Activity.objects.create(
        workstation=world.ws,
        title="创业者沙龙",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        place_text="梧桐院",
        capacity=5,
        status=Activity.Status.PUBLISHED,
    )
    signup, _token = community.sign_up(activity, name="李伯伯", phone="13900139000", seats=2)
    Notification.objects.create(key=f"community:test:{signup.pk}", channel="sms", address="13900139000", body="x")
    ended = activity.ends_at

    clock(ended + dt.timedelta(days=179))
    erase_expired()
    signup.refresh_from_db()
    assert (signup.name, signup.phone) == ("李伯伯", "13900139000")

    clock(ended + dt.timedelta(days=180, minutes=1))
    erase_expired()
    signup.refresh_from_db()
    assert (signup.name, signup.phone, signup.birth_year, signup.seats) == ("", "", None, 2)
    (entry,) = ActivityLog.objects.filter(signup=signup, type=ActivityLog.Type.ERASED)
    assert entry.actor is None and "180" in entry.note
    assert not Notification.objects.filter(key__startswith="community:", address="13900139000").exists()
    erase_expired()
    assert ActivityLog.objects.filter(signup=signup, type=ActivityLog.Type.ERASED).count() == 1  # once
    assert SignUp.objects.filter(activity=activity).count() == 1
