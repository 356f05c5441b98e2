"""The API (the CONTRACT's `activities` fields; personal data only to organisers), the monthly
活动台账 exports, per-initiative counts, and the demo seed."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from community import exports, services
from community.models import Activity, Initiative
from tests import factories
from tests.api.conftest import client_for

from .conftest import make_activity

pytestmark = pytest.mark.django_db


def test_activities_in_the_api_carry_the_contracts_fields(world, activity):
    services.sign_up(activity, name="A", seats=3)
    services.sign_up(activity, name="B", seats=2)
    rows = client_for(world.staff).get("/api/v1/activities/").json()["results"]
    assert len(rows) == 1
    row = rows[0]
    assert row["public_url"] == activity.public_url()
    assert (row["capacity"], row["confirmed_seats"], row["waiting_seats"]) == (3, 3, 2)
    assert client_for(world.outsider).get("/api/v1/activities/").json()["results"] == []
    assert "activities" in client_for(world.staff).get("/api/v1/").json()


def test_sign_ups_with_phones_only_to_the_events_organisers(world, activity):
    services.sign_up(activity, name="王阿姨", phone="13812345678")
    mine = client_for(world.staff).get("/api/v1/signups/").json()["results"]
    assert mine[0]["phone"] == "13812345678"
    assert client_for(world.outsider).get("/api/v1/signups/").json()["results"] == []
    supervisor = factories.user(role="sub_supervisor", subdistrict=world.ws.subdistrict)
    assert client_for(supervisor).get("/api/v1/signups/").json()["results"] == []
    # ... who still reads the event and its counts
    assert client_for(supervisor).get("/api/v1/activities/").json()["results"][0]["confirmed_seats"] == 1


def test_the_monthly_record_as_csv_and_excel(world, client):
    initiative = Initiative.objects.create(workstation=world.ws, title="绿色弄堂", status="running")
    partner = factories.department(world.ws.subdistrict, name="区绿化市容局")
    activity = make_activity(world.ws, initiative=initiative, title="=垃圾分类")
    activity.partners.add(partner)
    a, _ = services.sign_up(activity, name="A", seats=2)
    services.sign_up(activity, name="B", seats=1)
    services.check_in(activity, code=a.checkin_code, actor=world.staff)
    services.add_walk_in(activity, name="路过", seats=1, actor=world.staff)
    services.record_summary(activity, summary="发放指南 50 份", actor=world.staff)
    month = timezone.localtime(activity.starts_at).strftime("%Y-%m")
    client.force_login(world.staff)
    body = client.get(f"/staff/community/export.csv?month={month}", HTTP_ACCEPT_LANGUAGE="en").content.decode(
        "utf-8-sig"
    )
    lines = list(csv.reader(io.StringIO(body)))
    assert len(lines) == 2
    row = dict(zip(lines[0], lines[1], strict=True))
    assert row["Event"] == "'=垃圾分类"  # never a formula
    assert (row["Confirmed"], row["Present"], row["Walk-ins"], row["No-shows"]) == ("3", "3", "1", "1")
    assert row["Partner units"] == "区绿化市容局" and row["Summary"] == "发放指南 50 份"
    xlsx = client.get(f"/staff/community/export.xlsx?month={month}")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 2 and sheet["H2"].value == 3
    client.force_login(world.outsider)
    assert len(client.get(f"/staff/community/export.csv?month={month}").content.decode("utf-8-sig").splitlines()) == 1
    counted = exports.initiative_counts(Initiative.objects.all())[0]
    assert (counted.n_events, counted.n_participants, counted.n_partners) == (1, 3, 1)


def test_a_follow_up_can_become_an_issue(world, activity, sla_policies):
    follow_up = services.add_follow_up(activity, text="弄口需要再放两个分类桶", actor=world.staff, as_issue=True)
    assert follow_up.issue.kind == "community"
    assert "分类桶" in follow_up.issue.description


def seed() -> dict:
    out = io.StringIO()
    call_command("seed_demo", "--json", stdout=out)
    return json.loads(out.getvalue())


def test_the_demo_seeds_the_salon_and_the_sorting_event_once(client):
    first, second = seed(), seed()
    assert first["event_urls"] == second["event_urls"] and len(first["event_urls"]) == 2
    salon = Activity.objects.get(title="梧桐院创业者沙龙")
    assert (salon.capacity, salon.reserved_seats) == (30, 5)
    assert [p.name for p in salon.partners.all()] == ["区就业促进中心"]
    assert salon.reserved_group == Activity.ReservedGroup.PARTNER  # the 结对 unit is chosen at sign-up
    sorting = Activity.objects.get(title="垃圾分类进弄堂")
    assert [p.name for p in sorting.partners.all()] == ["区绿化市容局"]
    assert Activity.objects.count() == 2
    path = first["event_urls"][0].removeprefix(first["base_url"])
    assert "梧桐院创业者沙龙" in client.get(path).content.decode()
