"""GET /api/v1/ says where each resource lives; it answers a signed-in caller, never with a 404."""

import pytest
from django.urls import reverse

from .conftest import client_for

pytestmark = pytest.mark.django_db


def test_it_lists_the_resources_for_a_signed_in_caller(world):
    response = client_for(world.staff).get("/api/v1/")
    assert response.status_code == 200
    links = response.json()
    assert links["issues"] == "http://testserver" + reverse("api:issue-list")
    assert links["statistics"] == "http://testserver" + reverse("api:statistics")
    assert links["docs"] == "http://testserver" + reverse("api:docs")
    for url in (links["issues"], links["events"], links["faq"], links["schema"]):
        assert client_for(world.staff).get(url).status_code == 200, url


def test_it_asks_an_anonymous_caller_to_authenticate():
    response = client_for().get("/api/v1/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_it_is_not_part_of_the_schema():
    schema = client_for().get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "/api/v1/" not in schema["paths"]
