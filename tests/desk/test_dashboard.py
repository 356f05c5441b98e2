"""/staff/: queues, filters, Chinese search, sorting, the in-place refresh, bulk actions, and the
same queries at 10 and 2,000 issues."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from issues import services
from issues.lifecycle import Status
from issues.models import Dispatch, Issue, IssueEvent
from tests import factories
from tests.desk.conftest import client_for, many_issues, queries_of

H = dt.timedelta(hours=1)


def refs(response) -> list[str]:
    return [i.reference for i in response.context["rows"]]


@pytest.fixture
def desk(world):
    """One issue in each queue, all at our workstation, plus one elsewhere."""
    now = timezone.now()
    (new,) = many_issues(world.loc, 1, status="new", description="楼道灯不亮")
    (overdue,) = many_issues(world.loc, 1, status="accepted", resolve_due_at=now - H, description="垃圾没人收")
    (soon,) = many_issues(world.loc2, 1, status="assigned", resolve_due_at=now + H / 2, description="井盖松动")
    (urgent,) = many_issues(world.loc, 1, kind="urgent", status="accepted", description="电线被扯断了")
    (waiting,) = many_issues(world.loc2, 1, status="accepted", description="电梯坏了三天了")
    Dispatch.objects.create(issue=waiting, department=factories.department(world.ws.subdistrict), due_at=now + 24 * H)
    (confirm,) = many_issues(world.loc, 1, status="resolved", resolved_at=now, description="树枝挡路")
    (closed,) = many_issues(world.loc, 1, status="closed", description="早就解决了")
    many_issues(world.other_loc, 1, status="new", description="别的片区的事")
    return {k: v for k, v in locals().items() if isinstance(v, Issue)}


def test_each_queue_and_its_count(world, desk):
    client = client_for(world.staff)
    expected = {
        "new": {"new"},
        "overdue": {"overdue"},
        "due_soon": {"soon"},
        "urgent": {"urgent"},
        "departments": {"waiting"},
        "confirm": {"confirm"},
        "open": {"new", "overdue", "soon", "urgent", "waiting"},
        "all": {"new", "overdue", "soon", "urgent", "waiting", "confirm", "closed"},
    }
    counts = client.get(reverse("staff_dashboard")).context["counts"]
    for queue, names in expected.items():
        response = client.get(reverse("staff_dashboard"), {"queue": queue})
        assert set(refs(response)) == {desk[n].reference for n in names}, queue
        if queue != "all":
            assert counts[queue] == len(names), queue


def test_filters_by_kind_status_place_department_and_dates(world, desk):
    client = client_for(world.staff)
    url = reverse("staff_dashboard")
    assert refs(client.get(url, {"kind": "urgent"})) == [desk["urgent"].reference]
    assert refs(client.get(url, {"queue": "all", "status": "closed"})) == [desk["closed"].reference]
    by_grid = set(refs(client.get(url, {"grid": world.grid2.pk})))
    assert by_grid == {desk["soon"].reference, desk["waiting"].reference}
    assert set(refs(client.get(url, {"hood": world.grid2.neighbourhood_id}))) == by_grid
    dept = Dispatch.objects.get().department_id
    assert refs(client.get(url, {"dept": dept})) == [desk["waiting"].reference]
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert refs(client.get(url, {"from": tomorrow})) == []
    assert len(refs(client.get(url, {"to": tomorrow}))) == 5
    # Nonsense is ignored, never a 500.
    assert (
        client.get(url, {"kind": "x", "hood": "abc", "from": "2026-99-99", "sort": "drop", "page": "-3"}).status_code
        == 200
    )


def test_chinese_search_exact_then_similar(world, desk):
    client = client_for(world.staff)
    url = reverse("staff_dashboard")
    response = client.get(url, {"q": "电梯", "queue": "all"})
    assert refs(response) == [desk["waiting"].reference] and not response.context["fuzzy"]
    # Not written like that anywhere, but most of its bigrams are in "电梯坏了三天了".
    response = client.get(url, {"q": "电梯又坏了", "queue": "all"})
    assert refs(response) == [desk["waiting"].reference] and response.context["fuzzy"]
    assert refs(client.get(url, {"q": desk["closed"].reference, "queue": "all"})) == [desk["closed"].reference]
    assert refs(client.get(url, {"q": "别的片区", "queue": "all"})) == []


def test_sorting(world, desk):
    client = client_for(world.staff)
    url = reverse("staff_dashboard")
    by_deadline = refs(client.get(url, {"sort": "deadline"}))
    assert by_deadline[0] == desk["overdue"].reference
    newest = refs(client.get(url, {"sort": "newest"}))
    oldest = refs(client.get(url, {"sort": "oldest"}))
    assert newest == oldest[::-1]


def test_the_list_refreshes_as_a_fragment(world, desk):
    response = client_for(world.staff).get(reverse("staff_dashboard"), headers={"X-Desk-Fragment": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and desk["new"].reference in page
    assert 'data-queue="overdue"' in page


def test_the_dashboard_page_has_no_inline_script_or_style(world, desk):
    page = client_for(world.staff).get(reverse("staff_dashboard")).content.decode()
    assert "<script>" not in page and " style=" not in page
    assert 'class="js-live"' in page or "js-live" in page


def test_outsiders_grid_workers_and_readers(world, desk):
    assert desk["new"].reference not in client_for(world.outsider).get(reverse("staff_dashboard")).content.decode()
    assert client_for(world.worker).get(reverse("staff_dashboard")).status_code == 403
    from workstations.models import Role

    reader = factories.user("officer", role=Role.Kind.HOUSING_OFFICER, workstation=world.ws)
    client = client_for(reader)
    page = client.get(reverse("staff_dashboard")).content.decode()
    assert desk["new"].reference in page and 'id="desk-bulk"' in page and "bulk-bar" not in page
    response = client.post(reverse("staff_bulk"), {"action": "priority", "priority": "high", "ids": [desk["new"].pk]})
    assert response.status_code == 403
    assert Issue.objects.get(pk=desk["new"].pk).priority == "normal"


# --- Bulk actions ------------------------------------------------------------------------------


@pytest.fixture
def routed(world):
    return [factories.issue(world.loc, description=f"路灯坏了{n}", kind="consult")[0] for n in range(3)]


def bulk(client, action, issues, **data):
    return client.post(reverse("staff_bulk"), {"action": action, "ids": [i.pk for i in issues], **data}, follow=True)


def test_bulk_priority_and_kind_go_through_the_services(world, routed):
    client = client_for(world.staff)
    response = bulk(client, "priority", routed, priority="high")
    assert response.redirect_chain[0][1] == 303
    assert set(Issue.objects.filter(pk__in=[i.pk for i in routed]).values_list("priority", flat=True)) == {"high"}
    assert IssueEvent.objects.filter(issue__in=routed, type="priority").count() == 3
    bulk(client, "kind", routed[:1], kind="urgent")
    assert Issue.objects.get(pk=routed[0].pk).kind == "urgent"
    assert IssueEvent.objects.filter(issue=routed[0], type="kind").exists()


def test_bulk_assign_and_reassign(world, routed):
    client = client_for(world.staff)
    services.accept_issue(routed[0], actor=world.worker)
    response = bulk(client, "assign", routed, to=world.worker2.pk, note="他在附近")
    assert set(Issue.objects.filter(pk__in=[i.pk for i in routed]).values_list("assignee", flat=True)) == {
        world.worker2.pk
    }
    assert "Done for 3 issue(s)." in [str(m) for m in response.context["messages"]]
    assert IssueEvent.objects.filter(issue=routed[0], type="reassigned").exists()


def test_bulk_refusals_are_reported_per_issue(world, routed):
    client = client_for(world.staff)
    services.accept_issue(routed[0], actor=world.worker)
    response = bulk(client, "kind", routed, kind="community")
    messages = [str(m) for m in response.context["messages"]]
    assert "Done for 2 issue(s)." in messages
    assert any(m.startswith(routed[0].reference) for m in messages)
    assert Issue.objects.get(pk=routed[0].pk).kind == "consult"


def test_bulk_merge_into_the_oldest_and_dispatch(world, routed):
    client = client_for(world.staff)
    department = factories.department(world.ws.subdistrict)
    bulk(client, "dispatch", routed[:2], department=department.pk, note="请查看")
    assert Dispatch.objects.filter(issue__in=routed[:2], department=department).count() == 2
    bulk(client, "merge", routed)
    statuses = dict(Issue.objects.filter(pk__in=[i.pk for i in routed]).values_list("pk", "status"))
    assert statuses[routed[0].pk] != Status.MERGED
    assert statuses[routed[1].pk] == statuses[routed[2].pk] == Status.MERGED


def test_bulk_never_touches_another_workstations_issue(world, routed):
    theirs, _ = factories.issue(world.other_loc)
    bulk(client_for(world.staff), "priority", [theirs], priority="high")
    assert Issue.objects.get(pk=theirs.pk).priority == "normal"


def test_bulk_without_a_choice_is_a_message_not_an_error(world, routed):
    response = bulk(client_for(world.staff), "assign", routed)
    assert "Choose who should take them." in [str(m) for m in response.context["messages"]]
    response = client_for(world.staff).post(reverse("staff_bulk"), {"action": "explode"}, follow=True)
    assert response.status_code == 200


# --- Scale ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [{}, {"queue": "all"}, {"queue": "overdue"}, {"queue": "departments", "sort": "priority"}, {"q": "路灯"}],
    ids=["open", "all", "overdue", "departments", "search"],
)
def test_same_queries_at_10_and_2000_issues(world, params, django_assert_num_queries):
    client = client_for(world.staff)
    now = timezone.now()
    department = factories.department(world.ws.subdistrict)

    def waiting_on(issues):
        Dispatch.objects.bulk_create(Dispatch(issue=i, department=department, due_at=now + H) for i in issues)

    waiting_on(many_issues(world.loc, 10, status="accepted", resolve_due_at=now - H, assignee=world.worker))
    url = reverse("staff_dashboard") + "?" + "&".join(f"{k}={v}" for k, v in params.items())
    small, response = queries_of(client, url)
    assert len(response.context["rows"]) == 10
    many_issues(world.loc, 1000, status="closed")
    waiting_on(many_issues(world.loc2, 990, status="accepted", resolve_due_at=now - H, assignee=world.worker2))
    with django_assert_num_queries(small):
        response = client.get(url)
    assert len(response.context["rows"]) == 50 and response.context["has_next"]


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("page=99999999999999999999", 7),  # not a number the database takes: ignored, the first page
        ("page=9223372036854775807", 0),  # a number, but past the last page: an empty page
        ("grid=99999999999999999999", 7),  # the filter is ignored: all of ours
        ("dept=-99999999999999999999", 7),
    ],
)
def test_numbers_too_large_for_the_database_are_not_a_500(world, desk, query, shown):
    response = client_for(world.staff).get(f"{reverse('staff_dashboard')}?queue=all&{query}")
    assert response.status_code == 200
    assert len(refs(response)) == shown


# --- Issue 18: who gets checkboxes, the 工作站 column, counters at 0, filters folded ---------------


def test_readers_get_no_checkboxes_and_managers_do(world, desk):
    from workstations.models import Role

    reader = factories.user("officer", role=Role.Kind.HOUSING_OFFICER, workstation=world.ws)
    for headers in ({}, {"X-Desk-Fragment": "1"}):
        page = client_for(reader).get(reverse("staff_dashboard"), headers=headers).content.decode()
        assert desk["new"].reference in page
        assert 'type="checkbox" name="ids"' not in page and "col-select" not in page
        assert "select the issue" not in page  # nor the shortcut that would tick one
        page = client_for(world.staff).get(reverse("staff_dashboard"), headers=headers).content.decode()
        assert page.count('type="checkbox" name="ids"') == 5


def test_a_workstation_column_for_those_who_read_several(world, desk):
    from workstations.models import Role

    second = factories.workstation(world.ws.subdistrict, name="第二工作站")
    many_issues(factories.location(factories.grid(second)), 1, status="new", description="第二站的事")
    supervisor = factories.user("sup", role=Role.Kind.SUBDISTRICT_SUPERVISOR, subdistrict=world.ws.subdistrict)
    client = client_for(supervisor)
    page = client.get(reverse("staff_dashboard")).content.decode()
    assert '<th scope="col">Workstation</th>' in page and 'class="ws-cell" title="第二工作站"' in page
    assert 'type="checkbox" name="ids"' not in page
    # One workstation picked, or only one to read: no column.
    picked = client.get(reverse("staff_dashboard"), {"ws": second.pk}).content.decode()
    assert "ws-cell" not in picked and "第二站的事" in picked
    assert "ws-cell" not in client_for(world.staff).get(reverse("staff_dashboard")).content.decode()


def test_counters_at_zero_are_marked_so_and_not_red(world):
    many_issues(world.loc, 2, status="new")
    page = client_for(world.staff).get(reverse("staff_dashboard")).content.decode()
    assert 'class="queue-count zero" data-queue="overdue"' in page
    assert 'class="queue-count" data-queue="new"' in page


def test_the_folded_filters_say_how_many_are_set_and_descriptions_are_whole_in_the_tooltip(world, desk):
    client = client_for(world.staff)
    page = client.get(reverse("staff_dashboard")).content.decode()
    assert 'class="more-filters"' in page and "filter-count" not in page
    assert f'title="{desk["new"].description}"' in page
    page = client.get(reverse("staff_dashboard"), {"kind": "consult", "hood": world.grid.neighbourhood_id}).content
    assert '<span class="filter-count">2</span>' in page.decode()
