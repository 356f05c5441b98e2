"""What fits on the first screen: the resident's report form at 360×740 shows the question and
the text box without scrolling (the emergency numbers one compact line above), and the urgent
hint appears right above the text box, where the resident is looking while typing."""

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/ux-shots"))


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_the_question_and_the_text_box_are_on_the_first_screen(world, live_server, phone, resident_pages, locale):
    page = phone(locale)
    page.goto(live_server.url + world.loc.report_path())
    shot(page, f"report-first-screen-{locale}")
    height = page.viewport_size["height"]
    emergency = box(page, "#emergency")
    assert emergency["height"] <= 110, "the emergency box is compact: a short line and one row of buttons"
    tels = [page.locator("a.tel").nth(i).bounding_box() for i in range(3)]
    assert len({round(t["y"]) for t in tels}) == 1, "110, 119 and 120 sit on one line"
    assert all(t["x"] + t["width"] <= emergency["x"] + emergency["width"] for t in tels), "inside the box"
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    label = box(page, "label[for=id_description]")
    text = box(page, "#id_description")
    assert label["y"] + label["height"] <= height
    assert text["y"] + min(text["height"], 80) <= height, "the text box starts on the first screen"


def test_the_urgent_hint_shows_above_the_text_box_while_typing(world, live_server, phone, resident_pages):
    from issues.models import KeywordRule

    KeywordRule.objects.get_or_create(phrase="电线")  # a transactional test before may have flushed the rules
    page = phone("zh-CN")
    page.goto(live_server.url + world.loc.report_path())
    page.fill("#id_description", "弄堂口电线掉下来了")
    hint = page.locator(".js-keyword-hint")
    hint.wait_for(state="visible")
    shot(page, "report-urgent-hint")
    assert hint.bounding_box()["y"] < box(page, "#id_description")["y"]
    assert hint.bounding_box()["y"] + hint.bounding_box()["height"] <= page.viewport_size["height"]
