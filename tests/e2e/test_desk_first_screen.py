"""The desk at 1366×800 with 200 open issues: the filters are one row, each issue one line, so at
least ten rows are on the first screen; "Next deadline" is visible without scrolling sideways,
the description is cut with the whole of it in a tooltip, and a queue with nothing in it is not
red."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.desk.conftest import many_issues
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1366, "height": 800}
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/ux-shots"))
LONG = "弄堂口的路灯一直不亮，晚上老人出门很不方便，已经好几天了，希望尽快派人来修一下，谢谢" * 2


def log_in(page, base: str, user) -> None:
    page.goto(base + reverse("login"))
    page.fill("input[name='username']", user.username)
    page.fill("input[name='password']", PASSWORD)
    page.locator("form.login-form button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_ten_rows_of_two_hundred_on_the_first_screen(world, live_server, chromium, locale):
    now = timezone.now()
    many_issues(
        world.loc, 120, status="accepted", description=LONG, assignee=world.worker, reporter_phone="13812345678"
    )
    many_issues(world.loc2, 79, status="new", resolve_due_at=now + dt.timedelta(days=3))
    # None overdue: that queue's counter is 0. One due within the hour.
    many_issues(world.loc2, 1, status="assigned", resolve_due_at=now + dt.timedelta(minutes=30))
    context = chromium.new_context(viewport=DESK, locale=locale)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        log_in(page, live_server.url, world.staff)
        page.goto(live_server.url + reverse("staff_dashboard"))
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"desk-1366x800-{locale}.png"))

        rows = page.locator(".js-row")
        assert rows.count() == 50
        boxes = [rows.nth(i).bounding_box() for i in range(12)]
        visible = [b for b in boxes if b["y"] + b["height"] <= DESK["height"]]
        assert len(visible) >= 10, f"only {len(visible)} rows on the first screen (first at y={boxes[0]['y']:.0f})"
        assert max(b["height"] for b in boxes) <= 40, "each issue is one line"

        # Nothing to scroll sideways, and the last column is on screen.
        wrap = page.locator(".table-wrap")
        assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth")
        assert page.evaluate("document.documentElement.scrollWidth") <= DESK["width"]
        last = page.locator(".desk-table thead th").last.bounding_box()
        assert last["x"] + last["width"] <= DESK["width"]
        for i in range(10):
            for cell in ("deadline-cell", "received-cell"):
                shown = page.locator(f".js-row .{cell}").nth(i)
                assert shown.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), f"{cell} of row {i} is cut"

        # The description is cut on the line, whole in the tooltip.
        matter = page.locator(".js-row .matter-cell").nth(1)  # the first is the one due within the hour
        assert matter.get_attribute("title") == LONG
        assert matter.evaluate("el => el.scrollWidth > el.clientWidth")

        # The other filters are folded away, and open on a click.
        panel = page.locator(".more-filters-panel")
        assert not panel.is_visible()
        page.locator(".more-filters summary").click()
        assert panel.is_visible() and page.locator("#desk-filters select[name=kind]").is_visible()
        page.screenshot(path=str(SHOTS / f"desk-1366x800-filters-{locale}.png"))
        page.locator("#desk-filters select[name=kind]").focus()
        page.keyboard.press("Escape")
        page.keyboard.press("Escape")
        assert not panel.is_visible(), "Escape folds the filters away"

        # 0 is not red; a non-zero due-soon count is.
        def background(queue: str) -> str:
            return page.locator(f'.queue-count[data-queue="{queue}"]').evaluate(
                "el => getComputedStyle(el).backgroundColor"
            )

        assert page.locator('.queue-count[data-queue="overdue"]').inner_text().strip() == "0"
        assert page.locator('.queue-count[data-queue="due_soon"]').inner_text().strip() == "1"
        red = background("due_soon")
        assert background("overdue") != red
        assert errors == []
    finally:
        context.close()
