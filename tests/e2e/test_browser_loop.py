"""The loop in a real browser on a phone-sized screen, with a real Celery worker routing.

The resident reports from the QR page, the grid worker (in a second browser context) works the
task on /tasks/, and the resident confirms and rates on the tracking page. Any Content Security
Policy violation in the console fails the test: the pages must carry no inline script or style.
"""

import contextlib
import re

import pytest
from django.urls import reverse

from issues import services
from issues.lifecycle import Status
from issues.models import Issue
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PHONE_SCREEN = {"width": 360, "height": 740}

# Chromium's wording has changed over the years ("Refused to apply inline style because it
# violates …", now "Applying inline style violates the following Content Security Policy …").
CSP_SIGNS = ("Content Security Policy", "Content-Security-Policy", "Refused to")


def status_of(issue_id: int) -> str:
    return Issue.objects.values_list("status", flat=True).get(pk=issue_id)


def test_report_handle_and_confirm_in_the_browser(world, routing_worker, live_server, chromium, wait_until, tmp_path):
    console: list[str] = []
    script_errors: list[str] = []

    def new_page():
        context = chromium.new_context(viewport=PHONE_SCREEN, locale="en-US")
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("console", lambda msg: console.append(f"{page.url}: {msg.text}"))
        page.on("pageerror", lambda exc: script_errors.append(f"{page.url}: {exc}"))
        return page

    resident = new_page()
    worker = new_page()
    try:
        # The resident scans the QR code, picks a kind, describes the problem and sends it.
        response = resident.goto(live_server.url + world.loc.report_path())
        # The header is there, so a clean console below means the pages really keep to it.
        assert "script-src 'self'" in response.headers["content-security-policy"]
        resident.locator("label:has(input[name='kind'][value='urgent'])").click()
        assert resident.locator("input[name='kind'][value='urgent']").is_checked()
        resident.fill("textarea[name='description']", "弄堂口电线被扯断了，很危险")
        resident.fill("input[name='name']", "王阿姨")
        resident.fill("input[name='phone']", "138 1234 1234")
        resident.get_by_role("button", name="Send report").click()
        resident.wait_for_url(re.compile(r".*/t/[^/]+/$"))

        token = re.search(r"/t/([^/]+)/$", resident.url).group(1)
        issue = services.find_by_token(token)
        assert issue is not None
        assert (issue.kind, issue.reporter_phone) == ("urgent", "13812341234")
        assert resident.locator(".reference").inner_text().strip() == issue.reference
        assert "13812341234" not in resident.content()

        # The real worker routes it to the grid worker.
        wait_until(lambda: status_of(issue.pk) == Status.ASSIGNED, what="the worker to route the issue")

        # The grid worker logs in on their phone and works the task.
        worker.goto(live_server.url + reverse("login"))
        worker.fill("input[name='username']", world.worker.username)
        worker.fill("input[name='password']", PASSWORD)
        worker.get_by_role("button", name="Log in").click()
        worker.wait_for_load_state()
        worker.goto(live_server.url + reverse("tasks"))
        worker.locator(f"a[href='{reverse('task_detail', args=[issue.pk])}']").first.click()
        worker.wait_for_url(re.compile(rf".*/tasks/{issue.pk}/$"))
        worker.get_by_role("button", name="Accept this task").click()
        worker.get_by_role("button", name="I am on site").wait_for()
        assert status_of(issue.pk) == Status.ACCEPTED
        worker.get_by_role("button", name="I am on site").click()
        worker.get_by_role("button", name="Mark resolved").wait_for()
        assert status_of(issue.pk) == Status.ON_SITE
        worker.fill("textarea[name='note']", "已接好电线，贴了警示")
        worker.get_by_role("button", name="Mark resolved").click()
        worker.get_by_text("Resolved. Waiting for the resident to confirm.").wait_for()
        assert status_of(issue.pk) == Status.RESOLVED

        # The resident looks again, sees what was done, rates it 5 and confirms.
        resident.reload()
        resident.get_by_text("已接好电线，贴了警示").first.wait_for()
        resident.locator("label:has(input[name='rating'][value='5'])").click()
        assert resident.locator("input[name='rating'][value='5']").is_checked()
        resident.get_by_role("button", name="Yes, it is solved").click()
        resident.get_by_text("You gave 5 out of 5.").wait_for()
        assert resident.get_by_role("heading", name="Thank you").is_visible()
        resident.screenshot(path=str(tmp_path / "resident-closed.png"), full_page=True)

        issue.refresh_from_db()
        assert (issue.status, issue.rating) == (Status.CLOSED, 5)
    finally:
        for name, page in (("resident", resident), ("worker", worker)):
            with contextlib.suppress(Exception):  # for debugging only; never hide the real failure
                page.screenshot(path=str(tmp_path / f"{name}-last.png"), full_page=True)
            page.context.close()

    assert [line for line in console if any(sign in line for sign in CSP_SIGNS)] == []
    assert script_errors == []
