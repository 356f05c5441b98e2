"""The report form by keyboard and screen reader on a phone-sized screen: the photo picker is
reached with Tab, and a photo refused in the browser is read out with the picker (its
aria-describedby names the error box), as the server's errors are."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("resident_pages")]


def test_a_photo_refused_in_the_browser_is_read_out_with_the_picker(world, live_server, phone):
    page = phone()
    page.goto(live_server.url + world.loc.report_path())
    page.focus("textarea[name='description']")
    focused = []
    for _ in range(2):  # from the description: the kinds (one stop), then the photos
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.name"))
    assert focused[-1] == "photos"
    page.set_input_files("input[name='photos']", [{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"x"}])
    page.locator(".js-photo-errors .field-error").wait_for()
    described = page.get_attribute("input[name='photos']", "aria-describedby").split()
    box = page.get_attribute(".js-photo-errors", "id")
    assert box in described
    assert re.search("not a photo", page.inner_text(f"#{box}"))
    # A good choice afterwards takes the error away again.
    page.set_input_files("input[name='photos']", [])
    assert box not in (page.get_attribute("input[name='photos']", "aria-describedby") or "").split()
