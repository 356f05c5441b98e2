"""Searching issues by what residents wrote, in Chinese.

Chinese has no spaces, so a word cannot be found by splitting. Two steps:

1. Exact: every space-separated term must appear in the description, the reference, the
   resident's name or the location (`icontains`). On PostgreSQL the `issue_description_trgm`
   GIN index (pg_trgm, migration 0005) serves these ILIKE scans for terms of three characters
   or more; on SQLite they scan the workstation's rows.
2. Similar, when nothing matches exactly and the query has a run of three or more Chinese
   characters: an issue matches if it contains most of the query's character bigrams
   ("电梯又坏了" finds "三号楼电梯坏了": 电梯, 坏了). The same n-grams the FAQ search uses
   (issues.faq.grams), counted in SQL with one CASE per bigram, on every database.

Either way it is one query for the rows, whatever the number of issues.
"""

import math
import re

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from .faq import CJK, grams

MAX_TERMS = 6
MAX_BIGRAMS = 12
SIMILAR_SHARE = 0.5  # share of the query's bigrams an issue must contain to count as similar
CJK_RUN = re.compile(rf"[{CJK}]{{3,}}")


def terms(query: str) -> list[str]:
    return [t for t in query.split() if t][:MAX_TERMS]


def _term_q(term: str) -> Q:
    return (
        Q(description__icontains=term)
        | Q(reference__icontains=term)
        | Q(reporter_name__icontains=term)
        | Q(location__name__icontains=term)
        | Q(location__address__icontains=term)
    )


def exact(issues: QuerySet, query: str) -> QuerySet:
    """Issues containing every term of `query`."""
    q = Q()
    for term in terms(query):
        q &= _term_q(term)
    return issues.filter(q)


def can_be_similar(query: str) -> bool:
    return bool(CJK_RUN.search(query))


def similar(issues: QuerySet, query: str) -> QuerySet:
    """Issues whose description holds most of the query's bigrams, the most alike first.
    Annotates `likeness` (how many bigrams were found)."""
    wanted = sorted(g for g in grams(query) if len(g) == 2)[:MAX_BIGRAMS]
    if not wanted:
        return issues.none()
    need = max(2, math.ceil(SIMILAR_SHARE * len(wanted)))
    hits = [
        Case(When(description__contains=g, then=Value(1)), default=Value(0), output_field=IntegerField())
        for g in wanted
    ]
    likeness = hits[0]
    for hit in hits[1:]:
        likeness = likeness + hit
    return (
        issues.annotate(likeness=likeness)
        .filter(likeness__gte=min(need, len(wanted)))
        .order_by("-likeness", "-created_at")
    )


def search(issues: QuerySet, query: str) -> tuple[QuerySet, bool]:
    """(matches, fuzzy). Exact matches if there are any (checked with one cheap EXISTS query),
    else similar ones where the query allows it."""
    query = query.strip()[:100]
    if not query:
        return issues, False
    found = exact(issues, query)
    if can_be_similar(query) and not found.exists():
        return similar(issues, query), True
    return found, False


__all__ = ["can_be_similar", "exact", "search", "similar", "terms"]
