"""Where apps above the core plug into it without the core importing them.

`settings.ISSUES_EXTENSIONS` maps a point's name to dotted paths of functions; the core calls
them in order (as it calls `settings.SLA_SWEEP_STEPS` from the sweep). The points:

- `route(issue, now) -> Issue | None`: inside issues.routing.route_issue's transaction, with the
  issue locked and not yet routed, before the grid worker's assignment. A function that routes
  the issue itself (through issues.transitions) returns it, and the grid worker routing is
  skipped; None lets it run (estates: a property-service complaint goes to the estate's
  property company first, 有事先找我).
- `report_context(location) -> dict`: more context for the report form of a location; it runs
  on every report form, so it must not query the database (read a per-process snapshot).
- `track_context(issue) -> dict`: more context for an issue's tracking page.

Deadlines of other apps are steps of the SLA sweep (`settings.SLA_SWEEP_STEPS`), not a point
here; reactions to what happened are receivers of issues.signals.
"""

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

POINTS = ("route", "report_context", "track_context")


@cache
def _load(paths: tuple[str, ...]) -> tuple[Callable, ...]:
    return tuple(import_string(path) for path in paths)


def hooks(point: str) -> tuple[Callable, ...]:
    """The functions registered for `point`, imported once per process."""
    if point not in POINTS:
        raise ValueError(f"unknown extension point {point!r}")
    return _load(tuple(getattr(settings, "ISSUES_EXTENSIONS", {}).get(point, ())))


def context(point: str, subject) -> dict:
    """The merged dicts of a context point's functions."""
    merged: dict = {}
    for hook in hooks(point):
        merged.update(hook(subject) or {})
    return merged
