"""Every endpoint of /api/v1/ refuses the anonymous caller, and shows an outsider (staff of
another workstation, through a token) nothing of ours and lets them change nothing."""

import pytest
from django.urls import reverse

from issues.models import FAQ, Issue, IssueEvent
from webhooks.models import Subscription

from .conftest import client_for, token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def ours(world, reported):
    subscription = Subscription.objects.create(owner=world.staff, name="ours", url="http://127.0.0.1:9/hook")
    event = IssueEvent.objects.filter(issue=reported).first()
    from issues import services
    from tests import factories

    department = factories.department(world.ws.subdistrict)
    dispatch = services.dispatch_issue(reported, to=department, actor=world.staff)
    faq = FAQ.objects.create(question="公积金在哪里提取？", answer="随申办", is_published=True)
    from community import services as community
    from community.models import Initiative
    from tests.community.conftest import make_activity

    initiative = Initiative.objects.create(workstation=world.ws, title="绿色弄堂")
    activity = make_activity(world.ws, initiative=initiative)
    signup, _token = community.sign_up(activity, name="王阿姨", phone="13812345678")
    return {
        **_estate(world, reported),
        "activity": activity.pk,
        "initiative": initiative.pk,
        "signup": signup.pk,
        "faq": faq.pk,
        "issue": reported,
        "event": event,
        "location": world.loc,
        "subscription": subscription,
        "worker": world.worker.pk,
        "department": department.pk,
        "dispatch": dispatch.pk,
    }


def _estate(world, reported) -> dict:
    """An estate around our location, its company, a public disclosure and notice, a complaint."""
    import datetime as dt

    from django.contrib.auth import get_user_model

    from estates import services as estates
    from estates.models import Complaint, Estate

    company = estates.register_company(
        name="衡复物业", credit_code="91310000132200821H", subdistrict=world.ws.subdistrict
    )
    estate = Estate.objects.create(name="永嘉新村", neighbourhood=world.grid.neighbourhood, company=company)
    publisher = get_user_model().objects.create_superuser("publisher", "p@example.invalid", "x")
    disclosure = estates.publish_disclosure(estate, category="fees", actor=publisher, text="0.65 元")
    notice = estates.post_notice(estate, actor=None, unit="城管", title="清运", expires_on=dt.date(2099, 1, 1))
    complaint = Complaint.objects.create(issue=reported, estate=estate, company=company)
    return {
        "estate": estate.pk,
        "company": company.pk,
        "disclosure": disclosure.pk,
        "notice": notice.pk,
        "complaint": complaint.pk,
    }


# Published disclosures and live notices are public, as on the estates' own pages.
PUBLIC = ("api:disclosure-list", "api:disclosure-detail", "api:notice-list", "api:notice-detail")


def endpoints(ours) -> list[tuple[str, str, dict]]:
    i, e, loc, sub = ours["issue"].pk, ours["event"].pk, ours["location"].pk, ours["subscription"].pk
    return [
        ("get", reverse("api:root"), {}),
        ("get", reverse("api:issue-list"), {}),
        ("post", reverse("api:issue-list"), {"location": loc, "description": "x"}),
        ("get", reverse("api:issue-detail", args=[i]), {}),
        ("get", reverse("api:issue-events", args=[i]), {}),
        ("post", reverse("api:issue-accept", args=[i]), {}),
        ("post", reverse("api:issue-arrive", args=[i]), {}),
        ("post", reverse("api:issue-resolve", args=[i]), {"note": "done"}),
        *[
            ("post", reverse(f"api:issue-{name}", args=[i]), {"note": "x", "reason": "x", "answer": "x"})
            for name in (
                "answer",
                "triage",
                "coordinate",
                "milestone",
                "adopt",
                "start",
                "decline",
                "hand-back",
                "hold",
                "resume",
            )
        ],
        ("post", reverse("api:issue-assign", args=[i]), {"to": ours["worker"]}),
        ("post", reverse("api:issue-reassign", args=[i]), {"to": ours["worker"], "reason": "x"}),
        ("post", reverse("api:issue-merge", args=[i]), {"into": i}),
        ("post", reverse("api:issue-priority", args=[i]), {"priority": "high"}),
        ("post", reverse("api:issue-dispatch", args=[i]), {"department": ours["department"]}),
        ("get", reverse("api:issue-dispatches", args=[i]), {}),
        ("get", reverse("api:dispatch-list"), {}),
        ("get", reverse("api:dispatch-detail", args=[ours["dispatch"]]), {}),
        ("post", reverse("api:dispatch-acknowledge", args=[ours["dispatch"]]), {}),
        ("post", reverse("api:dispatch-complete", args=[ours["dispatch"]]), {"note": "x"}),
        ("post", reverse("api:dispatch-return", args=[ours["dispatch"]]), {"reason": "x"}),
        ("get", reverse("api:event-list"), {}),
        ("get", reverse("api:event-detail", args=[e]), {}),
        ("get", reverse("api:location-list"), {}),
        ("get", reverse("api:location-detail", args=[loc]), {}),
        ("get", reverse("api:faq-list"), {}),
        ("get", reverse("api:faq-detail", args=[ours["faq"]]), {}),  # published answers: public to staff
        ("get", reverse("api:statistics"), {}),
        ("get", reverse("api:webhook-list"), {}),
        ("post", reverse("api:webhook-list"), {"name": "x", "url": "https://example.invalid/"}),
        ("get", reverse("api:webhook-detail", args=[sub]), {}),
        ("patch", reverse("api:webhook-detail", args=[sub]), {"name": "stolen"}),
        ("delete", reverse("api:webhook-detail", args=[sub]), {}),
        ("get", reverse("api:webhook-deliveries", args=[sub]), {}),
        ("post", reverse("api:webhook-enable", args=[sub]), {}),
        ("post", reverse("api:webhook-rotate-secret", args=[sub]), {}),
        ("get", reverse("api:activity-list"), {}),
        ("get", reverse("api:activity-detail", args=[ours["activity"]]), {}),
        ("get", reverse("api:initiative-list"), {}),
        ("get", reverse("api:initiative-detail", args=[ours["initiative"]]), {}),
        ("get", reverse("api:signup-list"), {}),
        ("get", reverse("api:signup-detail", args=[ours["signup"]]), {}),
        ("get", reverse("api:estate-list"), {}),
        ("get", reverse("api:estate-detail", args=[ours["estate"]]), {}),
        ("get", reverse("api:company-list"), {}),
        ("get", reverse("api:company-detail", args=[ours["company"]]), {}),
        ("get", reverse("api:complaint-list"), {}),
        ("get", reverse("api:complaint-detail", args=[ours["complaint"]]), {}),
        ("get", reverse("api:disclosure-list"), {}),
        ("get", reverse("api:disclosure-detail", args=[ours["disclosure"]]), {}),
        ("get", reverse("api:notice-list"), {}),
        ("get", reverse("api:notice-detail", args=[ours["notice"]]), {}),
    ]


