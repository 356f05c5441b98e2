import pytest

from webhooks import services
from webhooks.models import Subscription

from . import receiver as local


@pytest.fixture(autouse=True)
def _webhook_settings(settings) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True  # the receiver is on 127.0.0.1
    settings.WEBHOOK_TIMEOUT_SECONDS = 2
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 2


@pytest.fixture
def receiver():
    rec, server = local.start()
    yield rec
    server.shutdown()
    server.server_close()


@pytest.fixture
def sent(monkeypatch) -> list[tuple[int, int]]:
    """Publishing a delivery runs it at once, in this process (no broker), and records it."""
    from webhooks.tasks import deliver

    calls: list[tuple[int, int]] = []

    def run(args=None, **kwargs):
        calls.append(tuple(args))
        services.attempt(*args)

    monkeypatch.setattr(deliver, "apply_async", run)
    return calls


@pytest.fixture
def subscription(world, receiver) -> Subscription:
    return Subscription.objects.create(owner=world.staff, name="city platform", url=receiver.url)
