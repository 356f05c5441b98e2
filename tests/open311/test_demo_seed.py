"""The demo is usable through Open311 as seeded: its key works, and a POST by lat & long finds
the nearest demo location."""

import io
import json

import pytest
from django.core.management import call_command

from issues.models import Issue

pytestmark = pytest.mark.django_db


def seed() -> dict:
    out = io.StringIO()
    call_command("seed_demo", "--json", stdout=out)
    return json.loads(out.getvalue())


def test_a_post_by_lat_long_finds_the_nearest_demo_location(client, published):
    demo = seed()
    response = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": demo["open311_api_key"],
            "service_code": "consult",
            "description": "楼道灯坏了",
            "lat": "31.20752",
            "long": "121.44548",
        },
    )
    assert response.status_code == 200, response.content
    reference = response.json()[0]["service_request_id"]
    issue = Issue.objects.select_related("location").get(reference=reference)
    assert issue.location.report_url() == demo["qr_urls"][0]


def test_seeding_the_coordinates_again_changes_nothing():
    seed()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "nothing changed" in out.getvalue()
