"""Common questions: Chinese n-gram matching, the /faq/ page by category, and suggestions while typing."""

import pytest
from django.test import Client
from django.urls import reverse

from issues import faq
from issues.models import FAQ


@pytest.fixture
def answers(db) -> dict[str, FAQ]:
    rows = {
        "lift": FAQ(question="电梯坏了找谁修？", answer="请先拨打电梯内的维保电话，再告诉物业。", category="房屋设施"),
        "water": FAQ(question="家里停水了怎么办？", answer="先看小区公告，再打供水热线 962740。", category="水电燃气"),
        "power": FAQ(question="楼道灯不亮可以报修吗？", answer="可以，扫弄堂口的二维码反映就行。", category="水电燃气"),
        "cards": FAQ(
            question="How do I renew my residence card?", answer="Bring your ID to the service centre.", category=""
        ),
        "draft": FAQ(question="电梯年检是什么时候？", answer="草稿", category="房屋设施", is_published=False),
    }
    for key, row in rows.items():
        row.is_published = key != "draft"
        row.save()
    return rows


def english() -> Client:
    return Client(headers={"accept-language": "en"})


def test_chinese_text_is_matched_by_character_bigrams():
    assert faq.grams("电梯坏了") == {"电梯", "梯坏", "坏了"}
    assert faq.grams("怎么办") == {"么办"}  # 怎么 is a stop pair: it says nothing about the matter
    assert faq.grams("Renew my CARD") == {"renew", "card"}
    assert faq.grams("水") == {"水"}


def test_search_finds_answers_by_shared_bigrams_best_first(answers):
    hits = faq.search("电梯不动了")
    assert [h.entry.id for h in hits][:1] == [answers["lift"].id]
    assert answers["draft"].id not in [h.entry.id for h in hits]
    assert [h.entry.id for h in faq.search("停水")] == [answers["water"].id]
    assert [h.entry.id for h in faq.search("residence card")] == [answers["cards"].id]
    assert faq.search("火星探测") == []


def test_a_long_description_still_suggests_the_short_question_it_is_about(answers):
    text = "我们楼的电梯坏了已经三天了，老人上下楼很不方便，希望尽快修好"
    assert [h.entry.id for h in faq.suggest(text)][:1] == [answers["lift"].id]
    assert faq.suggest("建议在弄堂口放几把长椅") == []


def test_the_faq_page_lists_published_answers_by_category(answers):
    html = english().get(reverse("faq")).content.decode()
    assert html.index("房屋设施") < html.index("电梯坏了找谁修？")
    assert html.index("水电燃气") < html.index("家里停水了怎么办？")
    assert "Other questions" in html  # the answer without a category
    assert "电梯年检" not in html
    assert f'id="faq-{answers["lift"].id}"' in html


def test_the_faq_page_searches_with_ngrams(answers):
    html = english().get(reverse("faq"), {"q": "电梯不动"}).content.decode()
    assert "电梯坏了找谁修？" in html
    assert "家里停水了怎么办？" not in html
    html = english().get(reverse("faq"), {"q": "火星"}).content.decode()
    assert "Nothing found for “火星”" in html


def test_suggestions_come_as_json(answers):
    response = english().get(reverse("faq_suggest"), {"q": "电梯坏了好几天"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["question"] == "电梯坏了找谁修？"
    assert results[0]["url"] == f"/faq/#faq-{answers['lift'].id}"
    assert english().get(reverse("faq_suggest"), {"q": ""}).json() == {"results": []}


def test_suggestions_are_rate_limited_per_address(answers, settings):
    settings.RATELIMIT_ENABLE = True
    from issues.views import resident

    client = english()
    for _ in range(resident.FAQ_SUGGESTIONS_PER_IP_PER_MINUTE):
        assert client.get(reverse("faq_suggest"), {"q": "电梯"}).status_code == 200
    response = client.get(reverse("faq_suggest"), {"q": "电梯"})
    assert response.status_code == 429
    assert response.json()["results"] == []


def test_an_edited_answer_shows_at_once(answers):
    assert faq.search("停车费") == []
    FAQ.objects.create(question="停车费怎么交？", answer="到居委会登记。", is_published=True)
    assert [h.entry.question for h in faq.search("停车费")] == ["停车费怎么交？"]
