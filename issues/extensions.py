"""Where other apps plug into the issues core without the core importing them.

`settings.ISSUES_EXTENSIONS` maps a point's name to dotted paths of functions; the core calls
them in order. The points:

- `route(issue, now) -> Issue | None`: inside route_issue's transaction, with the issue locked
  and not yet routed. A function that routes the issue itself (through issues.transitions)
  returns it, and the default routing to the grid worker is skipped; None lets it run.
- `sweep(now, batch) -> int`: one more step of the SLA sweep; returns how many rows it took
  (a full batch makes the sweep run again at once).
- `report_context(location) -> dict`: more context for the report form of a location.
- `track_context(issue) -> dict`: more context for a tracking page.
"""

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

POINTS = ("route", "sweep", "report_context", "track_context")


@cache
def _load(paths: tuple[str, ...]) -> tuple[Callable, ...]:
    return tuple(import_string(path) for path in paths)


def hooks(point: str) -> tuple[Callable, ...]:
    if point not in POINTS:
        raise ValueError(f"unknown extension point {point!r}")
    return _load(tuple(getattr(settings, "ISSUES_EXTENSIONS", {}).get(point, ())))


def context(point: str, subject) -> dict:
    """The merged dicts of a context point's functions."""
    merged: dict = {}
    for hook in hooks(point):
        merged.update(hook(subject) or {})
    return merged
