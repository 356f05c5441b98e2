import uuid

import pytest
from rest_framework.test import APIClient

from api.models import ApiToken


@pytest.fixture(autouse=True)
def _fresh_throttle_cache(settings) -> None:
    """Throttle counters of earlier runs (Redis, the file cache) must not count here."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }


@pytest.fixture(autouse=True)
def _no_broker(published) -> None:
    """Routing is published to a list instead of the broker (see tests/conftest.py)."""


def client_for(user=None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


def token_client(user, name: str = "city platform") -> tuple[APIClient, str]:
    _, key = ApiToken.issue(user, name=name)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client, key


@pytest.fixture
def reported(world):
    """An urgent issue at the first grid's location, routed to world.worker."""
    from tests import factories

    issue, token = factories.issue(world.loc, reporter_name="王阿姨", reporter_phone="13812341234")
    assert issue.assignee == world.worker
    return issue
