import pytest
from django.urls import reverse

from tests import factories
from tests.desk.conftest import client_for, many_issues


@pytest.mark.parametrize("name", ["staff_dashboard", "worklog", "themes", "stats"])
def test_pages_render(world, name):
    factories.issue(world.loc)
    many_issues(world.loc, 5)
    r = client_for(world.staff).get(reverse(name))
    assert r.status_code == 200, r.content[:3000]


def test_issue_and_tasks_render(world):
    issue, _ = factories.issue(world.loc)
    assert client_for(world.staff).get(reverse("staff_issue", args=[issue.pk])).status_code == 200
    c = client_for(world.worker)
    assert c.get(reverse("tasks")).status_code == 200
    assert c.get(reverse("task_detail", args=[issue.pk])).status_code == 200
    assert c.get(reverse("patrol")).status_code == 200
