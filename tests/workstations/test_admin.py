"""The places admin: every list runs a fixed number of queries, and an admin user who is not a
superuser sees and changes only their own workstation's places."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories
from workstations import services
from workstations.models import Absence, Location, OnCallShift, Role

CHANGELISTS = [
    "district",
    "subdistrict",
    "workstation",
    "neighbourhood",
    "grid",
    "location",
    "department",
    "role",
    "oncallshift",
    "absence",
    "retiredqrcode",
]


@pytest.fixture
def admin_client(db) -> Client:
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", "root@example.invalid", "x")
    client = Client(headers={"accept-language": "en"})
    client.force_login(root)
    return client


def populate(world, n: int) -> None:
    """n more of everything the lists show."""
    now = timezone.now()
    for _ in range(n):
        ws = factories.workstation(world.ws.subdistrict)
        grid = factories.grid(ws)
        loc = factories.location(grid)
        services.rotate_qr(loc, actor=None)
        worker = factories.user(role=Role.Kind.GRID_WORKER, grid=grid)
        factories.department(ws.subdistrict)
        OnCallShift.objects.create(workstation=ws, user=worker, starts_at=now, ends_at=now + dt.timedelta(hours=8))
        Absence.objects.create(user=worker, starts_at=now, ends_at=now + dt.timedelta(days=1))


def query_count(client, url, django_assert_max_num_queries) -> int:
    with django_assert_max_num_queries(100) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("model", CHANGELISTS)
def test_each_changelist_runs_a_fixed_number_of_queries(world, admin_client, model, django_assert_max_num_queries):
    url = reverse(f"admin:workstations_{model}_changelist")
    populate(world, 2)
    small = query_count(admin_client, url, django_assert_max_num_queries)
    populate(world, 12)
    large = query_count(admin_client, url, django_assert_max_num_queries)
    assert large == small, f"{model}: {small} queries with few rows, {large} with more"


@pytest.mark.parametrize("model", ["location", "grid", "workstation", "role"])
def test_search_and_filters_work(world, admin_client, model):
    url = reverse(f"admin:workstations_{model}_changelist")
    assert admin_client.get(url, {"q": "永嘉"}).status_code == 200


def test_the_location_page_shows_its_code_and_history(world, admin_client):
    services.revoke_qr(world.loc, actor=None, note="假码")
    page = admin_client.get(reverse("admin:workstations_location_change", args=[world.loc.pk])).content.decode()
    assert reverse("location_qr_svg", args=[world.loc.pk]) in page
    assert "假码" in page


def test_admin_actions_rotate_and_revoke_through_the_services(world, admin_client):
    url = reverse("admin:workstations_location_changelist")
    old = world.loc.qr_token
    admin_client.post(url, {"action": "rotate_codes", "_selected_action": [world.loc.pk]})
    world.loc.refresh_from_db()
    assert world.loc.qr_token != old
    admin_client.post(url, {"action": "revoke_codes", "_selected_action": [world.loc.pk]})
    world.loc.refresh_from_db()
    assert world.loc.qr_revoked_at is not None


# --- A station head with admin access ------------------------------------------------------------


@pytest.fixture
def head_admin(world) -> Client:
    world.head.is_staff = True
    world.head.save(update_fields=["is_staff"])
    perms = Permission.objects.filter(content_type__app_label="workstations")
    world.head.user_permissions.set(perms)
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.head)
    return client


def test_a_non_superuser_sees_only_their_own_places_in_the_admin(world, head_admin):
    page = head_admin.get(reverse("admin:workstations_location_changelist"))
    shown = set(page.context["cl"].result_list)
    assert shown == {world.loc, world.loc2}
    assert head_admin.get(reverse("admin:workstations_location_change", args=[world.other_loc.pk])).status_code == 302
    workstations = set(head_admin.get(reverse("admin:workstations_workstation_changelist")).context["cl"].result_list)
    assert workstations == {world.ws}


def test_a_non_superuser_cannot_file_a_location_under_another_workstation(world, head_admin):
    response = head_admin.post(
        reverse("admin:workstations_location_add"),
        {"grid": world.other_loc.grid_id, "name": "外来点位", "kind": "lane", "address": "", "is_active": "on"},
    )
    assert response.status_code == 200  # the form again, with an error on `grid`
    assert "grid" in response.context["adminform"].form.errors
    assert not Location.objects.filter(name="外来点位").exists()


def test_a_non_superuser_cannot_change_roles_or_the_hierarchy_above_their_grids(world, head_admin):
    role = Role.objects.get(user=world.staff)
    assert head_admin.post(reverse("admin:workstations_role_change", args=[role.pk]), {}).status_code == 403
    ws_url = reverse("admin:workstations_workstation_change", args=[world.ws.pk])
    assert head_admin.post(ws_url, {"name": "改名"}).status_code == 403
    world.ws.refresh_from_db()
    assert world.ws.name != "改名"


def test_a_supervisor_with_admin_access_reads_but_cannot_change(world):
    supervisor = factories.user(role=Role.Kind.SUBDISTRICT_SUPERVISOR, subdistrict=world.ws.subdistrict)
    supervisor.is_staff = True
    supervisor.save(update_fields=["is_staff"])
    supervisor.user_permissions.set(Permission.objects.filter(content_type__app_label="workstations"))
    client = Client()
    client.force_login(supervisor)
    assert client.get(reverse("admin:workstations_location_changelist")).status_code == 200
    url = reverse("admin:workstations_location_change", args=[world.loc.pk])
    response = client.post(url, {"grid": world.grid.pk, "name": "改名", "kind": "lane", "is_active": "on"})
    assert response.status_code == 403
    world.loc.refresh_from_db()
    assert world.loc.name != "改名"
