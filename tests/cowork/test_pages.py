"""The case pages and /api/v1/cases/ through HTTP: staff run a case, a unit sees its own part,
a supervisor reads, and an outsider gets 404 on every page, export and endpoint. Pages run a
fixed number of queries at two data sizes."""

import pytest
from django.urls import reverse

from cowork import services
from cowork.models import ActionItem, Case, CaseEvent
from tests import factories
from workstations.models import Role

from .conftest import in_days, units

pytestmark = pytest.mark.django_db


def client_for(client, user):
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # refusals are matched by their English msgid
    return client


def case_urls(case, meeting, share) -> list[tuple[str, str]]:
    pk = case.pk
    return [
        ("get", reverse("cowork:case", args=[pk])),
        ("get", reverse("cowork:meeting", args=[pk, meeting.pk])),
        ("post", reverse("cowork:add_action", args=[pk])),
        ("post", reverse("cowork:acknowledge", args=[pk])),
        ("post", reverse("cowork:sign_off", args=[pk])),
        ("post", reverse("cowork:new_meeting", args=[pk])),
        ("post", reverse("cowork:meeting_action", args=[pk, meeting.pk, "confirm"])),
        ("post", reverse("cowork:confirm_share", args=[pk, share.pk])),
        ("get", reverse("cowork:new_agreement", args=[pk])),
        ("post", reverse("cowork:new_agreement", args=[pk])),
        ("get", reverse("cowork:agreement", args=[pk, share.agreement_id])),
        ("post", reverse("cowork:agreement_action", args=[pk, share.agreement_id, "share", share.pk])),
        ("post", reverse("cowork:resolve", args=[pk])),
        ("get", f"/api/v1/cases/{pk}/"),
        ("get", f"/api/v1/cases/{pk}/meetings/"),
        ("get", f"/api/v1/cases/{pk}/agreements/"),
        ("get", f"/api/v1/cases/{pk}/timeline/"),
        ("post", f"/api/v1/cases/{pk}/sign-off/"),
        ("post", f"/api/v1/cases/{pk}/resolve/"),
    ]


@pytest.fixture
def full_case(cast, case):
    meeting = services.create_meeting(
        case, actor=cast.world.staff, held_at=in_days(0), place="会议室", units=[cast.power]
    )
    agreement = services.create_agreement(
        case,
        actor=cast.world.staff,
        title="分表",
        total="1000",
        basis="amount",
        shares=[
            services.SharePlan(party_name="市南供电所", department=cast.power, amount="1000", fund_source="company")
        ],
    )
    services.add_action(case, actor=cast.world.staff, title="物业移箱", owner_unit=cast.estate, due_at=in_days(4))
    return case, meeting, agreement.shares.get()


def test_an_outsider_sees_nothing_anywhere(client, cast, full_case):
    case, meeting, share = full_case
    client_for(client, cast.world.outsider)
    before = CaseEvent.objects.count()
    for method, url in case_urls(case, meeting, share):
        response = getattr(client, method)(url, {"note": "x", "summary": "x", "override_reason": "x"})
        assert response.status_code == 404, url
    assert client.get("/api/v1/cases/").json()["results"] == []
    export = client.get(reverse("cowork:export")).content.decode()
    assert case.title not in export
    assert client.get(reverse("cowork:new", args=[cast.world.ws.slug])).status_code == 404
    assert client.get(reverse("cowork:mine")).status_code == 404
    assert CaseEvent.objects.count() == before
    assert Case.objects.get().status == "open"


def test_anonymous_visitors_are_sent_to_login(client, full_case):
    case, _m, _s = full_case
    assert client.get(reverse("cowork:case", args=[case.pk])).status_code == 302
    assert client.get(reverse("cowork:board")).status_code == 302
    assert client.get("/api/v1/cases/").status_code in (401, 403)


