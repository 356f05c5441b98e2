"""The resident's side of the API: /api/v1/track/<token>/ and the confirm / reopen answers."""

import pytest
from django.test.utils import CaptureQueriesContext

from issues import services
from issues.lifecycle import Status
from issues.models import Issue, IssueEvent
from tests import factories

from .conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(world):
    """A report with its tracking token, routed to world.worker."""
    issue, token = factories.issue(world.loc, reporter_name="王阿姨", reporter_phone="13812341234")
    return issue, token


@pytest.fixture
def resolved(world, mine):
    issue, token = mine
    issue = services.accept_issue(issue, actor=world.worker)
    issue = services.arrive_issue(issue, actor=world.worker)  # urgent: resolving needs the visit
    issue = services.resolve_issue(issue, actor=world.worker, note="已修好")
    return issue, token


def url(token: str, action: str = "") -> str:
    return f"/api/v1/track/{token}/" + (f"{action}/" if action else "")


def test_the_resident_reads_their_report_with_the_token_alone(world, mine):
    issue, token = mine
    response = client_for().get(url(token))
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == issue.reference
    assert body["status"] == Status.ASSIGNED
    assert body["handled_by"] == "A grid worker"
    assert body["place"] == world.loc.name
    assert body["can_answer"] is False
    assert [e["type"] for e in body["events"]] == [IssueEvent.Type.CREATED, IssueEvent.Type.ASSIGNED]
    assert response.headers["Cache-Control"] == "no-store, private"


def test_nothing_personal_or_internal_is_shown(world, mine):
    issue, token = mine
    services.hand_back_issue(issue, actor=world.worker, reason="内部备注：不归我管")
    text = client_for().get(url(token)).content.decode()
    assert "13812341234" not in text and "王阿姨" not in text
    assert world.worker.username not in text
    assert "内部备注" not in text


def test_an_unknown_token_is_a_plain_404(mine):
    for path in (url("not-a-token"), url("not-a-token", "confirm"), url("not-a-token", "reopen")):
        client = client_for()
        response = client.get(path) if path.endswith("not-a-token/") else client.post(path, {"rating": 5})
        assert response.status_code == 404, path
        assert response.json() == {"detail": "Not found."}


def test_confirm_closes_with_a_rating(resolved):
    issue, token = resolved
    assert client_for().get(url(token)).json()["can_answer"] is True
    response = client_for().post(url(token, "confirm"), {"rating": 4, "comment": "很快"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.CLOSED
    issue.refresh_from_db()
    assert (issue.status, issue.rating, issue.rating_comment) == (Status.CLOSED, 4, "很快")


def test_confirm_without_a_rating_closes_and_stays_out_of_the_satisfaction_rate(resolved):
    """As on the tracking page (issue 18, item 5): a rating is offered, never required."""
    issue, token = resolved
    response = client_for().post(url(token, "confirm"), {}, format="json")
    assert response.status_code == 200, response.content
    issue.refresh_from_db()
    assert (issue.status, issue.rating) == (Status.CLOSED, None)
    assert IssueEvent.objects.filter(issue=issue, type=IssueEvent.Type.CONFIRMED).count() == 1


def test_reopen_goes_back_to_the_handler_with_the_reason(resolved, world):
    issue, token = resolved
    response = client_for().post(url(token, "reopen"), {"reason": "灯还是不亮"}, format="json")
    assert response.status_code == 200, response.content
    issue.refresh_from_db()
    assert issue.status == Status.REOPENED and issue.assignee == world.worker
    assert IssueEvent.objects.filter(issue=issue, type=IssueEvent.Type.REOPENED, note="灯还是不亮").exists()


@pytest.mark.parametrize(
    ("action", "data", "field"),
    [
        ("confirm", {"rating": 0}, "rating"),
        ("confirm", {"rating": 6}, "rating"),
        ("confirm", {"rating": "很好"}, "rating"),
        ("reopen", {"reason": ""}, "reason"),
        ("reopen", {}, "reason"),
    ],
)
def test_bad_answers_are_a_400_with_the_field(resolved, action, data, field):
    issue, token = resolved
    response = client_for().post(url(token, action), data, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Issue.objects.get(pk=issue.pk).status == Status.RESOLVED


@pytest.mark.parametrize("action", ["confirm", "reopen"])
def test_answering_before_it_is_resolved_is_a_409(mine, action):
    issue, token = mine
    response = client_for().post(url(token, action), {"rating": 5, "reason": "没修"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"
    assert Issue.objects.get(pk=issue.pk).status == Status.ASSIGNED


def test_a_second_confirm_is_a_409_and_keeps_the_first_rating(resolved):
    issue, token = resolved
    assert client_for().post(url(token, "confirm"), {"rating": 5}, format="json").status_code == 200
    assert client_for().post(url(token, "confirm"), {"rating": 1}, format="json").status_code == 409
    assert Issue.objects.get(pk=issue.pk).rating == 5


def test_a_session_cookie_is_not_needed_nor_used(resolved, world):
    """No cookie authorises anything here, so there is no CSRF to check: a logged-in staff
    browser posting without a CSRF token is answered like anyone holding the token."""
    issue, token = resolved
    client = client_for()
    client.force_login(world.head)
    client.enforce_csrf_checks = True
    assert client.post(url(token, "confirm"), {"rating": 3}, format="json").status_code == 200


def test_anonymous_rate_limit_applies(settings, mine):
    settings.RATELIMIT_ENABLE = True
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"}}
    _issue, token = mine
    codes = [client_for().get(url(token)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_reading_runs_a_fixed_number_of_queries(world, mine):
    from django.db import connection

    issue, token = mine
    for n in range(10):
        services.add_resident_note(issue, note=f"补充 {n}")
    with CaptureQueriesContext(connection) as few:
        client_for().get(url(token))
    for n in range(30):
        services.add_resident_note(issue, note=f"再补充 {n}")
    with CaptureQueriesContext(connection) as many:
        client_for().get(url(token))
    assert len(few) == len(many) <= 3
