"""Reserved seats beyond a tick-box: an event keeps them for residents of a minimum age (the
year of birth is asked) or for people of one of its partner units (the unit is chosen); the
organisers see what entitles each reserved sign-up and check it at the door. Refusals: the
message, what was typed kept, nothing written, no log entry."""

import datetime as dt

import pytest
from django.utils import timezone

from community import services
from community.models import Activity, ActivityLog, SignUp
from tests import factories

from .conftest import make_activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def elders(world) -> Activity:
    # Capacity 3, of which 2 for residents aged 60 or over in the year of the event.
    return make_activity(
        world.ws, capacity=3, reserved_seats=2, reserved_for="60岁以上居民", reserved_group="age", reserved_min_age=60
    )


@pytest.fixture
def salon(world) -> tuple[Activity, object, object]:
    activity = make_activity(world.ws, capacity=3, reserved_seats=2, reserved_for="结对单位", reserved_group="partner")
    partner = factories.department(world.ws.subdistrict, name="区就业促进中心", category="bureau")
    other = factories.department(world.ws.subdistrict, name="区建管委", category="bureau")
    activity.partners.add(partner)
    return activity, partner, other


def test_a_resident_old_enough_takes_a_reserved_seat(elders):
    year = elders.starts_at.year
    signup, _ = services.sign_up(elders, name="王阿姨", seats=2, in_reserved_group=True, birth_year=str(year - 60))
    assert signup.status == SignUp.Status.CONFIRMED and signup.in_reserved_group
    assert signup.birth_year == year - 60
    assert signup.reserved_basis() == f"born {year - 60}, aged 60 in the year of the event"
    # The last general seat still goes to anyone.
    other, _ = services.sign_up(elders, name="小李", seats=1)
    assert other.status == SignUp.Status.CONFIRMED and not other.in_reserved_group


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Please write your year of birth as four digits, for example 1958."),
        ("58", "Please write your year of birth as four digits, for example 1958."),
        ("abcd", "Please write your year of birth as four digits, for example 1958."),
        ("2999", "Please write your year of birth as four digits, for example 1958."),
        ("young", "Please write your year of birth as four digits, for example 1958."),
    ],
)
def test_a_year_of_birth_that_is_not_one_is_refused(elders, typed, message):
    with pytest.raises(services.CommunityError) as refused:
        services.sign_up(elders, name="王阿姨", in_reserved_group=True, birth_year=typed)
    assert refused.value.message == message
    assert not SignUp.objects.exists() and not ActivityLog.objects.exists()


def test_a_resident_too_young_for_a_reserved_seat_is_told_how_to_sign_up(elders):
    year = elders.starts_at.year
    with pytest.raises(services.CommunityError) as refused:
        services.sign_up(elders, name="小李", in_reserved_group=True, birth_year=str(year - 59))
    assert refused.value.message == (
        f"The reserved seats are for residents aged 60 or over (born in {year - 60} or earlier). "
        "Untick the box to ask for a general seat."
    )
    assert not SignUp.objects.exists() and not ActivityLog.objects.exists()


def test_a_partner_unit_of_the_event_takes_a_reserved_seat_another_unit_does_not(salon):
    activity, partner, other = salon
    with pytest.raises(services.CommunityError) as refused:
        services.sign_up(activity, name="张老师", in_reserved_group=True, partner_unit=str(other.pk))
    assert refused.value.message == "Please choose your unit from the event's partner units."
    with pytest.raises(services.CommunityError):
        services.sign_up(activity, name="张老师", in_reserved_group=True, partner_unit="")
    assert not SignUp.objects.exists() and not ActivityLog.objects.exists()
    signup, _ = services.sign_up(activity, name="张老师", in_reserved_group=True, partner_unit=str(partner.pk))
    assert signup.in_reserved_group and signup.partner_unit == partner
    assert signup.reserved_basis() == "区就业促进中心"


