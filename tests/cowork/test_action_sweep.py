"""Action items in the core's SLA sweep under frozen time: a reminder before the deadline, the
miss (owner unit and station heads), then one level of the ladder per interval; once each."""

import datetime as dt

import pytest
import time_machine

from cowork import services
from cowork.models import CaseEvent
from issues.escalation import sla_sweep
from issues.models import Notification
from tests import factories
from workstations.models import Role

from .conftest import in_days

pytestmark = pytest.mark.django_db


def test_reminder_miss_and_escalation_run_through_the_sla_sweep(cast, case, settings):
    settings.COWORK_ESCALATE_EVERY_HOURS = 24
    secretary = factories.user("secretary", role=Role.Kind.AREA_SECRETARY, workstation=cast.world.ws)
    start = in_days(0)
    action = services.add_action(
        case, actor=cast.world.staff, title="电表箱移位", owner_unit=cast.estate, due_at=start + dt.timedelta(days=10)
    )

    with time_machine.travel(start + dt.timedelta(days=5), tick=False):
        assert sla_sweep()["actions_reminded"] == 0
    with time_machine.travel(start + dt.timedelta(days=8, hours=1), tick=False):
        assert sla_sweep()["actions_reminded"] == 1
        assert sla_sweep()["actions_reminded"] == 0
    assert Notification.objects.filter(user=cast.estate_liaison, subject__startswith="Due soon").count() == 1

    with time_machine.travel(start + dt.timedelta(days=10, hours=1), tick=False):
        result = sla_sweep()
        assert result["actions_late"] == 1
        assert sla_sweep()["actions_late"] == 0
    late = Notification.objects.filter(subject__startswith="Overdue: 电表箱移位")
    assert {cast.estate_liaison, cast.world.head} <= {n.user for n in late}
    assert not Notification.objects.filter(user=secretary).exists()

    with time_machine.travel(start + dt.timedelta(days=11, hours=2), tick=False):
        assert sla_sweep()["actions_escalated"] == 1
        assert sla_sweep()["actions_escalated"] == 0
    assert Notification.objects.filter(user=secretary, subject__startswith="Escalated").count() == 1
    assert list(case.events.filter(type__startswith="action_").values_list("type", flat=True)) == [
        CaseEvent.Type.ACTION_ADDED,
        CaseEvent.Type.ACTION_REMINDED,
        CaseEvent.Type.ACTION_OVERDUE,
        CaseEvent.Type.ACTION_ESCALATED,
    ]
    action.refresh_from_db()
    assert action.escalation_level == 3


def test_a_done_action_item_is_never_chased(cast, case):
    start = in_days(0)
    action = services.add_action(
        case, actor=cast.world.staff, title="勘查", owner_unit=cast.power, due_at=start + dt.timedelta(days=2)
    )
    services.complete_action(action, actor=cast.power_liaison, note="已勘查")
    with time_machine.travel(start + dt.timedelta(days=5), tick=False):
        result = sla_sweep()
    assert (result["actions_reminded"], result["actions_late"]) == (0, 0)
