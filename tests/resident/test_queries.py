"""Every resident page runs a small, fixed number of queries, whatever the size of the data."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gateways.receivers import any_robot
from issues import extensions, faq, keywords, services, sla
from issues.models import FAQ, IssuePhoto, KeywordRule
from minqing import config_cache
from tests import factories
from webhooks import services as webhooks_services
from workstations.models import Location

from .conftest import image_bytes, upload

# The budgets: what each page needs, counted once here and held at small and large N, on a
# running server (configuration cached, see `warm`).
# - the form: the location with its place hierarchy, the QR scan counter (an UPDATE; the day's
#   first scan also INSERTs the day's row, in a savepoint of its own);
# - the submit: the location, then one transaction (a savepoint in tests): the day's reference
#   number (one upsert), the issue, its "created" event, its outbox row. Categories, SLA
#   policies, the working calendar and webhook subscriptions come from minqing.config_cache;
#   with a cold cache the first report reads them (CONFIG_READS more);
# - the tracking page: the issue with its place, its public events, its photos.
REPORT_FORM = 2
REPORT_FORM_FIRST_SCAN_OF_DAY = 5
REPORT_POST = 7
CONFIG_READS = 5  # … and whether any group robot is on (gateways)
TRACK = 3
FAQ_PAGE = 0  # served from the in-process index
SUGGEST = 0


def english() -> Client:
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def warm(db):
    """The in-process caches filled, as they are on a running server."""
    keywords.active_phrases()
    faq.index()
    warm_config()


def warm_config() -> None:
    services.match_category("")
    sla.cached_targets()
    sla.cached_calendar().is_workday(timezone.localdate())
    webhooks_services.fan_out_many([])
    any_robot()  # gateways: whether a workstation's group hears of urgent reports
    # Apps' report-form additions read their own per-process snapshots (issues.extensions).
    extensions.context("report_context", Location(pk=0))


@pytest.mark.parametrize("rules", [1, 60])
def test_the_report_form(world, warm, django_assert_max_num_queries, rules):
    KeywordRule.objects.bulk_create(KeywordRule(phrase=f"词{n}") for n in range(rules))
    keywords.active_phrases()
    client = english()
    with django_assert_max_num_queries(REPORT_FORM_FIRST_SCAN_OF_DAY):
        assert client.get(world.loc.report_path()).status_code == 200
    with django_assert_max_num_queries(REPORT_FORM):
        assert client.get(world.loc.report_path()).status_code == 200


@pytest.mark.parametrize("earlier", [0, 30])
def test_sending_a_text_only_report(world, warm, django_assert_max_num_queries, earlier):
    for n in range(earlier):
        factories.issue(world.loc, description=f"第{n}件", route=False)
    warm_config()
    client = english()
    data = {"description": "路灯不亮", "idempotency_key": "q" * 20}
    with django_assert_max_num_queries(REPORT_POST):
        assert client.post(world.loc.report_path(), data).status_code == 303


def test_a_report_with_an_urgent_keyword_adds_only_its_flag(world, warm, django_assert_max_num_queries):
    KeywordRule.objects.update_or_create(phrase="漏电", defaults={"is_active": True})
    keywords.active_phrases()
    warm_config()
    data = {"description": "楼道里电线漏电了", "idempotency_key": "u" * 20}
    with django_assert_max_num_queries(REPORT_POST + 1):  # the internal "flagged" event
        assert english().post(world.loc.report_path(), data).status_code == 303


def test_a_cold_configuration_cache_costs_a_fixed_few_reads(world, django_assert_max_num_queries):
    keywords.active_phrases()
    config_cache.clear_local()
    data = {"description": "路灯不亮", "idempotency_key": "c" * 20}
    with django_assert_max_num_queries(REPORT_POST + CONFIG_READS):
        assert english().post(world.loc.report_path(), data).status_code == 303


@pytest.mark.parametrize("extra", [0, 12])
def test_the_tracking_page(world, warm, django_assert_max_num_queries, extra):
    issue, token = factories.issue(world.loc)
    for n in range(extra):
        services.add_resident_note(issue, note=f"补充{n}")
    for n in range(min(extra, 6)):
        IssuePhoto.objects.create(issue=issue, image=upload(image_bytes(), f"{n}.jpg"))
    client = english()
    with django_assert_max_num_queries(TRACK):
        assert client.get(reverse("track", args=[token])).status_code == 200


@pytest.mark.parametrize("entries", [3, 80])
def test_the_faq_page_and_suggestions(db, django_assert_max_num_queries, entries):
    FAQ.objects.bulk_create(
        FAQ(question=f"电梯问题{n}？", answer="找物业。", category=f"类{n % 5}", is_published=True)
        for n in range(entries)
    )
    faq.index()
    client = english()
    with django_assert_max_num_queries(FAQ_PAGE):
        assert client.get(reverse("faq")).status_code == 200
        assert client.get(reverse("faq"), {"q": "电梯"}).status_code == 200
    with django_assert_max_num_queries(SUGGEST):
        assert client.get(reverse("faq_suggest"), {"q": "电梯坏了"}).status_code == 200


def test_the_own_list(db, django_assert_max_num_queries):
    with django_assert_max_num_queries(0):
        assert english().get(reverse("my_reports")).status_code == 200
