"""The demo's escalation ladder reaches its area secretary (片区书记): seed_demo names demo-secretary
for 梧桐片区, level 3 tells them once (not "nobody is set"), and the link in the message opens
for them. Time moves with time_machine, the sweep is issues.services.sla_sweep (beat's work)."""

import datetime as dt
import io
import json
import re
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from issues import services
from issues.ladder import Audience, Level
from issues.models import IssueEvent, Notification, SLAPolicy
from tests import factories
from workstations.models import Location, Role

SH = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=SH)  # a Monday morning

pytestmark = pytest.mark.usefixtures("sla_policies")


@pytest.fixture
def demo(sla_policies) -> dict:
    SLAPolicy.objects.filter(kind="urgent", priority="normal").update(arrive_within=30, escalate_every=15)
    out = io.StringIO()
    call_command("seed_demo", "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(T0, tick=False)
    return lambda when: time_machine.move_to(when, tick=False)


def user(demo: dict, role: str):
    return get_user_model().objects.get(username=demo["users"][role])


def sweep_at(clock, minutes: float) -> dict:
    clock(T0 + dt.timedelta(minutes=minutes))
    with translation.override("en"):
        return services.sla_sweep()


def test_the_demo_ladder_reaches_the_area_secretary_once_and_the_link_opens(demo, clock):
    token = demo["qr_urls"][0].rstrip("/").rsplit("/", 1)[-1]
    issue, _ = factories.issue(Location.objects.get(qr_token=token), kind="urgent", description="弄堂口有棵树倒了")
    secretary = user(demo, "area_secretary")
    assert secretary.username == "demo-secretary"

    # Levels 1 and 2 (grid worker, station head), then 3, then 4; every sweep run twice, as two
    # beats would.
    for minutes in (11, 26, 41, 56, 71, 86):
        sweep_at(clock, minutes)
        sweep_at(clock, minutes)

    escalated = Notification.objects.filter(issue=issue, key__startswith="escalated:")
    heard = [n.user.username for n in escalated.select_related("user").order_by("id")]
    assert heard.count("demo-secretary") == 1
    assert (
        heard.index("demo-head") < heard.index("demo-secretary") < heard.index(demo["users"]["subdistrict_supervisor"])
    )
    notes = list(IssueEvent.objects.filter(issue=issue, type="escalated").order_by("id").values_list("note", flat=True))
    assert len(notes) == 4
    assert secretary.get_full_name() in notes[2] and "nobody" not in notes[2]

    [message] = escalated.filter(user=secretary)
    desk = f"{settings.SITE_URL}/staff/issues/{issue.pk}/"
    assert desk in message.body
    path = re.search(re.escape(settings.SITE_URL) + r"(/\S+)", message.body).group(1)
    client = Client()
    client.force_login(secretary)
    page = client.get(path)
    assert page.status_code == 200
    assert issue.reference in page.content.decode()
    outsider = Client()
    outsider.force_login(user(demo, "other_staff"))
    assert outsider.get(path).status_code == 404


def test_an_area_secretary_by_role_alone_hears_at_level_three(world):
    secretary = factories.user("secretary", role=Role.Kind.AREA_SECRETARY, workstation=world.ws)
    other = factories.user("their-secretary", role=Role.Kind.AREA_SECRETARY, workstation=world.other_ws)
    issue, _ = factories.issue(world.loc, kind="consult")
    assert Audience([issue]).at(issue, Level.AREA_SECRETARY) == [secretary]
    assert other not in Audience([issue]).at(issue, Level.AREA_SECRETARY)


def test_an_area_secretary_finds_the_desk_menu_on_the_notification_settings(world):
    client = Client()
    client.force_login(factories.user(role=Role.Kind.AREA_SECRETARY, workstation=world.ws))
    nav = client.get(reverse("notification_settings")).content.decode().split('<nav class="site-nav">')[1]
    assert f'href="{reverse("staff_dashboard")}"' in nav.split("</nav>")[0]
