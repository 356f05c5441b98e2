"""GET requests: its filters and defaults (last 90 days, at most 1,000), jurisdictions, and
what is never shown."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from issues.models import Issue, hash_token
from open311.models import LocationPoint, ServiceRequest
from tests import factories

from .test_against_the_spec import spec_post_body

pytestmark = pytest.mark.django_db


def ids(client, query: str = "") -> list[str]:
    response = client.get("/open311/v2/requests.json" + query)
    assert response.status_code == 200, response.content
    return [r["service_request_id"] for r in json.loads(response.content)]


def test_defaults_to_the_last_90_days(client, services, world):
    recent, _ = factories.issue(world.loc)
    old, _ = factories.issue(world.loc)
    Issue.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=100))
    assert ids(client) == [recent.reference]
    start = (timezone.now() - dt.timedelta(days=101)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(client, f"?start_date={start}") == [old.reference]  # start + 90 days
    end = (timezone.now() - dt.timedelta(days=99)).isoformat()
    assert ids(client, f"?end_date={end.replace('+', '%2B')}") == [old.reference]


def test_at_most_1000(client, services, world):
    issue, _ = factories.issue(world.loc)
    now = timezone.now()
    Issue.objects.bulk_create(
        [
            Issue(
                reference=f"X-{n:05d}",
                kind="urgent",
                description="批量",
                location=world.loc,
                workstation=world.ws,
                grid=world.grid,
                tracking_token_hash=hash_token(f"bulk-{n}"),
                created_at=now,
            )
            for n in range(1005)
        ]
    )
    assert len(ids(client)) == 1000
    xml = client.get("/open311/v2/requests.xml").content.decode()
    assert xml.count("<request>") == 1000


def test_service_request_id_overrides_the_other_filters(client, services, world):
    a, _ = factories.issue(world.loc)
    b, _ = factories.issue(world.loc2, kind="consult")
    Issue.objects.filter(pk=a.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
    assert set(ids(client, f"?service_request_id={a.reference},{b.reference}&status=closed")) == {
        a.reference,
        b.reference,
    }


def test_service_code_and_status_filters(client, services, world):
    urgent, _ = factories.issue(world.loc)
    consult, _ = factories.issue(world.loc2, kind="consult")
    assert ids(client, "?service_code=consult") == [consult.reference]
    assert set(ids(client, "?service_code=urgent,consult")) == {urgent.reference, consult.reference}
    assert set(ids(client, "?status=open")) == {urgent.reference, consult.reference}
    assert ids(client, "?status=closed") == []
    assert set(ids(client, "?status=open,closed")) == {urgent.reference, consult.reference}


def test_a_closed_request_carries_its_close_time_and_notes(client, services, world):
    from issues import services as issue_services

    issue, token = factories.issue(world.loc)
    issue_services.accept_issue(issue, actor=world.worker)
    issue_services.arrive_issue(issue, actor=world.worker)
    issue_services.resolve_issue(issue, actor=world.worker, note="修好了")
    issue_services.confirm_issue(issue, rating=5)
    [row] = json.loads(client.get(f"/open311/v2/requests/{issue.reference}.json").content)
    assert row["status"] == "closed" and row["status_notes"] != "修好了"  # not yet publishable
    from issues import moderation

    moderation.set_publishable(issue, actor=world.staff, publishable=True)
    issue.refresh_from_db()
    [row] = json.loads(client.get(f"/open311/v2/requests/{issue.reference}.json").content)
    assert row["status"] == "closed" and row["status_notes"] == "修好了"
    assert row["updated_datetime"] == timezone.localtime(issue.closed_at).isoformat(timespec="seconds")
    assert row["expected_datetime"].endswith("+08:00")


def test_jurisdiction_by_subdistrict_slug(client, services, world):
    ours, _ = factories.issue(world.loc)
    theirs, _ = factories.issue(world.other_loc)
    slug = world.ws.subdistrict.slug
    assert ids(client, f"?jurisdiction_id={slug}") == [ours.reference]
    assert set(ids(client, "?jurisdiction_id=127.0.0.1")) == {ours.reference, theirs.reference}
    response = client.get(f"/open311/v2/requests/{theirs.reference}.json?jurisdiction_id={slug}")
    assert response.status_code == 404


def test_a_post_by_address_id_or_address_string(client, services, api_key, world):
    body = spec_post_body(api_key, lat="", long="", address_string="", address_id=str(world.loc2.pk))
    assert client.post("/open311/v2/requests.json", body).status_code == 200
    body = spec_post_body(api_key, lat="", long="", address_string=world.loc.address)
    assert client.post("/open311/v2/requests.json", body).status_code == 200
    assert [i.location for i in Issue.objects.order_by("id")] == [world.loc2, world.loc]


def test_lat_long_finds_the_nearest_location(client, services, api_key, world):
    LocationPoint.objects.create(location=world.loc, lat=Decimal("31.205000"), long=Decimal("121.445000"))
    LocationPoint.objects.create(location=world.loc2, lat=Decimal("31.207000"), long=Decimal("121.445000"))
    body = spec_post_body(api_key, lat="31.2068", long="121.4451", address_string="")
    response = client.post("/open311/v2/requests.json", body)
    assert response.status_code == 200
    assert Issue.objects.get().location == world.loc2
    request = ServiceRequest.objects.get()
    assert (request.lat, request.long) == (Decimal("31.206800"), Decimal("121.445100"))
    # Listed at the lane's point until staff mark it publishable, then at the point sent.
    [row] = json.loads(client.get(f"/open311/v2/requests/{request.issue.reference}.json").content)
    assert (row["lat"], row["long"]) == (31.207, 121.445)
    from issues import moderation

    moderation.set_publishable(request.issue, actor=world.staff, publishable=True)
    [row] = json.loads(client.get(f"/open311/v2/requests/{request.issue.reference}.json").content)
    assert (row["lat"], row["long"]) == (31.2068, 121.4451)


@pytest.mark.parametrize(
    "phone, kept", [("+86 138-1234-5678", "13812345678"), ("(021) 6437 0125", "021-64370125"), ("", "")]
)
def test_a_post_keeps_the_phone_tidied_as_the_report_form_does(client, services, api_key, placed, phone, kept):
    response = client.post("/open311/v2/requests.json", spec_post_body(api_key, phone=phone))
    assert response.status_code == 200, response.content
    assert Issue.objects.get().reporter_phone == kept


def test_a_post_drops_control_characters_from_the_description(client, services, api_key, placed):
    response = client.post("/open311/v2/requests.json", spec_post_body(api_key, description="路灯\x07坏了\r\n很黑"))
    assert response.status_code == 200, response.content
    assert Issue.objects.get().description.startswith("路灯坏了\n很黑")


def test_a_list_attribute_takes_several_values(client, services, api_key, placed):
    from open311.models import Service, ServiceAttribute

    ServiceAttribute.objects.create(
        service=Service.objects.get(code="urgent"),
        code="WHAT",
        datatype="multivaluelist",
        order=3,
        description="What is affected?",
        values=[{"key": "power", "name": "电"}, {"key": "water", "name": "水"}],
    )
    body = spec_post_body(api_key)
    body["attribute[WHAT][]"] = ["power", "water"]
    assert client.post("/open311/v2/requests.json", body).status_code == 200
    assert ServiceRequest.objects.get().attributes["WHAT"] == ["power", "water"]
    body["attribute[WHAT][]"] = ["gas"]
    assert client.post("/open311/v2/requests.json", body).status_code == 400


def test_the_post_is_routed_like_any_report(client, services, api_key, placed, world, published):
    response = client.post("/open311/v2/requests.json", spec_post_body(api_key))
    assert response.status_code == 200
    issue = Issue.objects.get()
    assert issue.workstation == world.ws and issue.grid == world.grid
    assert issue.events.filter(type="created").exists()


def test_the_demo_key_is_stable_and_only_its_hash_is_kept(db):
    from open311.models import ApiKey
    from open311.services import demo_api_key

    key = demo_api_key()
    assert demo_api_key() == key
    row = ApiKey.objects.get(name="demo")
    assert key not in (row.key_hash, row.prefix)
    assert ApiKey.find(key) == row


def test_the_open311_key_command(db):
    from io import StringIO

    from django.core.management import call_command

    from open311.models import ApiKey

    out = StringIO()
    call_command("open311_key", "12345 platform", stdout=out)
    assert ApiKey.find(out.getvalue().strip()).name == "12345 platform"


def test_the_listing_runs_a_fixed_number_of_queries(client, services, world, django_assert_max_num_queries):
    factories.issue(world.loc)
    with django_assert_max_num_queries(10) as small:
        assert len(ids(client)) == 1
    for _ in range(20):
        factories.issue(world.loc2)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(ids(client)) == 21


def test_a_service_with_a_category_lists_the_issues_of_that_category(client, services, world):
    from issues.models import Category
    from open311.models import Service

    power = Category.objects.create(name="电力", slug="power-test", keywords="停电")
    Service.objects.create(code="power", name="停电", kind="urgent", category=power, order=0)
    plain, _ = factories.issue(world.loc, description="路灯不亮")
    outage, _ = factories.issue(world.loc, description="整栋楼停电了")
    Issue.objects.filter(pk=outage.pk).update(category=power)
    Issue.objects.filter(pk=plain.pk).update(category=None)
    rows = {
        r["service_request_id"]: r["service_code"] for r in json.loads(client.get("/open311/v2/requests.json").content)
    }
    assert rows == {plain.reference: "urgent", outage.reference: "power"}
    assert ids(client, "?service_code=power") == [outage.reference]
    assert ids(client, "?service_code=urgent") == [plain.reference]


def test_a_post_to_a_category_service_files_it_in_that_category(client, services, api_key, placed, world, published):
    """A service tied to one category (市南供电所's 电力, say) files its requests there, whatever
    words the description uses; an urgent one is then sent to that category's departments."""
    from issues.models import Category
    from open311.models import Service

    power = Category.objects.create(name="电力", slug="power", keywords="电线 停电")
    Category.objects.create(name="绿化", slug="green", keywords="树")
    Service.objects.create(code="urgent-power", name="电力抢修", kind="urgent", category=power, order=90)
    body = spec_post_body(api_key, service_code="urgent-power", description="弄堂口的树倒了，压在线上")
    assert client.post("/open311/v2/requests.json", body).status_code == 200
    assert Issue.objects.get().category == power


def test_a_post_to_a_kind_service_is_filed_by_its_words(client, services, api_key, placed, world, published):
    from issues.models import Category

    green = Category.objects.create(name="绿化", slug="green", keywords="树")
    body = spec_post_body(api_key, description="弄堂口的树倒了")
    assert client.post("/open311/v2/requests.json", body).status_code == 200
    assert Issue.objects.get().category == green
