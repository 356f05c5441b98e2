"""GeoReport v2 GET requests: the spec's filters and defaults, and our issues described as
service requests."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from issues.lifecycle import OPEN_STATUSES, Status
from issues.models import Issue
from minqing import params as params_range

from .models import Service, ServiceRequest
from .services import Open311Error, ServiceMap, default_services, jurisdiction, parse_w3c

DEFAULT_SPAN = dt.timedelta(days=90)
MAX_REQUESTS = 1000


# --- GET requests ------------------------------------------------------------------------------


def _date_param(params, name: str) -> dt.datetime | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    parsed = parse_w3c(raw)
    if parsed is None:
        raise Open311Error(
            400, _("%(name)s must be a W3C datetime with a time zone, e.g. 2010-01-01T00:00:00Z.") % {"name": name}
        )
    if not params_range.within_range(parsed):
        raise Open311Error(400, params_range.out_of_range(name))
    return parsed


def _csv(params, name: str) -> list[str]:
    return [v.strip() for v in params.get(name, "").split(",") if v.strip()]


def issues_queryset() -> QuerySet[Issue]:
    return Issue.objects.select_related("location__open311_point", "workstation", "open311_request__service").order_by(
        "-created_at", "-id"
    )


def query(params, *, now: dt.datetime | None = None) -> list[Issue]:
    """GET requests with the spec's filters and defaults (90 days, at most 1000)."""
    where = jurisdiction(params.get("jurisdiction_id"))
    issues = where.issues(issues_queryset())
    ids = _csv(params, "service_request_id")
    if ids:  # "This overrides all other arguments."
        return list(issues.filter(reference__in=ids[:MAX_REQUESTS])[:MAX_REQUESTS])
    now = now or timezone.now()
    start, end = _date_param(params, "start_date"), _date_param(params, "end_date")
    if start and end and start > end:
        raise Open311Error(400, _("start_date is after end_date."))
    if start and end and end - start > DEFAULT_SPAN:
        raise Open311Error(400, _("start_date and end_date may not span more than 90 days."))
    if start is None and end is None:
        end, start = now, now - DEFAULT_SPAN
    elif start is None:
        start = end - DEFAULT_SPAN
    elif end is None:
        end = start + DEFAULT_SPAN
    issues = issues.filter(created_at__gte=start, created_at__lte=end)
    codes = _csv(params, "service_code")
    if codes:
        issues = issues.filter(_service_q(codes))
    statuses = _csv(params, "status")
    unknown = [s for s in statuses if s not in ("open", "closed")]
    if unknown:
        raise Open311Error(400, _("status must be open or closed."))
    if set(statuses) == {"open"}:
        issues = issues.filter(status__in=list(OPEN_STATUSES))
    elif set(statuses) == {"closed"}:
        issues = issues.exclude(status__in=list(OPEN_STATUSES))
    return list(issues[:MAX_REQUESTS])


def _service_q(codes: list[str]) -> Q:
    services = default_services()
    q = Q(pk__in=[])
    for service in Service.objects.filter(code__in=codes):
        q |= Q(open311_request__service=service)
        ours = Q(open311_request__isnull=True, kind=service.kind)
        if service.category_id and services.by_kind_category.get((service.kind, service.category_id)) == service:
            q |= ours & Q(category_id=service.category_id)
        if services.by_kind.get(service.kind) == service:
            q |= ours & ~Q(category_id__in=services.own_categories(service.kind))
    return q


def one_request(request_id: str, jurisdiction_id: str | None) -> Issue:
    where = jurisdiction(jurisdiction_id)
    issue = where.issues(issues_queryset()).filter(reference=request_id).first()
    if issue is None:
        raise Open311Error(404, _("service_request_id %(id)s was not found.") % {"id": request_id})
    return issue


def by_token(token: str, jurisdiction_id: str | None) -> ServiceRequest:
    where = jurisdiction(jurisdiction_id)
    request = ServiceRequest.objects.select_related("issue").filter(token=token).first()
    if request is None or not where.issues(Issue.objects.filter(pk=request.issue_id)).exists():
        raise Open311Error(404, _("token %(t)s was not found.") % {"t": token})
    return request


def describe(issue: Issue, services: ServiceMap) -> dict:
    """One service request as the spec lists it: the public summary (service, status, the lane,
    dates), and the description and status notes once staff marked it publishable
    (issues.moderation). Never the reporter's name, phone or email, nor an internal note."""
    request = getattr(issue, "open311_request", None)
    service = request.service if request else services.for_issue(issue)
    is_open = issue.status in OPEN_STATUSES
    point = getattr(issue.location, "open311_point", None)
    # What a resident wrote and what staff answered: only once staff marked it publishable.
    moderated = issue.publishable_at is not None
    label = str(Status(issue.status).label) if issue.status in Status.values else ""
    notes = issue.resolution if moderated and not is_open and issue.resolution else label
    # The exact point a client sent only when publishable; else the lane's.
    own_point = moderated and request is not None and request.lat is not None
    return {
        "service_request_id": issue.reference,
        "status": "open" if is_open else "closed",
        "status_notes": notes,
        "service_name": service.name if service else None,
        "service_code": service.code if service else None,
        "description": issue.description if moderated and service and service.publish_descriptions else None,
        "agency_responsible": issue.workstation.name,
        "service_notice": (service.service_notice or None) if service else None,
        "requested_datetime": issue.created_at,
        "updated_datetime": (issue.closed_at or issue.updated_at) if not is_open else issue.updated_at,
        "expected_datetime": issue.resolve_due_at,
        "address": issue.location.address or issue.location.name,
        "address_id": issue.location_id,
        "zipcode": None,
        "lat": request.lat if own_point else (point.lat if point else None),
        "long": request.long if own_point else (point.long if point else None),
        "media_url": (request.media_url or None) if request and moderated else None,
    }
