"""Opening a case from reports or on its own, the units' 签收 and sign-off through 派单, and the
close gate, which resolves every linked report through the core."""

import pytest

from cowork import services
from cowork.models import ActionItem, Case, CaseEvent, CaseUnit
from issues.models import Dispatch, IssueEvent

from .conftest import in_days, units

pytestmark = pytest.mark.django_db


def test_opening_from_reports_moves_them_to_coordinating_and_sends_each_unit_its_dispatch(cast, case):
    for issue in cast.issues:
        issue.refresh_from_db()
        assert issue.status == "coordinating"
        assert set(Dispatch.objects.filter(issue=issue).values_list("department__name", flat=True)) == {
            "市南供电所",
            "衡复物业",
        }
    assert case.units.get(part="lead").department == cast.power
    assert not case.proactive
    assert case.events.first().type == CaseEvent.Type.OPENED


def test_a_case_opened_before_anyone_reported_has_no_issues_and_tells_the_units(cast):
    from issues.models import Notification

    case = services.open_case(cast.world.ws, actor=cast.world.staff, title="楼道堆物隐患", units=units(cast))
    assert case.proactive and not case.issues.exists()
    assert Notification.objects.filter(user=cast.power_liaison, subject__contains="楼道堆物隐患").exists()


def test_a_case_needs_exactly_one_lead_and_nothing_is_saved_otherwise(cast):
    plans = [services.UnitPlan(department=cast.estate, part=CaseUnit.Part.SUPPORT, due_at=in_days(3))]
    with pytest.raises(services.CaseError, match="exactly one lead"):
        services.open_case(cast.world.ws, actor=cast.world.staff, title="x", issues=cast.issues, units=plans)
    assert not Case.objects.exists() and not Dispatch.objects.exists()


def test_a_unit_deadline_in_the_past_is_refused(cast):
    plans = [services.UnitPlan(department=cast.power, part=CaseUnit.Part.LEAD, due_at=in_days(-1))]
    with pytest.raises(services.CaseError, match="future"):
        services.open_case(cast.world.ws, actor=cast.world.staff, title="x", units=plans)
    assert not Case.objects.exists()


def test_an_outsider_cannot_open_a_case(cast):
    with pytest.raises(services.CaseError, match="staff"):
        services.open_case(cast.world.ws, actor=cast.world.outsider, title="x", units=units(cast))
    assert not Case.objects.exists()


def test_signing_off_completes_the_units_dispatches(cast, case):
    services.acknowledge_unit(case, actor=cast.power_liaison)
    assert set(Dispatch.objects.filter(department=cast.power).values_list("status", flat=True)) == {"acknowledged"}
    services.sign_off_unit(case, actor=cast.power_liaison, note="三相表已分装")
    part = case.units.get(department=cast.power)
    assert part.signed_off_by == cast.power_liaison and part.sign_off_note == "三相表已分装"
    assert set(Dispatch.objects.filter(department=cast.power).values_list("status", flat=True)) == {"done"}


def test_a_unit_that_is_not_part_of_the_case_cannot_sign_off(cast, case, root):
    before = CaseEvent.objects.count()
    with pytest.raises(services.CaseError, match="not part of this case"):
        services.sign_off_unit(case, actor=cast.stranger_liaison, note="done")
    with pytest.raises(services.CaseError, match="do not act for"):
        services.sign_off_unit(case, actor=cast.power_liaison, note="done", department_id=cast.stranger_unit.pk)
    with pytest.raises(services.CaseError, match="not part of the case"):
        services.sign_off_unit(case, actor=root, note="done", department_id=cast.stranger_unit.pk)
    assert CaseEvent.objects.count() == before
    assert not CaseUnit.objects.filter(signed_off_at__isnull=False).exists()


def test_the_case_stays_open_until_every_unit_signed_off_and_every_action_is_done(cast, case):
    action = services.add_action(
        case, actor=cast.world.staff, title="电表箱移位", owner_unit=cast.estate, due_at=in_days(5)
    )
    services.sign_off_unit(case, actor=cast.power_liaison, note="done")
    with pytest.raises(services.CaseError, match="衡复物业") as refused:
        services.resolve_case(case, actor=cast.world.staff, summary="电表已分开")
    assert "电表箱移位" in refused.value.message
    case.refresh_from_db()
    assert case.status == "open"
    services.complete_action(action, actor=cast.estate_liaison, note="已移位")
    services.sign_off_unit(case, actor=cast.estate_liaison, note="配合完成")
    services.resolve_case(case, actor=cast.world.staff, summary="三相电表已分开，各户独立计量。")
    case.refresh_from_db()
    assert case.status == "resolved" and case.resolved_at
    for issue in cast.issues:
        issue.refresh_from_db()
        assert issue.status == "resolved"
        assert issue.resolution == "三相电表已分开，各户独立计量。"
        assert issue.events.filter(type=IssueEvent.Type.RESOLVED, is_public=True).exists()
    assert list(case.events.filter(type="resolved").values_list("old_status", "new_status")) == [("open", "resolved")]


def test_staff_may_close_with_work_open_giving_a_reason_residents_read(cast, case):
    services.resolve_case(case, actor=cast.world.staff, summary="已协调完毕", override_reason="物业另行排期施工")
    case.refresh_from_db()
    assert case.status == "resolved" and case.override_reason == "物业另行排期施工"
    issue = cast.issues[0]
    issue.refresh_from_db()
    assert "物业另行排期施工" in issue.resolution
    assert case.events.filter(type=CaseEvent.Type.OVERRIDE).exists()


def test_a_unit_liaison_cannot_resolve_the_case(cast, case):
    with pytest.raises(services.CaseError, match="staff"):
        services.resolve_case(case, actor=cast.power_liaison, summary="x", override_reason="y")
    case.refresh_from_db()
    assert case.status == "open"


def test_evidence_photos_go_through_the_core_photo_rules(cast, case):
    from django.core.files.uploadedfile import SimpleUploadedFile

    action = services.add_action(
        case, actor=cast.world.staff, title="现场勘查", owner_unit=cast.power, due_at=in_days(2)
    )
    with pytest.raises(services.CaseError):
        services.add_evidence(action, actor=cast.power_liaison, photo=SimpleUploadedFile("x.jpg", b"not an image"))
    assert not action.evidence.exists()
    services.add_evidence(action, actor=cast.power_liaison, text="勘查记录", photo=_jpeg())
    assert action.evidence.get().photo.name.endswith(".jpg")
    with pytest.raises(services.CaseError, match="another unit"):
        services.add_evidence(action, actor=cast.estate_liaison, text="x")
    assert ActionItem.objects.get().status == "open"


def _jpeg():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buf, "JPEG")
    return SimpleUploadedFile("p.jpg", buf.getvalue(), content_type="image/jpeg")
