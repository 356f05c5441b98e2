"""The demo routes as the CONTRACT's demo users promise: an urgent report about electricity at a
demo lane reaches the power-supply liaison (demo-power, 市南供电所) as a 派单 at once."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from issues import services
from issues.models import Dispatch
from workstations.models import Location

pytestmark = pytest.mark.django_db


def seed() -> dict:
    out = io.StringIO()
    call_command("seed_demo", "--json", stdout=out)
    return json.loads(out.getvalue())


def first_location(demo: dict) -> Location:
    token = demo["qr_urls"][0].rstrip("/").rsplit("/", 1)[-1]
    return Location.objects.get(qr_token=token)


def test_an_urgent_power_report_at_a_demo_lane_reaches_the_power_liaison():
    demo = seed()
    issue, _token, _ = services.submit_report(first_location(demo), description="弄堂口的电线断了，在冒火花")
    services.route_issue(issue.pk)
    [dispatch] = Dispatch.objects.filter(issue=issue)
    assert dispatch.department.name == "市南供电所" and dispatch.required
    liaison = Client()
    liaison.force_login(get_user_model().objects.get(username=demo["users"]["department"]))
    assert issue.reference in liaison.get(reverse("dispatches")).content.decode()


def test_a_report_of_another_matter_goes_to_its_own_department():
    demo = seed()
    issue, _token, _ = services.submit_report(first_location(demo), description="楼道里水管漏水", kind="urgent")
    services.route_issue(issue.pk)
    assert [d.department.name for d in Dispatch.objects.filter(issue=issue)] == ["衡复物业"]


def test_seeding_the_categories_again_changes_nothing():
    seed()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "nothing changed" in out.getvalue()
