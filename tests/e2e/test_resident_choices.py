"""Issue 18, item 5, in Chromium at 360×740: a chosen photo can be taken out before sending, the
larger-text switch says when it is on and how to undo it, and a resolved report asks its
question on the first screen, where "solved" can be said without a rating."""

import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image

from issues import services
from issues.lifecycle import Status
from issues.models import Issue, IssuePhoto
from tests import factories
from tests.e2e.conftest import PHONE_SCREEN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("resident_pages")]

TRACK_URL = re.compile(r".*/t/[0-9a-f]{40}/$")
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/ux-shots"))


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def jpeg(color) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (90, 60), color).save(out, "JPEG")
    return out.getvalue()


def photo(name: str, data: bytes, mime: str = "image/jpeg") -> dict:
    return {"name": name, "mimeType": mime, "buffer": data}


def test_a_chosen_photo_can_be_removed_before_sending(world, live_server, phone):
    page = phone("en-US")
    page.goto(live_server.url + world.loc.report_path())
    page.fill("textarea[name='description']", "楼道灯坏了三盏")
    page.set_input_files(
        "input[name='photos']",
        [
            photo("a.jpg", jpeg((200, 0, 0))),
            photo("b.txt", b"not a photo", "text/plain"),
            photo("c.jpg", jpeg((0, 0, 200))),
        ],
    )
    previews = page.locator(".js-photo-previews li")
    previews.nth(2).wait_for()
    assert previews.count() == 3
    assert "b.txt" in page.locator(".js-photo-errors").inner_text()
    assert page.locator(".js-photo-choose-again").is_hidden()  # the buttons say it instead
    shot(page, "report-photos-chosen")
    # The bad file is taken out: its message goes, the two photos stay chosen.
    page.get_by_role("button", name="Remove photo b.txt").click()
    assert previews.count() == 2
    assert page.locator(".js-photo-errors").inner_text().strip() == ""
    assert page.evaluate("document.querySelector(\"input[name='photos']\").files.length") == 2
    page.get_by_role("button", name="Remove photo a.jpg").click()
    assert [t.strip() for t in page.locator(".js-photo-previews .photo-name").all_inner_texts()] == ["c.jpg"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_SCREEN["width"]
    page.get_by_role("button", name="Send report").click()
    page.wait_for_url(TRACK_URL)
    issue = Issue.objects.get()
    stored = IssuePhoto.objects.get(issue=issue)
    with stored.image.open("rb") as f:
        blue = Image.open(io.BytesIO(f.read())).convert("RGB").getpixel((10, 10))
    assert blue[2] > 150 and blue[0] < 80, "the photo kept is the one not removed"


def test_without_javascript_the_form_says_how_to_change_the_photos(world, live_server, phone):
    page = phone("zh-CN", java_script_enabled=False)
    page.goto(live_server.url + world.loc.report_path())
    assert page.locator(".js-photo-choose-again").is_visible()
    assert "重新选择" in page.locator(".js-photo-choose-again").inner_text()


@pytest.mark.parametrize(
    ("locale", "off", "on"),
    [("zh-CN", "放大字体", "已放大字体 · 点此恢复"), ("en-US", "Larger text", "Large text on · undo")],
)
def test_the_larger_text_switch_shows_its_state_and_how_to_undo_it(world, live_server, phone, locale, off, on):
    page = phone(locale)
    page.goto(live_server.url + world.loc.report_path())
    switch = page.locator(".js-large-text")
    assert (switch.inner_text().strip(), switch.get_attribute("aria-pressed")) == (off, "false")
    switch.click()
    assert (switch.inner_text().strip(), switch.get_attribute("aria-pressed")) == (on, "true")
    assert page.evaluate("document.documentElement.classList.contains('large-text')")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_SCREEN["width"]
    shot(page, f"large-text-on-{locale}")
    page.reload()  # remembered, and still says so
    assert page.locator(".js-large-text").inner_text().strip() == on
    page.locator(".js-large-text").click()
    assert page.locator(".js-large-text").inner_text().strip() == off
    assert not page.evaluate("document.documentElement.classList.contains('large-text')")


def test_a_resolved_report_asks_first_and_solved_needs_no_rating(world, live_server, phone):
    issue, token = factories.issue(world.loc, description="楼道灯不亮")
    issue = services.accept_issue(issue, actor=world.worker)
    issue = services.arrive_issue(issue, actor=world.worker)
    services.resolve_issue(issue, actor=world.worker, note="已更换灯泡")
    page = phone("zh-CN")
    page.goto(f"{live_server.url}/t/{token}/")
    shot(page, "track-resolved-first-screen")
    question = page.locator("#h-answer").bounding_box()
    assert question["y"] + question["height"] <= PHONE_SCREEN["height"], "the question is on the first screen"
    assert page.locator("#h-done").bounding_box()["y"] < PHONE_SCREEN["height"]
    assert question["y"] < page.locator(".reference-box").bounding_box()["y"]
    page.get_by_role("button", name="解决了", exact=True).click()
    page.locator(".thanks").wait_for()
    issue.refresh_from_db()
    assert (issue.status, issue.rating) == (Status.CLOSED, None)
    assert "您已确认问题解决" in page.locator(".thanks").inner_text()


def test_the_urgent_hint_reads_english_words_by_the_same_rule(world, live_server, phone):
    from issues.models import KeywordRule

    for phrase in ("gas leak", "fire"):  # a transactional test before may have flushed the rules
        KeywordRule.objects.get_or_create(phrase=phrase)
    page = phone("en-US")
    page.goto(live_server.url + world.loc.report_path())
    hint = page.locator(".js-keyword-hint")
    page.fill("#id_description", "Too many fireworks at night")
    assert hint.is_hidden(), "whole words only: no 'fire' in 'fireworks'"
    page.fill("#id_description", "There is a gas   leak in the stairwell")
    hint.wait_for(state="visible")
    shot(page, "report-urgent-hint-english")
    assert hint.bounding_box()["y"] + hint.bounding_box()["height"] <= PHONE_SCREEN["height"]


def test_a_photo_chosen_to_add_on_the_tracking_page_can_be_removed_too(world, live_server, phone):
    issue, token = factories.issue(world.loc, description="楼道灯不亮")
    page = phone("en-US")
    page.goto(f"{live_server.url}/t/{token}/")
    page.set_input_files(
        "#note input[name='photos']", [photo("a.jpg", jpeg((200, 0, 0))), photo("c.jpg", jpeg((0, 0, 200)))]
    )
    page.locator("#note .js-photo-previews li").nth(1).wait_for()
    page.get_by_role("button", name="Remove photo a.jpg").click()
    assert page.locator("#note .js-photo-previews li").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_SCREEN["width"]
    page.locator("#note button[type='submit']").click()
    page.locator(".message.success").wait_for()
    assert IssuePhoto.objects.filter(issue=issue).count() == 1
