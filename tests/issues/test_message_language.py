"""Messages to staff, grid workers and liaisons are written in the workstation's language
(settings.LANGUAGE_CODE, Chinese), whatever language the person who caused them reads the site
in: a member of staff on an English browser does not send the grid worker English."""

import pytest
from django.utils import translation

from issues import services
from issues.dispatch import complete_dispatch, dispatch_issue
from issues.models import Category, Notification
from tests import factories
from workstations.models import Role

pytestmark = pytest.mark.usefixtures("sla_policies")


@pytest.fixture
def power(world):
    dept = factories.department(world.ws.subdistrict, name="市南供电所")
    Category.objects.create(name="电力", slug="power", keywords="电线").departments.add(dept)
    return dept, factories.user("power-liaison", role=Role.Kind.LIAISON, department=dept)


def subjects(user) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("id").values_list("subject", flat=True))


def test_a_task_given_on_an_english_page_reaches_the_grid_worker_in_chinese(world):
    issue, _ = factories.issue(world.loc, kind="consult", route=False)
    with translation.override("en"):
        services.assign_issue(issue, to=world.worker2, actor=world.staff)
    [subject] = subjects(world.worker2)
    assert "新工单" in subject and "New task" not in subject


def test_a_task_handed_back_on_an_english_page_reaches_the_head_in_chinese(world):
    issue, _ = factories.issue(world.loc, kind="consult")
    with translation.override("en"):
        services.hand_back_issue(issue, actor=world.worker, reason="不是我网格的")
    [subject] = subjects(world.head)
    assert "Handed back" not in subject


def test_a_dispatch_sent_and_done_on_english_pages_is_told_in_chinese(world, power):
    dept, liaison = power
    issue, _ = factories.issue(world.loc, kind="consult", description="楼道灯坏了")
    with translation.override("en"):
        dispatch = dispatch_issue(issue, to=dept, actor=world.staff)
        complete_dispatch(dispatch, actor=liaison, note="已修好")
    assert "派单" in subjects(liaison)[0] and "for" not in subjects(liaison)[0]
    assert any("办结" in s or "完成" in s for s in subjects(world.worker)), subjects(world.worker)


def test_a_dispatch_withdrawn_on_an_english_page_is_told_to_the_liaison_in_chinese(world, power):
    dept, liaison = power
    issue, _ = factories.issue(world.loc, kind="community", description="想在小区里种花")
    dispatch_issue(issue, to=dept, actor=world.staff)
    with translation.override("en"):
        services.decline_issue(issue, actor=world.staff, reason="场地不够")
    [body] = Notification.objects.filter(user=liaison, key__startswith="dispatch-withdrawn:").values_list(
        "body", flat=True
    )
    assert "Withdrawn" not in body and "市南供电所" in body
