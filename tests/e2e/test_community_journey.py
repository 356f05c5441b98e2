"""好事常办 in Chromium on 360×740 phones: a resident's idea → adopted → an event published → a
resident signs up → a second is waitlisted → the first cancels → the second gets the offer and
accepts → check-in at the door on the organiser's phone."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from community.models import Activity, Initiative, SignUp
from issues.models import Issue
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("resident_pages")]

SIGNUP_URL = re.compile(r".*/e/s/[0-9a-f]{32}/$")


def test_from_a_residents_idea_to_check_in_at_the_door(world, live_server, phone, published, tmp_path):
    # A resident brings a good idea through the QR code.
    idea = phone()
    idea.goto(live_server.url + world.loc.report_path())
    idea.fill("textarea[name='description']", "想在梧桐院办一场创业者沙龙，请区就业促进中心来讲讲")
    idea.locator("label.choice-community").click()
    idea.get_by_role("button", name="Send report").click()
    idea.wait_for_url(re.compile(r".*/t/[^/]+/$"))
    tracking = idea.url
    issue = Issue.objects.get()
    assert issue.kind == "community"

    # Staff adopt it as an initiative and plan an event with one seat.
    staff = phone()
    staff.goto(live_server.url + reverse("login"))
    staff.fill("input[name='username']", world.staff.username)
    staff.fill("input[name='password']", PASSWORD)
    staff.get_by_role("button", name="Log in").click()
    staff.wait_for_load_state()
    staff.goto(live_server.url + reverse("community:initiatives"))
    staff.fill("input[name='title']", "梧桐院创业者沙龙")
    staff.get_by_role("button", name="Adopt as an initiative").click()
    staff.wait_for_url(re.compile(r".*/staff/community/initiatives/\d+/$"))
    assert Initiative.objects.get().source_issue == issue
    start = timezone.localtime(timezone.now() + dt.timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    staff.fill("input[name='title']", "创业者沙龙（第一期）")
    staff.fill("input[name='starts_at']", start.strftime("%Y-%m-%dT%H:%M"))
    staff.fill("input[name='ends_at']", (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    staff.fill("input[name='place_text']", "梧桐院")
    staff.fill("input[name='capacity']", "1")
    staff.get_by_role("button", name="Save as draft").click()
    staff.wait_for_url(re.compile(r".*/staff/community/events/\d+/$"))
    staff.get_by_role("button", name="Publish").click()
    staff.wait_for_load_state()
    activity = Activity.objects.get()
    assert activity.status == Activity.Status.PUBLISHED

    # The idea's resident sees where it led.
    idea.goto(tracking)
    assert idea.get_by_role("link", name=activity.public_url()).count() == 1

    # The first resident takes the only seat.
    first = phone()
    first.goto(live_server.url + activity.public_path())
    first.fill("input[name='name']", "王阿姨")
    first.get_by_role("button", name="Sign up").click()
    first.wait_for_url(SIGNUP_URL)
    assert first.locator(".js-checkin-code").count() == 1
    first.screenshot(path=str(tmp_path / "signup-confirmed.png"), full_page=True)

    # The second is put on the waiting list, and told so.
    second = phone()
    second.goto(live_server.url + activity.public_path())
    second.fill("input[name='name']", "李先生")
    second.fill("input[name='phone']", "13900001111")
    second.get_by_role("button", name="Sign up").click()
    second.wait_for_url(SIGNUP_URL)
    assert "waiting list" in second.locator(".messages").inner_text()
    assert second.evaluate("document.documentElement.scrollWidth") <= 360

    # The first cancels; the second gets the offer on their page and accepts it.
    first.get_by_role("button", name="I cannot come: cancel my sign-up").click()
    first.wait_for_load_state()
    assert SignUp.objects.get(name="王阿姨").status == SignUp.Status.CANCELLED
    second.reload()
    second.get_by_role("button", name="Yes, I take the seat").click()
    second.locator(".js-checkin-code").wait_for()
    code = second.locator(".js-checkin-code").inner_text().strip()
    assert SignUp.objects.get(name="李先生").status == SignUp.Status.CONFIRMED

    # At the door, the organiser's phone takes the code.
    staff.goto(live_server.url + reverse("community:checkin", args=[activity.pk]))
    staff.fill("input[name='code']", code)
    staff.get_by_role("button", name="Check in", exact=True).click()
    staff.wait_for_load_state()
    assert "李先生" in staff.locator(".messages").inner_text()
    assert SignUp.objects.get(name="李先生").checked_in_at is not None
    staff.screenshot(path=str(tmp_path / "checkin.png"), full_page=True)
