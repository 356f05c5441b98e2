"""Request rates per user (or token) and per anonymous client. The rates are read when a request
arrives, so settings overrides apply; RATELIMIT_ENABLE=false turns them off like the forms', and
a cache outage lets requests through rather than failing them."""

import logging

from django.conf import settings
from rest_framework import throttling

logger = logging.getLogger(__name__)


class _SettingsRate:
    def get_rate(self):
        return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope)

    def allow_request(self, request, view):
        if not settings.RATELIMIT_ENABLE:
            return True
        try:
            return super().allow_request(request, view)
        except Exception:  # noqa: BLE001 - the cache (Redis) is down: fail open, like the forms' limits
            logger.warning("rate limit cache unavailable; letting %s through", self.scope, exc_info=True)
            return True


class UserThrottle(_SettingsRate, throttling.UserRateThrottle):
    scope = "user"


class AnonThrottle(_SettingsRate, throttling.AnonRateThrottle):
    scope = "anon"


class Open311Throttle(_SettingsRate, throttling.SimpleRateThrottle):
    """Open311 clients: per api_key when one is sent, else per client address."""

    scope = "open311"

    def get_cache_key(self, request, view):
        key = request.POST.get("api_key", "").strip() if request.method == "POST" else ""
        # Only a real key has a bucket of its own: a new made-up key per request must not be a new
        # bucket per request (unlimited guessing). Anything else counts against the address.
        ident = ("key:" + key[:64]) if key and _known_key(key) else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


def _known_key(key: str) -> bool:
    from open311.models import ApiKey

    return ApiKey.find(key) is not None
