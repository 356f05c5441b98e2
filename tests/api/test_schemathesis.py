"""The OpenAPI schema matches reality: schemathesis generates requests for every operation of
/api/v1/ from the schema itself and sends them to the WSGI app, as a staff member with a token.
No answer may be a 5xx or break the schema it documents."""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from minqing.wsgi import application
from tests import factories
from webhooks.models import Subscription

from .conftest import token_client

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture
def keep_connection():
    """The test's transaction lives on one connection: the WSGI handler must not close it after
    each request (Django's test client does the same)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def auth(world, settings, keep_connection) -> dict[str, str]:
    """A staff member's token, over a world with an issue, events and a subscription to find."""
    settings.RATELIMIT_ENABLE = False
    issue, _ = factories.issue(world.loc)
    from issues import services

    services.accept_issue(issue, actor=world.worker)
    Subscription.objects.create(owner=world.staff, name="hook", url="https://example.invalid/hook")
    _, key = token_client(world.staff)
    return {"Authorization": f"Token {key}"}


@schema.parametrize()
@hypothesis_settings(
    max_examples=10,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
@pytest.mark.django_db
def test_the_api_honours_its_schema(case, auth):
    case.call_and_validate(headers=auth, checks=CHECKS)
