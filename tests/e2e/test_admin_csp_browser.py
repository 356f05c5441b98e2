"""Issue 14 item 15: the admin works in a real browser under its Content Security Policy: no
script or style it needs is refused, no JavaScript error."""

import pytest
from django.urls import reverse

from tests import factories
from tests.e2e.conftest import CSP_SIGNS
from tests.security.test_admin_csp import ADMIN_PAGES, superuser


@pytest.mark.django_db(transaction=True)
def test_the_admin_works_in_a_browser_under_its_policy(live_server, chromium, settings):
    settings.RATELIMIT_ENABLE = False
    root = superuser()
    context = chromium.new_context(locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    console, errors = [], []
    page.on("console", lambda msg: console.append(f"{page.url}: {msg.text}"))
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("input[name='username']", root.username)
    page.fill("input[name='password']", factories.PASSWORD)
    page.click("input[type='submit']")
    page.wait_for_load_state()
    assert page.url.rstrip("/").endswith("/admin")
    for name in ADMIN_PAGES:
        page.goto(live_server.url + reverse(name))
        page.wait_for_load_state("networkidle")
    # The user form's password widgets and the theme toggle run from the admin's script files.
    page.goto(live_server.url + reverse("admin:auth_user_add"))
    page.click("button.theme-toggle")
    context.close()
    assert [line for line in console if any(sign in line for sign in CSP_SIGNS)] == []
    assert errors == []
