"""QR codes: scanning, rotation with a grace period, revocation, and counting scans."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from issues.models import Issue
from tests import factories
from workstations import services
from workstations.models import LocationEvent, RetiredQRCode, ScanCount
from workstations.services import QRState
from workstations.views.qr import qr_entry


def english() -> Client:
    return Client(headers={"accept-language": "en"})


def scans(location) -> tuple[int, int]:
    rows = ScanCount.objects.filter(location=location)
    return sum(r.scans for r in rows), sum(r.stale_scans for r in rows)


# --- Resolving ---------------------------------------------------------------------------------


def test_a_current_code_is_active(world):
    assert services.resolve_qr_token(world.loc.qr_token) == (world.loc, QRState.ACTIVE)


def test_a_location_comes_with_its_place_hierarchy_in_one_query(world, django_assert_num_queries):
    """A report's reference starts with the subdistrict's code: no query more to read it."""
    with django_assert_num_queries(1):
        location, state = services.resolve_qr_token(world.loc.qr_token)
        code = location.grid.neighbourhood.workstation.subdistrict.code
    assert (location, state) == (world.loc, QRState.ACTIVE)
    assert code == world.ws.subdistrict.code and location.grid.neighbourhood.workstation == world.ws


@pytest.mark.parametrize("token", ["", "nope", "x" * 65])
def test_an_unknown_code_resolves_to_nothing(db, token):
    assert services.resolve_qr_token(token) == (None, QRState.UNKNOWN)


def test_new_tokens_are_long_and_random(world):
    tokens = {factories.location(world.grid).qr_token for _ in range(20)}
    assert len(tokens) == 20
    assert all(len(t) >= 22 for t in tokens)  # 128 bits, URL-safe base64


# --- Rotation ----------------------------------------------------------------------------------


def test_rotation_gives_a_new_code_and_keeps_the_old_one_for_the_grace_period(world):
    old = world.loc.qr_token
    services.rotate_qr(world.loc, actor=world.staff, grace=dt.timedelta(days=30))
    world.loc.refresh_from_db()
    assert world.loc.qr_token != old
    assert services.resolve_qr_token(world.loc.qr_token)[1] is QRState.ACTIVE
    assert services.resolve_qr_token(old) == (world.loc, QRState.ALIAS)
    event = LocationEvent.objects.get(location=world.loc)
    assert event.type == LocationEvent.Type.ROTATED
    assert event.actor == world.staff


def test_an_old_poster_redirects_to_the_new_form_during_the_grace_period(world):
    old = world.loc.qr_token
    loc = services.rotate_qr(world.loc, actor=world.staff)
    response = english().get(reverse("report", args=[old]))
    assert response.status_code == 302
    assert response["Location"] == reverse("report", args=[loc.qr_token])
    assert english().get(response["Location"]).status_code == 200


def test_a_form_opened_before_the_rotation_is_still_accepted(world, published):
    old = world.loc.qr_token
    services.rotate_qr(world.loc, actor=world.staff)
    response = english().post(reverse("report", args=[old]), {"description": "楼道灯坏了", "kind": "consult"})
    assert response.status_code == 303
    assert Issue.objects.get().location == world.loc


def test_after_the_grace_period_the_old_poster_says_no_longer_in_use(world):
    old = world.loc.qr_token
    services.rotate_qr(world.loc, actor=world.staff, grace=dt.timedelta(days=7))
    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
        assert services.resolve_qr_token(old)[1] is QRState.REPLACED
        response = Client().get(reverse("report", args=[old]))
    assert response.status_code == 410
    page = response.content.decode()
    assert "此二维码已停用" in page
    assert world.ws.phone in page
    assert "<form" not in page or 'name="description"' not in page


def test_rotating_with_no_grace_stops_the_old_code_at_once(world):
    old = world.loc.qr_token
    services.rotate_qr(world.loc, actor=world.staff, grace=dt.timedelta(0))
    assert services.resolve_qr_token(old)[1] is QRState.REPLACED


# --- Revocation --------------------------------------------------------------------------------


def test_a_revoked_code_shows_the_workstations_contact_not_an_error_page(world):
    services.revoke_qr(world.loc, actor=world.head, note="贴了假码")
    response = Client().get(reverse("report", args=[world.loc.qr_token]))
    assert response.status_code == 410
    page = response.content.decode()
    assert "此二维码已停用" in page
    assert world.ws.name in page
    assert world.ws.phone in page
    assert 'name="description"' not in page


def test_a_revoked_code_refuses_a_report(world, published):
    services.revoke_qr(world.loc, actor=world.head)
    response = Client().post(reverse("report", args=[world.loc.qr_token]), {"description": "x"})
    assert response.status_code == 410
    assert not Issue.objects.exists()


def test_revoking_also_stops_a_rotated_code_in_its_grace_period(world):
    old = world.loc.qr_token
    loc = services.rotate_qr(world.loc, actor=world.staff)
    services.revoke_qr(loc, actor=world.head)
    assert services.resolve_qr_token(old)[1] is QRState.REVOKED


def test_reinstating_brings_the_same_code_back(world):
    services.revoke_qr(world.loc, actor=world.head)
    services.reinstate_qr(world.loc, actor=world.head)
    assert services.resolve_qr_token(world.loc.qr_token)[1] is QRState.ACTIVE
    assert list(LocationEvent.objects.values_list("type", flat=True)) == ["reinstated", "revoked"]


def test_a_new_code_for_a_revoked_location_gives_the_revoked_code_no_grace(world):
    old = world.loc.qr_token
    services.revoke_qr(world.loc, actor=world.head)
    loc = services.rotate_qr(world.loc, actor=world.head, grace=dt.timedelta(days=30))
    assert services.resolve_qr_token(loc.qr_token)[1] is QRState.ACTIVE
    assert services.resolve_qr_token(old)[1] is QRState.REPLACED
    assert RetiredQRCode.objects.get(token=old).valid_until <= timezone.now()


def test_an_inactive_location_says_no_longer_in_use(world):
    world.loc.is_active = False
    world.loc.save(update_fields=["is_active"])
    response = Client().get(reverse("report", args=[world.loc.qr_token]))
    assert response.status_code == 410
    assert "此二维码已停用" in response.content.decode()


# --- Counting scans ----------------------------------------------------------------------------


def test_each_opening_of_the_form_is_counted(world):
    client = Client()
    for _ in range(3):
        assert client.get(reverse("report", args=[world.loc.qr_token])).status_code == 200
    assert scans(world.loc) == (3, 0)
    assert ScanCount.objects.get(location=world.loc).day == timezone.localdate()


def test_posting_a_report_and_head_requests_are_not_scans(world, published):
    client = Client()
    client.head(reverse("report", args=[world.loc.qr_token]))
    client.post(reverse("report", args=[world.loc.qr_token]), {"description": "路灯不亮"})
    assert scans(world.loc) == (0, 0)


def test_scans_of_a_stopped_code_are_counted_apart(world):
    services.revoke_qr(world.loc, actor=world.head)
    Client().get(reverse("report", args=[world.loc.qr_token]))
    assert scans(world.loc) == (0, 1)


def test_a_redirected_old_code_counts_once(world):
    old = world.loc.qr_token
    services.rotate_qr(world.loc, actor=world.staff)
    Client().get(reverse("report", args=[old]), follow=True)
    assert scans(world.loc) == (1, 0)


def test_a_new_day_starts_a_new_counter(world):
    services.record_scan(world.loc, day=dt.date(2026, 11, 1))
    services.record_scan(world.loc, day=dt.date(2026, 11, 2))
    services.record_scan(world.loc, day=dt.date(2026, 11, 2))
    assert dict(ScanCount.objects.values_list("day", "scans")) == {dt.date(2026, 11, 1): 1, dt.date(2026, 11, 2): 2}


def test_nothing_about_the_scanner_is_stored(world):
    Client(HTTP_USER_AGENT="Mozilla/5.0 WeChat", REMOTE_ADDR="10.1.2.3").get(
        reverse("report", args=[world.loc.qr_token])
    )
    fields = {f.name for f in ScanCount._meta.get_fields()}
    assert fields == {"id", "location", "day", "scans", "stale_scans"}


def test_counting_a_scan_is_one_update_after_the_first_of_the_day(world, django_assert_num_queries):
    services.record_scan(world.loc)
    with django_assert_num_queries(1):
        services.record_scan(world.loc)


def test_a_scan_costs_the_resident_path_two_queries(world, rf, django_assert_num_queries):
    """Resolve the code (one SELECT with its workstation) and count it (one UPDATE)."""
    services.record_scan(world.loc)  # the day's counter row exists, as it does after the first scan
    with django_assert_num_queries(2):
        location, elsewhere = qr_entry(rf.get("/"), world.loc.qr_token)
    assert location == world.loc
    assert elsewhere is None
    assert location.grid.neighbourhood.workstation == world.ws  # loaded, no further query


def test_staff_see_scans_against_reports(world, published):
    client = Client()
    for _ in range(4):
        client.get(reverse("report", args=[world.loc.qr_token]))
    factories.issue(world.loc, route=False)
    staff = english()
    staff.force_login(world.staff)
    page = staff.get(reverse("staff_locations"))
    loc = next(x for x in page.context["locations"] if x.pk == world.loc.pk)
    assert (loc.scans, loc.reports) == (4, 1)
    detail = staff.get(reverse("location_detail", args=[world.loc.pk]))
    assert (detail.context["scans"], detail.context["reports"]) == (4, 1)