def test_anonymous_callers_are_refused_everywhere(ours):
    client = client_for()
    public = {
        reverse(name, args=[ours[name.split(":")[1].split("-")[0]]]) if name.endswith("detail") else reverse(name)
        for name in PUBLIC
    }
    for method, url, data in endpoints(ours):
        response = getattr(client, method)(url, data, format="json")
        expected = 200 if url in public else 401
        assert response.status_code == expected, (method, url, response.status_code)


def test_an_outsider_sees_and_changes_nothing_of_ours(world, ours):
    client, _ = token_client(world.outsider)
    issue, subscription = ours["issue"], ours["subscription"]
    before = (IssueEvent.objects.count(), Issue.objects.count())
    for method, url, data in endpoints(ours):
        response = getattr(client, method)(url, data, format="json")
        body = response.content.decode()
        if method == "get" and response.status_code == 200:
            # Lists answer, without anything of ours.
            assert issue.reference not in body, url
            assert world.loc.name not in body, url
            assert "ours" not in body, url
            assert "绿色弄堂" not in body and "13812345678" not in body, url
        elif url == reverse("api:issue-list") and method == "post":
            assert response.status_code == 400, (url, body)  # our location is not theirs to pick
            assert "location" in response.json()
        elif url == reverse("api:webhook-list") and method == "post":
            assert response.status_code == 201  # their own subscription, which sees only their scope
        else:
            assert response.status_code == 404, (method, url, response.status_code)
    assert (IssueEvent.objects.count(), Issue.objects.count()) == before
    subscription.refresh_from_db()
    assert subscription.name == "ours" and subscription.is_active
    issue.refresh_from_db()
    assert issue.status == "assigned"
    stats = client.get(reverse("api:statistics")).json()
    assert stats["total"] == 0


def test_a_user_without_any_role_is_refused_the_staff_endpoints(world, ours):
    from tests import factories

    nobody = factories.user("nobody")
    client, _ = token_client(nobody)
    assert client.get(reverse("api:location-list")).status_code == 403
    assert client.get(reverse("api:statistics")).status_code == 403
    assert client.post(reverse("api:issue-list"), {"location": world.loc.pk, "description": "x"}).status_code == 403
    assert client.get(reverse("api:issue-list")).json()["count"] == 0
    assert client.get(reverse("api:issue-detail", args=[ours["issue"].pk])).status_code == 404


def test_every_route_of_the_api_is_tried_above(ours):
    """A new endpoint must join the list in `endpoints`, so that an outsider is tried on it."""
    from django.urls import resolve

    from api.urls import router

    tried = {resolve(url).url_name for _, url, _ in endpoints(ours)} | TRIED_IN_THEIR_APP
    routes = {pattern.name for pattern in router.urls if pattern.name}
    assert routes <= tried, routes - tried


# Coordination cases need their units and linked issues (tests/cowork/conftest.py's `case`); an
# outsider is tried on every one of these routes in tests/cowork/test_pages.py.
TRIED_IN_THEIR_APP = {
    "case-list",
    "case-detail",
    "case-meetings",
    "case-agreements",
    "case-timeline",
    "case-sign-off",
    "case-resolve",
}


def test_what_is_not_theirs_is_a_plain_not_found_in_their_language(world, ours):
    client, _ = token_client(world.outsider)
    for url in (
        reverse("api:issue-detail", args=[ours["issue"].pk]),
        reverse("api:issue-hold", args=[ours["issue"].pk]),
    ):
        method = client.post if url.endswith("/hold/") else client.get
        response = method(url, {"reason": "x"}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 404
        assert response.json() == {"detail": "未找到。"}, url
