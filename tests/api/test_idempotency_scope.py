"""An idempotency key repeats a report only at the place it was first sent: the same key sent by
someone of another workstation (two integrations counting their keys the same way) never answers
with the first issue, nor with its resident's tracking link."""

from django.urls import reverse

from issues.models import Issue

from .conftest import client_for


def test_another_workstations_key_never_returns_our_issue(world):
    key = "order-0000000001"
    ours = client_for(world.staff).post(
        reverse("api:issue-list"),
        {"location": world.loc.pk, "description": "楼道灯坏了", "reporter_name": "王阿姨", "idempotency_key": key},
        format="json",
    )
    assert ours.status_code == 201
    theirs = client_for(world.outsider).post(
        reverse("api:issue-list"),
        {"location": world.other_loc.pk, "description": "路面塌陷", "idempotency_key": key},
        format="json",
    )
    assert theirs.status_code == 400
    body = theirs.content.decode()
    assert "王阿姨" not in body and "楼道灯坏了" not in body and ours.json()["tracking_url"] not in body
    assert Issue.objects.count() == 1


def test_the_same_key_at_the_same_place_still_gives_the_same_issue(world):
    data = {"location": world.loc.pk, "description": "水管爆了", "idempotency_key": "k" * 20}
    first = client_for(world.staff).post(reverse("api:issue-list"), data, format="json")
    second = client_for(world.head).post(reverse("api:issue-list"), data, format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
