"""The resident's side at its edges, in Chromium on a 360×740 phone: the header without
JavaScript, a file that only pretends to be a photo, and a report kept offline that the server
refuses once the connection is back."""

import pytest

from issues.models import Issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("resident_pages")]

NOT_A_PHOTO = {"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": b"%PDF-1.4 not a picture\n" * 50}


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_without_javascript_the_header_shows_only_what_works_and_is_easy_to_hit(world, live_server, phone, locale):
    page = phone(locale, java_script_enabled=False)
    page.goto(live_server.url + world.loc.report_path())
    # The larger-text switch needs app.js: without it, no button that does nothing.
    assert page.locator(".js-large-text").is_hidden()
    for button in page.locator(".site-header button:visible").all():
        box = button.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, button.inner_text()


def test_a_file_named_jpg_that_is_no_photo_gets_a_message_before_sending(world, live_server, phone):
    page = phone()
    page.goto(live_server.url + world.loc.report_path())
    page.fill("textarea[name='description']", "楼道灯坏了")
    page.set_input_files("input[name='photos']", [NOT_A_PHOTO])
    page.locator(".js-photo-errors .field-error", has_text="not a photo we can read").wait_for()
    assert page.locator(".js-photo-previews img").count() == 0
    page.get_by_role("button", name="Send report").click()  # the browser holds it back
    page.wait_for_timeout(300)
    assert Issue.objects.count() == 0
    assert page.input_value("textarea[name='description']") == "楼道灯坏了"


def test_a_kept_report_refused_when_the_connection_returns_says_why_on_the_open_form(world, live_server, phone):
    page = phone()
    page.goto(live_server.url + world.loc.report_path())
    page.fill("textarea[name='description']", "地下室进水了")
    page.fill("input[name='phone']", "12345")
    page.context.set_offline(True)
    page.get_by_role("button", name="Send report").click()
    page.locator(".js-offline-note", has_text="You are offline").wait_for()
    page.context.set_offline(False)
    note = page.locator(".js-offline-note")
    note.locator("text=could not be sent").wait_for(timeout=20_000)
    assert "mobile" in note.inner_text()  # the server's reason: the phone number
    assert "You are offline" not in note.inner_text()
    assert page.input_value("textarea[name='description']") == "地下室进水了"
    assert Issue.objects.count() == 0


def test_a_kept_report_refused_while_its_form_is_closed_is_listed_as_not_sent(world, live_server, phone):
    page = phone()
    page.goto(live_server.url + world.loc.report_path())
    page.fill("textarea[name='description']", "地下室进水了")
    page.fill("input[name='phone']", "12345")
    page.context.set_offline(True)
    page.get_by_role("button", name="Send report").click()
    page.locator(".js-offline-note", has_text="You are offline").wait_for()
    context = page.context
    page.close()
    context.set_offline(False)
    mine = context.new_page()
    mine.goto(live_server.url + "/my/")  # sends what was kept; the server refuses it
    mine.locator(".my-report", has_text="Not sent").wait_for(timeout=20_000)
    assert "Waiting for a connection" not in mine.locator(".js-my-report-list").inner_text()
    # Its link opens the form, with the report back in it and the reason.
    mine.locator(".my-report a").click()
    mine.locator(".js-offline-note", has_text="could not be sent").wait_for()
    assert mine.input_value("textarea[name='description']") == "地下室进水了"
    assert "mobile" in mine.locator(".js-offline-note").inner_text()


def test_the_chosen_kind_is_marked_for_phones_without_css_has(world, live_server, phone):
    page = phone()
    page.goto(live_server.url + world.loc.report_path())
    urgent, consult = page.locator("label.choice-urgent"), page.locator("label.choice-consult")
    urgent.click()
    assert "is-checked" in urgent.get_attribute("class")
    consult.click()
    assert "is-checked" in consult.get_attribute("class")
    assert "is-checked" not in urgent.get_attribute("class")  # its neighbour, unchecked without an event
