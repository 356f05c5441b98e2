from django.apps import AppConfig


class IssuesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "issues"

    def ready(self) -> None:
        # Here, not at the top: models can be imported only once the app registry is ready.
        from minqing import config_cache

        from .models import Category, SLAPolicy, WorkdayOverride

        # Read once per process by every report (issues.intake.create_issue).
        config_cache.watch(Category, SLAPolicy, WorkdayOverride)
