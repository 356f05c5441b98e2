from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoworkConfig(AppConfig):
    name = "cowork"
    verbose_name = _("Coordination cases (难事共办)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import outbox, receivers  # noqa: F401 - partnership routing; case events to webhooks

        outbox.register_event_types()
