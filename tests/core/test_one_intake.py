"""One intake: 「煤气味很重」 is urgent whichever door it comes through (the QR form, the REST
API, Open311, the desk's walk-in and phone log), each through HTTP, each flagged for staff."""

import importlib

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from issues.models import Issue, IssueEvent
from open311.models import ApiKey
from tests.api.conftest import client_for as api_client_for
from tests.desk.conftest import client_for as desk_client_for

GAS = "煤气味很重"


@pytest.fixture(autouse=True)
def _no_broker(published) -> None:
    """Routing is published to a list instead of the broker."""


def the_report() -> Issue:
    return Issue.objects.get(description__startswith=GAS)


def assert_urgent_and_flagged(issue: Issue, channel: str) -> None:
    assert (issue.kind, issue.channel, issue.urgent_keywords) == ("urgent", channel, "煤气")
    flag = IssueEvent.objects.get(issue=issue, type=IssueEvent.Type.FLAGGED)
    assert not flag.is_public and "煤气" in flag.note


def test_through_the_qr_form(world):
    response = Client().post(world.loc.report_path(), {"description": GAS, "idempotency_key": "g" * 20})
    assert response.status_code == 303
    assert_urgent_and_flagged(the_report(), "qr")


def test_through_the_api(world):
    response = api_client_for(world.staff).post(
        "/api/v1/issues/", {"location": world.loc.pk, "description": GAS}, format="json"
    )
    assert response.status_code == 201, response.content
    assert_urgent_and_flagged(the_report(), "api")


def test_through_open311(world):
    importlib.import_module("open311.migrations.0002_default_services").create(apps, None)
    _, key = ApiKey.issue(name="civic app")
    body = {
        "api_key": key,
        "service_code": "consult",
        "address_id": str(world.loc.pk),
        "description": GAS,
    }
    response = Client().post("/open311/v2/requests.json", body)
    assert response.status_code == 200, response.content
    assert_urgent_and_flagged(the_report(), "api")


@pytest.mark.parametrize("channel", ["walk_in", "phone"])
def test_through_the_desk_log(world, channel):
    response = desk_client_for(world.staff).post(
        reverse("worklog_entry"), {"channel": channel, "location": world.loc.pk, "description": GAS}
    )
    assert response.status_code in (302, 303)
    assert_urgent_and_flagged(the_report(), channel)


def test_a_kind_the_reporter_chose_is_kept_and_flagged(world):
    from issues import intake

    issue, _token, _created = intake.create_issue(world.loc, description=GAS, kind="consult")
    assert (issue.kind, issue.urgent_keywords) == ("consult", "煤气")
    assert IssueEvent.objects.filter(issue=issue, type=IssueEvent.Type.FLAGGED).count() == 1
