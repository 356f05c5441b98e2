"""Roles and scope: housing officers, supervisors of a subdistrict or a district, several
subdistricts side by side; and every places page refusing whoever must be refused."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from issues.models import Issue
from tests import factories
from workstations import scope, services
from workstations.models import District, Location, Role, Workstation


@pytest.fixture
def land(world):
    """Two subdistricts of one district, and a third subdistrict in another district.
    world.ws and world.other_ws each have a subdistrict of their own (factories)."""
    xuhui = District.objects.create(name="徐汇区", slug="xuhui")
    other_district = District.objects.create(name="长宁区", slug="changning")
    ours, theirs = world.ws.subdistrict, world.other_ws.subdistrict
    ours.district = theirs.district = xuhui
    ours.save(update_fields=["district"])
    theirs.save(update_fields=["district"])
    far_sub = factories.subdistrict(district=other_district)
    far_ws = factories.workstation(far_sub)
    far_loc = factories.location(factories.grid(far_ws))
    issues = {
        "ours": factories.issue(world.loc)[0],
        "theirs": factories.issue(world.other_loc)[0],
        "far": factories.issue(far_loc)[0],
    }
    return {"xuhui": xuhui, "far_ws": far_ws, "far_loc": far_loc, "issues": issues}


def visible(user) -> set[str]:
    return {i.workstation.name for i in scope.visible_issues(user, Issue.objects.select_related("workstation"))}


def names(*workstations: Workstation) -> set[str]:
    return {w.name for w in workstations}


def test_a_housing_officer_reads_their_workstation_only(world, land):
    officer = factories.user(role=Role.Kind.HOUSING_OFFICER, workstation=world.ws)
    assert visible(officer) == names(world.ws)
    assert scope.is_staff_member(officer)
    assert not scope.can_manage_workstation(officer, world.ws.pk)
    assert not scope.can_act_on_issue(officer, land["issues"]["ours"])


def test_a_subdistrict_supervisor_reads_every_workstation_of_their_subdistrict(world, land):
    sibling = factories.workstation(world.ws.subdistrict)
    factories.issue(factories.location(factories.grid(sibling)))
    supervisor = factories.user(role=Role.Kind.SUBDISTRICT_SUPERVISOR, subdistrict=world.ws.subdistrict)
    assert visible(supervisor) == names(world.ws, sibling)
    assert scope.is_supervisor(supervisor)
    assert not scope.can_manage_workstation(supervisor, world.ws.pk)


def test_a_district_supervisor_reads_every_subdistrict_of_their_district_only(world, land):
    supervisor = factories.user(role=Role.Kind.DISTRICT_SUPERVISOR, district=land["xuhui"])
    assert visible(supervisor) == names(world.ws, world.other_ws)
    assert land["far_ws"].name not in visible(supervisor)
    assert not scope.can_act_on_issue(supervisor, land["issues"]["ours"])


def test_subdistricts_are_isolated_from_each_other(world, land):
    far_staff = factories.user(role=Role.Kind.STAFF, workstation=land["far_ws"])
    assert visible(far_staff) == names(land["far_ws"])
    assert visible(world.staff) == names(world.ws)
    assert set(scope.visible_locations(far_staff)) == {land["far_loc"]}
    assert world.loc not in scope.visible_locations(far_staff)


def test_liaisons_and_grid_workers_read_no_workstation(world, land):
    liaison = factories.user(role=Role.Kind.LIAISON, department=factories.department(world.ws.subdistrict))
    assert visible(liaison) == set()
    assert not scope.is_staff_member(liaison)
    assert not scope.is_staff_member(world.worker)
    assert visible(world.worker) == names(world.ws)  # only the task assigned to them
    assert scope.assigned_tasks(world.worker, Issue.objects.all()).count() == 1


def test_nobody_and_anonymous_see_no_places(world, land):
    nobody = factories.user()
    for user in (nobody, AnonymousUser()):
        assert not scope.visible_locations(user).exists()
        assert not scope.places(user, Workstation.objects.all()).exists()


def test_a_role_needs_the_scope_its_kind_names(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(user=world.staff, kind=Role.Kind.SUBDISTRICT_SUPERVISOR, workstation=world.ws)
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(user=world.staff, kind=Role.Kind.HOUSING_OFFICER, grid=world.grid)


# --- Pages -------------------------------------------------------------------------------------


def client_for(user=None) -> Client:
    client = Client(headers={"accept-language": "en"})
    if user is not None:
        client.force_login(user)
    return client


def read_urls(loc: Location) -> list[str]:
    return [
        reverse("location_detail", args=[loc.pk]),
        reverse("location_qr", args=[loc.pk]),
        reverse("location_qr_svg", args=[loc.pk]),
        reverse("location_poster", args=[loc.pk]),
    ]


def write_urls(loc: Location) -> list[str]:
    return [
        reverse("location_rotate", args=[loc.pk]),
        reverse("location_revoke", args=[loc.pk]),
        reverse("location_reinstate", args=[loc.pk]),
    ]


def test_anonymous_visitors_are_sent_to_login_from_every_places_page(world):
    client = client_for()
    for url in [reverse("staff_locations"), reverse("duty"), *read_urls(world.loc), *write_urls(world.loc)]:
        response = client.post(url) if url in write_urls(world.loc) else client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_staff_of_another_workstation_get_404_for_our_locations(world):
    client = client_for(world.outsider)
    for url in read_urls(world.loc):
        assert client.get(url).status_code == 404, url
    token = world.loc.qr_token
    for url in write_urls(world.loc):
        assert client.post(url).status_code == 404, url
    world.loc.refresh_from_db()
    assert (world.loc.qr_token, world.loc.qr_revoked_at) == (token, None)
    page = client.get(reverse("staff_locations")).content.decode()
    assert token not in page


def test_grid_workers_are_refused_the_places_pages(world):
    client = client_for(world.worker)
    assert client.get(reverse("staff_locations")).status_code == 403
    for url in read_urls(world.loc):
        assert client.get(url).status_code in (403, 404), url
    for url in write_urls(world.loc):
        assert client.post(url).status_code == 403, url


@pytest.mark.parametrize("kind", ["housing_officer", "sub_supervisor"])
def test_readers_see_our_locations_but_cannot_change_a_code(world, kind):
    scope_kw = {"workstation": world.ws} if kind == "housing_officer" else {"subdistrict": world.ws.subdistrict}
    reader = factories.user(role=kind, **scope_kw)
    client = client_for(reader)
    for url in [reverse("staff_locations"), *read_urls(world.loc)]:
        assert client.get(url).status_code == 200, url
    detail = client.get(reverse("location_detail", args=[world.loc.pk]))
    assert detail.context["can_manage"] is False
    assert 'action="{}"'.format(reverse("location_revoke", args=[world.loc.pk])) not in detail.content.decode()
    token = world.loc.qr_token
    for url in write_urls(world.loc):
        assert client.post(url).status_code == 403, url
    world.loc.refresh_from_db()
    assert (world.loc.qr_token, world.loc.qr_revoked_at) == (token, None)


def test_a_supervisor_reads_the_dashboard_across_their_subdistrict(world):
    issue, _ = factories.issue(world.loc)
    supervisor = factories.user(role=Role.Kind.SUBDISTRICT_SUPERVISOR, subdistrict=world.ws.subdistrict)
    client = client_for(supervisor)
    assert issue.reference in client.get(reverse("staff_dashboard")).content.decode()
    assert client.get(reverse("staff_issue", args=[issue.pk])).status_code == 200
    other, _ = factories.issue(world.other_loc)
    assert client.get(reverse("staff_issue", args=[other.pk])).status_code == 404


@pytest.mark.parametrize("who", ["staff", "head"])
def test_our_staff_rotate_revoke_and_reinstate(world, who):
    client = client_for(getattr(world, who))
    old = world.loc.qr_token
    response = client.post(reverse("location_rotate", args=[world.loc.pk]), {"grace_days": "7", "note": "海报被撕"})
    assert response.status_code == 303
    world.loc.refresh_from_db()
    assert world.loc.qr_token != old
    assert services.resolve_qr_token(old)[1] is services.QRState.ALIAS
    assert client.post(reverse("location_revoke", args=[world.loc.pk]), {"note": ""}).status_code == 303
    world.loc.refresh_from_db()
    assert world.loc.qr_revoked_at is not None
    assert client.post(reverse("location_reinstate", args=[world.loc.pk])).status_code == 303
    world.loc.refresh_from_db()
    assert world.loc.qr_revoked_at is None
    history = client.get(reverse("location_detail", args=[world.loc.pk])).context["events"]
    assert [e.type for e in history] == ["reinstated", "revoked", "rotated"]


def test_a_bad_grace_period_is_refused_with_the_form(world):
    response = client_for(world.staff).post(reverse("location_rotate", args=[world.loc.pk]), {"grace_days": "999"})
    assert response.status_code == 400
    assert response.context["rotate_form"].errors


def test_the_poster_print_view_offers_a4_and_a5_without_inline_styles(world):
    client = client_for(world.staff)
    for size in ("a4", "a5"):
        response = client.get(reverse("location_poster", args=[world.loc.pk]), {"size": size})
        page = response.content.decode()
        assert response.status_code == 200
        assert "style=" not in page and "<style" not in page
        assert "css/poster.css" in page
        assert ("css/poster-a5.css" in page) == (size == "a5")
        assert "民情快办 · 扫码反映" in page
        assert world.loc.name in page and world.ws.name in page and world.ws.phone in page
        assert world.loc.typed_url() in page  # the short address to type (issue 18, item 21)


def test_the_locations_page_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    client = client_for(world.staff)
    client.get(reverse("staff_locations"))
    with django_assert_max_num_queries(6) as small:
        client.get(reverse("staff_locations"))
    for _ in range(15):
        loc = factories.location(factories.grid(world.ws))
        services.record_scan(loc)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(client.get(reverse("staff_locations")).context["locations"]) == 17
