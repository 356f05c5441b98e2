"""At the door: a valid code, the code of another event, a code used twice; walk-ins; the
organisers' counts."""

import pytest

from community import services
from community.models import ActivityLog, SignUp

from .conftest import make_activity

pytestmark = pytest.mark.django_db


def test_a_valid_code_checks_in_once(world, activity):
    signup, _ = services.sign_up(activity, name="王阿姨", seats=2)
    done = services.check_in(activity, code=signup.checkin_code, actor=world.staff)
    assert done.checked_in_at is not None
    with pytest.raises(services.CommunityError, match="already checked in"):
        services.check_in(activity, code=signup.checkin_code, actor=world.staff)
    assert ActivityLog.objects.filter(type=ActivityLog.Type.CHECKED_IN).count() == 1


def test_the_code_of_another_event_is_named(world, activity):
    other = make_activity(world.ws, title="垃圾分类宣传")
    signup, _ = services.sign_up(other, name="李")
    with pytest.raises(services.CommunityError, match="another event: 垃圾分类宣传"):
        services.check_in(activity, code=signup.checkin_code, actor=world.staff)
    signup.refresh_from_db()
    assert signup.checked_in_at is None
    assert not ActivityLog.objects.filter(type=ActivityLog.Type.CHECKED_IN).exists()


def test_a_waiting_sign_up_has_no_seat_to_check_in(world, activity):
    services.sign_up(activity, name="A", seats=3)
    waiting, _ = services.sign_up(activity, name="B")
    with pytest.raises(services.CommunityError, match="no confirmed seat"):
        services.check_in(activity, code=waiting.checkin_code, actor=world.staff)


def test_an_outsider_cannot_check_in(world, activity):
    signup, _ = services.sign_up(activity, name="A")
    with pytest.raises(services.CommunityError, match="organisers"):
        services.check_in(activity, code=signup.checkin_code, actor=world.outsider)


def test_the_phone_page_at_the_door(world, activity, client):
    signup, token = services.sign_up(activity, name="王阿姨")
    client.force_login(world.staff)
    # The QR on the sign-up page opens this page with the code filled in.
    page = client.get(f"/staff/community/events/{activity.pk}/checkin/?code={signup.checkin_code}")
    assert f'value="{signup.checkin_code}"' in page.content.decode()
    response = client.post(f"/staff/community/events/{activity.pk}/checkin/", {"code": signup.checkin_code})
    assert response.status_code == 303
    again = client.post(f"/staff/community/events/{activity.pk}/checkin/", {"code": signup.checkin_code})
    assert again.status_code == 400 and "already checked in" in again.content.decode()
    client.post(f"/staff/community/events/{activity.pk}/checkin/", {"action": "walk_in", "name": "路过", "seats": "2"})
    walk_in = SignUp.objects.get(walk_in=True)
    assert walk_in.checked_in_at and walk_in.seats == 2
    assert services.seats_of(activity).held == 1  # walk-ins take no sign-up seats
    client.force_login(world.outsider)
    assert client.get(f"/staff/community/events/{activity.pk}/checkin/").status_code == 403


def test_the_organisers_page_counts_and_masks_phones_until_shown(world, activity, client):
    services.sign_up(activity, name="A", phone="13812345678", seats=3)
    services.sign_up(activity, name="B", seats=1)
    client.force_login(world.staff)
    page = client.get(f"/staff/community/events/{activity.pk}/").content.decode()
    assert "138****5678" in page and "13812345678" not in page
    assert 'class="js-confirmed">3<' in page and 'class="js-waiting">1<' in page
    shown = client.post(f"/staff/community/events/{activity.pk}/", {"action": "phones"}).content.decode()
    assert "13812345678" in shown
    assert ActivityLog.objects.filter(type=ActivityLog.Type.PHONES_SHOWN, actor=world.staff).exists()
