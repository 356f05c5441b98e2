"""The Simplified Chinese catalogue: complete, compiled, and what residents actually see.

Chinese is the default language; English is what a person gets who asks for it (cookie or
Accept-Language). The .po file is read with a small parser of our own, so that the check needs
nothing but the standard library.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from issues import services

from . import factories

PO_PATH = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
PLACEHOLDER_RE = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[str, str] = field(default_factory=dict)  # "" for msgstr, "0", "1"... for plurals
    msgctxt: str | None = None
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False


def _unquote(text: str) -> str:
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes[m.group(1)], text[1:-1])


def parse_po(text: str) -> list[Entry]:
    """Every entry of a .po file, the header (msgid "") included; obsolete (#~) entries marked."""
    entries = []
    for block in re.split(r"\n\s*\n", text.strip()):
        entry, current = Entry(), None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry.obsolete = True
                continue
            if line.startswith("#,"):
                entry.flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
                continue
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?) (".*")$', line)
            if match:
                keyword, index, value = match.groups()
                current = (keyword, index or "")
            elif line.startswith('"') and current:
                value = line
            else:
                raise AssertionError(f"cannot parse line of {PO_PATH.name}: {line!r}")
            keyword, index = current
            value = _unquote(value)
            if keyword == "msgid":
                entry.msgid += value
            elif keyword == "msgid_plural":
                entry.msgid_plural = (entry.msgid_plural or "") + value
            elif keyword == "msgctxt":
                entry.msgctxt = (entry.msgctxt or "") + value
            else:
                entry.msgstr[index] = entry.msgstr.get(index, "") + value
        if current is not None or entry.obsolete:
            entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    entries = [e for e in parse_po(PO_PATH.read_text(encoding="utf-8")) if not e.obsolete]
    assert len(entries) > 300, "the catalogue looks truncated"
    return entries


def messages_of(catalogue: list[Entry]) -> list[Entry]:
    return [e for e in catalogue if e.msgid]


# --- The catalogue ---------------------------------------------------------------------------


def test_the_header_declares_chinese_with_one_plural_form(catalogue):
    header = next(e for e in catalogue if e.msgid == "").msgstr[""]
    assert "Language: zh_Hans\n" in header
    assert "Plural-Forms: nplurals=1; plural=0;\n" in header
    assert "charset=UTF-8" in header


