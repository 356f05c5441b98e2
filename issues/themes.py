"""一类事: matters that keep coming back, so that the workstation answers them once (an FAQ entry)
or goes after them (a point to stress on patrols, 走访中着重宣传; a cause to fix at a place).

Two ways an issue joins a theme, within a window of recent days:
- the same location and category (one GROUP BY query), named "place · category";
- similar text: Chinese character bigrams (issues.faq.grams) compared by their Dice coefficient,
  with an inverted index so that only issues sharing a rare-enough bigram are compared. Pairs
  find alike texts but make no names, so such a theme is named by its category and its most
  telling words ("路灯 · 不亮 · 晚上"): the words (issues.words, jieba) of its newest members
  that most of them contain and the other issues read seldom do.

Reads at most MAX_ISSUES recent issues in one query, whatever the size of the table.
"""

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from . import words
from .lifecycle import Status
from .models import FAQ, Issue, Kind
from .transitions import IssueError, require_text

WINDOW_DAYS = 30
MIN_COUNT = 3
MAX_ISSUES = 2000
MAX_THEMES = 30
LIKENESS = 0.4  # Dice coefficient of two descriptions' bigrams to call them the same matter
WORD_LIKENESS = 0.3  # the same of their words (issues.words): fewer, each saying more
COMMON_SHARE = 0.2  # bigrams in more than this share of the issues say nothing about a matter
TITLE_WORDS = 3  # at most, after the category
NAMED_FROM = 30  # a text theme's words are read from its newest members, at most this many

FAQ_SUGGESTION = "faq"
CAMPAIGN_SUGGESTION = "campaign"
ANSWERED = (Status.RESOLVED, Status.CLOSED)


def bigrams(text: str) -> frozenset[str]:
    from .faq import grams

    return frozenset(g for g in grams(text) if len(g) == 2 or g.isascii())


