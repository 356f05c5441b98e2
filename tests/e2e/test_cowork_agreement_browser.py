"""费用分摊 in the browser: staff draw up a cost-sharing agreement whose shares do not add up
(told in plain words, everything typed kept), fix it; each party confirms its share on the
agreement's page; a change after agreement is a new version and the old one stays readable."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cowork import services as cowork
from cowork.models import CaseUnit, CostAgreement
from tests import factories
from tests.factories import PASSWORD
from workstations.models import Role

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_agreement_drawn_up_fixed_confirmed_and_changed(world, sla_policies, live_server, chromium, tmp_path):
    sub = world.ws.subdistrict
    power = factories.department(sub, name="市南供电所")
    estate = factories.department(sub, name="衡复物业", category="property")
    power_liaison = factories.user("power", role=Role.Kind.LIAISON, department=power)
    estate_liaison = factories.user("estate", role=Role.Kind.LIAISON, department=estate)
    due = timezone.now() + timezone.timedelta(days=20)
    case = cowork.open_case(
        world.ws,
        actor=world.staff,
        title="高安路电表分表",
        units=[
            cowork.UnitPlan(department=power, part=CaseUnit.Part.LEAD, due_at=due),
            cowork.UnitPlan(department=estate, part=CaseUnit.Part.SUPPORT, due_at=due),
        ],
    )
    errors: list[str] = []

    def page_for(user):
        context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
        page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
        page.goto(live_server.url + reverse("login"))
        page.fill("input[name='username']", user.username)
        page.fill("input[name='password']", PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
        return page

    staff = page_for(world.staff)
    staff.goto(live_server.url + reverse("cowork:case", args=[case.pk]))
    staff.get_by_role("link", name="Draw up a cost-sharing agreement").click()
    staff.fill("input[name='title']", "三相电表分表")
    staff.fill("input[name='total']", "12000")
    staff.check("input[name='basis'][value='percent']")
    staff.select_option("select[name='share-0-department']", str(power.pk))
    staff.fill("input[name='share-0-value']", "60")
    staff.select_option("select[name='share-0-fund_source']", "company")
    staff.select_option("select[name='share-1-department']", str(estate.pk))
    staff.fill("input[name='share-1-value']", "30")
    staff.select_option("select[name='share-1-fund_source']", "maintenance_fund")
    staff.get_by_role("button", name="Save the draft").click()
    staff.locator(".errors").get_by_text("The percentages add up to 90, not 100.").wait_for()
    assert staff.input_value("input[name='share-0-value']") == "60"
    assert staff.input_value("input[name='title']") == "三相电表分表"
    assert not CostAgreement.objects.exists()
    staff.fill("input[name='share-2-party_name']", "3号楼业主")
    staff.fill("input[name='share-2-value']", "10")
    staff.select_option("select[name='share-2-fund_source']", "owners")
    staff.get_by_role("button", name="Save the draft").click()
    staff.locator(".messages").get_by_text("each party now confirms its share", exact=False).wait_for()
    agreement = CostAgreement.objects.get()
    staff.get_by_role("button", name="Confirm this share").click()  # the owners' share, recorded by staff
    staff.locator(".messages").get_by_text("Share confirmed.").wait_for()

    for liaison in (power_liaison, estate_liaison):
        unit = page_for(liaison)
        unit.goto(live_server.url + reverse("cowork:agreement", args=[case.pk, agreement.pk]))
        unit.get_by_role("button", name="Confirm this share").click()
        unit.locator(".messages").get_by_text("Share confirmed.").wait_for()
    agreement.refresh_from_db()
    assert agreement.status == "agreed"

    staff.reload()
    staff.get_by_role("link", name="Change it (a new version)").click()
    assert staff.input_value("input[name='share-2-party_name']") == "3号楼业主"
    staff.fill("input[name='share-0-value']", "50")
    staff.fill("input[name='share-2-value']", "20")
    staff.get_by_role("button", name="Save the draft").click()
    staff.locator(".messages").get_by_text("each party now confirms its share", exact=False).wait_for()
    staff.get_by_role("link", name="v1").click()
    staff.get_by_text("replaced by a later one", exact=False).wait_for()
    assert staff.locator("table.shares").get_by_text("7200.00 yuan", exact=False).count() == 1
    assert CostAgreement.objects.get(version=2).shares.get(party_name="3号楼业主").amount == 2400
    assert errors == []
