"""One id per request: the proxy's X-Request-ID when it sent a sane one, else a new one. It is in
every log line the request causes (RequestIdFilter), in the response's X-Request-ID header, and in
the headers of every Celery task published meanwhile, whose log lines then carry it too."""

import contextvars
import logging
import re
import time
import uuid

from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
logger = logging.getLogger("observability.request")
current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
# What we accept from outside: short, printable, no spaces (it lands in logs and headers).
ACCEPTED = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,128}$")


def new_id() -> str:
    return uuid.uuid4().hex


def from_header(value: str | None) -> str:
    return value if value and ACCEPTED.match(value) else new_id()


class RequestIdMiddleware:
    """First in MIDDLEWARE, so every other middleware's log lines carry the id."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = from_header(request.headers.get(HEADER))
        request.request_id = request_id
        current.set(request_id)  # cleared when the response is closed (request_finished below)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            # The view's name, never the path: paths carry the residents' tracking tokens.
            match = getattr(request, "resolver_match", None)
            logger.info(
                "%s %s %s %dms",
                request.method,
                match.view_name if match else "-",
                response.status_code,
                (time.monotonic() - started) * 1000,
                extra={"status_code": response.status_code},
            )
        except BaseException:
            current.set("")
            raise
        return response


@receiver(request_finished, dispatch_uid="observability.request_id_cleared")
def clear(sender, **kwargs) -> None:
    """Django logs a 404 or an error response (django.request) after the middleware returned: the
    id stays set until the response is closed."""
    current.set("")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (empty outside a request or task). Put it on the handler:
    handler filters see the records of every logger."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = current.get() or "-"
        return True


def install_record_factory() -> None:
    """Every record gets the id when it is made, whatever handler (or test capture) sees it."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "adds_request_id", False):
        return

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        record.request_id = current.get() or "-"
        return record

    factory.adds_request_id = True
    logging.setLogRecordFactory(factory)
