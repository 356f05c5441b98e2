"""minqing.rows: the resident path's fixed reads give the objects a queryset would."""

import pytest
from django.forms.models import model_to_dict

from issues import services
from issues.models import Issue, IssueEvent
from minqing.rows import Select
from workstations.models import Location
from workstations.services import resolve_qr_token


def same_fields(a, b) -> None:
    assert type(a) is type(b)
    for field in type(a)._meta.concrete_fields:
        assert getattr(a, field.attname) == getattr(b, field.attname), field.name


def test_a_location_comes_with_its_place_hierarchy_in_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        location, _state = resolve_qr_token(world.loc.qr_token)
        workstation = location.grid.neighbourhood.workstation
        code = workstation.subdistrict.code
    expected = Location.objects.select_related("grid__neighbourhood__workstation__subdistrict").get(pk=world.loc.pk)
    same_fields(location, expected)
    same_fields(location.grid, expected.grid)
    same_fields(location.grid.neighbourhood, expected.grid.neighbourhood)
    same_fields(workstation, expected.grid.neighbourhood.workstation)
    assert code == expected.grid.neighbourhood.workstation.subdistrict.code


def test_an_issue_reads_back_as_the_orm_gives_it(world, django_assert_num_queries):
    issue, _token, _created = services.create_issue(world.loc, description="路灯不亮", reporter_phone="13812341234")
    select = Select(Issue, ("location", "workstation", "assignee"), where="t0.id = %s")
    with django_assert_num_queries(1):
        found = select.first(issue.pk)
        assert found.assignee is None  # a NULL foreign key, left-joined: no query
        assert found.location.name == world.loc.name
    expected = Issue.objects.get(pk=issue.pk)
    same_fields(found, expected)
    assert model_to_dict(found) == model_to_dict(expected)
    assert found.created_at.tzinfo is not None and found.created_at == expected.created_at
    assert not found._state.adding and found._state.db == "default"


def test_rows_come_in_order_and_booleans_are_booleans(world):
    issue, _token, _created = services.create_issue(world.loc, description="路灯不亮")
    IssueEvent.objects.create(issue=issue, type=IssueEvent.Type.NOTE, note="internal", is_public=False)
    IssueEvent.objects.create(issue=issue, type=IssueEvent.Type.RESIDENT_NOTE, note="补充")
    select = Select(IssueEvent, where="t0.issue_id = %s", order_by="t0.created_at, t0.id")
    events = select.all(issue.pk)
    assert [e.pk for e in events] == list(
        IssueEvent.objects.filter(issue=issue).order_by("created_at", "id").values_list("pk", flat=True)
    )
    assert [e.is_public for e in events] == [True, False, True]
    assert select.first(-1) is None


def test_insert_writes_what_save_would_and_sends_the_signals(world):
    from django.db.models.signals import post_save, pre_save

    from issues.models import Outbox
    from minqing.rows import insert

    issue, _token, _created = services.create_issue(world.loc, description="路灯不亮")
    seen = []

    def pre(sender, instance, **kwargs):
        seen.append(("pre", instance.pk))

    def post(sender, instance, created, **kwargs):
        seen.append(("post", instance.pk, created))

    pre_save.connect(pre, sender=IssueEvent)
    post_save.connect(post, sender=IssueEvent)
    try:
        event = insert(IssueEvent(issue=issue, type=IssueEvent.Type.NOTE, note="记录", is_public=False))
    finally:
        pre_save.disconnect(pre, sender=IssueEvent)
        post_save.disconnect(post, sender=IssueEvent)
    assert seen == [("pre", None), ("post", event.pk, True)]
    assert event.created_at is not None and not event._state.adding
    same_fields(event, IssueEvent.objects.get(pk=event.pk))
    outbox = insert(Outbox(topic=Outbox.Topic.ROUTE, issue=issue, publish_after=issue.created_at))
    same_fields(outbox, Outbox.objects.get(pk=outbox.pk))
    with pytest.raises(ValueError):
        insert(event)


AWKWARD = ['引号"与\\反斜杠', "{braces}, commas", "NULL", "", "line\nbreak", "  spaces  "]


def test_batches_write_awkward_texts_nulls_and_datetimes_as_given(world):
    """insert_many / update_many pass each column as one value (an array literal on PostgreSQL):
    quotes, backslashes, braces, commas, the word NULL, empty strings and None come back as given."""
    import datetime as dt

    from django.utils import timezone

    from minqing.rows import insert_many, update_many

    issue, _token, _created = services.create_issue(world.loc, description="路灯不亮")
    rows = [(issue.pk, IssueEvent.Type.NOTE.value, note, n % 2 == 0) for n, note in enumerate(AWKWARD)]
    ids = insert_many(IssueEvent, ("issue", "type", "note", "is_public"), rows, returning=True)
    events = IssueEvent.objects.in_bulk(ids)
    assert [(events[pk].note, events[pk].is_public) for pk in ids] == [(r[2], r[3]) for r in rows]

    when = timezone.now().replace(microsecond=123456) + dt.timedelta(days=1)
    issue.sla_next_at, issue.escalation_level, issue.escalate_at = when, 2, None
    other, _t, _c = services.create_issue(world.loc, description="垃圾没收")
    other.sla_next_at, other.escalation_level, other.escalate_at = None, 0, when
    update_many(Issue, ["sla_next_at", "escalation_level", "escalate_at"], [issue, other])
    got = Issue.objects.in_bulk([issue.pk, other.pk])
    assert (got[issue.pk].sla_next_at, got[issue.pk].escalation_level, got[issue.pk].escalate_at) == (when, 2, None)
    assert (got[other.pk].sla_next_at, got[other.pk].escalation_level, got[other.pk].escalate_at) == (None, 0, when)
