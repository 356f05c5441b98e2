"""Fixed-window rate limits on Django's cache, for the public forms.

They fail open: if the cache (Redis) is down, a resident's report still goes through.
"""

import ipaddress
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)


def hit(key: str, limit: int, window_seconds: int) -> bool:
    """Count one hit on `key`; True while the current window has seen at most `limit` hits."""
    if not settings.RATELIMIT_ENABLE:
        return True
    window = int(time.time() // window_seconds)
    cache_key = f"rl:{key}:{window}"
    try:
        # add() is atomic: only the first hit of a window creates the counter.
        if cache.add(cache_key, 1, timeout=window_seconds + 60):
            count = 1
        else:
            try:
                count = cache.incr(cache_key)
            except ValueError:  # the counter expired between add() and incr()
                cache.add(cache_key, 1, timeout=window_seconds + 60)
                count = 1
    except Exception as exc:  # noqa: BLE001 - any cache failure: allow, never turn a report into a 500
        logger.warning("rate limit cache unavailable (%r); allowing %s", exc, key)
        return True
    return count <= limit


def count(key: str, window_seconds: int) -> int:
    """Hits on `key` in the current window (0 when limits are off or the cache is down)."""
    if not settings.RATELIMIT_ENABLE:
        return 0
    try:
        return int(cache.get(f"rl:{key}:{int(time.time() // window_seconds)}") or 0)
    except Exception as exc:  # noqa: BLE001 - fail open, as hit() does
        logger.warning("rate limit cache unavailable (%r); allowing %s", exc, key)
        return 0


def client_ip(request: HttpRequest) -> str:
    """The client's address, as a key for rate limits.

    Behind N trusted reverse proxies set RATELIMIT_PROXY_COUNT = N and the N-th address from
    the right of X-Forwarded-For is used (addresses further left are the client's to invent).
    An IPv6 address counts as its /64, which is what one phone or one home usually gets.
    """
    ip = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "RATELIMIT_PROXY_COUNT", 0)
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= proxies:
            ip = forwarded[-proxies]
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip or "unknown"
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address) + "/64"
    return str(address)
