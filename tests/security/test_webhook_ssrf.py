"""Webhook SSRF guard (issue 14, item 14): the receiver's name is resolved once, every address is
checked with `is_global` (100.64.0.0/10 too), the connection goes to the checked address with the
right Host; private URLs are refused when a subscription is made too; read-only roles keep only
their personal-notification webhook."""

import socket

import pytest
from django.test import Client
from rest_framework.test import APIClient

from minqing import outbound as sending
from tests import factories
from tests.webhooks import receiver as local
from webhooks.models import Subscription
from workstations.models import Role


@pytest.fixture
def receiver():
    rec, server = local.start()
    yield rec
    server.shutdown()
    server.server_close()


@pytest.fixture
def dns(monkeypatch):
    """Names of our choosing resolve to addresses of our choosing (the system resolver for the rest);
    `asked` counts the look-ups of each name."""
    real = socket.getaddrinfo
    table: dict[str, list[str]] = {}
    asked: dict[str, int] = {}

    def getaddrinfo(host, port, *args, **kwargs):
        if host in table:
            asked[host] = asked.get(host, 0) + 1
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port or 0)) for ip in table[host]]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return table, asked


@pytest.mark.parametrize(
    "url",
    [
        "http://100.100.100.200/latest/meta-data/",  # Alibaba Cloud's metadata service
        "http://100.64.0.1/",
        "http://169.254.169.254/",
        "http://127.0.0.1:8000/",
        "http://10.1.2.3/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
    ],
)
def test_every_non_public_address_is_refused(settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    assert sending.refused_reason(url)
    outcome = sending.post(url, b"{}", {"Content-Type": "application/json"})
    assert outcome.status_code is None and "refused" in outcome.error


def test_a_name_with_one_private_address_among_public_ones_is_refused(settings, dns):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    table, _asked = dns
    table["rebind.example"] = ["93.184.216.34", "127.0.0.1"]
    assert "127.0.0.1" in sending.refused_reason("http://rebind.example/")


def test_the_name_is_resolved_once_and_the_checked_address_is_the_one_called(settings, dns, receiver):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True  # the test receiver is on loopback
    table, asked = dns
    port = receiver.url.split(":")[2].split("/")[0]
    table["hooks.example"] = ["127.0.0.1"]
    outcome = sending.post(f"http://hooks.example:{port}/in?x=1", b'{"a": 1}', {"Content-Type": "application/json"})
    assert outcome.ok, outcome
    assert asked["hooks.example"] == 1  # no second look-up that could answer differently
    [got] = receiver.received
    assert got.headers["Host"] == f"hooks.example:{port}" and got.path == "/in?x=1" and got.body == b'{"a": 1}'


def test_a_redirect_is_not_followed(settings, receiver):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    receiver.answers.append(302)
    outcome = sending.post(receiver.url, b"{}", {})
    assert outcome.status_code == 302 and not outcome.ok and len(receiver.received) == 1


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_private_url_is_refused_when_a_subscription_is_made(settings, world):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    for url in ("http://100.100.100.200/", "http://10.0.0.5/hook", "http://localhost/"):
        response = api(world.staff).post("/api/v1/webhooks/", {"name": "x", "url": url}, format="json")
        assert response.status_code == 400, url
        assert "url" in response.json()
    assert not Subscription.objects.exists()


def test_a_private_personal_webhook_is_refused_on_the_settings_page(settings, world, dns):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    table, _asked = dns
    table["intranet.example"] = ["192.168.1.9"]
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.staff)
    response = client.post(
        "/accounts/notifications/", {"webhook_enabled": "on", "webhook_address": "http://intranet.example/hook"}
    )
    assert response.status_code == 400 or "not this server or a private network" in response.content.decode()
    assert "not this server or a private network" in response.content.decode()


def test_read_only_roles_cannot_subscribe_to_the_feed(settings, world):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    reader = factories.user("secretary", role=Role.Kind.AREA_SECRETARY, workstation=world.ws)
    supervisor = factories.user("supervisor", role=Role.Kind.SUBDISTRICT_SUPERVISOR, subdistrict=world.ws.subdistrict)
    for who in (reader, supervisor):
        response = api(who).post("/api/v1/webhooks/", {"name": "feed", "url": "https://example.com/h"}, format="json")
        assert response.status_code == 403, who
        assert "read" in response.json()["detail"].lower()
    assert not Subscription.objects.exists()
    response = api(world.staff).post("/api/v1/webhooks/", {"name": "ok", "url": "https://example.com/h"}, format="json")
    assert response.status_code == 201


def test_a_feed_subscription_a_read_only_role_made_earlier_gets_nothing(settings, world, receiver):
    from issues import services

    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    reader = factories.user("officer", role=Role.Kind.HOUSING_OFFICER, workstation=world.ws)
    Subscription.objects.create(owner=reader, name="old feed", url=receiver.url)
    issue, _token = factories.issue(world.loc)
    services.add_work_note(issue, actor=world.staff, note="内部")
    assert not Subscription.objects.get().deliveries.exists()
