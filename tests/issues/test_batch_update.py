"""issues.batch.update_many (the sweep's one UPDATE for a batch) writes what Django's
bulk_update writes: the same rows, on SQLite and PostgreSQL."""

import datetime as dt

from django.utils import timezone

from issues import batch, sla
from issues.models import Issue
from tests import factories


def state(pks) -> dict:
    return {row["id"]: row for row in Issue.objects.filter(pk__in=pks).values("id", *sla.SWEPT_FIELDS)}


def test_update_many_and_bulk_update_write_the_same_rows(world):
    made = [factories.issue(world.loc, description=f"路灯不亮 {n}", route=False)[0] for n in range(4)]
    when = timezone.now().replace(microsecond=123456) + dt.timedelta(days=1)
    changes = [
        {"sla_next_at": when, "escalation_level": 2, "escalate_at": None, "missed": 1, "overdue_at": when},
        {"sla_next_at": None, "escalation_level": 0, "escalate_at": when + dt.timedelta(hours=3), "missed": 0},
        {"sla_next_at": when - dt.timedelta(days=400), "escalation_level": 4, "overdue_at": None},
        {"accept_remind_at": when, "resolve_remind_at": None, "sla_next_at": when},
    ]
    for issue, change in zip(made, changes, strict=True):
        for name, value in change.items():
            setattr(issue, name, value)
    pks = [i.pk for i in made]
    before = state(pks)
    Issue.objects.bulk_update(made, sla.SWEPT_FIELDS)
    by_orm = state(pks)
    assert by_orm != before  # the change is visible
    Issue.objects.filter(pk__in=pks).update(**{f: None for f in sla.SWEPT_FIELDS if f.endswith("_at")})
    assert state(pks) != by_orm
    batch.update_many(Issue, sla.SWEPT_FIELDS, made)
    assert state(pks) == by_orm


def test_an_empty_batch_writes_nothing(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        batch.update_many(Issue, sla.SWEPT_FIELDS, [])
