"""Chinese text split into words, with jieba (结巴分词), for naming 一类事 (issues.themes).

Chinese is written without spaces; character pairs ("路面有坑" → 路面, 面有, 有坑) find alike texts
well but make meaningless names ("面坑 · 坑洼 · 路面"). jieba splits with its dictionary of about
350,000 words and an HMM for words it does not know ("路面 / 有 / 坑").

Its dictionary costs about 65 MB and, from its cache file, about half a second to load (several
seconds the first time, to build that file). So it is loaded lazily, once per process, on the
first call (the 一类事 page, seed_demo), never at import time, and the cache file is kept under
VAR_DIR/cache/ so a new process (a recycled gunicorn worker) reads it instead of rebuilding it.
The resident's pages never use it: their FAQ suggestions keep to character pairs (issues.faq).
"""

import logging
import re
import threading
import unicodedata
from functools import lru_cache

from django.conf import settings

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
WORD_RE = re.compile(rf"^(?:[{CJK}]{{2,}}|[a-z0-9]{{2,}})$")

# What residents write in every kind of report, saying nothing about the matter.
STOP_WORDS = frozenset(
    """
    请问 怎么 怎么办 怎样 什么 为什么 哪里 哪儿 哪个 可以 可不可以 如何 是否 能否 能不能 一下 应该 需要
    我们 你们 他们 她们 大家 自己 这个 那个 这些 那些 这里 那里 这边 那边 这样 那样 已经 现在 还是 非常
    特别 有点 有些 好像 没有 不是 就是 一直 经常 总是 每天 一个 有个 有人 希望 建议 麻烦 谢谢 你好 您好
    问题 情况 反映 时候 因为 所以 但是 而且 如果 然后 还有 多久 今天 昨天 最近 一些 这么 那么 不能 不会
    知道 看看 一样 出来 起来 进行 处理 解决 帮忙 帮助 尽快 及时 一起 好多 很多 比较 的话
    the and for with this that are was not can how what please
    """.split()
)

# Words of neighbourhood work that jieba's general dictionary splits or does not know.
DOMAIN_WORDS = (
    "网格员",
    "居委会",
    "物业费",
    "电瓶车",
    "飞线充电",
    "井盖",
    "老年卡",
    "垃圾分类",
    "群租",
    "违章搭建",
    "占道经营",
    "高空抛物",
    "非机动车",
)

# Phrases in jieba's dictionary that swallow the end of the word before them ("路灯不亮" would be
# 路 / 灯不亮): taken out, so that the word stays whole (路灯 / 不亮).
NOT_WORDS = ("灯不亮",)

_lock = threading.Lock()
_tokenizer = None


def tokenizer():
    """jieba's tokenizer, loaded on first use (once per process, whichever thread asks first)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba  # here: 65 MB and a load that only the callers below should pay

                jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict…" banner in our logs
                found = jieba.Tokenizer()
                cache = settings.VAR_DIR / "cache"
                cache.mkdir(parents=True, exist_ok=True)
                found.tmp_dir = str(cache)
                found.initialize()
                for word in DOMAIN_WORDS:
                    found.add_word(word)  # with the frequency that keeps it whole
                for word in NOT_WORDS:
                    found.del_word(word)
                _tokenizer = found
    return _tokenizer


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def words(text: str) -> list[str]:
    """The words of `text` that can say what it is about, in order: Chinese words of two
    characters or more and Latin words, without punctuation, single characters and STOP_WORDS."""
    return list(_words(normalize(text)[:1000]))


@lru_cache(maxsize=4096)  # the 一类事 page reads the same recent reports again and again
def _words(text: str) -> tuple[str, ...]:
    return tuple(w for w in tokenizer().lcut(text, HMM=True) if WORD_RE.match(w) and w not in STOP_WORDS)
