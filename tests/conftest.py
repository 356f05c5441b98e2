"""Shared places and people, as in healthchecks' base test case: a workstation with its staff
and two grid workers, and an outsider of another workstation who must always be refused."""

from dataclasses import dataclass

import pytest

from workstations.models import Grid, Location, Role, Workstation

from . import factories


@pytest.fixture(autouse=True)
def fresh_config_cache():
    """minqing.config_cache keeps configuration per process; a test's rows are rolled back
    without a signal, so every test starts (and ends) with nothing cached."""
    from minqing import config_cache

    config_cache.clear_local()
    yield
    config_cache.clear_local()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """PBKDF2 takes about a second per user on these machines; tests need no strong hashes."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def no_quiet_hours(settings) -> None:
    """Residents' non-urgent SMS wait out the night (settings.RESIDENT_QUIET_HOURS); tests must
    not depend on the hour they run at, so the tests of quiet hours set them themselves."""
    settings.RESIDENT_QUIET_HOURS = None


@pytest.fixture
def root(db):
    """A superuser, who sees and may change everything."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("root", "root@example.invalid", "x")


@dataclass
class World:
    ws: Workstation
    grid: Grid
    grid2: Grid
    loc: Location
    loc2: Location
    head: object
    staff: object
    worker: object
    worker2: object
    other_ws: Workstation
    other_loc: Location
    outsider: object


@pytest.fixture
def world(db) -> World:
    ws = factories.workstation()
    g1 = factories.grid(ws)
    g2 = factories.grid(ws)
    other_ws = factories.workstation()
    other_grid = factories.grid(other_ws)
    w = World(
        ws=ws,
        grid=g1,
        grid2=g2,
        loc=factories.location(g1),
        loc2=factories.location(g2),
        head=factories.user("head", role=Role.Kind.STATION_HEAD, workstation=ws),
        staff=factories.user("staff", role=Role.Kind.STAFF, workstation=ws),
        worker=factories.user("grid1", role=Role.Kind.GRID_WORKER, grid=g1),
        worker2=factories.user("grid2", role=Role.Kind.GRID_WORKER, grid=g2),
        other_ws=other_ws,
        other_loc=factories.location(other_grid),
        outsider=factories.user("outsider", role=Role.Kind.STAFF, workstation=other_ws),
    )
    factories.user("other-grid", role=Role.Kind.GRID_WORKER, grid=other_grid)
    return w


# The SLA targets the tests rely on, written out (not imported from issues.sla). Fixtures below
# update_or_create them, so tests pass whether or not a data migration seeded policy rows.
STANDARD_SLA = {
    # kind: (unit, accept_within, resolve_within)
    "urgent": ("minutes", 10, 240),
    "consult": ("working_days", None, 1),
    "complex": ("days", None, 30),
    "community": ("days", None, 14),
}


@pytest.fixture
def sla_policies(db) -> None:
    """The standard SLA policy rows (urgent: accept in 10 min, resolve in 4 h, ...)."""
    from issues.models import SLAPolicy

    for kind, (unit, accept_within, resolve_within) in STANDARD_SLA.items():
        SLAPolicy.objects.update_or_create(
            kind=kind,
            priority="normal",
            defaults={"unit": unit, "accept_within": accept_within, "resolve_within": resolve_within},
        )


@pytest.fixture
def published(monkeypatch) -> list[list]:
    """Record route publishing instead of talking to the broker; returns the list of `args`."""
    from issues.tasks import route_issue_task

    calls: list[list] = []
    monkeypatch.setattr(route_issue_task, "apply_async", lambda args=None, **kw: calls.append(list(args or [])))
    return calls
