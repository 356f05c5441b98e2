"""GeoReport v2 endpoints. Each answers XML or JSON by its extension, and refuses with the spec's
error list: 404 for what does not exist, 403 for a wrong or missing api_key, 400 otherwise."""

from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from api.throttles import Open311Throttle

from . import formats, queries
from . import services as o311
from .models import ServiceAttribute

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"


def georeport(methods: tuple[str, ...] = ("GET",)):
    """Checks the format and method, applies the rate limit, and turns Open311Error into the
    spec's error list in the requested format."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args, fmt: str, **kwargs) -> HttpResponse:
            if fmt not in formats.FORMATS:
                return formats.errors("xml", 400, _("Unknown format %(fmt)s: use xml or json.") % {"fmt": fmt})
            if request.method not in methods:
                response = formats.errors(fmt, 405, _("Method %(m)s is not allowed here.") % {"m": request.method})
                response["Allow"] = ", ".join(methods)
                return response
            throttle = Open311Throttle()
            if not throttle.allow_request(request, None):
                response = formats.errors(fmt, 429, _("Too many requests; please slow down."))
                response["Retry-After"] = str(int(throttle.wait() or 1))
                return response
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except o311.Open311Error as exc:
                return formats.errors(fmt, exc.status, *exc.descriptions)

        return wrapper

    return decorate


@georeport()
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = settings.SITE_URL + "/open311/v2"
    document = {
        "changeset": "2026-11-28 00:00",
        "contact": _("Ask the workstation; api keys are issued by the subdistrict's administrator."),
        "key_service": _("Ask the subdistrict's administrator for an api_key."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": "2026-11-28 00:00",
                "type": "production" if not settings.DEBUG else "test",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return formats.render(fmt, "discovery", document)


def _service_item(service) -> dict:
    return {
        "service_code": service.code,
        "service_name": service.name,
        "description": service.description or None,
        "metadata": any(a.variable for a in service.attributes.all()),
        "type": service.type,
        "keywords": service.keywords or None,
        "group": service.group or None,
    }


@georeport()
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    o311.jurisdiction(request.GET.get("jurisdiction_id"))
    return formats.render(fmt, "services", [_service_item(s) for s in o311.active_services()])


@georeport()
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    o311.jurisdiction(request.GET.get("jurisdiction_id"))
    service = o311.service_by_code(code)
    lists = (ServiceAttribute.Datatype.SINGLEVALUELIST, ServiceAttribute.Datatype.MULTIVALUELIST)
    attributes = []
    for attribute in service.attributes.all():
        item = {
            "variable": attribute.variable,
            "code": attribute.code,
            "datatype": attribute.datatype,
            "required": attribute.required,
            "datatype_description": attribute.datatype_description or None,
            "order": attribute.order,
            "description": attribute.description,
        }
        if attribute.datatype in lists:
            item["values"] = [{"key": str(v.get("key")), "name": str(v.get("name"))} for v in attribute.values]
        attributes.append(item)
    return formats.render(fmt, "service_definition", {"service_code": service.code, "attributes": attributes})


@georeport(methods=("GET", "POST"))
def requests_(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        submitted = o311.submit(request.POST, request.POST.get("api_key", "").strip())
        return formats.render(fmt, "service_requests", o311.post_response(submitted))
    issues = queries.query(request.GET)
    defaults = o311.default_services()
    return formats.render(fmt, "service_requests", [queries.describe(i, defaults) for i in issues])


@georeport()
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    issue = queries.one_request(request_id, request.GET.get("jurisdiction_id"))
    return formats.render(fmt, "service_requests", [queries.describe(issue, o311.default_services())])


@georeport()
def token(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    found = queries.by_token(token, request.GET.get("jurisdiction_id"))
    return formats.render(fmt, "service_requests", [{"service_request_id": found.issue.reference, "token": token}])


@csrf_exempt
def not_found(request: HttpRequest) -> HttpResponse:
    fmt = "json" if request.path.endswith(".json") else "xml"
    return formats.errors(fmt, 404, _("There is no such GeoReport v2 resource."))
