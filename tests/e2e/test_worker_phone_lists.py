"""The grid worker's and the liaison's lists on a 360×740 phone (issue 18): 148 open tasks are
a page of twenty under their urgency headings, not a 42,000-pixel page, with the filters at the
top; the 派单 card shows the resident's photo, the grid worker's number and the masked phone,
within the phone's width."""

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from issues.models import Category, NotificationPreference
from issues.photos import clean_photo
from tests import factories
from tests.desk.conftest import many_issues
from tests.factories import PASSWORD
from workstations.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/ux-shots"))
H = dt.timedelta(hours=1)


def log_in(page, base: str, user) -> None:
    page.goto(base + reverse("login"))
    page.fill("input[name='username']", user.username)
    page.fill("input[name='password']", PASSWORD)
    page.locator("form.login-form button[type=submit]").click()
    page.wait_for_load_state()


def test_148_tasks_on_a_phone(world, live_server, phone):
    now = timezone.now()
    many_issues(world.loc, 100, assignee=world.worker, resolve_due_at=now + 72 * H)
    many_issues(world.loc2, 40, assignee=world.worker, resolve_due_at=now + H, status="accepted")
    many_issues(world.loc2, 8, assignee=world.worker, resolve_due_at=now - H)
    page = phone("zh-CN")
    log_in(page, live_server.url, world.worker)
    page.goto(live_server.url + reverse("tasks"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "tasks-phone-first-screen.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.locator(".task-card").count() == 20
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 8000, f"the list is {height} px long"
    headings = page.locator(".task-band-heading").all_inner_texts()
    assert headings[0] == "超时"
    # The filters and the first (overdue) task are on the first screen.
    assert page.locator(".task-filters select[name=status]").bounding_box()["y"] < 740
    first = page.locator(".task-card").first.bounding_box()
    assert first["y"] < 740
    page.select_option(".task-filters select[name=status]", "accepted")
    page.locator(".task-filters button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".task-card").count() == 20 and "status=accepted" in page.url
    page.get_by_role("link", name="下一页").click()
    page.wait_for_load_state()
    assert page.locator(".task-card").count() == 20 and "page=2" in page.url
    page.screenshot(path=str(SHOTS / "tasks-phone-page-2.png"))


def test_the_dispatch_card_on_a_phone(world, live_server, phone, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    dept = factories.department(world.ws.subdistrict, name="市南供电所")
    category = Category.objects.create(name="电力", slug="power", keywords="电线")
    category.departments.add(dept)
    liaison = factories.user("power", role=Role.Kind.LIAISON, department=dept)
    out = io.BytesIO()
    Image.new("RGB", (400, 300), "orange").save(out, "JPEG")
    photo = clean_photo(SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg"))
    factories.issue(
        world.loc, kind="urgent", description="弄堂口电线断了", reporter_phone="13812345678", photos=[photo]
    )
    NotificationPreference.objects.create(user=world.worker, channel="sms", address="13900001111")
    page = phone("zh-CN")
    log_in(page, live_server.url, liaison)
    page.goto(live_server.url + reverse("dispatches"))
    card = page.locator(".dispatch-cards .task-card").first
    img = card.locator(".dispatch-photos img").first
    img.wait_for(state="visible")
    assert page.evaluate("(el) => el.complete && el.naturalWidth > 0", img.element_handle())
    assert "13900001111" in card.inner_text() and "138****5678" in card.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "dispatch-card-phone.png"), full_page=True)
    card.get_by_role("button", name="显示号码以便回电").click()
    page.wait_for_load_state()
    assert "13812345678" in page.locator(".dispatch-cards .task-card").first.inner_text()
    page.locator(".dispatch-timeline-link").first.click()
    page.wait_for_load_state()
    assert "弄堂口电线断了" in page.content() and "13812345678" not in page.content()
