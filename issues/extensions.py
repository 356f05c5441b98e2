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
- `desk_filters() -> list[DeskFilter]`: more filters of the desk's issue list (estates: by
  estate and by property company). Their choices are read for every desk page, so they must
  not query the database (a per-process snapshot); `apply` narrows the queryset (a subquery).

Deadlines of other apps are steps of the SLA sweep (`settings.SLA_SWEEP_STEPS`), not a point
here; reactions to what happened are receivers of issues.signals.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

POINTS = ("route", "report_context", "track_context", "desk_filters")


@dataclass(frozen=True)
class DeskFilter:
    """One more filter of the desk's list: the query parameter `name` (an id), its label, the
    choices for the workstations shown (ids → [(value, label)]), and how it narrows issues."""

    name: str
    label: str
    choices: Callable[[Iterable[int]], list[tuple[int, str]]]
    apply: Callable  # (issues queryset, value) -> queryset


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


def desk_filters() -> list[DeskFilter]:
    """The filters apps add to the desk, in the order of the setting."""
    return [spec for hook in hooks("desk_filters") for spec in hook()]
