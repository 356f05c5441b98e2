"""/metrics: refused without the bearer token; with it, request metrics and the domain's own,
computed at scrape time in a fixed number of queries."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

TOKEN = "scrape-token-0123456789"


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return {"Authorization": f"Bearer {TOKEN}"}


def scrape(client, headers) -> str:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def test_without_a_token_set_metrics_are_refused(client, settings):
    settings.METRICS_TOKEN = ""
    response = client.get("/metrics", headers={"Authorization": "Bearer "})
    assert response.status_code == 403 and b"minqing_" not in response.content


def test_a_wrong_token_is_refused(client, token):
    response = client.get("/metrics", headers={"Authorization": "Bearer guess"})
    assert response.status_code == 403 and b"minqing_" not in response.content


def test_after_a_report_the_domain_metrics_show_it(client, world, token):
    factories.issue(world.loc, kind="urgent", description="电线断了")
    client.post(f"/q/{world.loc.qr_token}/", {"kind": "consult", "description": "楼道灯不亮"})
    text = scrape(client, token)
    assert 'minqing_reports_received_total{channel="qr",kind="urgent"} 1.0' in text
    assert 'minqing_reports_received_total{channel="qr",kind="consult"} 1.0' in text
    assert 'minqing_open_issues{status="assigned"} 1.0' in text
    assert "minqing_outbox_backlog" in text and "minqing_notification_backlog" in text
    assert "minqing_sla_breaches_total 0.0" in text
    # django-prometheus: requests by view
    assert 'django_http_requests_latency_seconds_by_view_method_count{method="POST",view="report"}' in text


def test_a_failing_gateway_shows(client, world, token):
    from issues.models import Notification

    factories.issue(world.loc, kind="urgent", reporter_phone="13800138000")
    Notification.objects.filter(channel="sms").update(last_error="alibaba sms: isv.BUSINESS_LIMIT_CONTROL")
    assert 'minqing_gateway_failures{channel="sms"} 1.0' in scrape(client, token)


def test_a_scrape_costs_the_same_queries_whatever_the_data(client, world, token, django_assert_max_num_queries):
    factories.issue(world.loc, kind="urgent")
    with django_assert_max_num_queries(10):
        scrape(client, token)
    for _ in range(15):
        factories.issue(world.loc2, kind="consult")
    with django_assert_max_num_queries(10):
        scrape(client, token)
