from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class BadParameterMiddleware:
    """A query parameter a view cannot use (minqing.params.BadParameter) is a 400 with its
    reason, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from .params import BadParameter

        if not isinstance(exception, BadParameter):
            return None
        if request.path.startswith(("/api/", "/open311/")):
            return JsonResponse({"detail": exception.message}, status=400)
        return HttpResponseBadRequest(exception.message, content_type="text/plain; charset=utf-8")


def _holds_nul(values) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values.getlist(key)) for key in values)


class RefuseNulCharactersMiddleware:
    """A NUL character in the path, the query or a form field is refused with a 400 and its reason.

    No person types one; a scanner does. PostgreSQL cannot store or compare it in a text value,
    so any view that reached the database with it would answer 500. Forms would catch it one by
    one (Django's CharField refuses it); here one rule covers every view, including those that read
    a parameter directly. Uploaded files are not looked into."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        held = "\x00" in request.path or _holds_nul(request.GET)
        if not held and request.method == "POST" and request.content_type in FORM_TYPES:
            held = _holds_nul(request.POST)
        if held:
            reason = _("The request contains a NUL character, which is not allowed.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": reason}, status=400)
            return HttpResponseBadRequest(reason, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
