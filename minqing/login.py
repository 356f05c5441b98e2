"""Password logins (the login page and the admin's): failed attempts are recorded by django-axes
(one `AccessAttempt` row per username, address and browser) and a login is refused, without its
password being checked, while any of three limits is reached within the last 15 minutes:

- one username from one address (`RATELIMIT_LOGIN_FAILURES_PER_USERNAME_AND_IP`): someone
  guessing one account locks only themselves out, the account's owner elsewhere still logs in;
- one address, whatever the usernames (`RATELIMIT_LOGIN_FAILURES_PER_IP`): one machine trying
  many accounts;
- one username from all addresses together (`RATELIMIT_LOGIN_FAILURES_PER_USERNAME`): since each
  address stops counting at its own limit, this needs many addresses.

The form says how long to wait (429). A station head unlocks their workstation's people on the
duty page (workstations.views.lockouts); an admin deletes the attempts in the admin (axes'
own "Access attempts"). What is ours here: the three limits (axes has one limit for all its
parameters), the address as our rate limits see it (issues.ratelimit.client_ip, behind the
proxies the operator declared) and the message in the form.
"""

import datetime as dt

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Q, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from issues import ratelimit

WINDOW_MINUTES = 15
THROTTLED = "throttled"


def client_address(request: HttpRequest) -> str | None:
    """The address axes records: the one our rate limits use (an IPv6 address as its /64)."""
    key = ratelimit.client_ip(request).removesuffix("/64")
    return key if key and key != "unknown" else None


def username_key(request: HttpRequest, credentials: dict | None) -> str | None:
    """Usernames count case-insensitively, so "Demo-Admin" is the same account as "demo-admin"."""
    raw = (credentials or {}).get("username")
    if raw is None:
        raw = request.POST.get("username") if request is not None else None
    key = (raw or "").strip().lower()[:150]
    return key or None


def failures(*, username: str | None, ip_address: str | None, since: dt.datetime) -> dict[str, int]:
    """Failed logins since `since`: of this username from this address, from this address, and of
    this username from anywhere. One query."""
    pair, by_ip, by_user = Q(username=username, ip_address=ip_address), Q(ip_address=ip_address), Q(username=username)
    scope = Q(pk__in=[])
    if ip_address:
        scope |= by_ip
    if username:
        scope |= by_user
    counted = "failures_since_start"
    totals = AccessAttempt.objects.filter(scope, attempt_time__gte=since).aggregate(
        pair=Sum(counted, filter=pair), ip=Sum(counted, filter=by_ip), username=Sum(counted, filter=by_user)
    )
    return {
        "pair": (totals["pair"] or 0) if username and ip_address else 0,
        "ip": (totals["ip"] or 0) if ip_address else 0,
        "username": (totals["username"] or 0) if username else 0,
    }


class LoginLockout(AxesDatabaseHandler):
    """axes' database handler with a limit of its own for each of the three counts."""

    def is_locked(self, request, credentials=None) -> bool:
        if not settings.RATELIMIT_ENABLE:
            return False
        counts = failures(
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
            since=timezone.now() - settings.AXES_COOLOFF_TIME,
        )
        return (
            counts["pair"] >= settings.RATELIMIT_LOGIN_FAILURES_PER_USERNAME_AND_IP
            or counts["ip"] >= settings.RATELIMIT_LOGIN_FAILURES_PER_IP
            or counts["username"] >= settings.RATELIMIT_LOGIN_FAILURES_PER_USERNAME
        )


def locked_usernames(usernames, *, now: dt.datetime | None = None) -> set[str]:
    """Which of these usernames cannot log in from anywhere right now (their own limit reached)."""
    since = (now or timezone.now()) - settings.AXES_COOLOFF_TIME
    keys = {u.lower() for u in usernames}
    rows = (
        AccessAttempt.objects.filter(username__in=keys, attempt_time__gte=since)
        .values("username")
        .annotate(total=Sum("failures_since_start"))
    )
    return {r["username"] for r in rows if r["total"] >= settings.RATELIMIT_LOGIN_FAILURES_PER_USERNAME}


def lockout_response(request: HttpRequest, original_response: HttpResponse | None, credentials=None) -> HttpResponse:
    """axes' answer to a refused login: the login page as the form rendered it (with the
    message below and what was typed), as 429."""
    if original_response is None:
        message = _("Too many failed attempts. Please wait %(minutes)d minutes and try again.")
        original_response = HttpResponse(message % {"minutes": WINDOW_MINUTES})
    original_response.status_code = 429
    return original_response


class LimitFailures:
    """Mixin for an AuthenticationForm (which has `request`): the message when axes refused."""

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            if getattr(self.request, "axes_locked_out", False):
                raise forms.ValidationError(
                    _("Too many failed attempts. Please wait %(minutes)d minutes and try again."),
                    code=THROTTLED,
                    params={"minutes": WINDOW_MINUTES},
                ) from None
            raise


class LoginForm(LimitFailures, AuthenticationForm):
    pass


class AdminLoginForm(LimitFailures, AdminAuthenticationForm):
    pass


class Login(LoginView):
    form_class = LoginForm
    # FormView would take PUT as a POST.
    http_method_names = ["get", "head", "post", "options"]

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, THROTTLED):
            response.status_code = 429
        return response
