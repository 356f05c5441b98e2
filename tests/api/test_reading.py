"""The event feed, locations, FAQ and statistics: each within the caller's scope."""

import pytest
from django.urls import reverse

from issues import services
from issues.models import FAQ, IssueEvent
from tests import factories

from .conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_event_feed_polls_by_id(world, reported):
    client = client_for(world.staff)
    first = client.get(reverse("api:event-list")).json()["results"]
    assert {e["issue"] for e in first} == {reported.pk}
    last_id = first[-1]["id"]
    services.accept_issue(reported, actor=world.worker)
    newer = client.get(reverse("api:event-list"), {"after_id": last_id}).json()["results"]
    assert [e["type"] for e in newer] == ["accepted"]
    assert client.get(reverse("api:event-list"), {"type": "accepted"}).json()["count"] == 1
    factories.issue(world.other_loc)
    assert client.get(reverse("api:event-list")).json()["count"] == IssueEvent.objects.filter(issue=reported).count()


def test_locations_of_my_workstation(world):
    body = client_for(world.staff).get(reverse("api:location-list")).json()
    assert {row["id"] for row in body["results"]} == {world.loc.pk, world.loc2.pk}
    row = next(r for r in body["results"] if r["id"] == world.loc.pk)
    assert row["workstation"] == {"id": world.ws.pk, "name": world.ws.name}
    assert row["report_url"].endswith(world.loc.report_path())
    assert client_for(world.worker).get(reverse("api:location-list")).status_code == 403


def test_only_published_answers(world):
    FAQ.objects.create(question="公开的", answer="a", is_published=True)
    FAQ.objects.create(question="草稿", answer="b", is_published=False)
    questions = [f["question"] for f in client_for(world.worker).get(reverse("api:faq-list")).json()["results"]]
    assert "公开的" in questions and "草稿" not in questions


def test_statistics_count_my_workstations_issues(world, reported):
    factories.issue(world.loc2, kind="consult")
    factories.issue(world.other_loc)
    services.accept_issue(reported, actor=world.worker)
    services.arrive_issue(reported, actor=world.worker)
    services.resolve_issue(reported, actor=world.worker, note="好了")
    services.confirm_issue(reported, rating=4)
    body = client_for(world.staff).get(reverse("api:statistics")).json()
    assert body["total"] == 2 and body["closed"] == 1 and body["open"] == 1
    assert body["rated"] == 1 and body["average_rating"] == 4.0
    assert {row["key"]: row["count"] for row in body["by_kind"]}["consult"] == 1
    assert client_for(world.staff).get(reverse("api:statistics"), {"kind": "consult"}).json()["total"] == 1
    assert client_for(world.staff).get(reverse("api:statistics"), {"workstation": "x"}).status_code == 400


@pytest.mark.parametrize("name", ["api:event-list", "api:location-list", "api:dispatch-list"])
def test_lists_run_a_fixed_number_of_queries(world, name, django_assert_max_num_queries):
    from workstations.models import Location

    client = client_for(world.staff)
    factories.issue(world.loc)
    with django_assert_max_num_queries(12) as small:
        assert client.get(reverse(name)).status_code == 200
    department = factories.department(world.ws.subdistrict)
    for n in range(10):
        issue, _ = factories.issue(world.loc2)
        services.dispatch_issue(issue, to=department, actor=world.staff)
        Location.objects.create(grid=world.grid, name=f"新点位{n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse(name)).status_code == 200
