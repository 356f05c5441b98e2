import importlib
import uuid
from decimal import Decimal

import pytest
from django.apps import apps
from django.test import Client

from open311.models import ApiKey, LocationPoint

# The point of the specification's example POST (a sinkhole in San Francisco): our test
# location is put there so the example request finds it by lat/long.
SPEC_LAT, SPEC_LONG = Decimal("37.765241"), Decimal("-122.421204")


@pytest.fixture(autouse=True)
def _fresh_throttle_cache(settings) -> None:
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }


@pytest.fixture(autouse=True)
def _no_broker(published) -> None:
    """Routing is published to a list instead of the broker."""


@pytest.fixture
def services(db) -> None:
    """The default services, as the data migration writes them (idempotent)."""
    migration = importlib.import_module("open311.migrations.0002_default_services")
    migration.create(apps, None)


@pytest.fixture
def api_key(db) -> str:
    _, key = ApiKey.issue(name="civic app")
    return key


@pytest.fixture
def placed(world):
    """world.loc at the specification's example point."""
    LocationPoint.objects.create(location=world.loc, lat=SPEC_LAT, long=SPEC_LONG)
    return world.loc


@pytest.fixture
def client() -> Client:
    return Client(headers={"accept-language": "en"})
