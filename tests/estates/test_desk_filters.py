"""The desk's list filtered by estate and by property company (issues.extensions
"desk_filters"): the choices cost no query, the filter narrows the list; the statistics page
and its CSV are narrowed the same way."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from estates import services
from estates.models import Estate
from tests import factories

pytestmark = pytest.mark.usefixtures("sla_policies")


def desk(world) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.staff)
    return client


def test_the_desk_filters_by_estate_and_by_company(estates, world, clock):
    inside, _ = factories.issue(world.loc, kind="consult", description="永嘉新村的楼道灯", route=False)
    other, _ = factories.issue(
        estates.other_estate.estate_locations.get().location, kind="consult", description="安亭公寓的电梯", route=False
    )
    outside, _ = factories.issue(world.loc2, kind="consult", description="弄堂外的路灯", route=False)
    client = desk(world)
    url = reverse("staff_dashboard")
    page = client.get(url, {"queue": "all"}).content.decode()
    assert 'name="estate"' in page and 'name="company"' in page
    assert all(i.reference in page for i in (inside, other, outside))

    page = client.get(url, {"queue": "all", "estate": estates.estate.pk}).content.decode()
    assert inside.reference in page and other.reference not in page and outside.reference not in page
    page = client.get(url, {"queue": "all", "company": estates.other_company.pk}).content.decode()
    assert other.reference in page and inside.reference not in page and outside.reference not in page
    # Nonsense is ignored, not a 500.
    assert client.get(url, {"queue": "all", "estate": "x", "company": "9" * 40}).status_code == 200


def test_the_filters_cost_no_query_more(estates, world, clock):
    client = desk(world)
    url = reverse("staff_dashboard")
    client.get(url)  # warms the caches
    with CaptureQueriesContext(connection) as plain:
        client.get(url)
    with CaptureQueriesContext(connection) as filtered:
        client.get(url, {"estate": estates.estate.pk, "company": estates.company.pk})
    assert len(filtered) == len(plain)


# --- The statistics page, narrowed the same way ---------------------------------------------------


def stats_issues(world, estates):
    """Received yesterday: two at 永嘉新村 (衡复物业; rated 5 and 1), one at 安亭公寓 (安亭物业;
    rated 5), one outside any estate (rated 4)."""
    from tests.desk.conftest import many_issues

    at = timezone.now() - dt.timedelta(days=1)
    other_loc = estates.other_estate.estate_locations.get().location
    many_issues(world.loc, 1, created_at=at, status="closed", rating=5)
    many_issues(world.loc, 1, created_at=at, status="closed", rating=1, kind="urgent")
    many_issues(other_loc, 1, created_at=at, status="closed", rating=5)
    many_issues(world.loc2, 1, created_at=at, status="closed", rating=4)


def test_the_statistics_are_of_the_estate_or_company_picked(estates, world):
    stats_issues(world, estates)
    client = desk(world)
    url = reverse("stats")
    everything = client.get(url)
    page = everything.content.decode()
    assert 'name="estate"' in page and 'name="company"' in page
    assert f'<option value="{estates.estate.pk}">永嘉新村</option>' in page
    overall = everything.context["overall"]
    assert (overall.received, overall.rated, overall.satisfied) == (4, 4, 3)

    estate = client.get(url, {"estate": estates.estate.pk})
    overall = estate.context["overall"]
    assert (overall.received, overall.rated, overall.satisfied, overall.satisfaction_rate) == (2, 2, 1, 50.0)
    assert {r.key: r.received for r in estate.context["tables"]["kind"]} == {"consult": 1, "urgent": 1}
    page = estate.content.decode()
    assert f'<option value="{estates.estate.pk}" selected>永嘉新村</option>' in page
    assert "· 永嘉新村</span>" in page  # the heading says what the numbers are of
    assert f"estate={estates.estate.pk}" in page  # and the CSV links keep the filter

    company = client.get(url, {"company": estates.other_company.pk}).context["overall"]
    assert (company.received, company.satisfaction_rate) == (1, 100.0)
    both = client.get(url, {"company": estates.company.pk, "estate": estates.other_estate.pk}).context["overall"]
    assert both.received == 0  # 安亭公寓 is not 衡复物业's
    # Nonsense is ignored, not a 500.
    assert client.get(url, {"estate": "x", "company": "9" * 40}).context["overall"].received == 4


def test_the_csv_is_of_the_estate_picked(estates, world):
    stats_issues(world, estates)
    client = desk(world)
    response = client.get(reverse("stats_csv"), {"table": "kind", "estate": estates.estate.pk})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted(row[1] for row in rows[1:]) == ["1", "1"]
    response = client.get(reverse("stats_csv"), {"table": "kind"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sum(int(row[1]) for row in rows[1:]) == 4


def test_an_estate_of_another_workstation_cannot_be_picked_and_gives_nothing(estates, world):
    from tests.desk.conftest import many_issues

    stats_issues(world, estates)
    foreign = Estate.objects.create(
        name="外站小区", neighbourhood=world.other_loc.grid.neighbourhood, households=50, company=estates.other_company
    )
    services.add_locations(foreign, locations=[world.other_loc])
    many_issues(world.other_loc, 3, created_at=timezone.now() - dt.timedelta(days=1))
    client = desk(world)
    page = client.get(reverse("stats"))
    assert "外站小区" not in page.content.decode()
    picked = client.get(reverse("stats"), {"estate": foreign.pk})
    assert picked.status_code == 200 and picked.context["overall"].received == 0
    assert "外站小区" not in picked.content.decode()
    csv_rows = client.get(reverse("stats_csv"), {"table": "kind", "estate": foreign.pk}).content.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(csv_rows)))) == 1  # the header only
    # Its own workstation's staff see its three.
    outsider = Client(headers={"accept-language": "en"})
    outsider.force_login(world.outsider)
    assert outsider.get(reverse("stats"), {"estate": foreign.pk}).context["overall"].received == 3


def test_the_statistics_filters_cost_no_query_more(estates, world):
    stats_issues(world, estates)
    client = desk(world)
    url = reverse("stats")
    client.get(url)  # warms the caches
    with CaptureQueriesContext(connection) as plain:
        client.get(url)
    with CaptureQueriesContext(connection) as filtered:
        client.get(url, {"estate": estates.estate.pk, "company": estates.company.pk})
    assert len(filtered) == len(plain)
