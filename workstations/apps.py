from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkstationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workstations"
    verbose_name = _("Places, people and roles")
