"""Finding published FAQ answers for a question typed in Chinese (or English).

Chinese is written without spaces, so words cannot be split on them. We match on character
bigrams instead ("电梯坏了" → 电梯, 梯坏, 坏了), the usual trick of Chinese search engines without
a dictionary; Latin letters and digits count as whole words. Each gram weighs by its rarity among
the answers (idf), and an answer's score is the share of the question's weight it covers, the
question text of the FAQ counting more than its answer.

Each workstation's residents see its own answers, its subdistrict's wide ones and those of no
workstation (issue 14): one index per workstation, built from the published rows on first use.
The index lives in each process's memory and is rebuilt every CACHE_SECONDS (or at once after
a save in this process): suggestions while typing then cost no database query at all.
"""

import math
import re
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save

from workstations.models import Workstation

from .models import FAQ

CACHE_SECONDS = 30.0
# Below these shares of the query's weight an answer is not shown.
SUGGEST_MIN_SCORE = 0.45
SEARCH_MIN_SCORE = 0.3
QUESTION_WEIGHT, CATEGORY_WEIGHT, ANSWER_WEIGHT = 1.0, 0.8, 0.6

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
RUN_RE = re.compile(rf"[{CJK}]+|[a-z0-9]+")
# Characters and pairs too common to say anything about the matter.
STOP_CHARS = set("的了吗呢啊吧呀我你他她它们是在有和与就都也还要去把被这那个么怎请问谁哪里")
STOP_BIGRAMS = {"怎么", "什么", "为什", "可以", "如何", "是否", "哪里", "请问", "一下", "应该", "需要", "能否"}
STOP_WORDS = {"the", "a", "an", "is", "are", "to", "of", "in", "on", "my", "i", "can", "how", "what", "do", "and"}


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def grams(text: str, *, unigrams: bool = False) -> set[str]:
    """The bigrams of each run of Chinese characters and the words of Latin text.

    A run of one character is kept as a unigram; `unigrams` adds every single character too
    (for the indexed answers, so that a one-character query can still find them)."""
    out: set[str] = set()
    for run in RUN_RE.findall(normalize(text)):
        if run.isascii():
            if run not in STOP_WORDS:
                out.add(run)
            continue
        if len(run) == 1 or unigrams:
            out.update(c for c in run if c not in STOP_CHARS)
        for i in range(len(run) - 1):
            pair = run[i : i + 2]
            if pair not in STOP_BIGRAMS and not (pair[0] in STOP_CHARS and pair[1] in STOP_CHARS):
                out.add(pair)
    return out


@dataclass(frozen=True)
class Entry:
    id: int
    question: str
    answer: str
    category: str


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float


class Index:
    def __init__(self, entries: list[Entry]):
        self.entries = entries
        # gram → {entry position: field weight}
        self.postings: dict[str, dict[int, float]] = defaultdict(dict)
        for pos, entry in enumerate(entries):
            for text, weight in (
                (entry.answer, ANSWER_WEIGHT),
                (entry.category, CATEGORY_WEIGHT),
                (entry.question, QUESTION_WEIGHT),
            ):
                for gram in grams(text, unigrams=True):
                    posting = self.postings[gram]
                    posting[pos] = max(posting.get(pos, 0.0), weight)
        total = len(entries)
        self.idf = {gram: math.log(1 + (total + 1) / len(posting)) for gram, posting in self.postings.items()}
        self.unseen_idf = math.log(2 + total)
        # For long texts (a description being typed): how much of each FAQ question they cover.
        self.question_grams = [grams(entry.question) for entry in entries]
        self.question_weight = [sum(self.idf[g] for g in qg) or 1.0 for qg in self.question_grams]

    def search(
        self, query: str, *, limit: int = 50, min_score: float = SEARCH_MIN_SCORE, long_text: bool = False
    ) -> list[Hit]:
        """Answers ranked by the share of the query's weight they contain. With `long_text`, an
        answer whose own question is mostly found inside the text scores that share instead,
        so a long description still finds the short question it is about."""
        wanted = grams(query[:500] if long_text else query[:200])
        if long_text:
            # Text the resident is writing: words no answer knows count against every answer.
            total_weight = sum(self.idf.get(g, self.unseen_idf) for g in wanted)
        else:
            # A search: words no answer knows ("电梯不动了": 不动) are left out, not held against.
            total_weight = sum(self.idf[g] for g in wanted if g in self.idf)
        if not total_weight:
            return []
        scores: dict[int, float] = defaultdict(float)
        for gram in wanted:
            for pos, weight in self.postings.get(gram, {}).items():
                scores[pos] += self.idf[gram] * weight
        hits = []
        for pos, found in scores.items():
            score = found / total_weight
            if long_text:
                covered = sum(self.idf[g] for g in self.question_grams[pos] & wanted)
                score = max(score, covered / self.question_weight[pos])
            if score >= min_score:
                hits.append(Hit(self.entries[pos], min(score, 1.0)))
        hits.sort(key=lambda h: (-h.score, h.entry.id))
        return hits[:limit]


