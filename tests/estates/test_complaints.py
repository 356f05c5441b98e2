"""有事先找我: a property-service complaint goes first to the estate's company, and to the housing
officer when the company misses its deadlines, when the resident reopens it or rates it 2 or
lower; an estate without a company sends it straight to the officer. Time moves with
time_machine; the hand-over on time-out is the SLA sweep's (issues.services.sla_sweep)."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from estates.models import Complaint
from issues import services
from issues.models import IssueEvent, Notification
from tests import factories

from .conftest import T0

pytestmark = pytest.mark.usefixtures("sla_policies")


def report(loc, **kw):
    kw.setdefault("kind", "consult")
    kw.setdefault("description", "3号楼楼道灯坏了")
    return factories.issue(loc, property_service=True, **kw)


def sweep(clock, hours: float) -> dict:
    clock(T0 + dt.timedelta(hours=hours))
    return services.sla_sweep()


def test_a_property_service_report_goes_to_the_company_first(estates, world, clock):
    issue, _ = report(world.loc)
    complaint = Complaint.objects.get(issue=issue)
    assert (issue.assignee, issue.status, complaint.holder) == (estates.cs, "assigned", "company")
    assert complaint.company == estates.company
    assert complaint.accept_due_at == T0 + dt.timedelta(days=1)  # the company's own policy
    assert complaint.resolve_due_at == T0 + dt.timedelta(days=3)
    assert Notification.objects.filter(user=estates.cs, key__startswith="property:new:").exists()
    assert not Notification.objects.filter(user=world.worker).exists()  # not the grid worker's


def test_a_report_not_marked_property_service_goes_to_the_grid_worker(estates, world, clock):
    issue, _ = factories.issue(world.loc, kind="consult", description="3号楼楼道灯坏了")
    assert issue.assignee == world.worker
    assert not Complaint.objects.exists()


def test_a_category_flagged_property_service_is_a_complaint_too(estates, world, clock):
    from issues.models import Category

    Category.objects.create(name="物业维修", slug="repair", keywords="楼道灯", is_property_service=True)
    issue, _ = factories.issue(world.loc, kind="consult", description="3号楼楼道灯坏了")
    assert issue.assignee == estates.cs
    assert issue.property_service


def test_outside_any_estate_property_service_changes_nothing(estates, world, clock):
    issue, _ = report(world.loc2)
    assert issue.assignee == world.worker2
    assert not Complaint.objects.exists()


def test_an_estate_without_a_company_goes_straight_to_the_housing_officer(estates, clock):
    issue, _ = report(estates.bare_loc)
    complaint = Complaint.objects.get(issue=issue)
    assert (issue.assignee, complaint.holder, complaint.reason) == (estates.officer, "housing", "no_company")


def test_not_accepted_in_time_hands_over_with_the_whole_history(estates, world, clock):
    issue, _ = report(world.loc)
    assert sweep(clock, 23)["property_handed_over"] == 0
    assert Complaint.objects.get(issue=issue).holder == "company"
    sweep(clock, 25)
    issue.refresh_from_db()
    complaint = Complaint.objects.get(issue=issue)
    assert (complaint.holder, complaint.reason, issue.assignee) == ("housing", "not_accepted", estates.officer)
    events = list(issue.events.values_list("type", flat=True))
    assert events[:2] == [IssueEvent.Type.CREATED, IssueEvent.Type.ASSIGNED]  # the company's part is kept
    message = Notification.objects.get(user=estates.officer, key__startswith="property:handover:")
    assert "3号楼楼道灯坏了" in message.body
    # A second sweep does nothing more.
    sweep(clock, 26)
    assert Notification.objects.filter(user=estates.officer, key__startswith="property:handover:").count() == 1


def test_accepted_but_not_resolved_in_time_hands_over(estates, world, clock):
    issue, _ = report(world.loc)
    clock(T0 + dt.timedelta(hours=2))
    services.accept_issue(issue, actor=estates.cs)
    sweep(clock, 30)
    assert Complaint.objects.get(issue=issue).holder == "company"
    sweep(clock, 73)
    issue.refresh_from_db()
    complaint = Complaint.objects.get(issue=issue)
    assert (complaint.reason, issue.assignee, issue.status) == ("not_resolved", estates.officer, "assigned")


def resolved_by_company(estates, world, clock):
    issue, token = report(world.loc)
    clock(T0 + dt.timedelta(hours=1))
    services.accept_issue(issue, actor=estates.cs)
    services.resolve_issue(issue, actor=estates.cs, note="换了灯泡")
    issue.refresh_from_db()
    return issue, token


@pytest.mark.django_db(transaction=True)
def test_reopened_by_the_resident_hands_over_at_once(estates, world, clock):
    issue, _ = resolved_by_company(estates, world, clock)
    services.reopen_issue(issue, reason="还是不亮")
    issue.refresh_from_db()
    complaint = Complaint.objects.get(issue=issue)
    assert (complaint.holder, complaint.reason, issue.assignee) == ("housing", "reopened", estates.officer)


@pytest.mark.django_db(transaction=True)
def test_a_rating_of_2_hands_over_for_review(estates, world, clock):
    issue, _ = resolved_by_company(estates, world, clock)
    services.confirm_issue(issue, rating=2, comment="修得太慢")
    complaint = Complaint.objects.get(issue=issue)
    assert (complaint.holder, complaint.reason) == ("housing", "low_rating")
    assert issue.events.filter(type=IssueEvent.Type.NOTE, is_public=True).exists()
    assert Notification.objects.filter(user=estates.officer, key__startswith="property:handover:").exists()


@pytest.mark.django_db(transaction=True)
def test_a_rating_of_4_stays_with_the_company(estates, world, clock):
    issue, _ = resolved_by_company(estates, world, clock)
    services.confirm_issue(issue, rating=4)
    assert Complaint.objects.get(issue=issue).holder == "company"


def test_the_sweep_catches_a_low_rating_the_immediate_hand_over_missed(estates, world, clock):
    # In a test transaction on_commit never runs: only the sweep can hand it over.
    issue, _ = resolved_by_company(estates, world, clock)
    services.confirm_issue(issue, rating=1)
    assert Complaint.objects.get(issue=issue).holder == "company"
    sweep(clock, 2)
    assert Complaint.objects.get(issue=issue).reason == "low_rating"


def test_the_tracking_page_says_who_has_it_and_why(estates, world, clock):
    issue, token = report(world.loc)
    client = Client(headers={"accept-language": "en"})
    page = client.get(reverse("track", args=[token])).content.decode()
    assert "衡复物业, the property company of 永嘉新村" in page
    sweep(clock, 25)
    page = client.get(reverse("track", args=[token])).content.decode()
    assert "The housing officer of 永嘉新村" in page
    assert "did not accept it in time" in page


def test_the_report_form_offers_property_service_only_inside_an_estate(estates, world):
    client = Client(headers={"accept-language": "en"})
    inside = client.get(world.loc.report_path()).content.decode()
    outside = client.get(world.loc2.report_path()).content.decode()
    assert 'name="property_service"' in inside and "衡复物业" in inside
    assert 'name="property_service"' not in outside


def test_posting_the_form_with_property_service_1_makes_a_complaint(estates, world, published):
    client = Client(headers={"accept-language": "en"})
    response = client.post(world.loc.report_path(), {"description": "楼道灯坏了", "property_service": "1"})
    assert response.status_code == 303
    issue = world.loc.issues.get()
    assert issue.property_service
    services.route_issue(issue.pk)
    issue.refresh_from_db()
    assert issue.assignee == estates.cs


def test_the_company_accepts_and_resolves_on_its_page_and_another_company_cannot(estates, world, clock):
    issue, _ = report(world.loc)
    outsider = Client(headers={"accept-language": "en"})
    outsider.force_login(estates.other_cs)
    response = outsider.post(reverse("estates:complaint_action", args=[issue.pk, "accept"]), follow=True)
    assert "not yours" in response.content.decode()
    issue.refresh_from_db()
    assert issue.status == "assigned"
    assert "3号楼楼道灯坏了" not in outsider.get(reverse("estates:property_desk")).content.decode()

    client = Client(headers={"accept-language": "en"})
    client.force_login(estates.cs)
    assert "3号楼楼道灯坏了" in client.get(reverse("estates:property_desk")).content.decode()
    client.post(reverse("estates:complaint_action", args=[issue.pk, "accept"]))
    client.post(reverse("estates:complaint_action", args=[issue.pk, "resolve"]), {"note": "换了灯泡"})
    issue.refresh_from_db()
    assert (issue.status, issue.resolution) == ("resolved", "换了灯泡")


@pytest.mark.parametrize("estates_count", [1, 50])
def test_the_report_form_inside_an_estate_costs_no_query_more(
    estates, world, django_assert_max_num_queries, estates_count
):
    """The 物业服务 choice comes from a per-process snapshot: the resident's form keeps its budget
    (tests/resident/test_queries.py: 2 once the day's scan row exists), whatever the number of
    estates."""
    from estates import services as estate_services
    from estates.models import Estate

    for n in range(estates_count):
        extra = Estate.objects.create(name=f"小区{n}", neighbourhood=world.grid.neighbourhood, households=10)
        estate_services.add_locations(extra, locations=[factories.location(world.grid)])
    client = Client(headers={"accept-language": "en"})
    assert 'name="property_service"' in client.get(world.loc.report_path()).content.decode()  # warms the caches
    with django_assert_max_num_queries(2):
        page = client.get(world.loc.report_path()).content.decode()
    assert 'name="property_service"' in page and "衡复物业" in page


def test_the_housing_officer_accepts_and_resolves_what_was_handed_over(estates, world, clock):
    issue, _ = report(world.loc)
    sweep(clock, 25)  # not accepted in time: the officer's now
    officer = Client(headers={"accept-language": "en"})
    officer.force_login(estates.officer)
    page = officer.get(reverse("estates:housing_desk")).content.decode()
    assert issue.reference in page
    officer.post(reverse("estates:complaint_action", args=[issue.pk, "accept"]))
    officer.post(reverse("estates:complaint_action", args=[issue.pk, "resolve"]), {"note": "已督促物业更换"})
    issue.refresh_from_db()
    assert (issue.status, issue.assignee, issue.resolution) == ("resolved", estates.officer, "已督促物业更换")
    # The company, no longer the holder, is refused with a message and changes nothing.
    company = Client(headers={"accept-language": "en"})
    company.force_login(estates.cs)
    events = issue.events.count()
    response = company.post(reverse("estates:complaint_action", args=[issue.pk, "accept"]), follow=True)
    assert "not yours" in response.content.decode()
    assert issue.events.count() == events
