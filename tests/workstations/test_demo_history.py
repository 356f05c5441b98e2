"""`seed_demo --history`: twelve weeks of past reports, lived through the real services, so that a
first login finds a desk, statistics and 一类事 with data; a second run adds nothing."""

import io

import pytest
from django.core.management import call_command
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from issues.lifecycle import OPEN_STATUSES
from issues.models import Dispatch, Issue, IssueEvent, Notification
from workstations import demo_history

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def history(db):
    """One full history (it takes seconds), rolled back with the test like any other data."""
    yield {"out": seed("--history")}
    # The rows roll back with the test, but what the seed put in the shared cache (configuration
    # versions, rate-limit counters) does not: later tests must not read it.
    from django.core.cache import cache

    cache.clear()


def history_issues():
    return Issue.objects.filter(idempotency_key__startswith=demo_history.KEY_PREFIX)


def it_seeds_about_300_reports_over_twelve_weeks(history):
    """Its time (under 30 s on SQLite) is measured by bench/demo_history.py, not here."""
    assert "300 past reports" in history["out"]
    issues = history_issues()
    assert issues.count() == 300
    oldest = issues.order_by("created_at").first().created_at
    assert dt_weeks(timezone.now() - oldest) > 10
    assert {kind for kind in issues.values_list("kind", flat=True)} == {"consult", "urgent", "complex", "community"}


def dt_weeks(delta) -> float:
    return delta.total_seconds() / (7 * 86400)


def it_holds_every_state_the_desk_and_statistics_show(history):
    issues = history_issues()
    assert issues.filter(status="closed").exclude(rating=None).count() > 50  # rated
    assert issues.filter(status="closed", rating=None).exists()  # closed without the resident's answer
    assert issues.filter(status__in=OPEN_STATUSES).count() > 20  # work on the desk
    assert issues.filter(status="resolved").exists()  # waiting for the resident
    assert issues.filter(status="declined").exists()
    assert issues.filter(events__type=IssueEvent.Type.REOPENED).distinct().count() > 5
    escalated = issues.filter(events__type=IssueEvent.Type.ESCALATED).distinct()
    assert escalated.filter(status__in=OPEN_STATUSES).exists()  # overdue and escalated now
    done = Dispatch.objects.filter(issue__in=issues, status=Dispatch.Status.DONE)
    assert done.filter(done_at__gt=F("due_at")).exists() and done.filter(done_at__lte=F("due_at")).exists()


def its_events_and_times_are_in_the_past_and_in_order(history):
    now = timezone.now()
    events = IssueEvent.objects.filter(issue__in=history_issues())
    assert not events.filter(created_at__gt=now).exists()
    assert not events.filter(created_at__lt=F("issue__created_at")).exists()
    closed = history_issues().filter(status="closed")
    assert not closed.filter(closed_at__lt=F("created_at")).exists()


def its_past_messages_count_as_delivered(history):
    assert not Notification.objects.filter(issue__in=history_issues(), sent_at=None).exists()


def a_second_run_adds_nothing(history):
    before = (Issue.objects.count(), IssueEvent.objects.count())
    assert "past reports" not in seed("--history")
    assert (Issue.objects.count(), IssueEvent.objects.count()) == before


def the_demo_desk_stats_and_themes_are_populated(history):
    staff = Client()
    staff.force_login(history_issues().first().workstation.roles.get(user__username="demo-staff").user)
    desk = staff.get(reverse("staff_dashboard")).content.decode()
    assert desk.count("TP-") >= 20
    stats = staff.get(reverse("stats")).content.decode()
    assert "TP-" in stats or "<table" in stats
    themes = staff.get(reverse("themes")).content.decode()
    assert "Nothing recurring in this window." not in themes and "这段时间没有反复出现的事" not in themes


def test_the_demo_history(history):
    """One seed (seconds long) checked from every side."""
    it_seeds_about_300_reports_over_twelve_weeks(history)
    it_holds_every_state_the_desk_and_statistics_show(history)
    its_events_and_times_are_in_the_past_and_in_order(history)
    its_past_messages_count_as_delivered(history)
    a_second_run_adds_nothing(history)
    the_demo_desk_stats_and_themes_are_populated(history)