_cache: dict = {"at": float("-inf"), "rows": None, "indexes": {}, "places": {}}


@dataclass(frozen=True)
class Place:
    """What the FAQ needs of a workstation."""

    pk: int
    subdistrict_id: int
    slug: str


def place(slug: str) -> Place | None:
    """The workstation of `slug` (read with the answers, so a suggestion costs no query)."""
    _rows()
    return _cache["places"].get(slug) if slug else None


@dataclass(frozen=True)
class _Row:
    entry: Entry
    workstation_id: int | None
    wide_subdistrict_id: int | None  # set when the entry is for its whole subdistrict


def _rows() -> list[_Row]:
    now = time.monotonic()
    if _cache["rows"] is None or now - _cache["at"] > CACHE_SECONDS:
        rows = FAQ.objects.filter(is_published=True).order_by("category", "id")
        _cache["rows"] = [
            _Row(
                Entry(r["id"], r["question"], r["answer"], r["category"]),
                r["workstation_id"],
                r["workstation__subdistrict_id"] if r["subdistrict_wide"] else None,
            )
            for r in rows.values(
                "id",
                "question",
                "answer",
                "category",
                "workstation_id",
                "subdistrict_wide",
                "workstation__subdistrict_id",
            )
        ]
        _cache["places"] = {
            w["slug"]: Place(w["pk"], w["subdistrict_id"], w["slug"])
            for w in Workstation.objects.values("pk", "subdistrict_id", "slug")
        }
        _cache["indexes"] = {}
        _cache["at"] = now
    return _cache["rows"]


def index(workstation=None) -> Index:
    """The answers residents of `workstation` see: its own, its subdistrict's wide ones and those
    of no workstation. Without a workstation: only those of no workstation."""
    rows = _rows()
    key = (workstation.pk, workstation.subdistrict_id) if workstation is not None else None
    built = _cache["indexes"].get(key)
    if built is None:
        if key is None:
            entries = [r.entry for r in rows if r.workstation_id is None]
        else:
            entries = [
                r.entry
                for r in rows
                if r.workstation_id is None or r.workstation_id == key[0] or r.wide_subdistrict_id == key[1]
            ]
        built = _cache["indexes"][key] = Index(entries)
    return built


def published(*, workstation=None) -> list[Entry]:
    """Every published answer residents of `workstation` see, by category."""
    return index(workstation).entries


def search(query: str, *, workstation=None, limit: int = 50) -> list[Hit]:
    return index(workstation).search(query, limit=limit)


def suggest(text: str, *, workstation=None, limit: int = 3) -> list[Hit]:
    """The few answers that fit what the resident is typing well enough to show unasked."""
    return index(workstation).search(text, limit=limit, min_score=SUGGEST_MIN_SCORE, long_text=True)


def invalidate(**kwargs) -> None:
    _cache["rows"] = None


post_save.connect(invalidate, sender=FAQ, dispatch_uid="faq-invalidate-save")
post_delete.connect(invalidate, sender=FAQ, dispatch_uid="faq-invalidate-delete")
post_save.connect(invalidate, sender=Workstation, dispatch_uid="faq-invalidate-workstation")
