"""The notification settings page on a 360 px phone in real Chromium: it passes axe-core's
WCAG 2.1 AA check with and without errors, nothing sticks out sideways, and it works without
JavaScript."""

import pytest

from issues.models import NotificationPreference
from tests.e2e.conftest import PHONE_SCREEN, axe_violations
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/?next=/accounts/notifications/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form.login-form button[type=submit]").click()
    page.wait_for_url("**/accounts/notifications/")


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_the_page_passes_the_accessibility_check_on_a_phone(world, live_server, phone, locale):
    page = phone(locale, bypass_csp=True)  # axe is injected as a script of the test
    log_in(page, live_server.url, world.worker.username)
    problems = axe_violations(page, "settings")
    page.check("#id_sms_enabled")
    page.fill("#id_sms_address", "021-12345678")
    page.locator("form.channel-form button[type=submit]").click()
    page.locator(".field-error").first.wait_for()
    problems += axe_violations(page, "settings with errors")
    page.locator(".js-large-text").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_SCREEN["width"]
    assert problems == []


def test_it_saves_and_sends_a_test_message_without_javascript(world, live_server, phone):
    page = phone("en-US", java_script_enabled=False)
    log_in(page, live_server.url, world.worker.username)
    page.locator("label[for=id_sms_enabled]").click()  # the whole row is the target
    page.fill("#id_sms_address", "139 5555 0001")
    page.locator("form.channel-form button[type=submit]").click()
    page.get_by_text("Saved. New messages go where you chose.").wait_for()
    assert NotificationPreference.objects.get(user=world.worker, channel="sms").address == "13955550001"
    page.get_by_role("button", name="Send me a test message").click()
    page.get_by_text("A test message is on its way").wait_for()
    assert "SMS (text message) to 13955550001" in page.locator(".messages").inner_text()
