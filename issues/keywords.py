"""Keyword rules: words (电线, 漏电, 燃气, 漏水, 着火 …, and in English "live wire", "gas leak",
"fire" …) that make a report look urgent.

The rules are rows of `KeywordRule`, edited in the admin. The report page hands the active
phrases to the browser, which suggests 紧急情况 while the resident types; on submit the server
matches again (`matches`; static/js/report.js applies the same rule) and flags the issue for staff whatever the browser did.

Each process keeps the phrases for CACHE_SECONDS: the report form is what every QR scan costs,
and the rules change a few times a year. A save in this process is seen at once.
"""

import time
import unicodedata

from django.db.models.signals import post_delete, post_save

from .models import KeywordRule

CACHE_SECONDS = 30.0
_cache: dict = {"at": float("-inf"), "phrases": (), "shown": {}}


def normalize(text: str) -> str:
    """Full-width to half-width, case folded, without spaces: "漏 电" matches "漏电"."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def _latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _prepared(text: str) -> tuple[str, frozenset[int], frozenset[int]]:
    """`normalize(text)`, and the places in it where a Latin word begins and where one ends."""
    folded: list[str] = []
    starts, ends, previous = set(), set(), " "
    for char in unicodedata.normalize("NFKC", text).casefold():
        if _latin(previous) and not _latin(char):
            ends.add(len(folded))
        if char.isspace():
            previous = " "
            continue
        if _latin(char) and not _latin(previous):
            starts.add(len(folded))
        folded.append(char)
        previous = char
    if _latin(previous):
        ends.add(len(folded))
    return "".join(folded), frozenset(starts), frozenset(ends)


def _found(phrase: str, haystack: str, starts: frozenset[int], ends: frozenset[int]) -> bool:
    """The one rule, for every language: the phrase occurs in the text, spaces aside. A phrase in
    Latin letters ("gas leak", "fire") must also be whole words, so that "fire" is found in "a
    fire in the stairwell" but not in "fireworks", and "smoke" not in "smoking"."""
    if not _latin(phrase[0]):
        return phrase in haystack
    at = haystack.find(phrase)
    while at != -1:
        if at in starts and (at + len(phrase) in ends or not _latin(phrase[-1])):
            return True
        at = haystack.find(phrase, at + 1)
    return False


def active_phrases() -> tuple[str, ...]:
    now = time.monotonic()
    if now - _cache["at"] > CACHE_SECONDS:
        phrases = list(KeywordRule.objects.filter(is_active=True).values_list("phrase", flat=True))
        _cache["phrases"] = tuple(p for p in (normalize(p) for p in phrases) if p)
        # How a found phrase is written for staff: "gas leak", not the matching form "gasleak".
        _cache["shown"] = {normalize(p): " ".join(unicodedata.normalize("NFKC", p).casefold().split()) for p in phrases}
        _cache["at"] = now
    return _cache["phrases"]


def matches(text: str, phrases: tuple[str, ...] | None = None) -> list[str]:
    """The phrases found in `text`, in the order of the rules, each once, as written (spaces
    between words kept, case folded)."""
    haystack, starts, ends = _prepared(text)
    if not haystack:
        return []
    candidates = active_phrases() if phrases is None else phrases
    shown = _cache["shown"]
    return [shown.get(p, p) for p in candidates if _found(p, haystack, starts, ends)]


def invalidate(**kwargs) -> None:
    _cache["at"] = float("-inf")


post_save.connect(invalidate, sender=KeywordRule, dispatch_uid="keywords-invalidate-save")
post_delete.connect(invalidate, sender=KeywordRule, dispatch_uid="keywords-invalidate-delete")
