from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GatewaysConfig(AppConfig):
    name = "gateways"
    verbose_name = _("message gateways")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from minqing import config_cache

        from . import receivers  # noqa: F401 - urgent reports and escalations to the groups
        from .models import GroupRobot

        config_cache.watch(GroupRobot)
