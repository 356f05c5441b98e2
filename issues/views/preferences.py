"""/accounts/notifications/: how each person who handles reports is told (email, SMS, WeChat,
webhook), and a test message through the normal notifier (issues.notify).

Everyone sees and changes only their own choices: there is no user in the URL or the form.
Built for a phone: one column, large targets, no script."""

import re
import time
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from workstations import scope
from workstations.models import Role

from .. import notify, ratelimit
from ..forms_preferences import CHANNEL_LABELS, NotificationSettingsForm, set_preferences
from ..models import NotificationPreference
from .desk_common import see_other

# Test messages one person may ask for per window: enough to try each channel, too few to spam.
TEST_LIMIT = 3
TEST_WINDOW = 10 * 60
PRESS_RE = re.compile(r"[0-9a-f]{32}")

# Whoever may open the desk (workstations.scope.is_staff_member), by role kind.
DESK_ROLES = scope.WORKSTATION_WORKERS | scope.WORKSTATION_READERS | scope.SUPERVISORS


def _role_kinds(user) -> set[str]:
    """The kinds of role `user` holds (one query); refused when none: the page is for people who
    handle reports."""
    kinds = set(Role.objects.filter(user=user).values_list("kind", flat=True))
    if not kinds and not user.is_superuser:
        raise PermissionDenied(_("This page is for people who handle reports."))
    return kinds


def _where(pairs: list[tuple[str, str]]) -> list[str]:
    return [
        _("%(channel)s to %(address)s") % {"channel": CHANNEL_LABELS[channel], "address": address}
        for channel, address in pairs
    ]


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    kinds = _role_kinds(user)
    if request.method == "POST":
        form = NotificationSettingsForm(request.POST, user=user)
        if form.is_valid():
            set_preferences(user, form.choices())
            if form.everything_off():
                messages.warning(
                    request,
                    _(
                        "Saved, with every way turned off: you will now be told nowhere. Messages about your "
                        "work are still recorded, but none is sent to you. Tick a way to be told again."
                    ),
                )
            else:
                messages.success(request, _("Saved. New messages go where you chose."))
            return see_other(reverse("notification_settings"))
        status = 400
    else:
        form, status = None, 200
    preferences = list(NotificationPreference.objects.filter(user=user))
    if form is None:
        form = NotificationSettingsForm(initial=NotificationSettingsForm.initial_for(user, preferences), user=user)
    context = {
        "form": form,
        "rows": form.rows(),
        "chosen": bool(preferences),
        "told_at": _where(notify.addresses_for(user, preferences)),
        "press": uuid.uuid4().hex,
        "test_limit": TEST_LIMIT,
        "desk_nav": user.is_superuser or bool(kinds & DESK_ROLES),
        "tasks_nav": Role.Kind.GRID_WORKER in kinds,
        "dispatch_nav": Role.Kind.LIAISON in kinds,
    }
    return render(request, "issues/notification_settings.html", context, status=status)


@require_POST
@login_required
def notification_test(request: HttpRequest) -> HttpResponse:
    """Queue one test message to the person, through the notifier, where their choices say."""
    user = request.user
    _role_kinds(user)
    back = see_other(reverse("notification_settings"))
    if not ratelimit.hit(f"notify-test:{user.pk}", TEST_LIMIT, TEST_WINDOW):
        messages.error(
            request,
            _("You have asked for %(n)d test messages in the last few minutes. Please wait ten minutes and try again.")
            % {"n": TEST_LIMIT},
        )
        return back
    # One key per press of the button: a double tap sends once, a later press sends again.
    press = request.POST.get("press", "")
    press = press if PRESS_RE.fullmatch(press) else str(time.time_ns())
    now = timezone.localtime()
    rows = notify.queue(
        user,
        key=f"test-message:{user.pk}:{press}",
        subject=_("Test message from Minqing Kuaiban"),
        body=_(
            "You asked for this test message on the notification settings page at %(when)s. "
            "Messages about your work will reach you this way."
        )
        % {"when": date_format(now, "DATETIME_FORMAT")},
    )
    if not rows:
        messages.info(request, _("That test message was already sent."))
    elif not any(row.address for row in rows):
        messages.warning(
            request,
            _("You are told nowhere, so the test message was recorded but not sent. Tick a way to be told below."),
        )
    else:
        separator = pgettext("between the items of a list", ", ")  # 、 in Chinese
        where = separator.join(_where([(row.channel, row.address) for row in rows if row.address]))
        messages.success(
            request, _("A test message is on its way: %(where)s. It may take a minute to arrive.") % {"where": where}
        )
    return back
