"""The desk's list filtered by estate and by property company (issues.extensions
"desk_filters"): the choices cost no query, the filter narrows the list."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

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
