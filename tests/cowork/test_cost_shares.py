"""费用分摊: shares that add up (percentages to 100, amounts to the total, in Decimal), each
party's confirmation, payment by milestone, and a new version for a change after agreement."""

from decimal import Decimal

import pytest

from cowork import services
from cowork.models import CostAgreement, CostShare

pytestmark = pytest.mark.django_db


def shares(cast, a="60", b="40"):
    return [
        services.SharePlan(party_name="市南供电所", department=cast.power, percent=Decimal(a), fund_source="company"),
        services.SharePlan(party_name="高安路业主", percent=Decimal(b), fund_source="owners"),
    ]


def test_percentages_that_do_not_add_up_to_100_are_refused_and_nothing_is_saved(cast, case):
    with pytest.raises(services.CaseError, match="99.9"):
        services.create_agreement(
            case,
            actor=cast.world.staff,
            title="分表",
            total="10000",
            basis="percent",
            shares=shares(cast, "59.9", "40"),
        )
    assert not CostAgreement.objects.exists() and not CostShare.objects.exists()


def test_amounts_must_add_up_to_the_total(cast, case):
    plans = [
        services.SharePlan(party_name="A", amount=Decimal("3000.10"), fund_source="subsidy"),
        services.SharePlan(party_name="B", amount=Decimal("6999.80"), fund_source="maintenance_fund"),
    ]
    with pytest.raises(services.CaseError, match="not the total"):
        services.create_agreement(
            case, actor=cast.world.staff, title="分表", total="10000", basis="amount", shares=plans
        )
    assert not CostAgreement.objects.exists()


def test_percent_shares_become_amounts_that_add_up_to_the_fen(cast, case):
    plans = [
        services.SharePlan(party_name=n, percent=Decimal(p), fund_source="owners")
        for n, p in (("A", "33.33"), ("B", "33.33"), ("C", "33.34"))
    ]
    agreement = services.create_agreement(
        case, actor=cast.world.staff, title="x", total="100.01", basis="percent", shares=plans
    )
    assert sum(s.amount for s in agreement.shares.all()) == Decimal("100.01")


def test_every_party_confirms_then_it_is_agreed_and_paid_by_milestone(cast, case):
    agreement = services.create_agreement(
        case,
        actor=cast.world.staff,
        title="三相电表分装",
        total="12000",
        basis="percent",
        shares=shares(cast),
        milestones=[("首期", Decimal("6000")), ("竣工", Decimal("6000"))],
    )
    power_share, owners_share = agreement.shares.all()
    with pytest.raises(services.CaseError, match="party itself"):
        services.confirm_share(power_share, actor=cast.estate_liaison)
    services.confirm_share(power_share, actor=cast.power_liaison)
    with pytest.raises(services.CaseError, match="already"):
        services.confirm_share(power_share, actor=cast.power_liaison)
    agreement.refresh_from_db()
    assert agreement.status == "draft"
    services.confirm_share(owners_share, actor=cast.world.staff)
    agreement.refresh_from_db()
    assert agreement.status == "agreed" and agreement.agreed_at
    power_share.refresh_from_db()
    assert power_share.confirmed_by == cast.power_liaison and power_share.confirmed_at
    first, last = agreement.milestones.all()
    services.pay_milestone(first, actor=cast.world.staff)
    agreement.refresh_from_db()
    assert agreement.status == "agreed"
    services.pay_milestone(last, actor=cast.world.staff)
    agreement.refresh_from_db()
    assert agreement.status == "paid"


def test_a_change_after_agreement_is_a_new_version_and_the_old_one_stays_readable(cast, case):
    first = services.create_agreement(
        case, actor=cast.world.staff, title="分表", total="10000", basis="percent", shares=shares(cast)
    )
    for share in first.shares.all():
        services.confirm_share(share, actor=cast.power_liaison if share.department_id else cast.world.staff)
    second = services.create_agreement(
        case, actor=cast.world.staff, title="分表", total="11000", basis="percent", shares=shares(cast, "50", "50")
    )
    first.refresh_from_db()
    assert (first.status, second.version, second.previous, second.status) == ("superseded", 2, first, "draft")
    assert [s.amount for s in first.shares.all()] == [Decimal("6000.00"), Decimal("4000.00")]
