"""Issue 18, item 8, in Chromium at 360×740: the grid worker's task waits for a department in an
amber notice (not the green of "done"), then is resolved with an after-repair photo, which the
resident sees with what was done at the top of the tracking page."""

import io
import os
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image

from issues import services
from issues.dispatch import complete_dispatch
from issues.lifecycle import Status
from issues.models import Category, Issue, IssuePhoto
from tests import factories
from tests.e2e.conftest import PHONE_SCREEN
from tests.factories import PASSWORD
from workstations.models import Role

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("resident_pages", "sla_policies"),
]

SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/ux-shots"))


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 90), (30, 150, 60)).save(out, "JPEG")
    return out.getvalue()


def test_waiting_then_resolved_with_a_photo_the_resident_sees(world, live_server, phone):
    dept = factories.department(world.ws.subdistrict, name="市南供电所")
    Category.objects.create(name="电力", slug="power", keywords="电线").departments.add(dept)
    liaison = factories.user("power-liaison", role=Role.Kind.LIAISON, department=dept)
    issue, token = factories.issue(world.loc, kind="urgent", description="弄堂口的电线断了")
    services.accept_issue(issue, actor=world.worker)
    services.arrive_issue(issue, actor=world.worker)

    worker = phone("zh-CN")
    worker.goto(live_server.url + reverse("login"))
    worker.fill("input[name='username']", world.worker.username)
    worker.fill("input[name='password']", PASSWORD)
    worker.locator("form button[type='submit']").last.click()
    worker.wait_for_load_state()
    worker.goto(live_server.url + reverse("task_detail", args=[issue.pk]))
    notice = worker.locator(".task-waiting")
    notice.wait_for()
    assert "暂时还不能办结" in notice.inner_text() and "市南供电所" in notice.inner_text()
    colour = notice.evaluate("el => getComputedStyle(el).borderLeftColor")
    assert colour == "rgb(122, 75, 0)", f"amber, not green: {colour}"
    assert worker.locator(".resolve-form").count() == 0
    SHOTS.mkdir(parents=True, exist_ok=True)
    worker.screenshot(path=str(SHOTS / "task-waiting-for-department.png"), full_page=True)

    complete_dispatch(issue.dispatches.get(), actor=liaison, note="已恢复供电")
    worker.reload()
    worker.fill("#id_note", "已重新接好电线")
    worker.set_input_files("#id_resolve_photos", [{"name": "after.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}])
    assert worker.evaluate("document.documentElement.scrollWidth") <= PHONE_SCREEN["width"]
    worker.screenshot(path=str(SHOTS / "task-resolve-with-photo.png"), full_page=True)
    worker.locator(".resolve-form button[type='submit']").click()
    worker.wait_for_load_state()
    issue.refresh_from_db()
    assert issue.status == Status.RESOLVED
    assert IssuePhoto.objects.get(issue=issue).is_after_repair

    resident = phone("zh-CN")
    resident.goto(f"{live_server.url}/t/{token}/")
    photo = resident.locator(".what-done .repair-photos img.thumb")
    photo.wait_for()
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0")
    assert photo.bounding_box()["y"] < PHONE_SCREEN["height"] * 1.5, "near the top, with what was done"
    resident.screenshot(path=str(SHOTS / "track-after-repair-photo.png"))
    assert Issue.objects.get(pk=issue.pk).status == Status.RESOLVED