def likeness(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


@dataclass
class Theme:
    how: str  # "place" (same location and category) or "text" (similar descriptions)
    title: str
    count: int  # all matching issues in the window (a place group counts in SQL)
    issues: list[Issue] = field(default_factory=list)  # the ones read, newest first

    @property
    def answered_consults(self) -> list[Issue]:
        return [i for i in self.issues if i.kind == Kind.CONSULT and i.status in ANSWERED and i.resolution]

    @property
    def suggestion(self) -> str:
        return FAQ_SUGGESTION if len(self.answered_consults) >= 2 else CAMPAIGN_SUGGESTION

    @property
    def faq_ids(self) -> str:
        return ",".join(str(i.pk) for i in self.answered_consults)

    @property
    def places(self) -> list[str]:
        return [name for name, _n in Counter(i.location.name for i in self.issues).most_common(3)]


def _recent(issues: QuerySet, now: dt.datetime, days: int) -> QuerySet:
    return issues.filter(created_at__gte=now - dt.timedelta(days=days)).exclude(status=Status.MERGED)


def recurring(
    issues: QuerySet, *, now: dt.datetime | None = None, days: int = WINDOW_DAYS, min_count: int = MIN_COUNT
) -> list[Theme]:
    """The themes among `issues` (already narrowed by scope) received in the last `days` days,
    the largest first. Two queries."""
    now = now or timezone.now()
    recent = _recent(issues, now, days)
    places = list(
        recent.filter(category__isnull=False)
        .order_by()
        .values("location", "location__name", "category", "category__name")
        .annotate(n=Count("pk"))
        .filter(n__gte=min_count)
        .order_by("-n", "location")[:MAX_THEMES]
    )
    rows = list(
        recent.select_related("location", "category", "grid__neighbourhood").order_by("-created_at", "-pk")[:MAX_ISSUES]
    )
    themes: list[Theme] = []
    placed: set[int] = set()
    for group in places:
        members = [i for i in rows if i.location_id == group["location"] and i.category_id == group["category"]]
        placed.update(i.pk for i in members)
        title = f"{group['location__name']} · {group['category__name']}"
        themes.append(Theme("place", title, group["n"], members))
    for members, common_grams in _text_clusters(rows, min_count):
        if {i.pk for i in members} <= placed:
            continue  # the same matter at one place: already a theme
        themes.append(Theme("text", title_of(members, rows) or " · ".join(common_grams), len(members), members))
    themes.sort(key=lambda t: (-t.count, t.title))
    return themes[:MAX_THEMES]


def _category_of(members: list[Issue]) -> str:
    """The category most of the members have, if at least half of them have it."""
    counts = Counter(i.category.name for i in members if i.category_id)
    if not counts:
        return ""
    name, n = counts.most_common(1)[0]
    return name if 2 * n >= len(members) else ""


def telling_words(members: list[Issue], rows: list[Issue], *, limit: int = TITLE_WORDS) -> list[str]:
    """The words that say what `members` are about: found in most of them and seldom in the
    other issues read (`rows`, the window). A word counts where a description contains it,
    however jieba split that text ("座椅" in "休息座椅坏了")."""
    sample = members[:NAMED_FROM]
    texts = [words.normalize(i.description) for i in sample]
    candidates = {w for text in texts for w in words.words(text)}
    others = [words.normalize(i.description) for i in rows]
    scored = []
    for word in candidates:
        share = sum(word in text for text in texts) / len(texts)
        if share * len(texts) < 2:
            continue  # one member's word names nobody else's report
        rarity = math.log((len(others) + 1) / (sum(word in text for text in others) + 1)) + 1
        scored.append((share * rarity, len(word), word))
    chosen: list[str] = []
    for _score, _length, word in sorted(scored, key=lambda s: (-s[0], -s[1], s[2])):
        if any(word in kept or kept in word for kept in chosen):
            continue  # 路灯 beside 路灯不亮 says nothing more
        chosen.append(word)
        if len(chosen) == limit:
            break
    return chosen


def title_of(members: list[Issue], rows: list[Issue]) -> str:
    """ "category · word · word": the category most members have, then the telling words (those
    inside the category's name left out). Empty if nothing tells."""
    category = _category_of(members)
    found = [w for w in telling_words(members, rows, limit=TITLE_WORDS + 1) if w not in category]
    return " · ".join(([category] if category else []) + found[:TITLE_WORDS])


def _text_clusters(rows: list[Issue], min_count: int) -> list[tuple[list[Issue], list[str]]]:
    """Groups of issues with alike descriptions (single linkage), each with the bigrams most of
    its members share. Two issues are linked when their bigrams are alike (LIKENESS), or their
    words are (WORD_LIKENESS: residents telling of one matter in their own words share few
    pairs, "路面有个大坑" and "门口路面有个大坑，希望尽快修补")."""
    grams = [bigrams(i.description) for i in rows]
    terms = [frozenset(words.words(i.description)) for i in rows]
    too_common = max(min_count, int(COMMON_SHARE * len(rows)))
    parent = list(range(len(rows)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for features, threshold in ((grams, LIKENESS), (terms, WORD_LIKENESS)):
        postings: dict[str, list[int]] = defaultdict(list)
        for pos, f in enumerate(features):
            for feature in f:
                postings[feature].append(pos)
        for pos, f in enumerate(features):
            shared: Counter = Counter()
            for feature in f:
                plist = postings[feature]
                if len(plist) > too_common:
                    continue
                shared.update(other for other in plist if other > pos)
            for other, n in shared.items():
                if n >= 2 and likeness(f, features[other]) >= threshold:
                    parent[find(other)] = find(pos)
    clusters: dict[int, list[int]] = defaultdict(list)
    for pos in range(len(rows)):
        clusters[find(pos)].append(pos)
    out = []
    for members in clusters.values():
        if len(members) < min_count:
            continue
        counts = Counter(gram for pos in members for gram in grams[pos])
        common = [gram for gram, n in counts.most_common(3) if n > 1]
        out.append(([rows[pos] for pos in members], common))
    return out


def possible_duplicates(issue: Issue, candidates: QuerySet, *, days: int = 14, limit: int = 5) -> list[Issue]:
    """Open issues of the same grid from the last `days` days whose text is alike: candidates to
    merge. One query (at most 200 rows compared)."""
    since = issue.created_at - dt.timedelta(days=days)
    rows = list(
        candidates.filter(grid_id=issue.grid_id, created_at__gte=since, merged_into__isnull=True)
        .exclude(pk=issue.pk)
        .exclude(status__in=[Status.CLOSED, Status.DECLINED, Status.MERGED])
        .select_related("location")
        .order_by("-created_at")[:200]
    )
    mine = bigrams(issue.description)
    scored = [(likeness(mine, bigrams(i.description)), i) for i in rows]
    scored = [(s, i) for s, i in scored if s >= LIKENESS or (i.location_id == issue.location_id and s >= LIKENESS / 2)]
    scored.sort(key=lambda si: (-si[0], -si[1].pk))
    return [i for _s, i in scored[:limit]]


# --- Turning answered consults into one FAQ entry ---------------------------------------------


@dataclass
class FaqDraft:
    question: str
    answer: str
    category: str


def draft_faq(issues: list[Issue]) -> FaqDraft:
    """A first draft from answered consults: the shortest question, the latest answer, and the
    category most of them have."""
    if not issues:
        return FaqDraft("", "", "")
    question = min((i.description.strip() for i in issues), key=len)[:200]
    latest = max(issues, key=lambda i: (i.resolved_at or i.created_at, i.pk))
    categories = Counter(i.category.name for i in issues if i.category_id)
    category = categories.most_common(1)[0][0] if categories else ""
    return FaqDraft(question, latest.resolution.strip(), category[:50])


def make_faq(*, workstation_id: int, question: str, answer: str, category: str = "", publish: bool = True) -> FAQ:
    """One FAQ entry of a workstation, shown to its residents (published at once unless `publish`
    is False, for an editor to polish)."""
    question = require_text(question, _("Please write the question."))[:200]
    answer = require_text(answer, _("Please write the answer."))
    if len(category) > 50:
        raise IssueError(_("The category is too long."))
    with transaction.atomic():
        return FAQ.objects.create(
            workstation_id=workstation_id,
            question=question,
            answer=answer,
            category=category.strip(),
            is_published=publish,
        )
