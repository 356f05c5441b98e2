from django.apps import AppConfig


class EstatesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "estates"
    verbose_name = "estates (小区)"

    def ready(self) -> None:
        from minqing import config_cache

        from . import outbox, receivers  # noqa: F401 - hand-overs on reopening and low ratings
        from .models import Estate, EstateLocation, PropertyCompany, PropertySLAPolicy

        # Read by every report form and every property-service report (estates.complaints).
        config_cache.watch(Estate, EstateLocation, PropertyCompany, PropertySLAPolicy)
        outbox.register_event_types()  # disclosure.published, complaint.handed_over (webhooks)
