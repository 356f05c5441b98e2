"""A grid worker whose urgent task still waits for a department's 派单 is told so on the task
page instead of being offered a "Mark resolved" form that would refuse (and lose) their note."""

import pytest
from django.urls import reverse

from issues import services
from issues.dispatch import complete_dispatch
from issues.models import Category
from tests import factories
from tests.desk.conftest import client_for
from workstations.models import Role

pytestmark = pytest.mark.usefixtures("sla_policies")


@pytest.fixture
def on_site(world):
    """An urgent power matter, accepted and visited, with its 派单 to the power company open."""
    dept = factories.department(world.ws.subdistrict, name="市南供电所")
    Category.objects.create(name="电力", slug="power", keywords="电线").departments.add(dept)
    liaison = factories.user("power-liaison", role=Role.Kind.LIAISON, department=dept)
    issue, _ = factories.issue(world.loc, kind="urgent", description="弄堂口的电线断了")
    services.accept_issue(issue, actor=world.worker)
    services.arrive_issue(issue, actor=world.worker)
    return issue, issue.dispatches.get(), liaison


def test_the_task_page_says_what_it_waits_for_instead_of_offering_to_resolve(world, on_site):
    issue, _dispatch, _liaison = on_site
    page = client_for(world.worker).get(reverse("task_detail", args=[issue.pk])).content.decode()
    assert "resolve-form" not in page
    assert "市南供电所" in page and "Waiting for" in page


def test_once_the_department_is_done_the_worker_can_resolve(world, on_site):
    issue, dispatch, liaison = on_site
    complete_dispatch(dispatch, actor=liaison, note="已恢复供电")
    page = client_for(world.worker).get(reverse("task_detail", args=[issue.pk])).content.decode()
    assert "resolve-form" in page
