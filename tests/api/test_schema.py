"""The OpenAPI schema and the interactive docs: public, offline, and under our CSP."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from .conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_schema_describes_v1(client):
    response = client_for().get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in (
        "/api/v1/issues/",
        "/api/v1/issues/{id}/accept/",
        "/api/v1/issues/{id}/resolve/",
        "/api/v1/events/",
        "/api/v1/locations/",
        "/api/v1/faq/",
        "/api/v1/statistics/",
        "/api/v1/webhooks/",
    ):
        assert path in paths, path
    assert all(p.startswith("/api/v1/") for p in paths)
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    # status is read-only everywhere: no request body carries it.
    for name, component in schema["components"]["schemas"].items():
        if name.endswith("Request"):
            assert "status" not in component.get("properties", {}), name


def test_the_docs_work_offline_under_the_csp():
    client = client_for()
    page = client.get(reverse("api:docs"))
    assert page.status_code == 200
    assert "script-src 'self'" in page["Content-Security-Policy"]
    html = page.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "an inline script"
    assert "<style" not in html and "style=" not in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert not [s for s in sources if s.startswith(("http://", "https://", "//"))], sources
    for source in sources:
        if source.startswith("/static/"):
            assert finders.find(source.removeprefix("/static/").split("?")[0]), source
    init = client.get(reverse("api:docs") + "?script=")
    assert init.status_code == 200
    assert init["Content-Type"].startswith("application/javascript")
    assert reverse("api:schema") in init.content.decode()


def test_unknown_api_paths_answer_json():
    for path in ("/api/v1/nothing/", "/api/v1/issues/0.5/accept/", "/api/v1/issues/99999999999999999999/"):
        response = client_for().get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json"


def test_an_unknown_api_path_posted_with_a_token_is_a_json_not_found_not_a_csrf_page(world):
    from rest_framework.test import APIClient

    from api.models import ApiToken

    _, key = ApiToken.issue(world.staff, name="city platform")
    client = APIClient(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post("/api/v1/issues/99999999999999999999/hold/", {"reason": "x"}, format="json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_the_schema_generates_without_warnings_and_validates(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3")
