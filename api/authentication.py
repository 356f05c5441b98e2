"""`Authorization: Token <key>` (or `Bearer <key>`) for systems; only the key's hash is stored.

Failed token logins are counted per client address (issue 14): once an address has sent
`API_TOKEN_FAILURES_PER_IP` wrong tokens in 15 minutes, any token it sends is refused with 429
before it is looked up, so keys cannot be guessed by trying."""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from issues import ratelimit

from .models import ApiToken

FAILURE_WINDOW_SECONDS = 15 * 60

# Writing last_used_at on every request would make each read a write; once a minute is enough.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keywords = ("token", "bearer")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace").lower() not in self.keywords:
            return None
        failures_key = f"api-token-failures:{ratelimit.client_ip(request)}"
        if ratelimit.count(failures_key, FAILURE_WINDOW_SECONDS) >= settings.API_TOKEN_FAILURES_PER_IP:
            raise exceptions.Throttled(
                wait=FAILURE_WINDOW_SECONDS,
                detail=_("Too many wrong tokens from this address. Please wait %(minutes)d minutes and try again.")
                % {"minutes": FAILURE_WINDOW_SECONDS // 60},
            )
        token = self._token(header)
        if token is None:
            ratelimit.hit(failures_key, settings.API_TOKEN_FAILURES_PER_IP, FAILURE_WINDOW_SECONDS)
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    @staticmethod
    def _token(header: list[bytes]) -> ApiToken | None:
        if len(header) != 2:
            return None
        try:
            key = header[1].decode()
        except UnicodeError:
            return None
        return ApiToken.find(key)

    def authenticate_header(self, request) -> str:
        return 'Token realm="api"'
