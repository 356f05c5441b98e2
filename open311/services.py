"""GeoReport v2 behaviour: jurisdictions, services, api keys, and POST requests (finding the
location, checking the attributes, filing through issues.services.create_issue). The GET side is
open311.queries."""

import datetime as dt
import hashlib
import hmac
import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from issues import services as issue_services
from issues.models import Intake, Issue
from issues.phones import normalize_phone
from issues.text import plain
from workstations.models import Location, Subdistrict

from .models import ApiKey, LocationPoint, Service, ServiceAttribute, ServiceRequest

DESCRIPTION_MAX_LENGTH = 4000
# A lat/long is matched to the nearest location with coordinates within this distance.
MATCH_RADIUS_METRES = 300
DEMO_KEY_NAME = "demo"


class Open311Error(Exception):
    """A refusal with its HTTP status and the descriptions for the spec's error list."""

    def __init__(self, status: int, *descriptions: str):
        self.status = status
        self.descriptions = descriptions
        super().__init__("; ".join(descriptions))


# --- Jurisdictions -----------------------------------------------------------------------------


@dataclass
class Jurisdiction:
    """Everything (subdistrict None), or one subdistrict."""

    subdistrict: Subdistrict | None = None

    def issues(self, qs: QuerySet) -> QuerySet:
        return qs if self.subdistrict is None else qs.filter(workstation__subdistrict=self.subdistrict)

    def locations(self, qs: QuerySet) -> QuerySet:
        if self.subdistrict is None:
            return qs
        return qs.filter(grid__neighbourhood__workstation__subdistrict=self.subdistrict)


def site_jurisdiction_id() -> str:
    return settings.OPEN311_JURISDICTION_ID or (urlsplit(settings.SITE_URL).hostname or "")


def jurisdiction(jurisdiction_id: str | None) -> Jurisdiction:
    """This endpoint answers for the whole site (its own id, or none given) and for each
    subdistrict by its slug. Anything else is 404, as the spec asks."""
    value = (jurisdiction_id or "").strip()
    if not value or value == site_jurisdiction_id():
        return Jurisdiction()
    subdistrict = Subdistrict.objects.filter(slug=value).first()
    if subdistrict is None:
        raise Open311Error(404, _("jurisdiction_id %(id)s was not found.") % {"id": value})
    return Jurisdiction(subdistrict)


# --- Services ----------------------------------------------------------------------------------


def active_services() -> QuerySet[Service]:
    return Service.objects.filter(is_active=True).prefetch_related("attributes").order_by("order", "id")


def service_by_code(code: str) -> Service:
    if not code:
        raise Open311Error(400, _("service_code was not provided."))
    service = active_services().select_related("category").filter(code=code).first()
    if service is None:
        raise Open311Error(404, _("service_code %(code)s was not found.") % {"code": code})
    return service


@dataclass
class ServiceMap:
    """Which service lists one of our own issues: the first active service of its kind and
    category, else the first of its kind without a category."""

    by_kind_category: dict[tuple[str, int], Service]
    by_kind: dict[str, Service]

    def for_issue(self, issue: Issue) -> Service | None:
        return self.by_kind_category.get((issue.kind, issue.category_id)) or self.by_kind.get(issue.kind)

    def own_categories(self, kind: str) -> list[int]:
        return [category for k, category in self.by_kind_category if k == kind]


def default_services() -> ServiceMap:
    services = list(active_services())
    by_kind_category: dict[tuple[str, int], Service] = {}
    by_kind: dict[str, Service] = {}
    for service in services:
        if service.category_id:
            by_kind_category.setdefault((service.kind, service.category_id), service)
        else:
            by_kind.setdefault(service.kind, service)
    for service in services:  # a kind whose only services have categories still lists its issues
        by_kind.setdefault(service.kind, service)
    return ServiceMap(by_kind_category, by_kind)


# --- Api keys ----------------------------------------------------------------------------------


def authenticate(key: str) -> ApiKey:
    if not key:
        raise Open311Error(403, _("api_key is missing -- can't proceed with create_request."))
    api_key = ApiKey.find(key)
    if api_key is None:
        raise Open311Error(403, _("Invalid api_key received -- can't proceed with create_request."))
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=timezone.now())
    return api_key


