"""The statistics page in Chromium (issue 18): the weekly trend shows every week of the range,
the quiet ones at zero, and the counts' and the percentages' y-axes have the same gridlines."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.desk.conftest import many_issues
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/ux-shots"))
TICKS = """(name) => {
  const model = window.Minqing.charts[name].getModel();
  return [0, 1].map((i) => model.getComponent("yAxis", i).axis.scale.getTicks().map((t) => t.value));
}"""


def test_every_week_and_aligned_gridlines(world, live_server, chromium):
    now = timezone.now()
    many_issues(world.loc, 37, created_at=now - dt.timedelta(days=1), assignee=world.worker)
    many_issues(world.loc, 3, created_at=now - dt.timedelta(days=29), status="closed", rating=5)
    context = chromium.new_context(viewport={"width": 1366, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(live_server.url + reverse("login"))
        page.fill("input[name='username']", world.staff.username)
        page.fill("input[name='password']", PASSWORD)
        page.locator("form.login-form button[type=submit]").click()
        page.wait_for_load_state()
        page.goto(live_server.url + reverse("stats"))
        page.wait_for_selector('.js-chart[data-chart="weekly"][data-drawn="1"]')
        page.locator('[data-chart="weekly"]').scroll_into_view_if_needed()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "stats-weekly.png"))
        labels = page.evaluate("() => window.Minqing.charts.weekly.getOption().xAxis[0].data")
        received = page.evaluate("() => window.Minqing.charts.weekly.getOption().series[0].data")
        assert len(labels) == 8 and sum(received) == 40 and received.count(0) == 6
        for name in ("weekly", "kind"):
            counts, rates = page.evaluate(TICKS, name)
            assert len(counts) == len(rates) == 6, (name, counts, rates)
            assert counts[0] == 0 and counts[-1] >= max(received) and rates == [0, 20, 40, 60, 80, 100]
        assert errors == []
    finally:
        context.close()
