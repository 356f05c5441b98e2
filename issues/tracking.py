"""The resident's tracking link: /t/<token>/. We keep only a digest of the token
(Issue.tracking_token_hash), never the token.

With an idempotency key the token is derived from it by an HMAC under SECRET_KEY, so the link can
be rebuilt when a message is sent and a retried submission leads back to the same page. After a
key rotation (the old key moved to SECRET_KEY_FALLBACKS, as Django documents) `token_of` tries
the current key and then each fallback, and keeps the token whose digest is the stored one: a
link sent before the rotation still opens its page (the page finds the issue by the digest), and
one rebuilt after it is the same link."""

import hashlib
import hmac
import re
import secrets

from django.conf import settings

from .models import Issue, hash_token

IDEMPOTENCY_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def valid_idempotency_key(key: str | None) -> str | None:
    """Keys the page generates are random and long; anything else is ignored, not trusted."""
    return key if key and IDEMPOTENCY_KEY_RE.match(key) else None


def _derived(idempotency_key: str, secret: str) -> str:
    digest = hmac.new(secret.encode(), b"tracking:" + idempotency_key.encode(), hashlib.sha256)
    return digest.hexdigest()[:40]


def new_token(idempotency_key: str | None) -> str:
    """A new report's token: derived from its idempotency key under the current SECRET_KEY, or
    random without one."""
    if idempotency_key:
        return _derived(idempotency_key, settings.SECRET_KEY)
    return secrets.token_urlsafe(24)


def token_of(issue: Issue) -> str | None:
    """The token of `issue`'s link, rebuilt from its idempotency key under the current key or a
    fallback (the one whose digest is stored); None if it cannot be rebuilt (no key)."""
    if not issue.idempotency_key:
        return None
    for secret in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS):
        token = _derived(issue.idempotency_key, secret)
        if hash_token(token) == issue.tracking_token_hash:
            return token
    return None


def url_of(token: str) -> str:
    return f"{settings.SITE_URL}/t/{token}/"
