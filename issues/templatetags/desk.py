"""Template helpers of the desk: deadlines as countdowns (static/js/desk*.js keeps them ticking)."""

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def get(mapping, key):
    """`counts|get:name`: a dictionary's value in a template."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


def span(seconds: float) -> str:
    """A duration in the largest units that matter: "2 d 3 h", "3 h 20 min", "12 min"."""
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    return _("%(m)d min") % {"m": minutes}


def countdown_text(due: dt.datetime, now: dt.datetime) -> tuple[str, bool]:
    seconds = (due - now).total_seconds()
    if seconds < 0:
        return _("late by %(span)s") % {"span": span(seconds)}, True
    return _("in %(span)s") % {"span": span(seconds)}, False


@register.simple_tag
def countdown(due: dt.datetime | None, done: dt.datetime | None = None, paused: bool = False):
    """The deadline with the time left (or past), e.g. "11-28 16:00 · in 2 h 5 min". The script
    updates the text every 30 seconds from `data-due`."""
    if due is None:
        return "—"
    when = timezone.localtime(due).strftime("%m-%d %H:%M")
    if done is not None:
        state = _("met") if done <= due else _("missed")
        return format_html(
            '<span class="deadline">{} · <span class="clock-{}">{}</span></span>',
            when,
            "met" if done <= due else "missed",
            state,
        )
    if paused:
        return format_html('<span class="deadline">{} · <span class="clock-paused">{}</span></span>', when, _("paused"))
    text, late = countdown_text(due, timezone.now())
    return format_html(
        '<span class="deadline">{} · <time class="js-countdown countdown{}" datetime="{}">{}</time></span>',
        when,
        " late" if late else "",
        due.isoformat(),
        text,
    )


@register.filter
def attr(obj, name: str):
    """`row|attr:"response_rate"`: an attribute named in a variable."""
    return getattr(obj, name, None)


@register.simple_tag
def countdown_formats():
    """Once per page: the words static/js/desk-countdown.js uses when it updates countdowns."""
    return format_html(
        '<span id="countdown-formats" hidden data-days="{}" data-hours="{}" data-minutes="{}" data-late="{}" data-soon="{}"></span>',
        _("%(d)d d %(h)d h"),
        _("%(h)d h %(m)d min"),
        _("%(m)d min"),
        _("late by %(span)s"),
        _("in %(span)s"),
    )
