"""Every error the specification names, in both formats: the spec's error list with 400 / 403 /
404, and nothing written."""

import json
import xml.etree.ElementTree as ET

import pytest

from issues.models import Issue
from open311.models import ApiKey

from .spec import assert_json_like, assert_xml_like
from .test_against_the_spec import spec_post_body

pytestmark = pytest.mark.django_db
FORMATS = ["xml", "json"]


def errors_of(response, fmt: str, status: int) -> list[tuple[int, str]]:
    assert response.status_code == status, response.content.decode()[:400]
    if fmt == "xml":
        assert_xml_like(response.content, "errors.xml")
        root = ET.fromstring(response.content)
        return [(int(e.findtext("code")), e.findtext("description")) for e in root]
    body = json.loads(response.content)
    assert_json_like(body, "errors.json")
    return [(e["code"], e["description"]) for e in body]


# --- POST requests -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "changes, status, words",
    [
        ({"api_key": ""}, 403, "api_key is missing"),
        ({"api_key": "xyz"}, 403, "Invalid api_key"),
        ({"service_code": ""}, 400, "service_code was not provided"),
        ({"service_code": "006"}, 404, "service_code 006 was not found"),
        ({"jurisdiction_id": "city.gov"}, 404, "jurisdiction_id city.gov was not found"),
        ({"lat": "", "long": "", "address_string": ""}, 400, "A location is required"),
        ({"long": ""}, 400, "lat and long must be sent together"),
        ({"lat": "north"}, 400, "lat must be a number"),
        ({"lat": "91"}, 400, "lat is out of range"),
        ({"lat": "31.2", "long": "121.4", "address_string": ""}, 400, "No location of ours lies within"),
        ({"address_id": "999999"}, 400, "address_id 999999 is not one of our locations"),
        ({"lat": "", "long": "", "address_string": "1 Nowhere Road"}, 400, "matches none of our locations"),
        ({"attribute[DANGER]": ""}, 400, "attribute[DANGER] is required"),
        ({"attribute[DANGER]": "maybe"}, 400, "attribute[DANGER] has an unknown value"),
        ({"description": "x" * 4001}, 400, "limited to 4,000 characters"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url must be an http(s) URL"),
        ({"email": "not-an-address"}, 400, "email is not an email address"),
        ({"phone": "abc"}, 400, "phone must be a mainland mobile number"),
        ({"phone": "111111111"}, 400, "phone must be a mainland mobile number"),
        ({"phone": "1" * 30}, 400, "phone must be a mainland mobile number"),
    ],
)
def test_post_refusals(client, services, api_key, placed, fmt, changes, status, words):
    body = spec_post_body(api_key, **changes)
    errors = errors_of(client.post(f"/open311/v2/requests.{fmt}", body), fmt, status)
    assert any(code == status and words in text for code, text in errors), errors
    assert Issue.objects.count() == 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_revoked_key_is_403(client, services, api_key, placed, fmt):
    ApiKey.objects.get().revoke()
    errors = errors_of(client.post(f"/open311/v2/requests.{fmt}", spec_post_body(api_key)), fmt, 403)
    assert "Invalid api_key" in errors[0][1]


@pytest.mark.parametrize("fmt", FORMATS)
def test_several_problems_are_listed_together(client, services, api_key, placed, fmt):
    body = spec_post_body(api_key, **{"attribute[DANGER]": "", "description": "x" * 4001, "email": "nope"})
    errors = errors_of(client.post(f"/open311/v2/requests.{fmt}", body), fmt, 400)
    assert len(errors) == 3


# --- GET ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "url, status, words",
    [
        ("/open311/v2/services.{fmt}?jurisdiction_id=city.gov", 404, "jurisdiction_id city.gov was not found"),
        ("/open311/v2/services/006.{fmt}", 404, "service_code 006 was not found"),
        ("/open311/v2/services/urgent.{fmt}?jurisdiction_id=city.gov", 404, "jurisdiction_id"),
        ("/open311/v2/requests.{fmt}?jurisdiction_id=city.gov", 404, "jurisdiction_id"),
        ("/open311/v2/requests/TP-20100414-0001.{fmt}", 404, "service_request_id TP-20100414-0001 was not found"),
        ("/open311/v2/tokens/12345.{fmt}", 404, "token 12345 was not found"),
        ("/open311/v2/requests.{fmt}?start_date=yesterday", 400, "start_date must be a W3C datetime"),
        ("/open311/v2/requests.{fmt}?end_date=2010-06-24T00:00:00", 400, "end_date must be a W3C datetime"),
        (
            "/open311/v2/requests.{fmt}?start_date=2010-01-01T00:00:00Z&end_date=2010-06-24T00:00:00Z",
            400,
            "may not span more than 90 days",
        ),
        (
            "/open311/v2/requests.{fmt}?start_date=2010-06-24T00:00:00Z&end_date=2010-06-01T00:00:00Z",
            400,
            "start_date is after end_date",
        ),
        ("/open311/v2/requests.{fmt}?status=pending", 400, "status must be open or closed"),
        ("/open311/v2/nothing-here.{fmt}", 404, "no such GeoReport v2 resource"),
    ],
)
def test_get_refusals(client, services, fmt, url, status, words):
    errors = errors_of(client.get(url.format(fmt=fmt)), fmt, status)
    assert any(code == status and words in text for code, text in errors), errors


def test_an_unknown_format_is_a_400_in_xml(client, services):
    errors = errors_of(client.get("/open311/v2/services.csv"), "xml", 400)
    assert "Unknown format csv" in errors[0][1]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_wrong_method_is_405_in_the_error_list(client, services, fmt):
    response = client.delete(f"/open311/v2/requests.{fmt}")
    errors = errors_of(response, fmt, 405)
    assert errors[0][0] == 405
    assert response["Allow"] == "GET, POST"
    assert client.post(f"/open311/v2/services.{fmt}").status_code == 405


@pytest.mark.parametrize("fmt", FORMATS)
def test_too_many_requests_is_429(client, services, settings, fmt):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "9/minute", "anon": "9/minute", "open311": "2/minute"},
    }
    codes = [client.get(f"/open311/v2/services.{fmt}").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
