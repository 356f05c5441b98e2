"""/metrics for Prometheus: django-prometheus's request counts and latencies by view, and the
domain's own gauges, computed at scrape time from the database in a fixed number of queries
(one per family), so the scrape costs the same whatever the data size."""

import datetime as dt
import hmac

from django.conf import settings
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe
from prometheus_client import REGISTRY, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from issues import stats
from issues.lifecycle import OPEN_STATUSES
from issues.models import Issue, IssueEvent, Notification, Outbox

from . import queue, tasks


class DomainCollector:
    def collect(self):
        now = timezone.now()
        received = CounterMetricFamily(
            "minqing_reports_received", "Reports received, by kind and channel.", labels=["kind", "channel"]
        )
        for row in Issue.objects.order_by().values("kind", "channel").annotate(n=Count("id")):
            received.add_metric([row["kind"], row["channel"]], row["n"])
        yield received

        open_issues = GaugeMetricFamily("minqing_open_issues", "Issues not yet closed, by status.", labels=["status"])
        for row in Issue.objects.filter(status__in=OPEN_STATUSES).order_by().values("status").annotate(n=Count("id")):
            open_issues.add_metric([row["status"]], row["n"])
        yield open_issues

        events = dict(
            IssueEvent.objects.filter(type__in=[IssueEvent.Type.OVERDUE, IssueEvent.Type.ESCALATED])
            .order_by()
            .values_list("type")
            .annotate(n=Count("id"))
        )
        yield CounterMetricFamily(
            "minqing_sla_breaches", "Deadlines missed (overdue events).", value=events.get(IssueEvent.Type.OVERDUE, 0)
        )
        levels = GaugeMetricFamily(
            "minqing_escalation_level_issues", "Open issues by the ladder level they reached.", labels=["level"]
        )
        for row in (
            Issue.objects.filter(status__in=OPEN_STATUSES, escalation_level__gt=0)
            .order_by()
            .values("escalation_level")
            .annotate(n=Count("id"))
        ):
            levels.add_metric([str(row["escalation_level"])], row["n"])
        yield levels
        yield CounterMetricFamily(
            "minqing_escalations", "Escalation events.", value=events.get(IssueEvent.Type.ESCALATED, 0)
        )

        yield GaugeMetricFamily(
            "minqing_outbox_backlog",
            "Routing intents not yet done.",
            value=Outbox.objects.filter(done_at__isnull=True).count(),
        )
        backlog = GaugeMetricFamily(
            "minqing_notification_backlog", "Messages not yet sent, by channel.", labels=["channel"]
        )
        failing = GaugeMetricFamily(
            "minqing_gateway_failures", "Unsent messages whose last attempt failed, by channel.", labels=["channel"]
        )
        for row in (
            Notification.objects.filter(sent_at__isnull=True)
            .order_by()
            .values("channel")
            .annotate(n=Count("id"), failed=Count("id", filter=~Q(last_error="")))
        ):
            backlog.add_metric([row["channel"]], row["n"])
            failing.add_metric([row["channel"]], row["failed"])
        yield backlog
        yield failing

        depth = queue.depth()
        if depth is not None:
            yield GaugeMetricFamily("minqing_celery_queue_depth", "Celery messages waiting.", value=depth)
        swept = tasks.last_sweep()
        if swept is not None:
            yield GaugeMetricFamily(
                "minqing_last_sweep_age_seconds",
                "Seconds since the last SLA sweep.",
                value=(now - swept).total_seconds(),
            )

        today = timezone.localdate(now)
        this_year = stats.received_between(Issue.objects.all(), dt.date(today.year, 1, 1), today)
        rates = {
            name: GaugeMetricFamily(
                f"minqing_{name}",
                f"This year's {label} per workstation, in percent (issues.stats).",
                labels=["workstation"],
            )
            for name, label in (
                ("response_rate", "响应率"),
                ("resolution_rate", "解决率"),
                ("satisfaction_rate", "满意率"),
            )
        }
        for row in stats.by(this_year, "workstation__slug", now=now):
            for name, family in rates.items():
                value = getattr(row, name)
                if value is not None:
                    family.add_metric([str(row.key)], value)
        yield from rates.values()


_registered = False


def register() -> None:
    global _registered
    if not _registered:
        REGISTRY.register(DomainCollector())
        _registered = True


def authorized(request: HttpRequest) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "")
    sent = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())


@require_safe
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not authorized(request):
        response = HttpResponse("Forbidden: send Authorization: Bearer $METRICS_TOKEN.\n", status=403)
        response["Content-Type"] = "text/plain; charset=utf-8"
        return response
    register()
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
