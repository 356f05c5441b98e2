"""Issues over the API: the same scope as the pages, filters, and reports taken by staff."""

import pytest
from django.urls import reverse

from issues.models import Issue, IssueEvent
from tests import factories

from .conftest import client_for

pytestmark = pytest.mark.django_db


def refs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [i["reference"] for i in response.json()["results"]]


def test_staff_see_their_workstations_issues(world, reported):
    theirs, _ = factories.issue(world.other_loc)
    assert refs(client_for(world.staff).get(reverse("api:issue-list"))) == [reported.reference]
    assert refs(client_for(world.outsider).get(reverse("api:issue-list"))) == [theirs.reference]


def test_a_grid_worker_sees_only_their_tasks(world, reported):
    other, _ = factories.issue(world.loc2)
    assert refs(client_for(world.worker).get(reverse("api:issue-list"))) == [reported.reference]
    assert refs(client_for(world.worker2).get(reverse("api:issue-list"))) == [other.reference]
    assert client_for(world.worker2).get(reverse("api:issue-detail", args=[reported.pk])).status_code == 404


def test_the_detail_masks_the_phone_and_lists_what_can_be_done(world, reported):
    body = client_for(world.staff).get(reverse("api:issue-detail", args=[reported.pk])).json()
    assert body["reporter_phone"] == "138****1234"
    assert "13812341234" not in str(body)
    assert body["status"] == "assigned"
    assert "accept" in body["allowed_actions"]
    assert body["location"] == {"id": world.loc.pk, "name": world.loc.name}
    assert body["assignee"]["username"] == world.worker.username
    assert body["url"].endswith(reverse("api:issue-detail", args=[reported.pk]))


def test_filters(world, reported):
    consult, _ = factories.issue(world.loc2, kind="consult")
    client = client_for(world.staff)
    url = reverse("api:issue-list")
    assert refs(client.get(url, {"kind": "consult"})) == [consult.reference]
    assert set(refs(client.get(url, {"kind": ["consult", "urgent"]}))) == {consult.reference, reported.reference}
    assert refs(client.get(url, {"status": "assigned", "grid": world.grid.pk})) == [reported.reference]
    assert refs(client.get(url, {"is_open": "false"})) == []
    assert refs(client.get(url, {"overdue": "true"})) == []
    assert refs(client.get(url, {"reference": reported.reference})) == [reported.reference]
    assert refs(client.get(url, {"q": "电线", "location": world.loc.pk})) == [reported.reference]
    assert refs(client.get(url, {"ordering": "created_at"})) == [reported.reference, consult.reference]


@pytest.mark.parametrize(
    "params", [{"status": "nonsense"}, {"kind": "x"}, {"created_after": "yesterday"}, {"ordering": "description"}]
)
def test_bad_filters_are_400_or_ignored_never_500(world, reported, params):
    response = client_for(world.staff).get(reverse("api:issue-list"), params)
    assert response.status_code in (200, 400)


def test_the_list_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    client = client_for(world.staff)
    factories.issue(world.loc)
    with django_assert_max_num_queries(4) as small:
        client.get(reverse("api:issue-list"))
    for _ in range(15):
        factories.issue(world.loc2)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse("api:issue-list")).json()["count"] == 16


def test_pagination(world):
    for _ in range(3):
        factories.issue(world.loc)
    body = client_for(world.staff).get(reverse("api:issue-list"), {"page_size": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
    assert client_for(world.staff).get(reverse("api:issue-list"), {"page": 9}).status_code == 404


# --- Taking a report --------------------------------------------------------------------------


def test_staff_take_a_report(world):
    response = client_for(world.staff).post(
        reverse("api:issue-list"),
        {"location": world.loc.pk, "description": "楼道灯坏了", "kind": "consult", "reporter_phone": "13900001111"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    issue = Issue.objects.get(pk=body["id"])
    assert issue.kind == "consult" and issue.status == "new"
    assert body["tracking_url"].startswith("http") and "/t/" in body["tracking_url"]
    assert response["Location"] == body["url"]
    assert IssueEvent.objects.filter(issue=issue, type="created").count() == 1


def test_the_same_idempotency_key_gives_the_same_issue(world):
    client = client_for(world.staff)
    data = {"location": world.loc.pk, "description": "水管爆了", "idempotency_key": "k" * 20}
    first = client.post(reverse("api:issue-list"), data, format="json")
    second = client.post(reverse("api:issue-list"), data, format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["tracking_url"] == second.json()["tracking_url"]
    assert Issue.objects.count() == 1


def test_status_is_never_writable(world, reported):
    client = client_for(world.staff)
    response = client.post(
        reverse("api:issue-list"),
        {"location": world.loc.pk, "description": "x", "status": "closed"},
        format="json",
    )
    assert response.status_code == 201
    assert Issue.objects.get(pk=response.json()["id"]).status == "new"
    for method in ("put", "patch", "delete"):
        response = getattr(client, method)(
            reverse("api:issue-detail", args=[reported.pk]), {"status": "closed"}, format="json"
        )
        assert response.status_code == 405, method
    reported.refresh_from_db()
    assert reported.status == "assigned"


@pytest.mark.parametrize(
    "data",
    [
        {"description": "x"},
        {"location": 999999, "description": "x"},
        {"location": "abc", "description": "x"},
        {"description": "   "},
        {"description": "x" * 4001},
        {"description": "x", "kind": "party"},
        {"description": "x", "reporter_phone": "call me maybe"},
        {"description": "x", "idempotency_key": "short"},
    ],
)
def test_bad_reports_are_400(world, data):
    data = {"location": world.loc.pk, **data} if "location" not in data and data.get("description") != "x" else data
    if "location" not in data and len(data) > 1:
        data["location"] = world.loc.pk
    response = client_for(world.staff).post(reverse("api:issue-list"), data, format="json")
    assert response.status_code == 400, response.content
    assert Issue.objects.count() == 0


def test_a_grid_worker_does_not_take_reports(world):
    response = client_for(world.worker).post(
        reverse("api:issue-list"), {"location": world.loc.pk, "description": "x"}, format="json"
    )
    assert response.status_code == 403
    assert Issue.objects.count() == 0
