"""Once a report is done, the tracking page says who did what in plain words: an answered
question is an answer, not a repair; the grid worker, the workstation, a department and the
property company each have their own sentence. Staff hear that the resident was told only when
the resident left a phone."""

import pytest
from django.test import Client
from django.urls import reverse

from issues import services
from tests import factories
from workstations.models import Department, Role

pytestmark = pytest.mark.django_db


def english() -> Client:
    return Client(headers={"accept-language": "en"})


def page(token: str) -> str:
    return english().get(reverse("track", args=[token])).content.decode()


def test_a_consult_answered_by_staff_reads_as_an_answer(world):
    issue, token = factories.issue(world.loc, description="居住证怎么办理？", kind="consult")
    services.answer_issue(issue, actor=world.staff, answer="带身份证到受理中心办理。")
    html = page(token)
    assert "We have answered your question." in html
    assert "We answered your question." in html
    assert "grid worker says it is done" not in html


def test_a_repair_done_by_the_grid_worker_says_so(world):
    issue, token = factories.issue(world.loc, description="路灯不亮", kind="consult")
    services.accept_issue(issue, actor=world.worker)
    services.resolve_issue(issue, actor=world.worker, note="换了灯泡")
    html = page(token)
    assert "The grid worker says it is done. Please check and tell us." in html


def test_a_complex_matter_resolved_by_staff_is_the_workstations_word(world):
    issue, token = factories.issue(world.loc, description="外墙裂缝", kind="complex")
    services.triage_issue(issue, actor=world.staff)
    services.coordinate_issue(issue, actor=world.staff)
    services.resolve_issue(issue, actor=world.staff, note="修好了")
    html = page(token)
    assert "The workstation says it is done." in html
    assert "grid worker says" not in html


@pytest.mark.parametrize(
    ("category", "sentence"),
    [
        (Department.Category.POWER, "The department says it is done."),
        (Department.Category.PROPERTY, "The property company says it is done."),
    ],
)
def test_work_done_by_a_liaison_names_the_department_or_the_property_company(world, category, sentence):
    """Who did it is read from the roles of the person who resolved: a liaison of the property
    company is the property company, of any other department the department."""
    from issues.plain import RESOLVED_EVENT_BY, handler_kind

    department = factories.department(world.ws.subdistrict, category=category)
    liaison = factories.user(role=Role.Kind.LIAISON, department=department)
    issue, _token = factories.issue(world.loc, description="楼道灯坏了", kind="complex")
    assert str(RESOLVED_EVENT_BY[handler_kind(liaison.pk, issue)]) == sentence


def test_a_community_idea_carried_out_says_so(world):
    issue, token = factories.issue(world.loc, description="建议放几把座椅", kind="community")
    services.adopt_issue(issue, actor=world.staff)
    services.start_issue(issue, actor=world.staff)
    services.resolve_issue(issue, actor=world.staff, note="座椅放好了")
    assert "Your idea has been carried out." in page(token)


def staff_answers(world, issue) -> str:
    desk = Client(headers={"accept-language": "en"})
    desk.force_login(world.staff)
    response = desk.post(
        reverse("staff_issue_action", args=[issue.pk, "answer"]), {"answer": "带身份证去办。"}, follow=True
    )
    return response.content.decode()


def test_staff_hear_the_resident_was_told_when_a_phone_was_left(world):
    issue, _token = factories.issue(
        world.loc, description="居住证怎么办？", kind="consult", reporter_phone="13812341234"
    )
    assert "Answered. The resident is told." in staff_answers(world, issue)


def test_staff_hear_the_resident_cannot_be_told_without_a_phone(world):
    issue, _token = factories.issue(world.loc, description="居住证怎么办？", kind="consult")
    html = staff_answers(world, issue)
    assert "The resident is told" not in html
    assert "The resident left no phone" in html
