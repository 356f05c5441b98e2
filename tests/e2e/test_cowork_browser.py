"""难事共办 in the browser: staff open a case from two complex reports → hold a meeting with one
decision → the lead unit's liaison confirms the minutes, uploads evidence and signs off → staff
resolve the case (the close gate first names the supporting unit still open, then an override
with a reason residents read) → each resident sees the summary on their tracking page and
confirms."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from cowork.models import ActionItem, Case, Meeting
from issues import services
from issues.lifecycle import Status
from issues.models import Issue
from tests import factories
from tests.factories import PASSWORD
from workstations.models import Role

pytestmark = pytest.mark.django_db(transaction=True)

DESK = {"width": 1280, "height": 900}


def local(days: int) -> str:
    return (timezone.localtime() + timezone.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def test_a_case_from_two_reports_to_the_residents_confirmation(
    world, sla_policies, live_server, chromium, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    sub = world.ws.subdistrict
    power = factories.department(sub, name="市南供电所")
    estate = factories.department(sub, name="衡复物业", category="property")
    liaison = factories.user("power", role=Role.Kind.LIAISON, department=power)
    reports = []
    for n in (1, 2):
        issue, token, _created = services.create_issue(world.loc, description=f"{n}号楼和商铺合用电表", kind="complex")
        services.route_issue(issue.pk)
        reports.append((issue, token))
    photo = tmp_path / "meter.jpg"
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), "gray").save(buf, "JPEG")
    photo.write_bytes(buf.getvalue())
    errors: list[str] = []

    def new_page(viewport=DESK):
        context = chromium.new_context(viewport=viewport, locale="en-US")
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
        page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
        return page

    def log_in(page, user):
        page.goto(live_server.url + reverse("login"))
        page.fill("input[name='username']", user.username)
        page.fill("input[name='password']", PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()

    staff = new_page()
    log_in(staff, world.staff)
    staff.goto(live_server.url + reverse("cowork:new", args=[world.ws.slug]))
    staff.fill("input[name='title']", "高安路电表分表")
    for issue, _token in reports:
        staff.check(f"input[name='issues'][value='{issue.pk}']")
    staff.select_option("select[name='lead']", str(power.pk))
    staff.fill("input[name='lead_due_at']", local(20))
    staff.check(f"input[name='supporting'][value='{estate.pk}']")
    staff.fill("input[name='supporting_due_at']", local(20))
    staff.get_by_role("button", name="Open the case").click()
    staff.locator(".messages").get_by_text("Case opened.").wait_for()
    case = Case.objects.get()
    assert case.issues.count() == 2

    # A topic meeting with one decision.
    staff.locator("details.new-meeting summary").click()
    staff.fill("form[action$='/meetings/'] input[name='held_at']", local(0))
    staff.fill("form[action$='/meetings/'] input[name='place']", "工作站会议室")
    staff.check(f"input[name='attendees'][value='{world.staff.pk}']")
    staff.check(f"input[name='attendees'][value='{liaison.pk}']")
    staff.check(f"input[name='units'][value='{power.pk}']")
    staff.get_by_role("button", name="Create the meeting").click()
    staff.wait_for_url("**/meetings/*/")
    meeting = Meeting.objects.get()
    staff.fill("form.agenda-form input[name='title']", "供电所负责三相电表分装")
    staff.select_option("form.agenda-form select[name='outcome']", "decision")
    staff.select_option("form.agenda-form select[name='responsible_unit']", str(power.pk))
    staff.fill("form.agenda-form input[name='due_at']", local(10))
    staff.get_by_role("button", name="Add to the agenda").click()
    staff.locator(".messages").get_by_text("Saved.").wait_for()
    staff.fill("form.minutes-form textarea[name='minutes']", "内部：费用分摊另议")
    staff.fill("form.minutes-form textarea[name='resident_summary']", "专题会议商定由供电所分装电表")
    staff.get_by_role("button", name="Save the minutes").click()
    staff.locator(".messages").get_by_text("Saved.").wait_for()
    staff.get_by_role("button", name="I confirm these minutes").click()
    staff.locator(".messages").get_by_text("Saved.").wait_for()

    # The lead unit's liaison: confirms the minutes, uploads evidence, signs off.
    unit = new_page()
    log_in(unit, liaison)
    unit.goto(live_server.url + reverse("cowork:meeting", args=[case.pk, meeting.pk]))
    unit.get_by_role("button", name="I confirm these minutes").click()
    unit.locator(".messages").get_by_text("Saved.").wait_for()
    staff.reload()
    staff.get_by_role("button", name="Make the minutes final and publish the summary").click()
    staff.locator(".messages").get_by_text("Saved.").wait_for()

    action = ActionItem.objects.get()
    unit.goto(live_server.url + reverse("cowork:case", args=[case.pk]))
    form = unit.locator(f"form[action$='/actions/{action.pk}/evidence/']")
    form.locator("textarea[name='note']").fill("三相电表已分装")
    form.locator("input[name='photo']").set_input_files(str(photo))
    form.locator("input[name='done']").check()
    form.get_by_role("button", name="Save evidence").click()
    unit.locator(".messages").get_by_text("Saved.").wait_for()
    unit.fill("form.sign-off textarea[name='note']", "分表施工完成")
    unit.locator("form.sign-off button").click()
    unit.locator(".messages").get_by_text("Your unit's part is signed off.").wait_for()
    assert ActionItem.objects.get().status == "done" and action.evidence.get().photo

    # Staff resolve: the gate names the supporting unit, then an override with a reason.
    staff.goto(live_server.url + reverse("cowork:case", args=[case.pk]))
    staff.fill("form.resolve textarea[name='summary']", "三相电表已分开，各户独立计量。")
    staff.get_by_role("button", name="Resolve").click()
    staff.locator(".errors").get_by_text("衡复物业", exact=False).wait_for()
    assert staff.input_value("form.resolve textarea[name='summary']") == "三相电表已分开，各户独立计量。"
    staff.fill("form.resolve textarea[name='override_reason']", "物业配合部分已在现场完成")
    staff.get_by_role("button", name="Resolve").click()
    staff.locator(".messages").get_by_text("Case resolved; the residents are asked to confirm.").wait_for()

    for issue, token in reports:
        resident = new_page({"width": 360, "height": 740})
        resident.goto(live_server.url + reverse("track", args=[token]))
        resident.get_by_text("三相电表已分开，各户独立计量。", exact=False).first.wait_for()
        resident.get_by_text("专题会议商定由供电所分装电表").first.wait_for()
        assert "费用分摊另议" not in resident.content()
        resident.locator("label:has(input[name='rating'][value='5'])").click()
        resident.get_by_role("button", name="Yes, it is solved").click()
        resident.wait_for_load_state()
        assert Issue.objects.get(pk=issue.pk).status == Status.CLOSED
    assert errors == []
