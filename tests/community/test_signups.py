"""Sign-ups: whole requests, reserved seats, the waiting list, offers and their expiry under
frozen time, cancellation and promotion, and the refusals (each: message, nothing changed, no
log entry)."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from community import services
from community.models import ActivityLog, SignUp
from issues.escalation import sla_sweep
from issues.models import Notification

from .conftest import make_activity

pytestmark = pytest.mark.django_db


def statuses(activity) -> list[tuple[str, int, str]]:
    return [(s.name, s.seats, s.status) for s in activity.signups.order_by("created_at", "id")]


def test_a_request_that_fits_is_confirmed_and_gets_a_page_and_a_code(activity):
    signup, token = services.sign_up(activity, name="王阿姨", phone="138 1234 5678", seats=2)
    assert signup.status == SignUp.Status.CONFIRMED
    assert signup.phone == "13812345678"
    assert len(signup.checkin_code) == 6
    assert services.find_signup(token) == signup
    assert services.find_signup("not-the-token") is None
    assert services.seats_of(activity).held == 2


def test_a_household_request_is_taken_whole_or_waits_whole(activity):
    services.sign_up(activity, name="A", seats=2)
    family, _ = services.sign_up(activity, name="B", seats=2)  # 1 seat left: B waits, whole
    assert family.status == SignUp.Status.WAITING
    single, _ = services.sign_up(activity, name="C", seats=1)
    # Strict first come, first served: C does not jump the household on the list... but the free
    # seat is free at sign-up time, so C takes it (nothing was offered yet).
    assert single.status == SignUp.Status.CONFIRMED
    assert services.seats_of(activity).held == 3
    assert services.seats_of(activity).waiting == 2


def test_reserved_seats_are_kept_for_the_group(world):
    activity = make_activity(world.ws, capacity=4, reserved_seats=2, reserved_for="结对单位")
    services.sign_up(activity, name="A", seats=2)
    other, _ = services.sign_up(activity, name="B", seats=1)
    assert other.status == SignUp.Status.WAITING  # the other 2 seats are reserved
    unit, _ = services.sign_up(activity, name="结对单位甲", seats=2, in_reserved_group=True)
    assert unit.status == SignUp.Status.CONFIRMED
    assert unit.in_reserved_group


def test_the_group_may_also_take_general_seats(world):
    activity = make_activity(world.ws, capacity=4, reserved_seats=1, reserved_for="60岁以上")
    unit, _ = services.sign_up(activity, name="老张", seats=3, in_reserved_group=True)
    assert unit.status == SignUp.Status.CONFIRMED
    late, _ = services.sign_up(activity, name="B", seats=1)
    assert late.status == SignUp.Status.CONFIRMED  # the reserved seat is used by the group already


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"seats": 0}, "at least 1 seat"),
        ({"seats": -2}, "at least 1 seat"),
        ({"seats": "two"}, "as a number"),
        ({"seats": 9}, "at most 4 seats"),
        ({"phone": "+1 415 555 0100"}, "mobile number like 13812345678"),
        ({"name": "  "}, "write your name"),
    ],
)
def test_bad_requests_are_refused_in_plain_words_and_change_nothing(activity, fields, message):
    with pytest.raises(services.CommunityError) as refused:
        services.sign_up(activity, **{"name": "王", **fields})
    assert message in refused.value.message
    assert not SignUp.objects.exists()
    assert not ActivityLog.objects.exists()


def test_no_sign_up_after_the_window_or_once_the_event_started(world):
    closed = make_activity(world.ws, signup_closes_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(services.CommunityError, match="closed"):
        services.sign_up(closed, name="王")
    started = make_activity(world.ws)
    with pytest.raises(services.CommunityError, match="already started"):
        services.sign_up(started, name="王", now=started.starts_at + dt.timedelta(minutes=1))
    assert not SignUp.objects.exists()
    assert not ActivityLog.objects.exists()


def test_a_freed_seat_is_offered_to_the_first_in_line_by_sms_and_expires_through_the_sweep(activity):
    first, _ = services.sign_up(activity, name="A", seats=3)
    waiting1, _ = services.sign_up(activity, name="B", phone="13900000001", seats=1)
    waiting2, _ = services.sign_up(activity, name="C", phone="13900000002", seats=1)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        services.cancel_signup(first)
        waiting1.refresh_from_db()
        waiting2.refresh_from_db()
        assert waiting1.status == SignUp.Status.OFFERED
        assert waiting1.offer_expires_at == timezone.now() + dt.timedelta(hours=12)
        # Three seats freed, both waiting fit: both offered, in order.
        assert waiting2.status == SignUp.Status.OFFERED
        sms = Notification.objects.get(address="13900000001")
        assert sms.channel == "sms" and "/e/s/" in sms.body
        clock.shift(dt.timedelta(hours=11, minutes=59))
        sla_sweep()
        waiting1.refresh_from_db()
        assert waiting1.status == SignUp.Status.OFFERED
        clock.shift(dt.timedelta(minutes=2))
        result = sla_sweep()
        assert result["offers_expired"] == 2
        waiting1.refresh_from_db()
        assert waiting1.status == SignUp.Status.EXPIRED


def test_an_expired_offer_passes_to_the_next_in_line(activity):
    holder, _ = services.sign_up(activity, name="A", seats=3)
    b, _ = services.sign_up(activity, name="B", seats=1)
    c, _ = services.sign_up(activity, name="C", seats=1)
    services.change_capacity(activity, capacity=4, actor=_organiser(activity))
    b.refresh_from_db()
    c.refresh_from_db()
    assert (b.status, c.status) == (SignUp.Status.OFFERED, SignUp.Status.WAITING)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=13)):
        sla_sweep()
        b.refresh_from_db()
        c.refresh_from_db()
        assert b.status == SignUp.Status.EXPIRED
        assert c.status == SignUp.Status.OFFERED
        services.accept_offer(c)
    c.refresh_from_db()
    assert c.status == SignUp.Status.CONFIRMED
    assert holder.seats + c.seats == services.seats_of(activity).held == 4


def test_accepting_too_late_is_refused_even_before_the_sweep(activity):
    services.sign_up(activity, name="A", seats=3)
    b, _ = services.sign_up(activity, name="B", seats=1)
    services.change_capacity(activity, capacity=4, actor=_organiser(activity))
    b.refresh_from_db()
    with pytest.raises(services.CommunityError, match="time to accept"):
        services.accept_offer(b, now=timezone.now() + dt.timedelta(hours=12, seconds=1))
    b.refresh_from_db()
    assert b.status == SignUp.Status.OFFERED


def test_the_head_of_the_list_is_not_passed_over(activity):
    services.sign_up(activity, name="A", seats=2)
    one, _ = services.sign_up(activity, name="B", seats=1)
    family, _ = services.sign_up(activity, name="C", seats=4)
    later, _ = services.sign_up(activity, name="D", seats=1)
    assert (family.status, later.status) == (SignUp.Status.WAITING, SignUp.Status.WAITING)
    services.cancel_signup(one)  # 1 seat free; C (4) is first in line and does not fit
    later.refresh_from_db()
    assert later.status == SignUp.Status.WAITING
    assert services.waiting_position(later) == 2


def test_lowering_capacity_below_the_seats_taken_is_refused(activity):
    services.sign_up(activity, name="A", seats=3)
    with pytest.raises(services.CommunityError, match="3 seats are already taken"):
        services.change_capacity(activity, capacity=2, actor=_organiser(activity))
    activity.refresh_from_db()
    assert activity.capacity == 3
    assert not ActivityLog.objects.filter(type=ActivityLog.Type.CHANGED).exists()


def test_a_cancelled_event_tells_everyone_signed_up(activity):
    services.sign_up(activity, name="A", phone="13900000001", seats=3)
    services.sign_up(activity, name="B", phone="13900000002", seats=1)
    services.sign_up(activity, name="C", seats=1)
    services.cancel_activity(activity, actor=_organiser(activity), reason="台风预警")
    assert set(activity.signups.values_list("status", flat=True)) == {SignUp.Status.CANCELLED}
    told = Notification.objects.filter(key__startswith="community:event-cancelled:")
    assert sorted(told.values_list("address", flat=True)) == ["13900000001", "13900000002"]
    assert all("台风预警" in n.body for n in told)
    with pytest.raises(services.CommunityError, match="cancelled"):
        services.sign_up(activity, name="D")


def test_only_organisers_may_change_an_event(world, activity):
    with pytest.raises(services.CommunityError, match="organisers"):
        services.change_capacity(activity, capacity=10, actor=world.outsider)
    with pytest.raises(services.CommunityError, match="organisers"):
        services.show_phones(activity, actor=world.worker)
    assert not ActivityLog.objects.exists()


def test_approval_events_hold_no_seat_until_approved(world):
    activity = make_activity(world.ws, capacity=1, eligibility="approval")
    a, _ = services.sign_up(activity, name="A")
    b, _ = services.sign_up(activity, name="B")
    assert (a.status, b.status) == ("pending", "pending")
    services.decide_signup(b, approve=True, actor=world.staff)
    services.decide_signup(a, approve=True, actor=world.staff)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (b.status, a.status) == (SignUp.Status.CONFIRMED, SignUp.Status.WAITING)


def _organiser(activity):
    from tests import factories
    from workstations.models import Role

    return factories.user(role=Role.Kind.STAFF, workstation=activity.workstation)
