"""一类事: recurring matters by place and category and by alike text; FAQ in two clicks."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from issues import themes
from issues.models import FAQ, Category, Issue
from tests.desk.conftest import client_for, many_issues, queries_of


def test_same_place_and_category_is_a_theme(world):
    lamps = Category.objects.create(name="路灯", slug="lamps")
    many_issues(world.loc, 4, category=lamps, description="路灯又不亮")
    many_issues(world.loc2, 2, category=lamps, description="别处路灯")  # only two there
    found = themes.recurring(Issue.objects.all())
    place = [t for t in found if t.how == "place"]
    assert [(t.count, t.title) for t in place] == [(4, f"{world.loc.name} · 路灯")]
    assert place[0].suggestion == themes.CAMPAIGN_SUGGESTION


def test_alike_text_is_a_theme_and_answered_consults_suggest_an_faq(world):
    texts = ["请问老年卡在哪里办理", "老年卡怎么办理啊", "想办老年卡，去哪里办理", "垃圾分类几点收"]
    for n, text in enumerate(texts):
        many_issues(
            world.loc if n % 2 else world.loc2,
            1,
            description=text,
            status="closed",
            resolution="带身份证到街道社区事务受理中心办理",
        )
    found = themes.recurring(Issue.objects.all())
    (theme,) = found
    assert theme.how == "text" and theme.count == 3 and "老年" in theme.title
    assert theme.suggestion == themes.FAQ_SUGGESTION and len(theme.answered_consults) == 3


def test_old_and_merged_issues_are_not_counted(world):
    many_issues(world.loc, 3, description="井盖松动了", created_at=timezone.now() - dt.timedelta(days=40))
    many_issues(world.loc, 3, description="井盖松动了", status="merged")
    assert themes.recurring(Issue.objects.all()) == []


def test_faq_entry_in_two_clicks(world):
    many_issues(world.loc, 3, description="老年卡怎么办理", status="closed", resolution="带身份证到受理中心")
    client = client_for(world.staff)
    page = client.get(reverse("themes")).content.decode()
    (theme,) = client.get(reverse("themes")).context["themes"]
    link = reverse("themes_faq") + "?ids=" + theme.faq_ids
    assert link.replace("&", "&amp;") in page or link in page
    # Click one: the draft, filled in from the answered questions.
    draft = client.get(link)
    assert draft.context["draft"].question == "老年卡怎么办理"
    assert draft.context["draft"].answer == "带身份证到受理中心"
    # Click two: publish.
    response = client.post(
        reverse("themes_faq"), {"ids": theme.faq_ids, "question": "老年卡怎么办理", "answer": "带身份证到受理中心"}
    )
    assert response.status_code == 303
    assert FAQ.objects.filter(question="老年卡怎么办理", is_published=True).count() == 1


def test_faq_refusals(world):
    client = client_for(world.staff)
    response = client.post(reverse("themes_faq"), {"ids": "", "question": "", "answer": "x"})
    assert response.status_code == 400 and not FAQ.objects.exists()
    theirs = many_issues(world.other_loc, 1, status="closed", resolution="他们的答复")
    response = client.get(reverse("themes_faq") + f"?ids={theirs[0].pk}")
    assert response.status_code == 303  # nothing of ours to reuse
    assert client_for(world.worker).get(reverse("themes")).status_code == 403


def test_themes_page_runs_the_same_queries_at_10_and_2000(world, django_assert_num_queries):
    client = client_for(world.staff)
    many_issues(world.loc, 10, description="楼道堆物")
    small, _ = queries_of(client, reverse("themes"))
    many_issues(world.loc2, 1990, description="电瓶车楼道充电")
    with django_assert_num_queries(small):
        client.get(reverse("themes"))
