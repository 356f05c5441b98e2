"""The public pages, through HTTP: sign up (303 to the sign-up's own page), refusals that keep
what was typed, cancel and accept from the sign-up page, QR codes, poster, upcoming events."""

import pytest

from community import services
from community.models import SignUp, token_for

from .conftest import make_activity

pytestmark = pytest.mark.django_db


def test_signing_up_answers_303_to_the_sign_ups_own_page(activity, client):
    response = client.post(activity.public_path(), {"name": "王阿姨", "phone": "13812345678", "seats": "2"})
    assert response.status_code == 303
    signup = SignUp.objects.get()
    assert response["Location"] == f"/e/s/{token_for(signup)}/"
    page = client.get(response["Location"])
    assert page["Cache-Control"] == "no-store, private"
    text = page.content.decode()
    assert signup.checkin_code in text and "13812345678" not in text


def test_seats_default_to_one(activity, client):
    client.post(activity.public_path(), {"name": "王"})
    assert SignUp.objects.get().seats == 1


@pytest.mark.parametrize(
    ("seats", "message"), [("0", "at least 1 seat"), ("-1", "at least 1 seat"), ("7", "at most 4 seats")]
)
def test_a_refused_sign_up_keeps_what_was_typed(activity, client, seats, message):
    response = client.post(activity.public_path(), {"name": "王阿姨", "phone": "13812345678", "seats": seats})
    assert response.status_code == 400
    text = response.content.decode()
    assert message in text and 'value="王阿姨"' in text and 'value="13812345678"' in text
    assert not SignUp.objects.exists()


def test_a_draft_has_no_public_page(world, client):
    draft = make_activity(world.ws, status="draft")
    assert client.get(draft.public_path()).status_code == 404
    assert client.post(draft.public_path(), {"name": "王"}).status_code == 404


def test_cancel_and_accept_from_the_sign_up_pages(activity, client):
    first = client.post(activity.public_path(), {"name": "甲", "seats": "3"})["Location"]
    second = client.post(activity.public_path(), {"name": "乙", "phone": "13900000000"})["Location"]
    assert "waiting list" in client.get(second).content.decode()
    client.post(first + "cancel/")
    assert client.get(first).content.decode().count("cancelled") >= 1
    offered = client.get(second).content.decode()
    assert "A seat is free for you" in offered
    client.post(second + "accept/")
    signup = services.find_signup(second.split("/")[3])
    assert signup.status == SignUp.Status.CONFIRMED
    assert client.get(second + "qr.png")["Content-Type"] == "image/png"


def test_the_event_has_a_qr_code_a_poster_and_is_listed(world, activity, client):
    assert client.get(activity.public_path() + "qr.png")["Content-Type"] == "image/png"
    poster = client.get(activity.public_path() + "poster.pdf")
    assert poster["Content-Type"] == "application/pdf" and poster.content.startswith(b"%PDF")
    listed = client.get(f"/events/{world.ws.slug}/").content.decode()
    assert activity.public_path() in listed
    assert activity.public_path() in client.get("/events/").content.decode()
    assert f"/events/{world.ws.slug}/" in client.get(world.loc.report_path()).content.decode()
    assert "/events/" in client.get("/").content.decode()


@pytest.mark.parametrize("size", [1, 20])
def test_pages_run_a_fixed_number_of_queries(world, client, django_assert_max_num_queries, size):
    activity = make_activity(world.ws, capacity=100)
    tokens = [services.sign_up(activity, name=f"户{i}")[1] for i in range(size)]
    for i in range(size):
        make_activity(world.ws, title=f"活动{i}")
    with django_assert_max_num_queries(4):
        client.get(activity.public_path())
    with django_assert_max_num_queries(3):
        client.get(f"/e/s/{tokens[-1]}/")
    with django_assert_max_num_queries(3):
        client.get(f"/events/{world.ws.slug}/")
    client.force_login(world.staff)
    with django_assert_max_num_queries(12):
        client.get(f"/staff/community/events/{activity.pk}/")
