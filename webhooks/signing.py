"""How a delivery is signed, and how a receiver checks it. Documented for receivers in
webhooks/README.md; this module is the reference implementation.

    X-Minqing-Timestamp: 1764300000                       (Unix seconds when this attempt was sent)
    X-Minqing-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." + raw body)>
"""

import hashlib
import hmac
import time

TIMESTAMP_HEADER = "X-Minqing-Timestamp"
SIGNATURE_HEADER = "X-Minqing-Signature"
EVENT_HEADER = "X-Minqing-Event"
DELIVERY_HEADER = "X-Minqing-Delivery"
# A receiver should refuse a signature older than this: a replayed request is stale.
DEFAULT_TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(
    secret: str,
    *,
    timestamp: str,
    body: bytes,
    signature_header: str,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """True if `signature_header` signs `body` at `timestamp` with `secret`, recently enough."""
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - ts) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, ts, body), signature_header or "")
