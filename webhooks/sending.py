"""One HTTP POST to a receiver, with a short timeout and no redirects."""

import ipaddress
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings


@dataclass
class Outcome:
    status_code: int | None
    duration_ms: int
    error: str = ""
    response_excerpt: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a 3xx is answered as it is: not a success


_opener = urllib.request.build_opener(_NoRedirect, urllib.request.ProxyHandler({}))


def private_address(url: str) -> str | None:
    """The loopback/private/link-local address `url` resolves to, if any."""
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError:
        return None  # the request itself will fail and say so
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%")[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast:
            return str(ip)
    return None


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    if urlsplit(url).scheme not in ("http", "https"):
        return Outcome(None, 0, error="only http and https receivers are allowed")
    if not settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS:
        address = private_address(url)
        if address:
            return Outcome(None, 0, error=f"receiver resolves to a private address ({address}); refused")
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            excerpt = response.read(500).decode("utf-8", errors="replace")
            return Outcome(response.status, elapsed(), response_excerpt=excerpt)
    except urllib.error.HTTPError as exc:
        excerpt = exc.read(500).decode("utf-8", errors="replace") if exc.fp else ""
        return Outcome(exc.code, elapsed(), error=f"HTTP {exc.code}", response_excerpt=excerpt)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return Outcome(None, elapsed(), error=f"{type(exc).__name__}: {reason}"[:500])
