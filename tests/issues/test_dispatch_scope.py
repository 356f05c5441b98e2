"""派单 stays inside the issue's subdistrict: subdistricts never see each other's data, so an
issue goes only to a department of its own subdistrict, whoever asks and through whichever door
(the issue page, the dashboard's bulk action, the API)."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from issues import services
from issues.models import Dispatch
from tests import factories
from workstations.models import Role

pytestmark = pytest.mark.usefixtures("sla_policies")


@pytest.fixture
def two_hats(world):
    """Staff of our workstation who also reads the other workstation (another subdistrict)."""
    Role.objects.create(user=world.staff, kind=Role.Kind.HOUSING_OFFICER, workstation=world.other_ws)
    return world.staff


@pytest.fixture
def foreign_department(world):
    assert world.other_ws.subdistrict_id != world.ws.subdistrict_id
    return factories.department(world.other_ws.subdistrict, name="别的街道的供电所")


def test_the_service_refuses_a_department_of_another_subdistrict(world, foreign_department):
    issue, _ = factories.issue(world.loc, kind="complex")
    with pytest.raises(services.IssueError):
        services.dispatch_issue(issue, to=foreign_department, actor=world.staff)
    assert not Dispatch.objects.filter(issue=issue).exists()


def test_the_api_refuses_it_for_someone_who_reads_the_other_subdistrict(world, two_hats, foreign_department):
    issue, _ = factories.issue(world.loc, kind="complex")
    api = APIClient()
    api.force_authenticate(two_hats)
    response = api.post(f"/api/v1/issues/{issue.pk}/dispatch/", {"department": foreign_department.pk}, format="json")
    assert response.status_code == 400
    assert not Dispatch.objects.filter(issue=issue).exists()


def test_the_bulk_action_refuses_it_too(world, two_hats, foreign_department):
    issue, _ = factories.issue(world.loc, kind="complex")
    client = Client(headers={"accept-language": "en"})
    client.force_login(two_hats)
    response = client.post(
        "/staff/bulk/", {"action": "dispatch", "department": foreign_department.pk, "ids": [issue.pk]}
    )
    assert response.status_code == 303
    assert not Dispatch.objects.filter(issue=issue).exists()


def test_a_department_of_the_issues_own_subdistrict_is_still_fine(world):
    dept = factories.department(world.ws.subdistrict)
    issue, _ = factories.issue(world.loc, kind="complex")
    dispatch = services.dispatch_issue(issue, to=dept, actor=world.staff)
    assert dispatch.department == dept


def test_an_urgent_report_goes_only_to_its_own_subdistricts_departments(world):
    from issues.models import Category

    ours = factories.department(world.ws.subdistrict, name="本街道供电所")
    theirs = factories.department(world.other_ws.subdistrict, name="别的街道的供电所")
    category = Category.objects.create(name="电力", slug="power", keywords="电线, 漏电 停电")
    category.departments.add(ours, theirs)
    issue, _ = factories.issue(world.loc, kind="urgent", description="弄堂口电线被扯断了")
    assert issue.category == category
    assert set(Dispatch.objects.filter(issue=issue).values_list("department", flat=True)) == {ours.pk}
