"""The desk in a real browser, with a real Celery worker routing: staff triage a report and send
派单, the department finishes its part, the grid worker checks in (with the phone's location)
and resolves it on a phone-sized screen, and the staff dashboard's counts (refreshed in place,
from the keyboard) and the statistics charts change. No CSP violation anywhere."""

import contextlib
import re

import pytest
from django.urls import reverse

from issues import services
from issues.lifecycle import Status
from issues.models import Dispatch, Issue
from tests import factories
from tests.factories import PASSWORD
from workstations.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
DESK = {"width": 1366, "height": 900}
CSP_SIGNS = ("Content Security Policy", "Content-Security-Policy", "Refused to")


def status_of(pk: int) -> str:
    return Issue.objects.values_list("status", flat=True).get(pk=pk)


def queue_count(page, name: str) -> int:
    return int(page.locator(f'.queue-count[data-queue="{name}"]').inner_text().strip())


def resolution_series(page) -> list:
    page.wait_for_selector('.js-chart[data-chart="kind"][data-drawn="1"]')
    return page.evaluate(
        """() => {
          const option = window.Minqing.charts.kind.getOption();
          return option.series.map(s => [s.name, s.data]);
        }"""
    )


def test_triage_dispatch_resolve_and_the_dashboard_follows(
    world, routing_worker, live_server, chromium, wait_until, tmp_path
):
    department = factories.department(world.ws.subdistrict, name="市南供电所")
    liaison = factories.user("power", role=Role.Kind.LIAISON, department=department)
    console: list[str] = []
    errors: list[str] = []

    def new_page(viewport, **options):
        context = chromium.new_context(viewport=viewport, locale="en-US", **options)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("console", lambda msg: console.append(f"{page.url}: {msg.text}"))
        page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
        return page

    def log_in(page, user):
        page.goto(live_server.url + reverse("login"))
        page.fill("input[name='username']", user.username)
        page.fill("input[name='password']", PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()

    issue, _token, _created = services.create_issue(world.loc, description="楼道里的电线冒火花", kind="consult")
    wait_until(lambda: status_of(issue.pk) == Status.ASSIGNED, what="the worker to route the issue")

    staff = new_page(DESK)
    worker = new_page(PHONE, geolocation={"latitude": 31.2051, "longitude": 121.4443}, permissions=["geolocation"])
    try:
        log_in(staff, world.staff)
        staff.goto(live_server.url + reverse("stats"))
        before = resolution_series(staff)

        staff.goto(live_server.url + reverse("staff_dashboard"))
        assert queue_count(staff, "open") == 1 and queue_count(staff, "confirm") == 0
        # The keyboard: j to the first row, Enter to open it.
        staff.keyboard.press("j")
        staff.keyboard.press("Enter")
        staff.wait_for_url(re.compile(rf".*/staff/issues/{issue.pk}/$"))

        # Triage: it is urgent and dangerous.
        staff.select_option("form[action$='/do/triage/'] select[name='priority']", "high")
        staff.get_by_role("button", name="Save triage").click()
        staff.locator(".messages").get_by_text("Saved: priority.").wait_for()
        # 派单 to the power supply station.
        staff.select_option("form[action$='/do/dispatch/'] select[name='department']", str(department.pk))
        staff.fill("form[action$='/do/dispatch/'] textarea[name='instructions']", "请派电工检查线路")
        staff.get_by_role("button", name="Send 派单").click()
        staff.locator(".messages").get_by_text("Sent to 市南供电所.").wait_for()
        dispatch = Dispatch.objects.get(issue=issue)
        assert Issue.objects.get(pk=issue.pk).priority == "high"

        # The department finishes its part (its own page belongs to the liaison's desk).
        services.complete_dispatch(dispatch, actor=liaison, note="已更换老化电线")

        # The grid worker on their phone: accept, check in with the location, resolve.
        log_in(worker, world.worker)
        worker.goto(live_server.url + reverse("tasks"))
        worker.locator(f"a[href='{reverse('task_detail', args=[issue.pk])}']").first.click()
        worker.get_by_role("button", name="Accept this task").click()
        worker.get_by_role("button", name="I am on site").click()
        worker.locator(".messages").get_by_text("Marked as on site.").wait_for()
        check_in = Issue.objects.get(pk=issue.pk).events.get(type="note")  # staff only, beside "arrived"
        assert "31.20510, 121.44430" in check_in.note and not check_in.is_public
        worker.fill("textarea[name='note']", "已和供电所一起处理，线路安全")
        worker.get_by_role("button", name="Mark resolved").click()
        worker.get_by_text("Resolved. Waiting for the resident to confirm.").wait_for()
        assert status_of(issue.pk) == Status.RESOLVED

        # Back at the desk: the list refreshes in place ("r"), without a full reload.
        staff.goto(live_server.url + reverse("staff_dashboard"))
        staff.evaluate("() => { window.__sameDocument = true; }")
        staff.evaluate("() => document.activeElement && document.activeElement.blur()")
        staff.keyboard.press("r")
        wait_until(
            lambda: staff.locator('.queue-count[data-queue="confirm"]').inner_text().strip() == "1",
            what="the refreshed counts",
        )
        assert staff.evaluate("() => window.__sameDocument === true")
        assert queue_count(staff, "open") == 0

        staff.goto(live_server.url + reverse("stats"))
        after = resolution_series(staff)
        assert before != after
        resolution = dict((name, data) for name, data in after)["Resolution rate %"]
        assert resolution == [100]
        staff.screenshot(path=str(tmp_path / "stats.png"), full_page=True)
    finally:
        for name, page in (("staff", staff), ("worker", worker)):
            with contextlib.suppress(Exception):
                page.screenshot(path=str(tmp_path / f"{name}-last.png"), full_page=True)
            page.context.close()

    assert [line for line in console if any(sign in line for sign in CSP_SIGNS)] == []
    assert errors == []
