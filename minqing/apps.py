"""Third-party apps under names of our own (the admin shows every app's name, translated)."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    """django-axes (failed logins, minqing.login), named in the admin's language."""

    verbose_name = _("Login lock-outs")
