"""Handlers built at once in several threads (a threaded server, or one test Client per thread)
must not race django-prometheus into registering its request metrics twice."""

import threading

from django.core.handlers.wsgi import WSGIHandler
from django_prometheus.middleware import Metrics


def test_the_request_metrics_exist_before_the_first_handler():
    assert Metrics._instance is not None


def test_handlers_built_at_once_in_threads_all_load():
    barrier = threading.Barrier(8, timeout=30)
    errors: list[str] = []

    def build() -> None:
        try:
            barrier.wait()
            WSGIHandler()
        except Exception as exc:  # noqa: BLE001 - handed back to the test thread
            errors.append(repr(exc))

    threads = [threading.Thread(target=build) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
