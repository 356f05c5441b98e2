"""A resident's `community` idea becomes an initiative; their tracking page says so, and later
shows the events it led to."""

import pytest

from community import services
from community.models import Initiative
from issues.models import IssueEvent
from tests import factories

from .conftest import make_activity

pytestmark = pytest.mark.django_db


def test_a_residents_idea_is_adopted_and_their_tracking_page_follows_it(world, client, sla_policies):
    issue, token = factories.issue(world.loc, description="弄堂里办个创业沙龙吧", kind="community")
    initiative = services.adopt_idea(issue, actor=world.staff, title="梧桐院创业沙龙")
    issue.refresh_from_db()
    assert issue.status == "adopted"
    assert initiative.status == Initiative.Status.ADOPTED and initiative.source_issue == issue
    page = client.get(f"/t/{token}/").content.decode()
    assert "梧桐院创业沙龙" in page

    activity = make_activity(world.ws, initiative=initiative, status="draft")
    services.publish_activity(activity, actor=world.staff)
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.RUNNING
    note = IssueEvent.objects.filter(issue=issue, type=IssueEvent.Type.NOTE, is_public=True).get()
    assert activity.public_url() in note.note
    page = client.get(f"/t/{token}/").content.decode()
    assert f'href="{activity.public_url()}"' in page


def test_only_community_ideas_can_become_initiatives_and_only_once(world, sla_policies):
    urgent, _ = factories.issue(world.loc, kind="urgent")
    with pytest.raises(services.CommunityError, match="good idea"):
        services.adopt_idea(urgent, actor=world.staff)
    idea, _ = factories.issue(world.loc, kind="community", description="种花")
    services.adopt_idea(idea, actor=world.staff)
    with pytest.raises(services.CommunityError, match="already"):
        services.adopt_idea(idea, actor=world.staff)
    assert Initiative.objects.count() == 1


def test_an_outsider_cannot_adopt(world, sla_policies):
    idea, _ = factories.issue(world.loc, kind="community", description="种花")
    with pytest.raises(services.CommunityError):
        services.adopt_idea(idea, actor=world.outsider)
    assert not Initiative.objects.exists()
    idea.refresh_from_db()
    assert idea.status != "adopted"


def test_the_desk_lists_ideas_and_adopts_them(world, client, sla_policies):
    idea, _ = factories.issue(world.loc, kind="community", description="楼道里放个共享书架")
    client.force_login(world.staff)
    assert "共享书架" in client.get("/staff/community/").content.decode()
    response = client.post(f"/staff/community/adopt/{idea.pk}/", {"title": "共享书架"})
    assert response.status_code == 303
    assert Initiative.objects.get().title == "共享书架"
    client.force_login(world.outsider)
    assert client.post(f"/staff/community/adopt/{idea.pk}/").status_code == 403