def test_the_public_page_asks_the_year_of_birth_and_keeps_it_when_refused(elders, client):
    page = client.get(elders.public_path()).content.decode()
    assert 'name="birth_year"' in page
    year = elders.starts_at.year
    response = client.post(
        elders.public_path(),
        {"name": "小李", "phone": "13812345678", "seats": "1", "in_reserved_group": "1", "birth_year": str(year - 30)},
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "Untick the box to ask for a general seat." in text
    assert f'value="{year - 30}"' in text and 'value="小李"' in text and "checked" in text
    assert not SignUp.objects.exists()


def test_the_public_page_offers_the_partner_units_and_keeps_the_choice(salon, client):
    activity, partner, other = salon
    page = client.get(activity.public_path()).content.decode()
    assert f'<option value="{partner.pk}">区就业促进中心</option>' in page and "区建管委" not in page
    response = client.post(
        activity.public_path(), {"name": "张老师", "in_reserved_group": "1", "partner_unit": str(other.pk)}
    )
    assert response.status_code == 400 and "partner units" in response.content.decode()
    response = client.post(
        activity.public_path(), {"name": "张老师", "in_reserved_group": "1", "partner_unit": str(partner.pk)}
    )
    assert response.status_code == 303
    assert SignUp.objects.get().partner_unit == partner


def test_the_organisers_see_what_entitles_a_reserved_seat_and_check_it_at_the_door(world, elders, client):
    year = elders.starts_at.year
    signup, _ = services.sign_up(elders, name="王阿姨", in_reserved_group=True, birth_year=str(year - 70))
    services.sign_up(elders, name="小李")
    client.force_login(world.staff)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(f"/staff/community/events/{elders.pk}/").content.decode()
    assert f"reserved seat: born {year - 70}, aged 70 in the year of the event" in page
    url = f"/staff/community/events/{elders.pk}/checkin/"
    answer = client.post(url, {"code": signup.checkin_code}, follow=True)
    text = answer.content.decode()
    assert f"A reserved seat: born {year - 70}, aged 70 in the year of the event." in text
    assert "Please check it" in text


def test_the_age_is_counted_in_the_year_of_the_event(world):
    # An event next January: a resident born in (next year − 60) is 60 that year.
    start = timezone.make_aware(dt.datetime(timezone.localdate().year + 1, 1, 10, 10))
    activity = make_activity(
        world.ws,
        capacity=2,
        reserved_seats=1,
        reserved_group="age",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )
    signup, _ = services.sign_up(activity, name="赵伯伯", in_reserved_group=True, birth_year=str(start.year - 60))
    assert signup.in_reserved_group


def test_without_reserved_seats_nothing_is_asked(world, client):
    activity = make_activity(world.ws, reserved_group="age")
    assert 'name="birth_year"' not in client.get(activity.public_path()).content.decode()
    signup, _ = services.sign_up(activity, name="小李", in_reserved_group=True, birth_year="")
    assert not signup.in_reserved_group and signup.birth_year is None


def event_form(**overrides) -> dict:
    start = timezone.localtime() + dt.timedelta(days=5)
    return {
        "title": "敬老茶话会",
        "description": "",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place_text": "梧桐院",
        "capacity": "20",
        "reserved_seats": "5",
        "reserved_for": "65岁以上居民",
        "reserved_group": "age",
        "reserved_min_age": "65",
        "max_seats_per_signup": "2",
        **overrides,
    }


def test_organisers_set_the_rule_of_the_reserved_seats_when_they_make_an_event(world, client):
    initiative = services.create_initiative(world.ws, title="敬老", actor=world.staff)
    client.force_login(world.staff)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = f"/staff/community/initiatives/{initiative.pk}/"
    answer = client.post(url, event_form(reserved_min_age="300"))
    assert answer.status_code == 400 and "Give an age between 1 and 120." in answer.content.decode()
    answer = client.post(url, event_form(reserved_group="partner"))
    text = answer.content.decode()
    assert answer.status_code == 400 and "The initiative has no partner units yet" in text
    assert 'value="敬老茶话会"' in text
    assert not Activity.objects.exists()
    assert client.post(url, event_form()).status_code == 303
    activity = Activity.objects.get()
    assert activity.reserved_group == "age" and activity.reserved_min_age == 65
