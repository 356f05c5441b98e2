"""A request id on every request: in the X-Request-ID header, in every log line, and in the log
lines of the Celery tasks the request queued (carried in the task's headers)."""

import logging
import time

import pytest
from celery.contrib.testing.worker import start_worker

from issues.models import Issue
from minqing.celery import app as celery_app


def test_a_request_gets_a_new_id_in_its_response(client, db):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_the_proxys_id_is_kept_and_is_in_the_requests_log_line(client, db, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get("/faq/", headers={"X-Request-ID": "edge-7f3a"})
    assert response["X-Request-ID"] == "edge-7f3a"
    (line,) = [r for r in caplog.records if r.name == "observability.request"]
    assert line.request_id == "edge-7f3a" and line.getMessage().startswith("GET faq 200")


def test_an_id_that_is_not_sane_is_replaced(client, db):
    response = client.get("/healthz", headers={"X-Request-ID": "a b\tc" + "x" * 200})
    assert response["X-Request-ID"] != "a b\tc" and len(response["X-Request-ID"]) == 32


def test_the_request_line_names_the_view_not_the_path_with_its_token(client, db, caplog):
    with caplog.at_level(logging.INFO):
        client.get("/t/secret-token-of-a-resident/", headers={"X-Request-ID": "r-404"})
    (line,) = [r for r in caplog.records if r.name == "observability.request"]
    assert line.getMessage().startswith("GET track 404") and "secret-token" not in line.getMessage()
    # Django's own line for the 404, written after the middleware returned, carries the id too.
    assert [r.request_id for r in caplog.records if r.name == "django.request"] == ["r-404"]


class Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.mark.django_db(transaction=True)
def test_a_report_and_the_routing_task_it_queued_log_the_same_id(client, world):
    kept = Kept()
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=10):
        # The worker sets logging up as it starts: listen afterwards. An earlier worker of the
        # suite may have left the root logger at WARNING, so the two loggers say INFO here.
        logging.getLogger().addHandler(kept)
        for name in ("observability.request", "observability.task"):
            logging.getLogger(name).setLevel(logging.INFO)
        try:
            response = client.post(
                f"/q/{world.loc.qr_token}/",
                {"kind": "consult", "description": "楼道灯不亮了"},
                headers={"X-Request-ID": "report-1234"},
            )
            assert response.status_code == 303
            deadline = time.monotonic() + 20
            while Issue.objects.filter(routed_at__isnull=True).exists() and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            logging.getLogger().removeHandler(kept)
    assert Issue.objects.get().routed_at is not None
    tagged = [r for r in kept.records if getattr(r, "request_id", None) == "report-1234"]
    assert any(r.name == "observability.request" and r.getMessage().startswith("POST report 303") for r in tagged)
    assert any(r.name == "observability.task" and "route_issue" in r.getMessage() for r in tagged)
