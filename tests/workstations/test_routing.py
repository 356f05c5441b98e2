"""Who gets a new task (workstations.services) and who sees which issues (workstations.scope)."""

import pytest

from issues.models import Issue
from tests import factories
from workstations import scope
from workstations.models import Role
from workstations.services import grid_worker_for

# --- grid_worker_for -------------------------------------------------------------------------


def test_it_picks_the_primary_worker(world):
    factories.user(role=Role.Kind.GRID_WORKER, grid=world.grid, is_primary=False)
    assert grid_worker_for(world.grid) == world.worker


def test_it_picks_the_primary_worker_even_if_added_last(db):
    grid = factories.grid()
    factories.user(role=Role.Kind.GRID_WORKER, grid=grid, is_primary=False)
    primary = factories.user(role=Role.Kind.GRID_WORKER, grid=grid, is_primary=True)
    assert grid_worker_for(grid) == primary


def test_it_skips_an_inactive_worker(world):
    backup = factories.user(role=Role.Kind.GRID_WORKER, grid=world.grid, is_primary=False)
    world.worker.is_active = False
    world.worker.save(update_fields=["is_active"])
    assert grid_worker_for(world.grid) == backup


def test_it_falls_back_to_a_non_primary_worker(db):
    grid = factories.grid()
    only = factories.user(role=Role.Kind.GRID_WORKER, grid=grid, is_primary=False)
    assert grid_worker_for(grid) == only


def test_it_ignores_workers_of_other_grids_and_other_roles(world):
    grid = factories.grid(world.ws)
    factories.user(role=Role.Kind.STAFF, workstation=world.ws)
    assert grid_worker_for(grid) is None


def test_it_returns_none_when_every_worker_is_inactive(world):
    world.worker.is_active = False
    world.worker.save(update_fields=["is_active"])
    assert grid_worker_for(world.grid) is None


# --- visible_issues --------------------------------------------------------------------------


@pytest.fixture
def issues(world):
    """One issue in each of our grids (routed to its worker) and one at the other workstation."""
    return {
        "grid1": factories.issue(world.loc)[0],
        "grid2": factories.issue(world.loc2)[0],
        "other": factories.issue(world.other_loc)[0],
    }


def visible(user) -> set[int]:
    return set(scope.visible_issues(user, Issue.objects.all()).values_list("pk", flat=True))


def pks(issues, *names) -> set[int]:
    return {issues[n].pk for n in names}


@pytest.mark.parametrize("who", ["staff", "head"])
def test_staff_see_their_own_workstation_only(world, issues, who):
    assert visible(getattr(world, who)) == pks(issues, "grid1", "grid2")


def test_an_outsider_sees_nothing_of_ours(world, issues):
    assert visible(world.outsider) == pks(issues, "other")


def test_a_grid_worker_sees_only_what_is_assigned_to_them(world, issues):
    assert visible(world.worker) == pks(issues, "grid1")
    assert visible(world.worker2) == pks(issues, "grid2")


def test_an_anonymous_visitor_sees_nothing(issues):
    from django.contrib.auth.models import AnonymousUser

    assert visible(AnonymousUser()) == set()


def test_a_superuser_sees_everything(issues):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "root@example.invalid", "x")
    assert visible(admin) == pks(issues, "grid1", "grid2", "other")


def test_a_user_without_a_role_sees_nothing(db, issues):
    assert visible(factories.user()) == set()


def test_assigned_tasks_are_only_the_users_own(world, issues):
    tasks = scope.assigned_tasks(world.worker, Issue.objects.all())
    assert set(tasks.values_list("pk", flat=True)) == pks(issues, "grid1")
    assert not scope.assigned_tasks(world.staff, Issue.objects.all()).exists()
