"""The site's own 404 and 500 pages while DEBUG is on, when SITE_ERROR_PAGES says so (`make run`
does): a mistyped QR code shows what a resident would see in production, not Django's technical
page. With DEBUG off Django shows these pages itself and this middleware does nothing."""

import logging

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.views import defaults

logger = logging.getLogger("django.request")

# Django answers these with its ordinary 400 / 403 handling, also in DEBUG.
HANDLED_BY_DJANGO = (PermissionDenied, BadRequest, SuspiciousOperation)


def _active() -> bool:
    return settings.DEBUG and settings.SITE_ERROR_PAGES


class SiteErrorPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # No view matched the path: Django's technical 404 page, unless we answer for it.
        if response.status_code == 404 and getattr(request, "resolver_match", None) is None and _active():
            return defaults.page_not_found(request, Http404())
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _active() or isinstance(exception, HANDLED_BY_DJANGO):
            return None
        if isinstance(exception, Http404):
            return defaults.page_not_found(request, exception)
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=(type(exception), exception, exception.__traceback__),
            extra={"status_code": 500, "request": request},
        )
        return defaults.server_error(request)
