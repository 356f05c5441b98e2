from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("webhooks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from minqing import config_cache

        from . import receivers  # noqa: F401 - connects the IssueEvent post_save receiver
        from .models import Subscription

        # services.fan_out_many asks the config cache whether any subscription is active.
        config_cache.watch(Subscription)
