"""minqing.config_cache: configuration read once per process, and edits that still take effect."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.utils import timezone

from issues import services
from issues.models import Category, SLAPolicy, WorkdayOverride
from minqing import config_cache
from webhooks.models import Subscription

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _own_version():
    """Each test starts from a version of its own in the shared cache."""
    cache.delete(config_cache.VERSION_KEY)
    yield
    cache.delete(config_cache.VERSION_KEY)


def counting_loader(value="loaded"):
    calls = []

    def load():
        calls.append(1)
        return value

    return load, calls


def test_a_value_is_loaded_once_while_the_version_stands(db):
    load, calls = counting_loader()
    assert config_cache.get("test.value", load) == "loaded"
    assert config_cache.get("test.value", load) == "loaded"
    assert len(calls) == 1


def test_another_process_bumping_the_version_makes_this_one_load_again(db):
    load, calls = counting_loader()
    config_cache.get("test.value", load)
    cache.set(config_cache.VERSION_KEY, "bumped-elsewhere", timeout=None)  # as another process does
    config_cache.get("test.value", load)
    assert len(calls) == 2


def test_a_lost_version_key_means_loading_again(db):
    load, calls = counting_loader()
    config_cache.get("test.value", load)
    cache.delete(config_cache.VERSION_KEY)  # evicted, or the cache was emptied
    config_cache.get("test.value", load)
    assert len(calls) == 2


def test_an_unreachable_shared_cache_reads_the_database_every_time(db, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(config_cache.cache, "get", broken)
    load, calls = counting_loader()
    config_cache.get("test.value", load)
    config_cache.get("test.value", load)
    assert len(calls) == 2


def test_a_snapshot_older_than_max_age_is_loaded_again(db, monkeypatch):
    load, calls = counting_loader()
    config_cache.get("test.value", load)
    monkeypatch.setattr(config_cache, "MAX_AGE_SECONDS", -1.0)
    config_cache.get("test.value", load)
    assert len(calls) == 2


def test_a_save_publishes_a_new_version_after_the_commit(db, django_capture_on_commit_callbacks):
    config_cache.get("test.value", lambda: 1)
    before = cache.get(config_cache.VERSION_KEY)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Category.objects.create(name="电力", slug="power-test", keywords="电线")
        assert cache.get(config_cache.VERSION_KEY) == before  # not before the commit
    for callback in callbacks:
        callback()
    assert cache.get(config_cache.VERSION_KEY) != before


def test_a_new_category_is_used_by_the_next_report(world):
    assert services.create_issue(world.loc, description="电线冒火花")[0].category is None
    power = Category.objects.create(name="电力", slug="power-test", keywords="电线")
    assert services.create_issue(world.loc, description="电线冒火花")[0].category == power
    power.is_active = False
    power.save()
    assert services.create_issue(world.loc, description="电线冒火花")[0].category is None


def test_an_edited_sla_policy_sets_the_next_reports_deadline(world, sla_policies):
    first, _token, _created = services.create_issue(world.loc, description="停电", kind="urgent")
    assert first.resolve_due_at - first.sla_started_at == dt.timedelta(minutes=240)
    policy = SLAPolicy.objects.get(kind="urgent", priority="normal")
    policy.resolve_within = 120
    policy.save()
    second, _token, _created = services.create_issue(world.loc, description="停电", kind="urgent")
    assert second.resolve_due_at - second.sla_started_at == dt.timedelta(minutes=120)


def test_a_new_workday_override_moves_the_next_deadline(world, sla_policies, time_machine):
    # A Friday, in a year the calendar package does not know (Monday to Friday then).
    time_machine.move_to(dt.datetime(2031, 3, 7, 10, 0, tzinfo=SH), tick=False)
    before, _token, _created = services.create_issue(world.loc, description="咨询", kind="consult")
    assert timezone.localtime(before.resolve_due_at).date() == dt.date(2031, 3, 10)
    WorkdayOverride.objects.create(date=dt.date(2031, 3, 10), is_workday=False, note="test holiday")
    after, _token, _created = services.create_issue(world.loc, description="咨询", kind="consult")
    assert timezone.localtime(after.resolve_due_at).date() == dt.date(2031, 3, 11)


def test_a_new_webhook_subscription_gets_the_next_event(world):
    from webhooks.models import Delivery

    services.create_issue(world.loc, description="路灯不亮")  # "no subscription" is now cached
    Subscription.objects.create(owner=world.head, name="hook", url="https://example.org/hook")
    issue, _token, _created = services.create_issue(world.loc, description="路灯又不亮")
    assert Delivery.objects.filter(event__issue=issue).exists()