def test_staff_open_a_case_from_two_reports_through_the_form(client, cast):
    client_for(client, cast.world.staff)
    page = client.get(reverse("cowork:new", args=[cast.world.ws.slug]))
    assert cast.issues[0].reference in page.content.decode()
    response = client.post(
        reverse("cowork:new", args=[cast.world.ws.slug]),
        {
            "title": "高安路电表",
            "issues": [i.pk for i in cast.issues],
            "lead": cast.power.pk,
            "lead_due_at": in_days(10).strftime("%Y-%m-%dT%H:%M"),
            "supporting": [cast.estate.pk],
            "supporting_due_at": in_days(10).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    case = Case.objects.get()
    assert response.url == reverse("cowork:case", args=[case.pk])
    assert case.issues.count() == 2 and case.units.count() == 2


def test_a_past_deadline_keeps_what_was_typed_and_saves_nothing(client, cast):
    client_for(client, cast.world.staff)
    response = client.post(
        reverse("cowork:new", args=[cast.world.ws.slug]),
        {"title": "保留我写的标题", "lead": cast.power.pk, "lead_due_at": in_days(-2).strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "保留我写的标题" in body and "future" in body
    assert not Case.objects.exists()


def test_a_decision_without_a_responsible_unit_is_refused_on_the_meeting_page(client, cast, full_case):
    case, meeting, _s = full_case
    client_for(client, cast.world.staff)
    response = client.post(
        reverse("cowork:meeting_action", args=[case.pk, meeting.pk, "agenda"]),
        {"title": "谁来付费", "outcome": "decision", "due_at": in_days(3).strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 400
    assert "responsible unit" in response.content.decode() and "谁来付费" in response.content.decode()
    assert not meeting.agenda.exists()


def test_a_unit_sees_only_its_own_part(client, cast, full_case):
    case, meeting, share = full_case
    client_for(client, cast.power_liaison)
    page = client.get(reverse("cowork:case", args=[case.pk])).content.decode()
    assert "市南供电所" in page and "物业移箱" not in page
    assert cast.issues[0].reference not in page
    api = client.get(f"/api/v1/cases/{case.pk}/").json()
    assert [u["department"] for u in api["units"]] == ["市南供电所"] and api["actions"] == [] and api["issues"] == []
    mine = client.get(reverse("cowork:mine")).content.decode()
    assert case.title in mine
    client_for(client, cast.stranger_liaison)
    assert client.get(reverse("cowork:case", args=[case.pk])).status_code == 404


def test_the_lead_units_liaison_signs_off_over_the_api(client, cast, full_case):
    case, _m, _s = full_case
    client_for(client, cast.power_liaison)
    response = client.post(f"/api/v1/cases/{case.pk}/sign-off/", {"note": "分表完成"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["units"][0]["sign_off_note"] == "分表完成"
    again = client.post(f"/api/v1/cases/{case.pk}/sign-off/", {"note": "again"}, content_type="application/json")
    assert again.status_code == 400 and "already" in again.json()["detail"]


def test_a_supervisor_reads_but_changes_nothing(client, cast, full_case):
    case, meeting, share = full_case
    supervisor = factories.user("sup", role=Role.Kind.SUBDISTRICT_SUPERVISOR, subdistrict=cast.world.ws.subdistrict)
    client_for(client, supervisor)
    assert "物业移箱" in client.get(reverse("cowork:case", args=[case.pk])).content.decode()
    assert case.title in client.get(reverse("cowork:export")).content.decode()
    response = client.post(reverse("cowork:resolve", args=[case.pk]), {"summary": "x", "override_reason": "y"})
    assert response.status_code == 400
    assert Case.objects.get().status == "open"
    api = client.post(
        f"/api/v1/cases/{case.pk}/resolve/", {"summary": "x", "override_reason": "y"}, content_type="application/json"
    )
    assert api.status_code == 400
    assert not ActionItem.objects.filter(title="x").exists()


def _more_cases(cast, n):
    for k in range(n):
        c = services.open_case(cast.world.ws, actor=cast.world.staff, title=f"case {k}", units=units(cast))
        services.add_action(c, actor=cast.world.staff, title=f"a{k}", owner_unit=cast.power, due_at=in_days(3))
        services.add_action(c, actor=cast.world.staff, title=f"b{k}", owner_unit=cast.estate, due_at=in_days(5))


@pytest.mark.parametrize("url", ["cowork:board", "cowork:export", "api"])
def test_lists_run_a_fixed_number_of_queries(client, cast, django_assert_max_num_queries, url):
    client_for(client, cast.world.staff)
    path = "/api/v1/cases/" if url == "api" else reverse(url)
    _more_cases(cast, 2)
    with django_assert_max_num_queries(12) as small:
        assert client.get(path).status_code == 200
    _more_cases(cast, 6)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(path).status_code == 200


def test_the_case_page_runs_a_fixed_number_of_queries(client, cast, full_case, django_assert_max_num_queries):
    case, _m, _s = full_case
    client_for(client, cast.world.staff)
    with django_assert_max_num_queries(40) as small:
        client.get(reverse("cowork:case", args=[case.pk]))
    for k in range(6):
        a = services.add_action(case, actor=cast.world.staff, title=f"x{k}", owner_unit=cast.power, due_at=in_days(3))
        services.add_evidence(a, actor=cast.power_liaison, text="e")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse("cowork:case", args=[case.pk])).status_code == 200


def test_the_open_cases_board_puts_the_most_overdue_first(client, cast):
    import time_machine

    calm = services.open_case(cast.world.ws, actor=cast.world.staff, title="calm", units=units(cast))
    late = services.open_case(cast.world.ws, actor=cast.world.staff, title="late", units=units(cast))
    services.add_action(calm, actor=cast.world.staff, title="later", owner_unit=cast.power, due_at=in_days(8))
    services.add_action(late, actor=cast.world.staff, title="overdue soon", owner_unit=cast.estate, due_at=in_days(1))
    client_for(client, cast.world.staff)
    with time_machine.travel(in_days(4)):
        body = client.get(reverse("cowork:board")).content.decode()
    assert body.index("late") < body.index("calm")
    assert "overdue soon" in body and "衡复物业" in body


def test_the_partnership_page_shows_commitments_and_the_rate(client, cast):
    import datetime as dt

    from cowork.models import Commitment, Partnership

    p = Partnership.objects.create(
        department=cast.stranger_unit, workstation=cast.world.ws, started_on=dt.date(2026, 1, 1)
    )
    Commitment.objects.create(partnership=p, year=2026, title="门责检查")
    done = Commitment.objects.create(partnership=p, year=2026, title="垃圾分类宣传")
    services.fulfil_commitment(done, actor=cast.world.staff, note="办了两场")
    client_for(client, cast.world.staff)
    body = client.get(reverse("cowork:partnership", args=[p.pk])).content.decode()
    assert "门责检查" in body and "50%" in body
    client_for(client, cast.world.outsider)
    assert client.get(reverse("cowork:partnership", args=[p.pk])).status_code == 404
