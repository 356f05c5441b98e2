"""Our answers, in both formats, against the specification's own example documents."""

import json
from urllib.parse import parse_qsl

import pytest

from issues.models import Issue
from open311.models import ServiceRequest
from open311.services import site_jurisdiction_id
from tests import factories

from .spec import assert_json_like, assert_xml_like, example_text

pytestmark = pytest.mark.django_db
FORMATS = ["xml", "json"]


def check(response, fmt: str, example: str, status: int = 200, also: frozenset = frozenset()):
    assert response.status_code == status, response.content.decode()[:500]
    if fmt == "xml":
        assert response["Content-Type"] == "text/xml; charset=utf-8"
        return assert_xml_like(response.content, f"{example}.xml", also=also)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = json.loads(response.content.decode("utf-8"))
    assert_json_like(body, f"{example}.json", also=also)
    return body


def spec_post_body(key: str, **changes) -> dict:
    """The specification's example POST, with our key, a service of ours, our jurisdiction and a
    mainland phone number (the example's 111111111 is refused, as on the report form)."""
    body = dict(parse_qsl(example_text("post_request.txt").strip(), keep_blank_values=True))
    body.update(api_key=key, service_code="urgent", jurisdiction_id=site_jurisdiction_id(), phone="138 1234 5678")
    body["attribute[DANGER]"] = "no"
    body.update(changes)
    return body


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery(client, fmt):
    for url in (f"/open311/discovery.{fmt}", f"/open311/v2/discovery.{fmt}"):
        body = check(client.get(url), fmt, "discovery")
    if fmt == "json":
        assert body["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert body["endpoints"][0]["url"].endswith("/open311/v2")


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_list(client, services, fmt):
    body = check(client.get(f"/open311/v2/services.{fmt}"), fmt, "services")
    if fmt == "json":
        assert [s["service_code"] for s in body] == ["urgent", "consult", "complex", "community"]
        assert body[0]["metadata"] is True and body[0]["type"] == "realtime"
    else:
        assert [s.findtext("service_code") for s in body] == ["urgent", "consult", "complex", "community"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition(client, services, fmt):
    body = check(client.get(f"/open311/v2/services/urgent.{fmt}"), fmt, "service_definition")
    if fmt == "json":
        danger = next(a for a in body["attributes"] if a["code"] == "DANGER")
        assert danger["datatype"] == "singlevaluelist" and danger["required"] is True
        assert [v["key"] for v in danger["values"]] == ["yes", "no"]
        assert [a["order"] for a in body["attributes"]] == sorted(a["order"] for a in body["attributes"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_specs_example_post(client, services, api_key, placed, world, fmt):
    response = client.post(f"/open311/v2/requests.{fmt}", spec_post_body(api_key))
    body = check(response, fmt, "post_response")
    issue = Issue.objects.get()
    reference = body[0]["service_request_id"] if fmt == "json" else body.find("request/service_request_id").text
    assert reference == issue.reference
    assert issue.location == placed and issue.kind == "urgent"
    assert "A large sinkhole is destroying the street" in issue.description
    assert "没有" in issue.description  # the DANGER answer, by its name
    assert issue.reporter_name == "smith john" and issue.reporter_phone == "13812345678"
    request = ServiceRequest.objects.get(issue=issue)
    assert (request.email, request.device_id, request.account_id) == ("smit333@sfgov.edu", "tt222111", "123456")
    assert request.media_url.startswith("http://farm3.static.flickr.com/")
    assert request.attributes == {"DANGER": "no", "WHERE": None} or request.attributes == {"DANGER": "no"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_batch_service_answers_a_token_which_leads_to_the_request(client, services, api_key, placed, fmt):
    from open311.models import Service

    Service.objects.filter(code="urgent").update(type="batch")
    response = client.post(f"/open311/v2/requests.{fmt}", spec_post_body(api_key))
    # `token` is in the specification's table of POST response fields, not in its example.
    body = check(response, fmt, "post_response", also=frozenset({"token"}))
    request = ServiceRequest.objects.get()
    if fmt == "json":
        assert body[0]["token"] == request.token and "service_request_id" not in body[0]
    else:
        assert body.find("request/token").text == request.token
        assert body.find("request/service_request_id") is None
    found = check(client.get(f"/open311/v2/tokens/{request.token}.{fmt}"), fmt, "token")
    if fmt == "json":
        assert found == [{"service_request_id": request.issue.reference, "token": request.token}]
    else:
        assert found.find("request/service_request_id").text == request.issue.reference


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_requests(client, services, world, fmt):
    done, _ = factories.issue(world.loc)
    from issues import services as issue_services

    issue_services.accept_issue(done, actor=world.worker)
    issue_services.arrive_issue(done, actor=world.worker)
    issue_services.resolve_issue(done, actor=world.worker, note="电线已接好")
    pending, _ = factories.issue(world.loc2, kind="consult", reporter_phone="13812341234")
    # Staff marked both publishable (issues.moderation): the words are listed, where the service allows.
    from issues import moderation

    moderation.set_publishable(done, actor=world.staff, publishable=True)
    moderation.set_publishable(pending, actor=world.staff, publishable=True)
    response = client.get(f"/open311/v2/requests.{fmt}")
    body = check(response, fmt, "requests")
    text = response.content.decode()
    assert "13812341234" not in text and "138****" not in text
    if fmt == "json":
        by_id = {r["service_request_id"]: r for r in body}
        assert by_id[done.reference]["status"] == "closed"
        assert by_id[done.reference]["status_notes"] == "电线已接好"
        assert by_id[done.reference]["service_code"] == "urgent"
        assert by_id[done.reference]["description"] == done.description  # urgent: published
        assert by_id[pending.reference]["status"] == "open"
        assert by_id[pending.reference]["description"] is None  # consult: private
        assert by_id[pending.reference]["requested_datetime"].endswith("+08:00")
        assert by_id[pending.reference]["address_id"] == world.loc2.pk
    else:
        assert {r.findtext("service_request_id") for r in body} == {done.reference, pending.reference}


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_one_request(client, services, world, fmt):
    issue, _ = factories.issue(world.loc)
    body = check(client.get(f"/open311/v2/requests/{issue.reference}.{fmt}"), fmt, "request")
    if fmt == "json":
        assert len(body) == 1 and body[0]["service_request_id"] == issue.reference


@pytest.mark.parametrize("fmt", FORMATS)
def test_errors_are_the_specs_error_list(client, services, fmt):
    response = client.post(f"/open311/v2/requests.{fmt}", {"api_key": "xyz", "service_code": "urgent"})
    body = check(response, fmt, "errors", status=403)
    if fmt == "json":
        assert body == [{"code": 403, "description": "Invalid api_key received -- can't proceed with create_request."}]
    else:
        assert body.findtext("error/code") == "403"
