"""Meetings: typed outcomes, decisions that create action items, minutes confirmed once by each
attendee, final minutes never edited but amended, the resident summary on the reports'
timelines, and overdue items carried onto the next agenda."""

import pytest
import time_machine

from cowork import services
from cowork.models import ActionItem, AgendaItem, Meeting, MinutesConfirmation
from issues.models import IssueEvent

from .conftest import in_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(cast, case):
    return services.create_meeting(
        case,
        actor=cast.world.staff,
        held_at=in_days(0),
        place="梧桐片区会议室",
        attendees=[cast.world.staff, cast.power_liaison],
        units=[cast.power, cast.estate],
    )


def test_a_decision_names_its_unit_and_deadline_and_creates_an_action_item(cast, meeting):
    item = services.add_agenda_item(
        meeting,
        actor=cast.world.staff,
        title="供电所负责分表",
        outcome="decision",
        responsible_unit=cast.power,
        due_at=in_days(10),
    )
    assert item.action.owner_unit == cast.power and item.action.title == "供电所负责分表"
    services.add_agenda_item(meeting, actor=cast.world.staff, title="通报现场勘查情况")
    assert ActionItem.objects.count() == 1


def test_a_decision_without_a_responsible_unit_or_with_a_past_deadline_is_refused(cast, meeting):
    with pytest.raises(services.CaseError, match="responsible unit"):
        services.add_agenda_item(meeting, actor=cast.world.staff, title="x", outcome="decision", due_at=in_days(3))
    with pytest.raises(services.CaseError, match="future"):
        services.add_agenda_item(
            meeting,
            actor=cast.world.staff,
            title="x",
            outcome="decision",
            responsible_unit=cast.power,
            due_at=in_days(-1),
        )
    with pytest.raises(services.CaseError, match="not a unit of this case"):
        services.add_agenda_item(
            meeting,
            actor=cast.world.staff,
            title="x",
            outcome="decision",
            responsible_unit=cast.stranger_unit,
            due_at=in_days(3),
        )
    assert not AgendaItem.objects.exists() and not ActionItem.objects.exists()


def test_minutes_are_confirmed_once_by_each_attendee_then_final_and_published(cast, case, meeting):
    services.write_minutes(
        meeting, actor=cast.world.staff, minutes="内部纪要：费用争议", resident_summary="会议商定分表方案"
    )
    services.confirm_minutes(meeting, actor=cast.world.staff)
    with pytest.raises(services.CaseError, match="already"):
        services.confirm_minutes(meeting, actor=cast.world.staff)
    with pytest.raises(services.CaseError, match="attendees"):
        services.confirm_minutes(meeting, actor=cast.estate_liaison)
    assert MinutesConfirmation.objects.filter(meeting=meeting).count() == 1
    with pytest.raises(services.CaseError, match="Every attendee"):
        services.finalise_minutes(meeting, actor=cast.world.staff)
    services.confirm_minutes(meeting, actor=cast.power_liaison)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CONFIRMED
    services.finalise_minutes(meeting, actor=cast.world.staff)
    for issue in cast.issues:
        public = issue.events.filter(type=IssueEvent.Type.MILESTONE, is_public=True)
        assert list(public.values_list("note", flat=True)) == ["会议商定分表方案"]
        assert not issue.events.filter(note__contains="费用争议").exists()


def test_final_minutes_cannot_be_edited_only_amended(cast, meeting):
    services.write_minutes(meeting, actor=cast.world.staff, minutes="m", resident_summary="s")
    for person in (cast.world.staff, cast.power_liaison):
        services.confirm_minutes(meeting, actor=person)
    services.finalise_minutes(meeting, actor=cast.world.staff)
    with pytest.raises(services.CaseError, match="final"):
        services.write_minutes(meeting, actor=cast.world.staff, minutes="changed", resident_summary="s")
    with pytest.raises(services.CaseError, match="final"):
        services.add_agenda_item(meeting, actor=cast.world.staff, title="late addition")
    meeting.refresh_from_db()
    assert meeting.minutes == "m" and not meeting.agenda.exists()
    amended = services.amend_meeting(meeting, actor=cast.world.staff)
    assert (amended.version, amended.amends, amended.status) == (2, meeting, "draft")
    services.write_minutes(amended, actor=cast.world.staff, minutes="m2", resident_summary="s")
    meeting.refresh_from_db()
    assert meeting.minutes == "m" and meeting.status == "final"


def test_overdue_action_items_are_carried_onto_the_next_meeting(cast, case):
    late = services.add_action(
        case, actor=cast.world.staff, title="电表箱移位", owner_unit=cast.estate, due_at=in_days(2)
    )
    services.add_action(case, actor=cast.world.staff, title="not yet due", owner_unit=cast.power, due_at=in_days(9))
    with time_machine.travel(in_days(3)):
        meeting = services.create_meeting(case, actor=cast.world.staff, held_at=in_days(3), place="会议室")
    carried = list(meeting.agenda.all())
    assert [(i.action, i.carried_over, i.responsible_unit) for i in carried] == [(late, True, cast.estate)]
