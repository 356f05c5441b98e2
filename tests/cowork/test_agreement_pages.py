"""The staff pages of cost-sharing agreements and of a partnership's commitments: shares that
must add up, each party's confirmation, a new version that keeps the old readable, a yearly
list with fulfilment; refusals in plain words with what was typed kept, nothing half-saved."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cowork import services
from cowork.models import CaseEvent, Commitment, CostAgreement, CostShare, Partnership

from .test_pages import client_for

pytestmark = pytest.mark.django_db


def agreement_post(cast, *, basis="percent", total="12000", shares=(), milestones=()) -> dict:
    data = {
        "title": "三相电表分表",
        "total": total,
        "basis": basis,
        "share-TOTAL_FORMS": "4",
        "share-INITIAL_FORMS": "0",
        "share-MIN_NUM_FORMS": "4",
        "share-MAX_NUM_FORMS": "12",
        "milestone-TOTAL_FORMS": "3",
        "milestone-INITIAL_FORMS": "0",
        "milestone-MIN_NUM_FORMS": "3",
        "milestone-MAX_NUM_FORMS": "8",
    }
    for n, (department, party, value, source) in enumerate(shares):
        data |= {
            f"share-{n}-department": department.pk if department else "",
            f"share-{n}-party_name": party,
            f"share-{n}-value": value,
            f"share-{n}-fund_source": source,
        }
    for n, (title, amount) in enumerate(milestones):
        data |= {f"milestone-{n}-title": title, f"milestone-{n}-amount": amount}
    return data


def test_staff_draw_up_an_agreement_each_party_confirms_and_a_change_is_a_new_version(client, cast, case):
    client_for(client, cast.world.staff)
    url = reverse("cowork:new_agreement", args=[case.pk])
    assert client.get(url).status_code == 200
    answer = client.post(
        url,
        agreement_post(
            cast,
            shares=[
                (cast.power, "", "60", "company"),
                (cast.estate, "", "30", "maintenance_fund"),
                (None, "3号楼业主", "10", "owners"),
            ],
            milestones=[("开工", "6000"), ("验收", "6000")],
        ),
    )
    agreement = CostAgreement.objects.get(case=case)
    assert answer.status_code == 302 and answer["Location"] == reverse("cowork:agreement", args=[case.pk, agreement.pk])
    shares = {s.party_name: s for s in agreement.shares.all()}
    assert {n: s.amount for n, s in shares.items()} == {"市南供电所": 7200, "衡复物业": 3600, "3号楼业主": 1200}
    assert agreement.status == "draft" and agreement.milestones.count() == 2

    # Each party confirms on the agreement's page: the units' liaisons theirs, staff the owners'.
    page = reverse("cowork:agreement", args=[case.pk, agreement.pk])
    for user, party in (
        (cast.power_liaison, "市南供电所"),
        (cast.estate_liaison, "衡复物业"),
        (cast.world.staff, "3号楼业主"),
    ):
        client_for(client, user)
        assert party in client.get(page).content.decode()
        confirm = reverse("cowork:agreement_action", args=[case.pk, agreement.pk, "share", shares[party].pk])
        assert client.post(confirm).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == "agreed"
    confirmed = agreement.shares.get(party_name="市南供电所")
    assert confirmed.confirmed_by == cast.power_liaison and confirmed.confirmed_at is not None

    # A change after agreement: the form starts from version 1; version 1 stays readable.
    client_for(client, cast.world.staff)
    form = client.get(url).content.decode()
    assert "New version 2" in form and 'value="三相电表分表"' in form
    answer = client.post(
        url,
        agreement_post(
            cast,
            basis="amount",
            total="13000",
            shares=[(cast.power, "", "8000", "company"), (cast.estate, "", "5000", "subsidy")],
        ),
    )
    assert answer.status_code == 302
    agreement.refresh_from_db()
    second = CostAgreement.objects.get(case=case, version=2)
    assert agreement.status == "superseded" and second.previous == agreement and second.status == "draft"
    old = client.get(page).content.decode()
    assert "replaced by a later one" in old and "3号楼业主" in old and "1200" in old
    assert agreement.shares.filter(confirmed_at__isnull=False).count() == 3  # the old confirmations kept


def test_shares_that_do_not_add_up_are_refused_with_what_was_typed(client, cast, case):
    client_for(client, cast.world.staff)
    url = reverse("cowork:new_agreement", args=[case.pk])
    before = CaseEvent.objects.count()
    answer = client.post(
        url,
        agreement_post(cast, shares=[(cast.power, "", "60", "company"), (cast.estate, "", "30", "owners")]),
    )
    body = answer.content.decode()
    assert answer.status_code == 400
    assert "The percentages add up to 90, not 100." in body
    assert 'value="三相电表分表"' in body and 'value="60"' in body and 'value="30"' in body
    assert not CostAgreement.objects.exists() and not CostShare.objects.exists()
    assert CaseEvent.objects.count() == before

    answer = client.post(
        url,
        agreement_post(cast, basis="amount", total="1000", shares=[(cast.power, "", "600", "company")]),
    )
    assert answer.status_code == 400
    assert "The amounts add up to 600, not the total 1000." in answer.content.decode()

    answer = client.post(
        url,
        agreement_post(cast, total="lots", shares=[(cast.power, "", "sixty", "company"), (None, "", "40", "")]),
    )
    body = answer.content.decode()
    assert answer.status_code == 400
    assert "Write the total as a number of yuan" in body and "Write the share as a number." in body
    assert "Choose the unit or write who the party is." in body
    assert "Choose where this share&#x27;s money comes from." in body
    assert 'value="sixty"' in body and 'value="lots"' in body
    assert not CostAgreement.objects.exists() and CaseEvent.objects.count() == before


def test_only_staff_of_the_case_draw_up_an_agreement(client, cast, case):
    client_for(client, cast.power_liaison)
    url = reverse("cowork:new_agreement", args=[case.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, agreement_post(cast, shares=[(cast.power, "", "100", "company")])).status_code == 404
    assert not CostAgreement.objects.exists()


def test_a_party_cannot_confirm_another_partys_share(client, cast, case):
    agreement = services.create_agreement(
        case,
        actor=cast.world.staff,
        title="分表",
        total="1000",
        basis="amount",
        shares=[
            services.SharePlan(party_name="市南供电所", department=cast.power, amount="600", fund_source="company"),
            services.SharePlan(party_name="衡复物业", department=cast.estate, amount="400", fund_source="company"),
        ],
    )
    theirs = agreement.shares.get(department=cast.estate)
    client_for(client, cast.power_liaison)
    before = CaseEvent.objects.count()
    # The liaison of the power company sees only the agreement of its own share …
    answer = client.post(reverse("cowork:agreement_action", args=[case.pk, agreement.pk, "share", theirs.pk]))
    assert answer.status_code == 400
    assert "Only the party itself confirms its share." in answer.content.decode()
    theirs.refresh_from_db()
    assert theirs.confirmed_at is None and CaseEvent.objects.count() == before


def test_the_agreement_page_runs_a_fixed_number_of_queries(client, cast, case, django_assert_max_num_queries):
    shares = [services.SharePlan(party_name=f"业主{n}", amount="100", fund_source="owners") for n in range(1, 11)]
    agreement = services.create_agreement(
        case, actor=cast.world.staff, title="分表", total="1000", basis="amount", shares=shares
    )
    client_for(client, cast.world.staff)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("cowork:agreement", args=[case.pk, agreement.pk])).status_code == 200


@pytest.fixture
def partnership(cast):
    return Partnership.objects.create(
        department=cast.stranger_unit,
        workstation=cast.world.ws,
        started_on=dt.date(2026, 1, 1),
        deputy_secretary=cast.stranger_liaison,
    )


def test_partners_keep_a_yearly_list_of_commitments_and_record_fulfilment(client, cast, partnership):
    year = timezone.localdate().year
    Commitment.objects.create(partnership=partnership, year=year + 1, title="明年的事")
    client_for(client, cast.stranger_liaison)
    url = reverse("cowork:add_commitment", args=[partnership.pk])
    answer = client.post(url, {"year": year, "title": "每季度一次门责检查"})
    assert answer.status_code == 302
    commitment = Commitment.objects.get(title="每季度一次门责检查")
    page = reverse("cowork:partnership", args=[partnership.pk])
    body = client.get(page).content.decode()
    assert "每季度一次门责检查" in body and "明年的事" not in body and "0 of 1 fulfilled (0%)" in body

    fulfil = reverse("cowork:fulfil_commitment", args=[partnership.pk, commitment.pk])
    assert client.post(fulfil, {"note": "三次检查，记录在册"}).status_code == 302
    commitment.refresh_from_db()
    assert commitment.fulfilled_at is not None and commitment.fulfilment_note == "三次检查，记录在册"
    body = client.get(page).content.decode()
    assert "1 of 1 fulfilled (100%)" in body and "三次检查，记录在册" in body
    assert "明年的事" in client.get(page, {"year": year + 1}).content.decode()
    assert "明年的事" in client.get(page, {"year": "all"}).content.decode()


def test_a_bad_commitment_or_fulfilment_is_refused_in_plain_words(client, cast, partnership):
    year = timezone.localdate().year
    client_for(client, cast.world.staff)
    url = reverse("cowork:add_commitment", args=[partnership.pk])
    answer = client.post(url, {"year": "next", "title": "垃圾分类宣传"})
    body = answer.content.decode()
    assert answer.status_code == 400 and "Write the year as four digits, e.g. 2026." in body
    assert 'value="垃圾分类宣传"' in body
    answer = client.post(url, {"year": year - 1, "title": "垃圾分类宣传"})
    assert answer.status_code == 400 and "A commitment is for this year or a later one." in answer.content.decode()
    assert not Commitment.objects.exists()

    commitment = Commitment.objects.create(partnership=partnership, year=year, title="垃圾分类宣传")
    fulfil = reverse("cowork:fulfil_commitment", args=[partnership.pk, commitment.pk])
    answer = client.post(fulfil, {"note": "  "})
    assert answer.status_code == 400 and "This field is required." in answer.content.decode()
    commitment.refresh_from_db()
    assert commitment.fulfilled_at is None

    # Someone of another unit reads nothing and keeps nothing.
    client_for(client, cast.power_liaison)
    assert client.post(url, {"year": year, "title": "x"}).status_code == 404
    assert client.post(fulfil, {"note": "x"}).status_code == 404
    assert Commitment.objects.count() == 1


def test_a_draft_changed_is_a_new_version_and_keeps_its_confirmations_readable(client, cast, case):
    draft = services.create_agreement(
        case,
        actor=cast.world.staff,
        title="分表",
        total="1000",
        basis="amount",
        shares=[
            services.SharePlan(party_name="市南供电所", department=cast.power, amount="600", fund_source="company"),
            services.SharePlan(party_name="衡复物业", department=cast.estate, amount="400", fund_source="company"),
        ],
    )
    services.confirm_share(draft.shares.get(department=cast.power), actor=cast.power_liaison)
    client_for(client, cast.world.staff)
    url = reverse("cowork:new_agreement", args=[case.pk])
    form = client.get(url).content.decode()
    assert 'value="600.00"' in form and 'value="分表"' in form  # it starts from the draft
    answer = client.post(
        url,
        agreement_post(
            cast,
            basis="amount",
            total="1000",
            shares=[(cast.power, "", "500", "company"), (cast.estate, "", "500", "company")],
        ),
    )
    assert answer.status_code == 302
    draft.refresh_from_db()
    second = CostAgreement.objects.get(case=case, version=2)
    assert draft.status == "superseded" and second.status == "draft"
    assert draft.shares.get(department=cast.power).confirmed_by == cast.power_liaison
    assert not second.shares.filter(confirmed_at__isnull=False).exists()
    # The superseded draft can no longer be confirmed.
    client_for(client, cast.estate_liaison)
    old_share = draft.shares.get(department=cast.estate)
    answer = client.post(reverse("cowork:agreement_action", args=[case.pk, draft.pk, "share", old_share.pk]))
    assert answer.status_code == 400 and "This version is no longer a draft." in answer.content.decode()


def test_the_partnership_page_runs_a_fixed_number_of_queries(client, cast, partnership, django_assert_num_queries):
    year = timezone.localdate().year
    client_for(client, cast.world.staff)
    url = reverse("cowork:partnership", args=[partnership.pk])
    Commitment.objects.create(partnership=partnership, year=year, title="一")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(12):
        Commitment.objects.create(partnership=partnership, year=year, title=f"承诺{n}")
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)
