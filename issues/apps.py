from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IssuesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "issues"
    verbose_name = _("Issues and their handling")

    def ready(self) -> None:
        # Here, not at the top: models can be imported only once the app registry is ready.
        from minqing import config_cache

        from .models import Category, SLAPolicy, WorkdayOverride

        # Read once per process by every report (issues.intake.create_issue).
        config_cache.watch(Category, SLAPolicy, WorkdayOverride)
