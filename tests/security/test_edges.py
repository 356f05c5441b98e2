"""Dates and ids at the edges (issue 14, item 8): every date parameter of every page is tried at
both ends (0001-01-01 and 9999-12-31) and every id parameter with ids too large for the database;
each answers a 400 or a form error with its reason (or a 404 for an id), never a 500."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import factories

DAYS = ["0001-01-01", "9999-12-31"]
MOMENTS = ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00", "9999-12-31T23:59"]
HUGE_IDS = ["0", "9223372036854775807", "9223372036854775808", "99999999999999999999999999"]

# Every GET page with a date parameter: (URL name, its date parameters, who may open it).
DATE_PAGES = [
    ("staff_dashboard", ["from", "to"], "staff"),
    ("stats", ["from", "to"], "staff"),
    ("stats_csv?table=kind", ["from", "to"], "staff"),
    ("worklog", ["day"], "staff"),
    ("worklog_csv", ["day"], "staff"),
    ("worklog_xlsx", ["day"], "staff"),
    ("tasks", [], "worker"),
]
OPEN311_DATES = ["start_date", "end_date"]
API_DATES = [
    ("/api/v1/issues/", ["created_after", "created_before", "updated_after"]),
    ("/api/v1/events/", ["after"]),
    ("/api/v1/statistics/", ["created_after", "created_before"]),
]


def client_for(user=None) -> Client:
    client = Client(headers={"accept-language": "en"}, raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def no_500(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"


@pytest.fixture
def people(world, root):
    issue, token = factories.issue(world.loc)
    return {"staff": world.staff, "worker": world.worker, "root": root, "issue": issue, "token": token}


@pytest.mark.parametrize(("name", "params", "who"), DATE_PAGES)
def test_every_date_parameter_of_the_desk_at_both_ends(people, name, params, who):
    client = client_for(people[who])
    name, _sep, extra = name.partition("?")
    base = dict([extra.split("=")]) if extra else {}
    for param in params:
        for value in DAYS:
            response = client.get(reverse(name), {**base, param: value})
            no_500(response, f"{name}?{param}={value}")
            assert response.status_code in (200, 400), (name, param, value, response.status_code)
            if response.status_code == 400:
                assert b"date" in response.content.lower()
        response = client.get(reverse(name), {**base, **dict.fromkeys(params, DAYS[1])})
        no_500(response, f"{name} with all at the far end")
        response = client.get(reverse(name), {**base, **{p: DAYS[i % 2] for i, p in enumerate(params)}})
        no_500(response, f"{name} from the first day to the last")


def test_open311_dates_at_both_ends_answer_400_with_the_reason(people):
    client = client_for()
    for param in OPEN311_DATES:
        for value in MOMENTS[:2]:
            response = client.get("/open311/v2/requests.json", {param: value})
            no_500(response, f"open311 {param}={value}")
    response = client.get("/open311/v2/requests.json", {"start_date": MOMENTS[1]})
    assert response.status_code == 400 and b"start_date" in response.content
    response = client.get("/open311/v2/requests.json", {"end_date": MOMENTS[0]})
    assert response.status_code == 400 and b"end_date" in response.content
    response = client.get("/open311/v2/requests.json", {"start_date": MOMENTS[0], "end_date": MOMENTS[1]})
    assert response.status_code == 400


def test_api_date_filters_at_both_ends(people):
    client = client_for(people["staff"])
    for url, params in API_DATES:
        for param in params:
            for value in [*MOMENTS, *DAYS]:
                no_500(client.get(url, {param: value}), f"{url}?{param}={value}")


def test_an_absence_until_9999_and_a_shift_from_year_1_are_form_errors(people, world):
    head = client_for(world.head)
    for first, last in (("0001-01-01", "0001-01-02"), ("2026-12-01", "9999-12-31"), ("0001-01-01", "9999-12-31")):
        response = head.post(
            reverse("duty_absence_add"),
            {"ws": world.ws.slug, "user": world.worker.pk, "first_day": first, "last_day": last},
        )
        no_500(response, f"absence {first}..{last}")
        assert response.status_code == 400 and b"must be a date between" in response.content, response.status_code
        no_500(head.get(reverse("duty"), {"ws": world.ws.slug}), "the duty page after it")
    for start, end in (("0001-01-01T00:00", "0001-01-01T08:00"), ("2026-12-01T08:00", "9999-12-31T23:59")):
        response = head.post(
            reverse("duty_shift_add"),
            {"ws": world.ws.slug, "user": world.worker.pk, "starts_at": start, "ends_at": end},
        )
        no_500(response, f"shift {start}..{end}")
        assert response.status_code == 400 and b"must be a date between" in response.content, response.status_code
        no_500(head.get(reverse("duty"), {"ws": world.ws.slug}), "the duty page after it")
    assert not world.ws.on_call_shifts.exists() and not world.worker.absences.exists()


def test_dispatch_due_times_at_both_ends(people, world):
    dept = factories.department(world.ws.subdistrict)
    client = client_for(world.staff)
    for due in MOMENTS:
        response = client.post(
            reverse("staff_issue_action", args=[people["issue"].pk, "dispatch"]), {"department": dept.pk, "due_at": due}
        )
        no_500(response, f"desk dispatch due={due}")
        response = client.post(
            f"/api/v1/issues/{people['issue'].pk}/dispatch/",
            {"department": dept.pk, "due_at": due},
            content_type="application/json",
        )
        no_500(response, f"api dispatch due_at={due}")


def _patterns(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _with_ids(route: str, value: str, token: str) -> str | None:
    if route.startswith("^") or "(?P" in route:
        return None
    if "<int:" not in route and "<str:token>" not in route:
        return None
    path = re.sub(r"<int:\w+>", value, route)
    path = path.replace("<str:token>", token)
    path = re.sub(r"<str:\w+>", "accept", path)
    path = re.sub(r"<\w+:\w+>", value, path)
    return "/" + path


def test_every_id_parameter_of_every_page_at_both_ends(people):
    """Every URL with an id, as a superuser, a staff member, a worker and nobody: GET and POST."""
    routes = sorted({r for r in _patterns() if "<int:" in r})
    assert len(routes) > 15
    tried = 0
    for user in (people["root"], people["staff"], people["worker"], None):
        client = client_for(user)
        for route in routes:
            for value in HUGE_IDS:
                path = _with_ids(route, value, people["token"])
                if path is None:
                    continue
                no_500(client.get(path), f"GET {path}")
                no_500(client.post(path, {}), f"POST {path}")
                tried += 1
    for path in ("/api/v1/issues/?location=", "/api/v1/issues/?workstation=", "/api/v1/events/?issue="):
        for value in HUGE_IDS:
            no_500(client_for(people["staff"]).get(path + value), path + value)
    for ids in HUGE_IDS:
        no_500(client_for(people["staff"]).get(reverse("themes_faq"), {"ids": ids}), f"themes_faq ids={ids}")
        no_500(client_for(people["staff"]).get(reverse("staff_dashboard"), {"ws": ids}), f"dashboard ws={ids}")
    assert tried > 100
