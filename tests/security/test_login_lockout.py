"""Issue 14 item 11: failed logins lock out the (username, address) pair first, the username
everywhere only after failures from many addresses, and a station head or an admin unlocks."""

import uuid

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.RATELIMIT_ENABLE = True
    settings.RATELIMIT_LOGIN_FAILURES_PER_USERNAME_AND_IP = 3
    settings.RATELIMIT_LOGIN_FAILURES_PER_IP = 30
    settings.RATELIMIT_LOGIN_FAILURES_PER_USERNAME = 9
    settings.LANGUAGE_CODE = "en"
    return settings


def log_in(client, username, password, *, ip, path="login"):
    return client.post(
        reverse(path), {"username": username, "password": password}, REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE="en"
    )


def unique_ip() -> str:
    n = uuid.uuid4().int
    return f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250 + 1}"


def test_wrong_passwords_from_one_address_do_not_lock_the_owner_out_elsewhere(client, limits):
    owner = factories.user(f"owner-{uuid.uuid4().hex[:6]}")
    attacker = unique_ip()
    for _n in range(3):
        assert log_in(client, owner.username, "wrong", ip=attacker).status_code == 200
    response = log_in(client, owner.username, factories.PASSWORD, ip=attacker)
    assert response.status_code == 429
    assert "Too many failed attempts. Please wait 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # A refused attempt is not counted again.
    assert (
        sum(AccessAttempt.objects.filter(username=owner.username).values_list("failures_since_start", flat=True)) == 3
    )
    # The owner, from their own address, logs in.
    assert log_in(client, owner.username, factories.PASSWORD, ip=unique_ip()).status_code == 302
    assert client.session["_auth_user_id"] == str(owner.pk)


def test_the_admin_is_not_locked_out_by_someone_elses_address(client, limits):
    admin = factories.user(f"admin-{uuid.uuid4().hex[:6]}")
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    for _n in range(10):
        log_in(client, admin.username, "wrong", ip="10.66.66.66", path="admin:login")
    assert log_in(client, admin.username, factories.PASSWORD, ip="10.1.2.3", path="admin:login").status_code == 302


def test_the_username_is_locked_everywhere_only_after_many_addresses(client, limits):
    owner = factories.user(f"owner-{uuid.uuid4().hex[:6]}")
    for _address in range(2):
        ip = unique_ip()
        for _n in range(3):
            log_in(client, owner.username, "wrong", ip=ip)
    assert log_in(client, owner.username, factories.PASSWORD, ip=unique_ip()).status_code == 302
    client.logout()
    ip = unique_ip()
    for _n in range(3):
        log_in(client, owner.username, "wrong", ip=ip)
    # Nine failures from three addresses: now refused from a fourth too.
    response = log_in(client, owner.username, factories.PASSWORD, ip=unique_ip())
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def lock_out(client, username):
    for _address in range(3):
        ip = unique_ip()
        for _n in range(3):
            log_in(client, username, "wrong", ip=ip)
    assert log_in(client, username, factories.PASSWORD, ip=unique_ip()).status_code == 429


def test_a_station_head_unlocks_a_person_of_their_workstation(client, limits):
    ws = factories.workstation()
    head = factories.user(role="station_head", workstation=ws)
    worker = factories.user(role="grid_worker", grid=factories.grid(ws))
    lock_out(client, worker.username)
    client.force_login(head)
    page = client.get(reverse("lockouts"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert worker.username in page.content.decode()
    response = client.post(reverse("lockouts_unlock"), {"ws": ws.slug, "username": worker.username})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=worker.username).exists()
    client.logout()
    assert log_in(client, worker.username, factories.PASSWORD, ip=unique_ip()).status_code == 302


def test_nobody_else_unlocks(client, limits):
    ws, other_ws = factories.workstation(), factories.workstation()
    worker = factories.user(role="staff", workstation=ws)
    other_head = factories.user(role="station_head", workstation=other_ws)
    staff = factories.user(role="staff", workstation=ws)
    lock_out(client, worker.username)
    before = AccessAttempt.objects.filter(username=worker.username).count()
    client.force_login(other_head)
    assert client.post(reverse("lockouts_unlock"), {"ws": ws.slug, "username": worker.username}).status_code == 404
    assert (
        client.post(reverse("lockouts_unlock"), {"ws": other_ws.slug, "username": worker.username}).status_code == 404
    )
    client.force_login(staff)
    response = client.post(reverse("lockouts_unlock"), {"username": worker.username}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "access to this page" in response.content.decode()
    assert AccessAttempt.objects.filter(username=worker.username).count() == before


def test_an_admin_unlocks_in_the_admin(client, limits):
    person = factories.user()
    lock_out(client, person.username)
    admin = factories.user()
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(admin)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 200
    ids = list(AccessAttempt.objects.filter(username=person.username).values_list("pk", flat=True))
    response = client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert response.status_code == 302
    client.logout()
    assert log_in(client, person.username, factories.PASSWORD, ip=unique_ip()).status_code == 302
