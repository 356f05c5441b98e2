"""Deadlines on real dates of the Chinese working calendar (chinese_calendar + WorkdayOverride)."""

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


def test_urgent_must_be_accepted_in_10_minutes_and_resolved_in_4_hours():
    assert sla.deadlines("urgent", at(2026, 3, 2, 9, 0)) == (at(2026, 3, 2, 9, 10), at(2026, 3, 2, 13, 0))


def test_urgent_counts_around_the_clock_even_on_a_sunday_night():
    # 2026-03-01 is a Sunday.
    accept, resolve = sla.deadlines("urgent", at(2026, 3, 1, 23, 0))
    assert accept == at(2026, 3, 1, 23, 10)
    assert resolve == at(2026, 3, 2, 3, 0)


def test_complex_is_30_calendar_days_even_across_a_holiday():
    assert sla.deadlines("complex", at(2025, 9, 30, 15, 20)) == (None, at(2025, 10, 30, 15, 20))


def test_community_is_14_calendar_days():
    assert sla.deadlines("community", at(2026, 2, 13)) == (None, at(2026, 2, 27))


def test_consult_has_no_accept_deadline():
    accept, _ = sla.deadlines("consult", at(2025, 11, 12))
    assert accept is None


def test_consult_on_a_plain_friday_is_due_on_monday_at_the_same_time():
    assert sla.deadlines("consult", at(2025, 11, 14, 16, 30))[1] == at(2025, 11, 17, 16, 30)


def test_consult_on_the_eve_of_national_day_is_due_after_the_holiday():
    # 2025-10-01 .. 10-08 are holidays; Thursday 10-09 is the first working day.
    assert sla.deadlines("consult", at(2025, 9, 30, 17, 0))[1] == at(2025, 10, 9, 17, 0)


def test_a_sunday_make_up_working_day_counts():
    # Friday 2025-09-26; Saturday 27 is a rest day; Sunday 28 is a 调休 working day.
    assert sla.deadlines("consult", at(2025, 9, 26, 11, 0))[1] == at(2025, 9, 28, 11, 0)


def test_a_saturday_make_up_working_day_counts():
    # Friday 2025-10-10; Saturday 10-11 is a 调休 working day.
    assert sla.deadlines("consult", at(2025, 10, 10, 11, 0))[1] == at(2025, 10, 11, 11, 0)


def test_consult_during_the_2026_spring_festival_is_due_after_it():
    # 2026-02-15 .. 02-23 are holidays; Tuesday 02-24 is the first working day.
    assert sla.deadlines("consult", at(2026, 2, 15, 9, 0))[1] == at(2026, 2, 24, 9, 0)


def test_the_saturday_before_the_2026_spring_festival_is_a_working_day():
    # Friday 2026-02-13; Saturday 02-14 is a 调休 working day.
    assert sla.deadlines("consult", at(2026, 2, 13, 9, 0))[1] == at(2026, 2, 14, 9, 0)


def test_working_days_are_counted_on_the_shanghai_calendar():
    # 17:00 UTC on Friday is 01:00 on Saturday in Shanghai: due Monday 01:00, not Saturday.
    start = dt.datetime(2025, 11, 14, 17, 0, tzinfo=dt.UTC)
    assert sla.deadlines("consult", start)[1] == at(2025, 11, 17, 1, 0)


def test_a_year_the_calendar_does_not_know_falls_back_to_monday_to_friday():
    # chinese_calendar 1.11 knows 2004-2026; 2027-01-01 is a Friday.
    assert sla.deadlines("consult", at(2026, 12, 31))[1] == at(2027, 1, 1)
    assert sla.deadlines("consult", at(2027, 1, 1))[1] == at(2027, 1, 4)


def test_a_workday_override_marks_a_date_the_calendar_does_not_know_as_a_holiday():
    WorkdayOverride.objects.create(date=dt.date(2027, 1, 1), is_workday=False, note="New Year 2027")
    assert sla.deadlines("consult", at(2026, 12, 31))[1] == at(2027, 1, 4)


def test_a_workday_override_makes_a_weekend_day_a_working_day():
    WorkdayOverride.objects.create(date=dt.date(2027, 1, 2), is_workday=True, note="make-up day")
    assert sla.deadlines("consult", at(2027, 1, 1))[1] == at(2027, 1, 2)


def test_a_workday_override_wins_over_the_calendar_package():
    WorkdayOverride.objects.create(date=dt.date(2025, 10, 9), is_workday=False)
    assert sla.deadlines("consult", at(2025, 9, 30, 17, 0))[1] == at(2025, 10, 10, 17, 0)


def test_an_sla_policy_row_overrides_the_defaults():
    SLAPolicy.objects.update_or_create(
        kind="urgent", defaults={"unit": "minutes", "accept_within": 5, "resolve_within": 60}
    )
    assert sla.deadlines("urgent", at(2026, 3, 2, 9, 0)) == (at(2026, 3, 2, 9, 5), at(2026, 3, 2, 10, 0))


def test_an_sla_policy_can_count_working_days_for_another_kind():
    SLAPolicy.objects.update_or_create(
        kind="complex", defaults={"unit": "working_days", "accept_within": 1, "resolve_within": 2}
    )
    assert sla.deadlines("complex", at(2025, 9, 30, 17, 0)) == (at(2025, 10, 9, 17, 0), at(2025, 10, 10, 17, 0))


def test_the_defaults_apply_when_no_policy_row_exists():
    assert not SLAPolicy.objects.exists()
    assert sla.deadlines("community", at(2026, 3, 2)) == (None, at(2026, 3, 16))
