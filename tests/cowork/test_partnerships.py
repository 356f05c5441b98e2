"""结对: a report in a topic the partnership co-owns is sent to the partner bureau as a 派单 when
it is routed; other topics and other areas are not."""

import datetime as dt

import pytest

from cowork import services
from cowork.models import Commitment, Partnership
from issues.models import Category, Dispatch
from tests import factories
from workstations.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership(world, sla_policies):
    bureau = factories.department(world.ws.subdistrict, name="区绿化市容局", category="bureau")
    greening = Category.objects.create(name="绿化市容", slug="greening", keywords="绿化 树枝 垃圾")
    Category.objects.create(name="电力", slug="power", keywords="电表")
    deputy = factories.user("deputy", role=Role.Kind.DEPUTY_SECRETARY, workstation=world.ws)
    p = Partnership.objects.create(
        department=bureau, workstation=world.ws, deputy_secretary=deputy, started_on=dt.date(2026, 1, 1)
    )
    p.categories.add(greening)
    factories.user("bureau", role=Role.Kind.LIAISON, department=bureau)
    return p


def test_a_report_in_a_co_owned_topic_is_sent_to_the_bureau(world, partnership):
    issue, _t = factories.issue(world.loc, description="小区树枝挡住路灯", kind="consult")
    dispatch = Dispatch.objects.get(issue=issue)
    assert dispatch.department == partnership.department and not dispatch.required


def test_other_topics_and_other_areas_are_not_sent(world, partnership):
    mine, _t = factories.issue(world.loc, description="电表不走了", kind="consult")
    elsewhere, _t = factories.issue(world.other_loc, description="树枝挡路", kind="consult")
    assert not Dispatch.objects.filter(issue__in=[mine, elsewhere]).exists()


def test_commitments_are_fulfilled_by_the_partners_only(world, partnership):
    c = Commitment.objects.create(partnership=partnership, year=2026, title="每季度一次门责检查")
    with pytest.raises(services.CaseError, match="partners"):
        services.fulfil_commitment(c, actor=world.outsider, note="x")
    services.fulfil_commitment(c, actor=partnership.deputy_secretary, note="已完成四次")
    c.refresh_from_db()
    assert c.fulfilled_at and c.fulfilment_note == "已完成四次"
