"""Deadlines on real dates of the Chinese working calendar (chinese_calendar + WorkdayOverride),
the 80 % reminders, and the clock that stops while an issue is on hold."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from issues import sla
from issues.models import SLAPolicy, WorkdayOverride

SH = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=SH)


@pytest.fixture(autouse=True)
def no_policies(db):
    """Start from DEFAULT_TARGETS, whatever a data migration seeded."""
    SLAPolicy.objects.all().delete()


# (e) One working day for a consult, across weekends, public holidays and 调休 make-up working days.
CONSULT_TABLE = [
    # received, due, why
    (at(2025, 11, 14, 16, 30), at(2025, 11, 17, 16, 30), "a plain Friday: due on Monday"),
    (at(2025, 1, 24), at(2025, 1, 26), "Sunday 2025-01-26 is a Spring Festival make-up working day"),
    (at(2025, 1, 27), at(2025, 2, 5), "Spring Festival 2025-01-28 .. 02-04"),
    (at(2025, 4, 25), at(2025, 4, 27), "Sunday 2025-04-27 is a Labour Day make-up working day"),
    (at(2025, 4, 30), at(2025, 5, 6), "Labour Day 2025-05-01 .. 05-05"),
    (at(2025, 9, 26, 11), at(2025, 9, 28, 11), "Sunday 2025-09-28 is a National Day make-up working day"),
    (at(2025, 9, 30, 17), at(2025, 10, 9, 17), "National Day 2025-10-01 .. 10-08"),
    (at(2025, 10, 10, 11), at(2025, 10, 11, 11), "Saturday 2025-10-11 is a make-up working day"),
    (at(2025, 12, 31), at(2026, 1, 4), "New Year 2026-01-01 .. 01-03; Sunday 01-04 is worked"),
    (at(2026, 2, 13, 9), at(2026, 2, 14, 9), "Saturday 2026-02-14 is worked before the Spring Festival"),
    (at(2026, 2, 15, 9), at(2026, 2, 24, 9), "received during the 2026 Spring Festival (02-15 .. 02-23)"),
    (at(2026, 2, 27), at(2026, 2, 28), "Saturday 2026-02-28 is worked after it"),
    (at(2026, 4, 30), at(2026, 5, 6), "Labour Day 2026-05-01 .. 05-05"),
    (at(2026, 5, 8), at(2026, 5, 9), "Saturday 2026-05-09 is worked"),
    (at(2026, 9, 30), at(2026, 10, 8), "National Day 2026-10-01 .. 10-07"),
    (at(2026, 10, 9), at(2026, 10, 10), "Saturday 2026-10-10 is worked"),
    (dt.datetime(2025, 11, 14, 17, 0, tzinfo=dt.UTC), at(2025, 11, 17, 1), "the Shanghai date counts, not UTC's"),
    (at(2026, 12, 31), at(2027, 1, 1), "2027 is unknown to the package: Monday to Friday"),
    (at(2027, 1, 1), at(2027, 1, 4), "a Friday in 2027: due on Monday"),
]


@pytest.mark.parametrize(("received", "due", "why"), CONSULT_TABLE, ids=[row[2] for row in CONSULT_TABLE])
def test_consult_deadlines_on_the_chinese_calendar(received, due, why):
    assert sla.deadlines("consult", received) == (None, due)


# A later year through the override table: what the administrator enters for 2027.
OVERRIDES_2027 = [(dt.date(2027, 1, 1), False), (dt.date(2027, 2, 6), True)] + [
    (dt.date(2027, 2, d), False) for d in range(8, 13)
]


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (at(2026, 12, 31), at(2027, 1, 4)),  # New Year 2027 entered as a holiday
        (at(2027, 2, 5), at(2027, 2, 6)),  # Saturday 2027-02-06 entered as a make-up working day
        (at(2027, 2, 6), at(2027, 2, 15)),  # Spring Festival 2027 entered as holidays (02-08 .. 02-12)
    ],
)
def test_a_year_the_package_does_not_know_is_handled_through_the_override_table(received, due):
    WorkdayOverride.objects.bulk_create([WorkdayOverride(date=d, is_workday=w) for d, w in OVERRIDES_2027])
    assert sla.deadlines("consult", received)[1] == due


def test_a_workday_override_wins_over_the_calendar_package():
    WorkdayOverride.objects.create(date=dt.date(2025, 10, 9), is_workday=False)
    assert sla.deadlines("consult", at(2025, 9, 30, 17, 0))[1] == at(2025, 10, 10, 17, 0)


def test_complex_counts_twenty_working_days_by_default():
    # From Wednesday 2026-09-30: National Day, then the make-up Saturday 10-10 counts.
    assert sla.deadlines("complex", at(2026, 9, 30)) == (at(2026, 10, 9), at(2026, 11, 3))


def test_urgent_counts_around_the_clock_even_on_a_sunday_night():
    plan = sla.plan("urgent", "normal", at(2026, 3, 1, 23, 0))  # a Sunday, and late
    assert (plan.accept_due_at, plan.arrive_due_at, plan.resolve_due_at) == (
        at(2026, 3, 1, 23, 10),
        at(2026, 3, 1, 23, 30),
        at(2026, 3, 2, 3, 0),
    )


def test_high_priority_has_its_own_targets():
    normal = sla.plan("urgent", "normal", at(2026, 3, 2, 9))
    high = sla.plan("urgent", "high", at(2026, 3, 2, 9))
    assert (high.accept_due_at, high.arrive_due_at, high.resolve_due_at) == (
        at(2026, 3, 2, 9, 5),
        at(2026, 3, 2, 9, 20),
        at(2026, 3, 2, 11),
    )
    assert normal.resolve_due_at == at(2026, 3, 2, 13)


def test_a_policy_row_overrides_the_defaults_and_a_missing_priority_falls_back_to_normal():
    SLAPolicy.objects.create(kind="community", priority="normal", unit="days", accept_within=1, resolve_within=14)
    assert sla.deadlines("community", at(2026, 2, 13)) == (at(2026, 2, 14), at(2026, 2, 27))
    assert sla.deadlines("community", at(2026, 2, 13), priority="high")[1] == at(2026, 2, 27)
    SLAPolicy.objects.create(kind="community", priority="high", unit="minutes", resolve_within=60)
    assert sla.deadlines("community", at(2026, 2, 13), priority="high") == (None, at(2026, 2, 13, 11))


def test_calendar_days_ignore_holidays():
    SLAPolicy.objects.create(kind="complex", unit="days", resolve_within=30)
    assert sla.deadlines("complex", at(2025, 9, 30, 15, 20)) == (None, at(2025, 10, 30, 15, 20))


# --- 80 % reminders ------------------------------------------------------------------------------


def test_urgent_reminders_fall_at_80_percent_of_each_deadline():
    plan = sla.plan("urgent", "normal", at(2026, 3, 2, 9, 0))
    assert (plan.accept_remind_at, plan.arrive_remind_at, plan.resolve_remind_at) == (
        at(2026, 3, 2, 9, 8),
        at(2026, 3, 2, 9, 24),
        at(2026, 3, 2, 12, 12),
    )


def test_a_working_day_reminder_counts_only_working_time():
    # Friday 16:30 → Monday 16:30 is 24 working hours (7.5 on Friday, 16.5 on Monday); 80 % is
    # 19.2 hours: 7.5 on Friday, then 11.7 on Monday, at 11:42. Never on the weekend.
    plan = sla.plan("consult", "normal", at(2025, 11, 14, 16, 30))
    assert plan.resolve_remind_at == at(2025, 11, 17, 11, 42)


# --- The working clock --------------------------------------------------------------------------


def test_working_time_skips_holidays_and_counts_make_up_days():
    cal = sla.WorkCalendar()
    # From Tuesday 2025-09-30 12:00, 18 working hours: 12 on 09-30, then 6 on Thursday 10-09.
    assert cal.add_working_time(at(2025, 9, 30, 12), dt.timedelta(hours=18)) == at(2025, 10, 9, 6)
    assert cal.working_time_between(at(2025, 9, 30, 12), at(2025, 10, 9, 6)) == dt.timedelta(hours=18)
    # Saturday 2025-10-11 is a working day: 24 hours of it.
    assert cal.working_time_between(at(2025, 10, 11, 0), at(2025, 10, 12, 0)) == dt.timedelta(hours=24)
    assert cal.working_time_between(at(2025, 10, 12, 0), at(2025, 10, 13, 0)) == dt.timedelta()


def test_the_override_rows_are_read_once_per_year(django_assert_num_queries):
    cal = sla.WorkCalendar()
    with django_assert_num_queries(2):
        cal.add_working_days(at(2026, 12, 1), 40)  # into 2027: one query per year
        cal.add_working_days(at(2026, 12, 2), 40)
