"""The admin pages of the API, Open311 and webhook models open for an administrator."""

import pytest
from django.test import Client

from api.models import ApiToken
from open311.models import ApiKey
from tests import factories
from webhooks.models import Subscription

pytestmark = pytest.mark.django_db

PAGES = [
    "api/apitoken",
    "open311/service",
    "open311/apikey",
    "open311/locationpoint",
    "open311/servicerequest",
    "webhooks/subscription",
    "webhooks/delivery",
]


@pytest.fixture
def admin_client(world) -> Client:
    admin = factories.user("root")
    admin.is_superuser = admin.is_staff = True
    admin.save(update_fields=["is_superuser", "is_staff"])
    ApiToken.issue(world.staff, name="x")
    ApiKey.issue(name="app")
    Subscription.objects.create(owner=world.staff, name="hook", url="https://example.invalid/")
    client = Client()
    client.force_login(admin)
    return client


@pytest.mark.parametrize("page", PAGES)
def test_changelists_open(admin_client, page):
    assert admin_client.get(f"/admin/{page}/").status_code == 200


def test_making_a_token_in_the_admin_shows_its_key_once(admin_client, world):
    response = admin_client.post("/admin/api/apitoken/add/", {"user": world.staff.pk, "name": "区平台"}, follow=True)
    assert response.status_code == 200
    token = ApiToken.objects.get(name="区平台")
    shown = [str(m) for m in response.context["messages"]]
    assert any(token.prefix in m for m in shown)
