"""GeoReport v2 documents in XML (required) and JSON (the Spark convention: a collection is a
JSON array, a single resource an object; booleans and numbers keep their types; empty is null).

A document is plain data: a dict for an element with children, a list for repeated children.
"""

import datetime as dt
import json
from decimal import Decimal
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils import timezone

XML_TYPE = "text/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"
FORMATS = ("xml", "json")

# The element name of one member of each repeated element.
MEMBER = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


def w3c(value: dt.datetime | None) -> str | None:
    """A W3C datetime with its offset, in our time zone: 2026-11-28T09:30:00+08:00."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return w3c(value)
    return str(value)


def _xml(name: str, value, out: list[str]) -> None:
    if isinstance(value, dict):
        out.append(f"<{name}>")
        for key, child in value.items():
            _xml(key, child, out)
        out.append(f"</{name}>")
    elif isinstance(value, list):
        out.append(f"<{name}>")
        member = MEMBER.get(name, "item")
        for child in value:
            _xml(member, child, out)
        out.append(f"</{name}>")
    elif value is None or value == "":
        out.append(f"<{name}/>")
    else:
        out.append(f"<{name}>{escape(_text(value))}</{name}>")


def to_xml(root: str, document) -> str:
    out = ['<?xml version="1.0" encoding="utf-8"?>']
    _xml(root, document, out)
    return "\n".join(out) + "\n"


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return w3c(value)
    if isinstance(value, Decimal):
        return float(value)
    if value == "":
        return None
    return value


def to_json(document) -> str:
    return json.dumps(_jsonable(document), ensure_ascii=False)


def render(fmt: str, root: str, document, *, status: int = 200) -> HttpResponse:
    if fmt == "json":
        return HttpResponse(to_json(document), content_type=JSON_TYPE, status=status)
    return HttpResponse(to_xml(root, document), content_type=XML_TYPE, status=status)


def errors(fmt: str, status: int, *descriptions: str, code: int | None = None) -> HttpResponse:
    """The spec's error list: each error has a code (the HTTP status here) and a description."""
    items = [{"code": code or status, "description": str(d)} for d in descriptions]
    return render(fmt if fmt in FORMATS else "xml", "errors", items, status=status)
