from django.apps import AppConfig


class ObservabilityConfig(AppConfig):
    name = "observability"
    verbose_name = "observability"

    def ready(self) -> None:
        from . import requestid, tasks  # noqa: F401 - Celery signals: request ids into tasks, the sweep's time

        requestid.install_record_factory()
