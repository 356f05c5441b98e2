"""/healthz: database and broker, as the configured settings reach them."""

import pytest
from kombu.exceptions import OperationalError

from minqing import views

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_sweep_noted():
    """The last sweep's time lives in the cache (a file in development): start and end without."""
    from django.core.cache import cache

    from observability.tasks import LAST_SWEEP_KEY

    cache.delete(LAST_SWEEP_KEY)
    yield
    cache.delete(LAST_SWEEP_KEY)


def test_it_is_healthy_with_the_configured_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert {k: body[k] for k in ("status", "database", "broker")} == {"status": "ok", "database": "ok", "broker": "ok"}


def test_it_answers_503_and_names_the_broker_when_the_broker_is_unreachable(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(views.celery_app, "connection_for_write", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "ok"
    assert body["broker"].startswith("error")
    assert "OperationalError" in body["broker"]


def test_it_answers_503_and_names_the_database_when_the_database_fails(client, monkeypatch):
    class BrokenCursor:
        def __enter__(self):
            raise OperationalError("database is gone")

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(views.connection, "cursor", lambda: BrokenCursor())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"].startswith("error")
    assert response.json()["broker"] == "ok"


def test_it_answers_monitors_over_plain_http_when_the_site_redirects_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/faq/").status_code == 301
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_it_reports_the_last_sweep_and_the_queue_depth(client):
    from observability.tasks import note_sweep

    note_sweep()
    body = client.get("/healthz").json()
    assert body["sweep"] == "ok" and body["last_sweep"] and isinstance(body["queue_depth"], int)


def test_it_answers_503_when_the_sweep_is_more_than_five_minutes_late(client, time_machine):
    import datetime as dt

    from django.utils import timezone

    from observability.tasks import note_sweep

    start = timezone.now()
    time_machine.move_to(start, tick=False)
    note_sweep()
    time_machine.move_to(start + dt.timedelta(minutes=4), tick=False)
    assert client.get("/healthz").status_code == 200
    time_machine.move_to(start + dt.timedelta(minutes=6), tick=False)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["sweep"] == "late"
