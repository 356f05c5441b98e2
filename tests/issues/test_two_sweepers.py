"""(f) Each level of the escalation ladder fires exactly once with two sweepers running at the
same moment (two beats, or two workers): SKIP LOCKED on PostgreSQL, compare-and-set on both."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from issues import services
from issues.models import EscalationContact, IssueEvent, Notification, SLAPolicy
from tests import factories

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("sla_policies")]


def two_sweeps_at_once(now: dt.datetime) -> list[dict]:
    barrier = threading.Barrier(2, timeout=30)
    results: list[dict] = []
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            barrier.wait()
            results.append(services.sla_sweep(now=now, batch=2))
        except BaseException as exc:  # noqa: BLE001 - handed back to the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    return results


def test_each_level_fires_exactly_once_with_two_sweepers(world, time_machine, published):
    SLAPolicy.objects.filter(kind="urgent", priority="normal").update(arrive_within=30, escalate_every=15)
    EscalationContact.objects.create(level=3, workstation=world.ws, user=factories.user("secretary"))
    EscalationContact.objects.create(level=4, subdistrict=world.ws.subdistrict, user=factories.user("officer"))
    time_machine.move_to(T0, tick=False)
    issues = [
        factories.issue(loc, kind="urgent")[0] for loc in (world.loc, world.loc2, world.loc, world.loc2, world.loc)
    ]
    fired = 0
    # Every minute for 80 minutes, two sweeps at once, each taking at most 2 issues per run; a
    # full batch sweeps again (as the beat task does), until nothing is left.
    for minute in range(1, 81):
        now = T0 + dt.timedelta(minutes=minute)
        time_machine.move_to(now, tick=False)
        while True:
            results = two_sweeps_at_once(now)
            fired += sum(r["escalated"] for r in results)
            if not any(r["more"] for r in results):
                break
    assert fired == 4 * len(issues)
    for issue in issues:
        notes = list(IssueEvent.objects.filter(issue=issue, type="escalated").values_list("note", flat=True))
        assert len(notes) == 4
        told = list(
            Notification.objects.filter(issue=issue, key__startswith="escalated:").values_list("key", flat=True)
        )
        levels = sorted(int(key.split(":")[-2]) for key in told)
        assert levels == [1, 2, 3, 4], told
        assert IssueEvent.objects.filter(issue=issue, type="reminded").count() == 2  # accept at 9:08, arrive at 9:24
        assert IssueEvent.objects.filter(issue=issue, type="overdue").count() == 2  # accept, arrive (resolve at 13:00)