def demo_api_key() -> str:
    """The demo's key: derived from SECRET_KEY so that seed_demo can print it on every run while
    the database keeps only its hash. Ensures the key row exists."""
    key = "demo-" + hmac.new(settings.SECRET_KEY.encode(), b"open311-demo-key", hashlib.sha256).hexdigest()[:32]
    api_key, created = ApiKey.objects.get_or_create(
        name=DEMO_KEY_NAME, defaults={"prefix": key[:6], "key_hash": hashlib.sha256(key.encode()).hexdigest()}
    )
    wanted = hashlib.sha256(key.encode()).hexdigest()
    if not created and (api_key.key_hash != wanted or api_key.revoked_at is not None):
        api_key.key_hash, api_key.prefix, api_key.revoked_at = wanted, key[:6], None
        api_key.save(update_fields=["key_hash", "prefix", "revoked_at"])
    return key


# --- POST requests -----------------------------------------------------------------------------


def distance_metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance on a sphere of the Earth's mean radius."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def _coordinate(value: str, name: str, limit: int) -> Decimal:
    try:
        number = Decimal(value.strip())
    except InvalidOperation as exc:
        raise Open311Error(400, _("%(name)s must be a number.") % {"name": name}) from exc
    if not number.is_finite() or abs(number) > limit:
        raise Open311Error(400, _("%(name)s is out of range.") % {"name": name})
    return number.quantize(Decimal("0.000001"))


@dataclass
class Place:
    location: Location
    lat: Decimal | None = None
    long: Decimal | None = None


def find_location(params, where: Jurisdiction) -> Place:
    """One of lat & long, address_string or address_id must lead to one of our locations."""
    locations = where.locations(Location.objects.filter(is_active=True)).select_related("grid__neighbourhood")
    lat_raw, long_raw = params.get("lat", "").strip(), params.get("long", "").strip()
    address_id = params.get("address_id", "").strip()
    address_string = params.get("address_string", "").strip()
    if bool(lat_raw) != bool(long_raw):
        raise Open311Error(400, _("lat and long must be sent together."))
    if not (lat_raw or address_id or address_string):
        raise Open311Error(400, _("A location is required: lat & long, address_string or address_id."))
    lat = _coordinate(lat_raw, "lat", 90) if lat_raw else None
    long = _coordinate(long_raw, "long", 180) if long_raw else None
    if address_id:
        location = (
            locations.filter(pk=int(address_id)).first() if address_id.isdigit() and len(address_id) < 18 else None
        )
        if location is None:
            raise Open311Error(400, _("address_id %(id)s is not one of our locations.") % {"id": address_id})
        return Place(location, lat, long)
    if lat is not None:
        points = LocationPoint.objects.filter(location__in=locations).select_related("location")
        best = min(
            ((distance_metres(float(lat), float(long), float(p.lat), float(p.long)), p.location) for p in points),
            default=None,
            key=lambda pair: pair[0],
        )
        if best is not None and best[0] <= MATCH_RADIUS_METRES:
            return Place(best[1], lat, long)
        if not address_string:
            raise Open311Error(
                400, _("No location of ours lies within %(m)s m of lat/long.") % {"m": MATCH_RADIUS_METRES}
            )
    location = (
        locations.filter(Q(address__iexact=address_string) | Q(name__iexact=address_string)).order_by("id").first()
        or locations.filter(Q(address__icontains=address_string) | Q(name__icontains=address_string))
        .order_by("id")
        .first()
    )
    if location is None:
        raise Open311Error(400, _("address_string %(a)s matches none of our locations.") % {"a": address_string})
    return Place(location, lat, long)


def attribute_values(params, service: Service) -> tuple[dict, list[str]]:
    """`attribute[CODE]=value` (and `attribute[CODE][]=v` for lists), checked against the
    definition. Returns (values by code, error descriptions)."""
    values: dict[str, object] = {}
    problems: list[str] = []
    for attribute in service.attributes.all():
        if not attribute.variable:
            continue
        many = params.getlist(f"attribute[{attribute.code}][]") or params.getlist(f"attribute[{attribute.code}]")
        many = [v.strip() for v in many if v.strip()]
        if not many:
            if attribute.required:
                problems.append(_("attribute[%(code)s] is required.") % {"code": attribute.code})
            continue
        keys = {str(v.get("key")) for v in attribute.values}
        kind = attribute.datatype
        if kind == ServiceAttribute.Datatype.MULTIVALUELIST:
            wrong = [v for v in many if v not in keys]
            if wrong:
                problems.append(_("attribute[%(code)s] has unknown values.") % {"code": attribute.code})
            values[attribute.code] = many
            continue
        if len(many) > 1:
            problems.append(_("attribute[%(code)s] takes one value.") % {"code": attribute.code})
            continue
        value = many[0]
        if kind == ServiceAttribute.Datatype.SINGLEVALUELIST and value not in keys:
            problems.append(_("attribute[%(code)s] has an unknown value.") % {"code": attribute.code})
        elif kind == ServiceAttribute.Datatype.NUMBER:
            try:
                Decimal(value)
            except InvalidOperation:
                problems.append(_("attribute[%(code)s] must be a number.") % {"code": attribute.code})
        elif kind == ServiceAttribute.Datatype.DATETIME and parse_w3c(value) is None:
            problems.append(_("attribute[%(code)s] must be an ISO 8601 date.") % {"code": attribute.code})
        elif kind == ServiceAttribute.Datatype.STRING and "\n" in value:
            problems.append(_("attribute[%(code)s] must be one line.") % {"code": attribute.code})
        values[attribute.code] = value
    return values, problems


