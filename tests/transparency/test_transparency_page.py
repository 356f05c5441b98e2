"""The public transparency page: last month's and this year's rates by the desk's own functions,
equal to the desk's for a hand-computed month; no personal data or unpublished words; one cached
computation per month; linked from home and the FAQ."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from issues.models import FAQ, Issue
from tests import factories

SH = ZoneInfo("Asia/Shanghai")
NOV = dt.datetime(2026, 11, 3, 10, 0, tzinfo=SH)
TODAY = dt.datetime(2026, 12, 10, 9, 0, tzinfo=SH)

pytestmark = pytest.mark.usefixtures("sla_policies")


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def rates(html: str, section: str | None = None) -> dict[str, str]:
    if section:
        html = html.split(f'id="{section}"', 1)[1].split("</section>", 1)[0]
    return dict(re.findall(r'data-rate="(\w+)">([^<]*)<', html))


@pytest.fixture
def november(world, time_machine):
    """Five urgent reports on 3 November (accept within 10 minutes, resolve within 4 hours):
    accepted after 5, 5, 5 and 30 minutes, and never; rated 5, 2 and 4.
    By hand: response 3 of 5 = 60.0 %; resolution 2 of 5 = 40.0 %; satisfaction 2 of 3 = 66.7 %."""
    time_machine.move_to(NOV, tick=False)
    outcomes = [(5, 60, 5), (5, 300, 2), (5, 60, 4), (30, None, None), (None, None, None)]
    for accept_min, resolve_min, rating in outcomes:
        issue, _ = factories.issue(
            world.loc,
            kind="urgent",
            description="王阿姨说电线断了",
            reporter_name="王阿姨",
            reporter_phone="13800138000",
        )
        changes = {}
        if accept_min is not None:
            changes.update(status="accepted", accepted_at=NOV + dt.timedelta(minutes=accept_min))
        if resolve_min is not None:
            changes.update(
                status="closed",
                resolved_at=NOV + dt.timedelta(minutes=resolve_min),
                closed_at=NOV + dt.timedelta(days=1),
            )
        if rating is not None:
            changes.update(rating=rating, rating_comment="李师傅手机13912345678很好")
        Issue.objects.filter(pk=issue.pk).update(**changes)
    FAQ.objects.create(question="楼道灯坏了找谁？", answer="扫码报修，网格员当天处理。", is_published=True)
    FAQ.objects.create(question="未发布的问题", answer="草稿", is_published=False)
    time_machine.move_to(TODAY, tick=False)


def test_last_months_rates_are_the_hand_computed_ones_and_the_desks(client, world, november):
    page = client.get(f"/open/{world.ws.slug}/", headers={"accept-language": "en"})
    assert page.status_code == 200
    html = page.content.decode()
    assert rates(html, "last-month") == {
        "response": "60.0%",
        "resolution": "40.0%",
        "satisfaction": "66.7%",
        "received": "5",
    }
    client.force_login(world.head)
    desk = client.get("/staff/stats/?from=2026-11-01&to=2026-11-30", headers={"accept-language": "en"})
    assert rates(desk.content.decode()) == rates(html, "last-month")
    assert rates(html, "this-year") == rates(html, "last-month")  # nothing else this year


def test_the_page_shows_no_personal_data_and_no_unpublished_words(client, world, november):
    html = client.get(f"/open/{world.ws.slug}/").content.decode()
    for private in ("王阿姨", "13800138000", "13912345678", "电线断了", "未发布的问题"):
        assert private not in html
    assert "楼道灯坏了找谁？" in html


def test_a_neighbourhood_has_its_own_page(client, world, november):
    nb = world.loc.grid.neighbourhood
    html = client.get(f"/open/{world.ws.slug}/{nb.slug}/").content.decode()
    assert rates(html, "last-month")["received"] == "5"
    assert client.get(f"/open/{world.ws.slug}/no-such-place/").status_code == 404


def test_the_figures_are_computed_once_a_month(client, world, november, django_assert_max_num_queries):
    client.get(f"/open/{world.ws.slug}/")
    Issue.objects.filter(workstation=world.ws).update(rating=1)  # a change within the month…
    with django_assert_max_num_queries(3):  # …is not read again: the workstation and its neighbourhoods
        html = client.get(f"/open/{world.ws.slug}/").content.decode()
    assert rates(html, "last-month")["satisfaction"] == "66.7%"


def test_home_and_faq_link_to_it(client, db):
    assert 'href="/open/"' in client.get("/").content.decode()
    assert 'href="/open/"' in client.get("/faq/").content.decode()


def test_the_index_lists_every_workstation(client, world):
    html = client.get("/open/").content.decode()
    assert f"/open/{world.ws.slug}/" in html and f"/open/{world.other_ws.slug}/" in html
