"""The erasure desk (issue 19, item 4): a station head or an administrator finds one person's
reports by phone and erases their name and phone, audited by an ERASED event naming them, with the
same rule as `manage.py erase_person`. Staff, readers and other workstations' heads are refused."""

import pytest
from django.test import Client
from django.urls import reverse

from issues.models import Issue, IssueEvent
from tests import factories
from workstations.models import Role

PHONE = "13800138000"
URL = reverse("erasure_desk")


def client_for(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


@pytest.fixture
def reports(world):
    """Two reports of one resident here, one of the same phone at another workstation."""
    mine = [
        factories.issue(world.loc, kind="consult", reporter_name="王阿姨", reporter_phone=PHONE)[0],
        factories.issue(world.loc2, kind="consult", reporter_name="王阿姨", reporter_phone=PHONE)[0],
    ]
    other, _ = factories.issue(world.other_loc, kind="consult", reporter_name="王阿姨", reporter_phone=PHONE)
    return mine, other


def test_a_station_head_finds_the_persons_reports_of_their_workstation(world, reports, django_assert_max_num_queries):
    mine, other = reports
    client = client_for(world.head)
    with django_assert_max_num_queries(8):
        response = client.get(URL, {"phone": "138 0013 8000"})  # written as people write it
    assert response.status_code == 200
    html = response.content.decode()
    assert all(issue.reference in html for issue in mine)
    assert other.reference not in html  # another workstation's, not this head's to erase
    assert "2 reports hold this phone" in html and "<td>138****8000</td>" in html
    assert f"<td>{PHONE}</td>" not in html  # the list shows the phone masked


def test_a_station_head_erases_them_and_each_report_records_who_did(world, reports):
    mine, other = reports
    client = client_for(world.head)
    response = client.post(URL, {"phone": PHONE, "confirm": "on"})

    assert response.status_code == 303
    page = client.get(response["Location"]).content.decode()
    assert "Name and phone erased from 2 report(s)." in page
    for issue in mine:
        issue.refresh_from_db()
        assert (issue.reporter_name, issue.reporter_phone) == ("", "")
        (event,) = IssueEvent.objects.filter(issue=issue, type=IssueEvent.Type.ERASED)
        assert event.actor == world.head and event.is_public is False and "request" in event.note
    other.refresh_from_db()
    assert other.reporter_phone == PHONE
    assert not IssueEvent.objects.filter(issue=other, type=IssueEvent.Type.ERASED).exists()


def test_an_administrator_erases_across_workstations(world, reports):
    admin = factories.user("root")
    admin.is_superuser = True
    admin.save()
    response = client_for(admin).post(URL, {"phone": PHONE, "confirm": "on"})
    assert response.status_code == 303
    assert not Issue.objects.filter(reporter_phone=PHONE).exists()
    assert IssueEvent.objects.filter(type=IssueEvent.Type.ERASED, actor=admin).count() == 3


def test_without_the_confirmation_nothing_is_erased(world, reports):
    response = client_for(world.head).post(URL, {"phone": PHONE})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Tick the box to confirm the person asked for this." in html
    assert reports[0][0].reference in html  # the list stays on the page
    assert Issue.objects.filter(reporter_phone=PHONE).count() == 3
    assert not IssueEvent.objects.filter(type=IssueEvent.Type.ERASED).exists()


def test_a_phone_that_is_not_one_is_refused_in_plain_words(world, reports):
    response = client_for(world.head).get(URL, {"phone": "abc"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please write a mobile number like 13812345678" in html and 'value="abc"' in html
    response = client_for(world.head).post(URL, {"phone": "abc", "confirm": "on"})
    assert response.status_code == 400
    assert Issue.objects.filter(reporter_phone=PHONE).count() == 3


@pytest.mark.parametrize("who", ["staff", "worker", "outsider", "secretary"])
def test_others_are_refused(world, reports, who):
    if who == "secretary":
        user = factories.user("sec", role=Role.Kind.AREA_SECRETARY, workstation=world.ws)
    else:
        user = getattr(world, who)
    client = client_for(user)
    assert client.get(URL, {"phone": PHONE}).status_code == 403
    response = client.post(URL, {"phone": PHONE, "confirm": "on"})
    assert response.status_code == 403
    assert "Your account does not have access to this page." in response.content.decode()
    assert Issue.objects.filter(reporter_phone=PHONE).count() == 3
    assert not IssueEvent.objects.filter(type=IssueEvent.Type.ERASED).exists()


def test_someone_not_logged_in_is_sent_to_the_login_page(db):
    response = Client().get(URL)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_desk_menu_links_the_erasure_desk_for_a_station_head_only(world):
    link = f'href="{URL}"'
    assert link in client_for(world.head).get(reverse("staff_dashboard")).content.decode()
    assert link not in client_for(world.staff).get(reverse("staff_dashboard")).content.decode()
