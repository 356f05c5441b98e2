from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "community"
    verbose_name = _("Community initiatives and events (好事常办)")

    def ready(self) -> None:
        from . import outbox  # noqa: F401 - initiatives, events and sign-ups to webhook subscribers

        outbox.register_event_types()
