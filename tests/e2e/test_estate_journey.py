"""有事先找我 in a real browser at 360×740, with a real Celery worker routing, on the demo data:
the resident scans 永嘉新村's QR code, opens its disclosure page (one category stale), reports a
broken corridor light as property service; demo-property accepts and resolves it; the resident
confirms. A second complaint left unaccepted past the company's deadline reaches demo-housing
through the SLA sweep."""

import datetime as dt
import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from estates.models import Complaint
from issues import services
from issues.models import Issue
from tests.e2e.conftest import axe_violations
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def log_in(page, base: str, username: str) -> None:
    page.goto(base + reverse("login"))
    page.fill("input[name='username']", username)
    page.fill("input[name='password']", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def test_estate_qr_disclosure_property_complaint_and_hand_over(
    routing_worker, live_server, phone, resident_pages, wait_until
):
    out = io.StringIO()
    call_command("seed_demo", "--json", stdout=out)
    demo = json.loads(out.getvalue())
    base = live_server.url

    resident = phone(bypass_csp=True)  # axe is injected as a script of the test
    # The poster's QR code opens the report form, which links to the estate's disclosure page.
    resident.goto(base + path_of(demo["estate_qr_urls"][0]))
    resident.locator("a.estate-link").click()
    assert resident.url.endswith(path_of(demo["estate_urls"][0]))
    assert resident.locator("h1").inner_text() == "永嘉新村"
    assert resident.locator(".js-stale").count() == 1  # 收入明细, past a quarter
    assert "已超过应更新时间" in resident.locator("#cat-accounts").inner_text()
    assert "周国强" in resident.locator(".officer").inner_text()
    assert axe_violations(resident, "the estate's page") == []

    resident.locator("a.js-report-link").click()
    resident.fill("textarea[name='description']", "3号楼楼道灯坏了，晚上很黑")
    resident.locator("label[for='id_property_service']").click()
    assert resident.locator("input[name='property_service']").is_checked()
    resident.get_by_role("button", name="Send report").click()
    resident.wait_for_url(re.compile(r".*/t/[^/]+/$"))
    token = re.search(r"/t/([^/]+)/$", resident.url).group(1)
    issue = services.find_by_token(token)
    assert issue.property_service

    wait_until(lambda: Complaint.objects.filter(issue=issue).exists(), what="routing to the property company")
    complaint = Complaint.objects.select_related("issue__assignee").get(issue=issue)
    assert (complaint.holder, complaint.issue.assignee.username) == ("company", "demo-property")
    resident.reload()
    assert "衡复物业" in resident.locator(".js-estate-handler").inner_text()

    company = phone()
    log_in(company, base, "demo-property")
    company.goto(base + reverse("estates:property_desk"))
    row = company.locator(f".js-complaint[data-reference='{issue.reference}']")
    row.locator(".js-accept").click()
    row = company.locator(f".js-complaint[data-reference='{issue.reference}']")
    row.locator("textarea[name='note']").fill("已更换楼道灯")
    row.locator(".js-resolve").click()
    company.wait_for_load_state()
    assert Issue.objects.get(pk=issue.pk).status == "resolved"

    resident.reload()
    resident.locator("#confirm label:has(input[name='rating'][value='5'])").click()
    resident.locator("#confirm button[type='submit']").click()
    resident.wait_for_load_state()
    wait_until(lambda: Issue.objects.get(pk=issue.pk).status == "closed", what="the resident's confirmation")
    assert Complaint.objects.get(issue=issue).holder == "company"

    # A second complaint that the company never accepts: past its deadline, the sweep hands it over.
    second = phone()
    second.goto(base + path_of(demo["estate_qr_urls"][0]))
    second.fill("textarea[name='description']", "电梯又坏了")
    second.locator("label[for='id_property_service']").click()
    second.get_by_role("button", name="Send report").click()
    second.wait_for_url(re.compile(r".*/t/[^/]+/$"))
    other = services.find_by_token(re.search(r"/t/([^/]+)/$", second.url).group(1))
    wait_until(lambda: Complaint.objects.filter(issue=other).exists(), what="routing of the second complaint")
    past = Complaint.objects.get(issue=other).created_at - dt.timedelta(minutes=1)
    Complaint.objects.filter(issue=other).update(accept_due_at=past)
    services.sla_sweep()
    moved = Complaint.objects.select_related("issue__assignee").get(issue=other)
    assert (moved.holder, moved.reason, moved.issue.assignee.username) == ("housing", "not_accepted", "demo-housing")
    second.reload()
    assert "housing officer" in second.locator(".js-estate-handler").inner_text()

    officer = phone()
    log_in(officer, base, "demo-housing")
    officer.goto(base + reverse("estates:housing_desk"))
    assert officer.locator(f".js-complaint[data-reference='{other.reference}']").count() == 1
    assert "收入明细" in officer.locator(".stale-list").inner_text()
