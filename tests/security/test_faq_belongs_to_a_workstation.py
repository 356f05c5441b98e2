"""FAQ (issue 14, item 2): an entry belongs to the workstation that published it; residents see
those of the place they report at (and the subdistrict-wide ones, which only an administrator
marks); another workstation's staff cannot publish to 梧桐片区's residents."""

import json

from django.test import Client
from django.urls import reverse

from issues import faq
from issues.models import FAQ
from tests import factories
from tests.desk.conftest import client_for, many_issues


def english() -> Client:
    return Client(headers={"accept-language": "en"})


def suggestions(loc, text: str) -> list[str]:
    page = english().get(loc.report_path()).content.decode()
    start = page.index('data-suggest-url="') + len('data-suggest-url="')
    url = page[start : page.index('"', start)].replace("&amp;", "&")
    sep = "&" if "?" in url else "?"
    body = json.loads(english().get(f"{url}{sep}q={text}").content)
    return [r["question"] for r in body["results"]]


def test_an_outsiders_faq_entry_reaches_only_their_own_residents(world):
    response = client_for(world.outsider).post(
        reverse("themes_faq"), {"ids": "", "question": "电梯坏了找谁修？请打 13900000000", "answer": "打这个电话"}
    )
    assert response.status_code == 303
    entry = FAQ.objects.get()
    assert entry.workstation_id == world.other_ws.pk and entry.is_published
    faq.invalidate()

    # 梧桐片区's residents: neither on the FAQ page of their place nor in the suggestions.
    ours = english().get(reverse("faq") + f"?ws={world.ws.slug}").content.decode()
    assert "13900000000" not in ours
    assert "13900000000" not in english().get(reverse("faq")).content.decode()
    assert suggestions(world.loc, "电梯坏了找谁修") == []
    # Theirs see it.
    theirs = english().get(reverse("faq") + f"?ws={world.other_ws.slug}").content.decode()
    assert "13900000000" in theirs
    assert suggestions(world.other_loc, "电梯坏了找谁修") == [entry.question]


def test_an_entry_made_from_answered_issues_belongs_to_their_workstation(world):
    (source,) = many_issues(world.loc, 1, description="老年卡怎么办理", status="closed", resolution="带身份证")
    response = client_for(world.staff).post(
        reverse("themes_faq"), {"ids": str(source.pk), "question": "老年卡怎么办理", "answer": "带身份证"}
    )
    assert response.status_code == 303
    assert FAQ.objects.get().workstation_id == world.ws.pk
    assert suggestions(world.loc, "老年卡怎么办理") == ["老年卡怎么办理"]
    assert suggestions(world.other_loc, "老年卡怎么办理") == []


def test_someone_who_runs_several_workstations_must_say_which(world):
    factories.user("both", role="staff", workstation=world.other_ws)
    both = factories.User.objects.get(username="both")
    from workstations.models import Role

    Role.objects.create(user=both, kind=Role.Kind.STAFF, workstation=world.ws)
    response = client_for(both).post(reverse("themes_faq"), {"ids": "", "question": "问", "answer": "答"})
    assert response.status_code == 400
    assert "Which workstation" in response.content.decode()
    assert not FAQ.objects.exists()


def test_subdistrict_wide_entries_reach_every_workstation_of_the_subdistrict_only(world):
    neighbour = factories.workstation(world.ws.subdistrict)
    wide = FAQ.objects.create(
        question="垃圾几点收？", answer="晚上七点", is_published=True, workstation=world.ws, subdistrict_wide=True
    )
    own = FAQ.objects.create(question="停车怎么办？", answer="找居委", is_published=True, workstation=world.ws)
    faq.invalidate()
    on_neighbour = [e.id for e in faq.published(workstation=neighbour)]
    assert wide.id in on_neighbour and own.id not in on_neighbour
    assert wide.id not in [e.id for e in faq.published(workstation=world.other_ws)]
    assert {wide.id, own.id} <= {e.id for e in faq.published(workstation=world.ws)}


def test_only_an_administrator_marks_an_entry_subdistrict_wide(world, root):
    entry = FAQ.objects.create(question="问", answer="答", is_published=True, workstation=world.ws)
    head = factories.admin_client(world.head, "issues")
    form = head.get(reverse("admin:issues_faq_change", args=[entry.pk])).content.decode()
    assert 'name="subdistrict_wide"' not in form
    admin = Client()
    admin.force_login(root)
    assert 'name="subdistrict_wide"' in admin.get(reverse("admin:issues_faq_change", args=[entry.pk])).content.decode()