def test_every_message_is_translated_and_none_is_fuzzy(catalogue):
    untranslated = [e.msgid for e in messages_of(catalogue) if not e.msgstr.get("0" if e.msgid_plural else "")]
    fuzzy = [e.msgid for e in catalogue if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []


def test_translations_keep_every_placeholder(catalogue):
    wrong = []
    for e in messages_of(catalogue):
        translated = e.msgstr.get("0" if e.msgid_plural else "", "")
        if sorted(PLACEHOLDER_RE.findall(e.msgid)) != sorted(PLACEHOLDER_RE.findall(translated)):
            wrong.append((e.msgid, translated))
    assert wrong == []


def test_the_four_kinds_are_just_their_chinese_names(catalogue):
    by_id = {e.msgid: e.msgstr.get("") for e in catalogue}
    assert by_id["Quick answers (小事即办)"] == "小事即办"
    assert by_id["Urgent matters (急事快办)"] == "急事快办"
    assert by_id["Hard matters, handled together (难事共办)"] == "难事共办"
    assert by_id["Good deeds and ideas (好事常办)"] == "好事常办"


def test_the_compiled_catalogue_matches_the_po_file(catalogue):
    """The committed .mo is what Django reads: every message must come back as the .po says."""
    assert MO_PATH.exists(), "run: manage.py compilemessages -l zh_Hans"
    stale = []
    with translation.override("zh-hans"):
        for e in messages_of(catalogue):
            if e.msgctxt is not None:
                got = translation.pgettext(e.msgctxt, e.msgid)
                expected = e.msgstr[""]
            elif e.msgid_plural:
                got = [translation.ngettext(e.msgid, e.msgid_plural, n) for n in (1, 2)]
                expected = [e.msgstr["0"]] * 2
            else:
                got = translation.gettext(e.msgid)
                expected = e.msgstr[""]
            if got != expected:
                stale.append(e.msgid)
    assert stale == [], "django.mo is older than django.po: run compilemessages"


# --- What people see -------------------------------------------------------------------------

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def english_client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def resolved_issue(world):
    issue, token = factories.issue(world.loc)
    assert issue.assignee == world.worker
    issue = services.accept_issue(issue, actor=world.worker)
    issue = services.arrive_issue(issue, actor=world.worker)
    issue = services.resolve_issue(issue, actor=world.worker, note="已更换路灯")
    return issue, token


def test_the_report_form_speaks_chinese_by_default(client, world):
    html = client.get(world.loc.report_path()).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "反映问题" in html
    assert "遇到了什么问题？" in html
    # The resident form names the kinds in plain words (the staff side keeps the four slogans).
    assert "我要咨询" in html and "紧急情况" in html and "需要多方协调的难事" in html
    assert "提交反映" in html
    assert "Send report" not in html


def test_the_report_form_speaks_english_to_who_asks_for_it(client, world):
    html = english_client(client).get(world.loc.report_path()).content.decode()
    assert '<html lang="en">' in html
    assert "Send report" in html
    assert "What is wrong?" in html
    assert "I have a question" in html and "Emergency" in html
    assert "提交反映" not in html


def test_accept_language_alone_chooses_english(client, world):
    html = client.get(world.loc.report_path(), **ENGLISH).content.decode()
    assert "Send report" in html


def test_form_errors_are_in_the_language_of_the_page(client, world, settings):
    settings.RATELIMIT_ENABLE = False
    response = client.post(world.loc.report_path(), {"description": "", "phone": "12"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "请告诉我们遇到了什么问题。" in html
    assert "请填手机号（如 13812345678）或座机号（如 021-12345678）。" in html

    response = english_client(client).post(world.loc.report_path(), {"description": ""})
    assert "Please tell us what is wrong." in response.content.decode()


def test_the_tracking_page_speaks_chinese_by_default(client, world):
    issue, token = factories.issue(world.loc)
    html = client.get(reverse("track", args=[token])).content.decode()
    assert "您反映的问题" in html
    assert "已派单" in html  # the status label
    assert "您反映的问题已经交给网格员。" in html  # what the status means, in plain words
    assert "Your report" not in html


def test_the_tracking_page_speaks_english_to_who_asks_for_it(client, world):
    issue, token = factories.issue(world.loc)
    html = english_client(client).get(reverse("track", args=[token])).content.decode()
    assert "Your report" in html
    assert "A grid worker has been given your report." in html
    assert "您反映的问题" not in html


def test_the_answer_forms_of_a_resolved_issue_are_translated(client, resolved_issue):
    _, token = resolved_issue
    url = reverse("track", args=[token])
    html = client.get(url).content.decode()
    assert "问题解决了吗？" in html
    assert "5 · 非常满意" in html
    assert ">解决了</button>" in html
    assert ">没解决</button>" in html

    html = english_client(client).get(url).content.decode()
    assert "Is it solved?" in html
    assert "Yes, it is solved" in html


def test_the_faq_page_is_translated(client, db):
    html = client.get(reverse("faq")).content.decode()
    assert "<h1>常见问题</h1>" in html
    assert "搜索" in html

    html = english_client(client).get(reverse("faq")).content.decode()
    assert "<h1>Common questions</h1>" in html


def test_the_login_page_is_translated(client, db):
    html = client.get(reverse("login")).content.decode()
    assert "<h1>登录</h1>" in html
    assert "用户名" in html and "密码" in html

    html = english_client(client).get(reverse("login")).content.decode()
    assert "<h1>Log in</h1>" in html
    assert "Username" in html
