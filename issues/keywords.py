"""Keyword rules: words (电线, 漏电, 燃气, 漏水, 着火 …) that make a report look urgent.

The rules are rows of `KeywordRule`, edited in the admin. The report page hands the active
phrases to the browser, which suggests 紧急情况 while the resident types; on submit the server
matches again (`matches`) and flags the issue for staff whatever the browser did.

Each process keeps the phrases for CACHE_SECONDS: the report form is what every QR scan costs,
and the rules change a few times a year. A save in this process is seen at once.
"""

import time
import unicodedata

from django.db.models.signals import post_delete, post_save

from .models import KeywordRule

CACHE_SECONDS = 30.0
_cache: dict = {"at": float("-inf"), "phrases": ()}


def normalize(text: str) -> str:
    """Full-width to half-width, case folded, without spaces: "漏 电" matches "漏电"."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def active_phrases() -> tuple[str, ...]:
    now = time.monotonic()
    if now - _cache["at"] > CACHE_SECONDS:
        phrases = KeywordRule.objects.filter(is_active=True).values_list("phrase", flat=True)
        _cache["phrases"] = tuple(p for p in (normalize(p) for p in phrases) if p)
        _cache["at"] = now
    return _cache["phrases"]


def matches(text: str, phrases: tuple[str, ...] | None = None) -> list[str]:
    """The phrases found in `text`, in the order of the rules, each once."""
    haystack = normalize(text)
    if not haystack:
        return []
    return [p for p in (active_phrases() if phrases is None else phrases) if p in haystack]


def invalidate(**kwargs) -> None:
    _cache["at"] = float("-inf")


post_save.connect(invalidate, sender=KeywordRule, dispatch_uid="keywords-invalidate-save")
post_delete.connect(invalidate, sender=KeywordRule, dispatch_uid="keywords-invalidate-delete")
