"""One HTTP POST to a receiver, with a short timeout and no redirects, to a checked address.

The receiver's name is resolved once; every address is checked against all non-public ranges
(`ipaddress`'s is_global), and the connection goes to the checked address with the right Host
header and TLS server name, so a name that resolves differently a moment later (DNS rebinding)
cannot reach this machine or the private network (issue 14)."""

import http.client
import ipaddress
import socket
import ssl
import time
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


class Refused(Exception):
    """The receiver URL may not be called; `reason` says why (for the delivery log)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class NonPublic(Refused):
    """The receiver is this machine or a non-public network."""


def _non_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Anything but the public internet: loopback, private, link-local, 100.64.0.0/10 (shared
    address space, where Alibaba Cloud's metadata service 100.100.100.200 lives), reserved,
    multicast; an IPv4-mapped IPv6 address is judged as its IPv4 address."""
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:
        ip = mapped
    return not ip.is_global or ip.is_multicast


def resolve(url: str) -> tuple[str, int, str]:
    """(host, port, the one address to connect to) for `url`. Resolved once; every address the
    name resolves to is checked (a name with one private address among public ones is refused),
    unless WEBHOOK_ALLOW_PRIVATE_NETWORKS. Raises Refused."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise Refused("only http and https receivers are allowed")
    host = parts.hostname or ""
    if not host:
        raise Refused("the receiver URL has no host")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise Refused("the receiver URL has a bad port") from exc
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise Refused(f"the receiver's name does not resolve ({exc})") from exc
    addresses = []
    for info in infos:
        raw = info[4][0].split("%")[0]
        ip = ipaddress.ip_address(raw)
        if _non_public(ip) and not settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS:
            raise NonPublic(f"receiver resolves to a private address or one off the public internet ({ip}); refused")
        addresses.append(raw)
    if not addresses:
        raise Refused("the receiver's name does not resolve")
    return host, port, addresses[0]


def refused_reason(url: str) -> str | None:
    """Why `url` may not be called now, or None."""
    try:
        resolve(url)
    except Refused as exc:
        return exc.reason
    return None


def non_public_reason(url: str) -> str | None:
    """Why `url` may never be a receiver (checked when a subscription or a personal webhook is
    saved): it is this machine or a non-public network. A name that does not resolve yet is
    let through; sending says so."""
    try:
        resolve(url)
    except NonPublic as exc:
        return exc.reason
    except Refused:
        return None
    return None


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, not to whatever the name resolves to next
    (DNS rebinding); the Host header still names the host."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """The same for TLS: the certificate is checked against the host name (SNI and hostname
    verification), the connection goes to the checked address."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    """One POST; a 3xx is answered as it is (not followed, not a success)."""
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        host, port, address = resolve(url)
    except Refused as exc:
        return Outcome(None, 0, error=exc.reason)
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    kind = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = kind(host, port, address=address, timeout=settings.WEBHOOK_TIMEOUT_SECONDS)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        excerpt = response.read(500).decode("utf-8", errors="replace")
        status = response.status
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return Outcome(None, elapsed(), error=f"{type(exc).__name__}: {exc}"[:500])
    finally:
        connection.close()
    if 200 <= status < 300:
        return Outcome(status, elapsed(), response_excerpt=excerpt)
    return Outcome(status, elapsed(), error=f"HTTP {status}", response_excerpt=excerpt)
