"""削峰斩尾: complaints per 100 households, recurrence within 90 days, the long tail, the trend;
the page runs a fixed number of queries at 10 and at 2,000 estates."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from estates.models import Complaint, Estate
from estates.rankings import rankings
from issues.models import Category, Issue
from tests import factories

from .conftest import T0

pytestmark = pytest.mark.usefixtures("sla_policies")


def complaint(estate, loc, *, category=None, days_ago=0, clock=None):
    issue, _ = factories.issue(loc, kind="consult", description="楼道灯坏了", route=False, category=category)
    created = T0 - dt.timedelta(days=days_ago)
    Issue.objects.filter(pk=issue.pk).update(created_at=created, resolve_due_at=created + dt.timedelta(days=1))
    c = Complaint.objects.create(issue=issue, estate=estate, company=estate.company)
    Complaint.objects.filter(pk=c.pk).update(created_at=created)
    return c


def test_rates_recurrence_long_tail_and_trend(estates, world, clock):
    lights = Category.objects.create(name="楼道灯", slug="lights")
    complaint(estates.estate, world.loc, category=lights, days_ago=100)
    complaint(estates.estate, world.loc, category=lights, days_ago=30)  # recurs within 90 days
    complaint(estates.estate, world.loc, category=lights, days_ago=1)  # and again
    complaint(estates.bare, estates.bare_loc, days_ago=5)
    data = rankings(Estate.objects.all(), now=T0)
    top = data["by_rate"][0]
    assert (top.name, top.complaints, top.per_100) == ("高安路19弄", 1, 2.5)
    yongjia = next(r for r in data["by_rate"] if r.name == "永嘉新村")
    assert (yongjia.complaints, yongjia.recurring, yongjia.per_100) == (3, 2, 0.8)
    assert [r.name for r in data["by_recurrence"]] == ["永嘉新村"]
    # Open and past twice their one-day deadline: all but the one from yesterday.
    assert yongjia.long_tail == 2
    assert data["trend"] == [0, 1, 0, 1, 1, 1]  # Oct–Mar: 100 days ago (Nov), 30 (Jan), 5 (Feb), 1 (Mar)
    assert data["companies"][0].name == "衡复物业"


@pytest.mark.parametrize("count", [10, 2000])
def test_the_rankings_page_runs_a_fixed_number_of_queries(estates, world, root, count, django_assert_max_num_queries):
    hood = world.grid.neighbourhood
    Estate.objects.bulk_create(
        Estate(name=f"小区{n}", short_code=f"x{n}", neighbourhood=hood, households=100 + n) for n in range(count)
    )
    for n in range(3):
        complaint(estates.estate, world.loc, days_ago=n)
    client = Client()
    client.force_login(root)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("estates:rankings"))
    assert response.status_code == 200


def test_an_outsider_is_refused_the_rankings(estates, world):
    client = Client(headers={"accept-language": "en"})
    client.force_login(factories.user("nobody"))
    assert client.get(reverse("estates:rankings")).status_code == 403


def test_a_recurring_theme_opens_a_coordination_case_for_the_desk_only(estates, world, clock):
    lights = Category.objects.create(name="楼道灯", slug="lights")
    first = complaint(estates.estate, world.loc, category=lights, days_ago=30)
    again = complaint(estates.estate, world.loc, category=lights, days_ago=1)
    case_url = reverse("cowork:new", args=[world.ws.slug])

    desk = Client(headers={"accept-language": "en"})
    desk.force_login(world.staff)
    page = desk.get(reverse("estates:rankings")).content.decode()
    assert f'href="{case_url}?issue={first.issue_id}&amp;issue={again.issue_id}"' in page
    # The link leads to cowork's new-case page, where the desk opens the case.
    assert desk.get(f"{case_url}?issue={first.issue_id}").status_code == 200

    officer = Client(headers={"accept-language": "en"})
    officer.force_login(estates.officer)
    page = officer.get(reverse("estates:rankings")).content.decode()
    assert "楼道灯 ×1" in page  # the officer sees the theme, and cannot open a case
    assert case_url not in page
