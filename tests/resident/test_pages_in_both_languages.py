"""Every resident page renders in Simplified Chinese (the default) and in English."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from issues import services
from issues.models import FAQ
from tests import factories

LANGUAGES = {"zh-hans": "zh-CN,zh;q=0.9", "en": "en"}
# One phrase per page and language that only a translated page shows.
EXPECTED = {
    "report": {
        "zh-hans": ["反映问题", "我要咨询", "紧急情况", "本机发送的反映"],
        "en": ["Send report", "I have a question"],
    },
    "report_errors": {"zh-hans": ["请告诉我们遇到了什么问题。"], "en": ["Please tell us what is wrong."]},
    "track_open": {
        "zh-hans": ["补充内容", "我们收到了您的反映。"],
        "en": ["Add something", "We received your report."],
    },
    "track_resolved": {
        "zh-hans": ["问题解决了吗？", "天内没有收到您的回复"],
        "en": ["Is it solved?", "If we hear nothing"],
    },
    "track_unrated": {"zh-hans": ["这条反映已结案，没有评价。"], "en": ["This report was closed without a rating."]},
    "faq": {"zh-hans": ["常见问题", "电梯坏了找谁修？"], "en": ["Common questions"]},
    "faq_search": {"zh-hans": ["关于“电梯”的解答"], "en": ["answer for “电梯”"]},
    "my": {"zh-hans": ["本机发送的反映", "从手机上删除这个列表"], "en": ["Reports sent from this phone"]},
}


@pytest.fixture
def pages(world, settings) -> dict:
    settings.RESIDENT_CONFIRM_DAYS = 1
    FAQ.objects.create(question="电梯坏了找谁修？", answer="请拨打维保电话。", category="房屋设施", is_published=True)
    _, open_token = factories.issue(world.loc, kind="consult")
    unrated, unrated_token = factories.issue(world.loc, kind="consult")
    unrated = services.accept_issue(unrated, actor=world.worker)
    services.resolve_issue(unrated, actor=world.worker, note="已处理")
    assert services.close_unconfirmed(now=timezone.now() + timedelta(days=2)) == 1
    resolved, resolved_token = factories.issue(world.loc, kind="consult")
    resolved = services.accept_issue(resolved, actor=world.worker)
    services.resolve_issue(resolved, actor=world.worker, note="已处理")
    return {
        "report": ("get", world.loc.report_path(), {}),
        "report_errors": ("post", world.loc.report_path(), {"description": ""}),
        "track_open": ("get", reverse("track", args=[open_token]), {}),
        "track_resolved": ("get", reverse("track", args=[resolved_token]), {}),
        "track_unrated": ("get", reverse("track", args=[unrated_token]), {}),
        "faq": ("get", reverse("faq"), {}),
        "faq_search": ("get", reverse("faq"), {"q": "电梯"}),
        "my": ("get", reverse("my_reports"), {}),
    }


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", EXPECTED)
def test_the_page_speaks_the_language_asked_for(pages, page, language):
    method, url, data = pages[page]
    client = Client(headers={"accept-language": LANGUAGES[language]})
    response = getattr(client, method)(url, data)
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    for phrase in EXPECTED[page][language]:
        assert phrase in html, f"{page} in {language}: {phrase!r} missing"
    if language == "zh-hans":
        for english in ("Send report", "Your report", "Common questions", "Reports sent from this phone"):
            assert english not in html, f"{page} in Chinese still shows {english!r}"
