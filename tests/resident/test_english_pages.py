"""Issue 18, item 6: the English tracking page reads as one page: every timeline step is written
as a heading (capitalised, like the sentences beside it), and every time on the page has one
format (per language), the one the resident's own list of reports uses too."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation

from issues import services
from issues.models import IssueEvent
from issues.transitions import record
from tests import factories


def page(token: str, language: str) -> str:
    return Client(headers={"accept-language": language}).get(reverse("track", args=[token])).content.decode()


@pytest.fixture
def dispatched(world):
    issue, token = factories.issue(world.loc, reporter_phone="13812341234")
    services.accept_issue(issue, actor=world.worker)
    record(issue, IssueEvent.Type.DISPATCHED, note="市南供电所")
    record(issue, IssueEvent.Type.PRIORITY)  # a step without a sentence of its own
    return issue, token


def headings(html: str) -> list[str]:
    timeline = html[html.index('id="h-timeline"') :]
    return re.findall(r"</time>\s*<strong>([^<]+)</strong>", timeline)


def test_every_step_of_the_english_timeline_is_capitalised(dispatched):
    _, token = dispatched
    steps = headings(page(token, "en"))
    assert "Sent to a department." in steps
    assert "Priority changed" in steps
    assert steps and all(step[0].isupper() for step in steps), steps


def test_the_chinese_timeline_has_a_sentence_for_a_dispatch(dispatched):
    _, token = dispatched
    assert "已派单给相关部门。" in headings(page(token, "zh-hans"))


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_one_date_format_on_the_tracking_page(dispatched, language):
    issue, token = dispatched
    html = page(token, language)
    shown = re.findall(r'<time datetime="[^"]+">([^<]+)</time>', html)
    assert len(shown) >= 3
    with translation.override(language):
        expected = formats.date_format(timezone.localtime(issue.created_at), "DATETIME_FORMAT")
    assert expected in html  # "Received"
    pattern = (
        r"[A-Z][a-z]{2,4}\.? \d{1,2}, \d{4}, \d{1,2}(:\d\d)? [ap]\.m\."
        if language == "en"
        else r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d"
    )
    assert all(re.fullmatch(pattern, text) for text in shown), shown
    assert not re.search(r"\d\d/\d\d/\d{4}", html), "no second, numeric format"