def _answers_text(service: Service, values: dict) -> str:
    lines = []
    for attribute in service.attributes.all():
        if attribute.code not in values:
            continue
        names = {str(v.get("key")): str(v.get("name")) for v in attribute.values}
        raw = values[attribute.code]
        shown = ", ".join(names.get(v, v) for v in (raw if isinstance(raw, list) else [raw]))
        lines.append(f"{attribute.description} {shown}")
    return "\n".join(lines)


@dataclass
class Submitted:
    request: ServiceRequest
    issue: Issue


def submit(params, api_key_value: str) -> Submitted:
    """Validate a POST requests and file it as an issue. Raises Open311Error."""
    api_key = authenticate(api_key_value)
    where = jurisdiction(params.get("jurisdiction_id"))
    service = service_by_code(params.get("service_code", "").strip())
    place = find_location(params, where)
    values, problems = attribute_values(params, service)
    description = plain(params.get("description", "")).strip()
    if len(description) > DESCRIPTION_MAX_LENGTH:
        problems.append(_("description is limited to 4,000 characters."))
    try:
        phone = normalize_phone(params.get("phone", ""))
    except ValidationError:
        phone = ""
        problems.append(_("phone must be a mainland mobile number like 13812345678 or a landline like 021-12345678."))
    email = params.get("email", "").strip()
    if email and ("@" not in email or len(email) > 254):
        problems.append(_("email is not an email address."))
    media_url = params.get("media_url", "").strip()
    if media_url and (not media_url.lower().startswith(("http://", "https://")) or len(media_url) > 500):
        problems.append(_("media_url must be an http(s) URL."))
    if problems:
        raise Open311Error(400, *problems)
    text = "\n\n".join(part for part in (description, _answers_text(service, values)) if part) or service.name
    name = " ".join(p for p in (params.get("last_name", "").strip(), params.get("first_name", "").strip()) if p)
    with transaction.atomic():
        try:
            issue, _token, _created = issue_services.create_issue(
                place.location,
                description=text,
                default_kind=service.kind,  # an urgent keyword in the text makes it urgent (issues.intake)
                channel=Intake.API,
                category=service.category if service.category_id and service.category.is_active else None,
                reporter_name=name[:50],
                reporter_phone=phone,
            )
        except issue_services.IssueError as exc:
            raise Open311Error(400, str(exc.message)) from exc
        request = ServiceRequest.objects.create(
            issue=issue,
            service=service,
            api_key=api_key,
            attributes=values,
            lat=place.lat,
            long=place.long,
            address_string=params.get("address_string", "").strip()[:300],
            address_id=params.get("address_id", "").strip()[:64],
            email=email[:254],
            device_id=params.get("device_id", "").strip()[:100],
            account_id=params.get("account_id", "").strip()[:100],
            first_name=params.get("first_name", "").strip()[:50],
            last_name=params.get("last_name", "").strip()[:50],
            media_url=media_url,
        )
    return Submitted(request, issue)


def post_response(submitted: Submitted) -> list[dict]:
    """Realtime services answer the request id, batch ones a token, blackbox ones neither."""
    request, service = submitted.request, submitted.request.service
    item: dict = {}
    if service.type == Service.Type.REALTIME:
        item["service_request_id"] = submitted.issue.reference
    elif service.type == Service.Type.BATCH:
        item["token"] = request.token
    item["service_notice"] = service.service_notice or None
    item["account_id"] = request.account_id or None
    return [item]


def parse_w3c(value: str) -> dt.datetime | None:
    """A W3C datetime with a zone, or a date (midnight, our time zone). None if neither."""
    value = value.strip()
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return None
    if parsed is not None:
        return parsed if timezone.is_aware(parsed) else None
    try:
        day = parse_date(value)
    except ValueError:
        return None
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))
