"""After logging in, everyone lands on their own desk: staff on the dashboard, grid workers on
their tasks, department liaisons on their 派单; anyone else on the public front page."""

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from workstations.models import Role

pytestmark = pytest.mark.django_db


def landing(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("home"))
    return response.url if response.status_code == 302 else ""


def test_each_person_lands_on_their_own_desk(world):
    liaison = factories.user(role=Role.Kind.LIAISON, department=factories.department(world.ws.subdistrict))
    assert landing(world.staff) == reverse("staff_dashboard")
    assert landing(world.worker) == reverse("tasks")
    assert landing(liaison) == reverse("dispatches")
    assert landing(factories.user()) == ""  # no role: the public front page


def test_logging_in_as_a_liaison_leads_to_the_dispatch_list(world):
    liaison = factories.user("power", role=Role.Kind.LIAISON, department=factories.department(world.ws.subdistrict))
    client = Client()
    response = client.post(
        reverse("login"), {"username": liaison.username, "password": factories.PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("dispatches")
    assert response.status_code == 200


def test_the_admin_is_linked_for_those_who_may_use_it(world, root):
    for user, shown in ((root, True), (world.staff, False)):
        client = Client(headers={"accept-language": "zh-hans"})
        client.force_login(user)
        page = client.get(reverse("staff_dashboard")).content.decode()
        assert (f'href="{reverse("admin:index")}">管理后台</a>' in page) is shown


@pytest.mark.parametrize("page", ["staff_dashboard", "worklog", "stats", "staff_locations", "duty"])
def test_every_desk_page_has_the_same_menu(world, page):
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.staff)
    html = client.get(reverse(page)).content.decode()
    nav = html.split('<nav class="site-nav">', 1)[1].split("</nav>", 1)[0]
    for target in ("staff_dashboard", "worklog", "themes", "stats", "staff_locations", "duty", "notification_settings"):
        assert f'href="{reverse(target)}"' in nav, (page, target)
    assert nav.count('aria-current="page"') == 1
