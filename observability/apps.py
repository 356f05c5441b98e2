from django.apps import AppConfig


class ObservabilityConfig(AppConfig):
    name = "observability"
    verbose_name = "observability"

    def ready(self) -> None:
        from . import redact, requestid, tasks  # noqa: F401 - Celery signals: request ids into tasks, the sweep's time

        requestid.install_record_factory()
        redact.install_record_factory()
        # django-prometheus makes its middleware's metrics on first use without a lock: two
        # handlers built at once (threads, each with its own test Client or a threaded server)
        # would both register them and one would fail with DuplicateTimeseries. Make them now,
        # once, while the app loads.
        from django_prometheus.middleware import Metrics

        Metrics.get_instance()
