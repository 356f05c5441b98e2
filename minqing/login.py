"""Password logins (the login page and the admin's): failed attempts are limited per client
address and per username, so a password cannot be guessed by trying. While a limit is reached
the form refuses at once, without checking the password, and says how long to wait.

Only failures count; a right password does not reset the count (fixed windows, issues.ratelimit).
"""

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from issues import ratelimit

WINDOW_MINUTES = 15
THROTTLED = "throttled"


class LimitFailures:
    """Mixin for an AuthenticationForm (which has `request`)."""

    def _limits(self) -> list[tuple[str, int]]:
        username = (self.data.get("username") or "").strip().lower()
        limits = [(f"login:ip:{ratelimit.client_ip(self.request)}", settings.RATELIMIT_LOGIN_FAILURES_PER_IP)]
        if username:
            limits.append((f"login:user:{username[:150]}", settings.RATELIMIT_LOGIN_FAILURES_PER_USERNAME))
        return limits

    def clean(self):
        limits = self._limits() if self.request is not None else []
        window = WINDOW_MINUTES * 60
        if any(ratelimit.count(key, window) >= limit for key, limit in limits):
            raise forms.ValidationError(
                _("Too many failed attempts. Please wait %(minutes)d minutes and try again."),
                code=THROTTLED,
                params={"minutes": WINDOW_MINUTES},
            )
        try:
            return super().clean()
        except forms.ValidationError:
            for key, limit in limits:
                ratelimit.hit(key, limit, window)
            raise


class LoginForm(LimitFailures, AuthenticationForm):
    pass


class AdminLoginForm(LimitFailures, AdminAuthenticationForm):
    pass


class Login(LoginView):
    form_class = LoginForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, THROTTLED):
            response.status_code = 429
        return response
