"""The scripts of the resident pages must run on old Android phones, whose WebView may be as old
as Chrome 60: one newer piece of syntax is a syntax error that loses the whole file (the pages
still work without it, but the draft, the urgent hint, the photo checks and the offline outbox
are gone). The scripts are written in ES5 with Promise/fetch behind feature checks; this test
reads each of them, with comments, strings and regular expressions set aside, for syntax and
APIs newer than Chrome 60, and lets node (when installed) check that each file parses at all."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# The templates a resident sees; the scripts are read from their <script src=…> tags.
RESIDENT_TEMPLATES = [
    "base.html",
    "403_csrf.html",
    "404.html",
    "500.html",
    "issues/report.html",
    "issues/track.html",
    "issues/faq.html",
    "issues/my_reports.html",
    "workstations/qr_stopped.html",
]

# What Chrome 60 cannot run, with the Chrome version that brought it.
TOO_NEW = {
    r"\?\.(?!\d)": "optional chaining ?. (Chrome 80)",
    r"\?\?": "nullish coalescing ?? (Chrome 80)",
    r"(\|\||&&)=": "logical assignment (Chrome 85)",
    r"\bcatch\s*\{": "catch without a binding (Chrome 66)",
    r"#[A-Za-z_$]": "private class members (Chrome 74)",
    r"\bstatic\s*\{": "static blocks (Chrome 94)",
    r"\d_\d": "numeric separators (Chrome 75)",
    r"^\s*(import|export)\b|\bimport\s*\(": "modules (classic scripts here)",
    r"\.at\(": "Array/String.prototype.at (Chrome 92)",
    r"\.replaceAll\(": "String.prototype.replaceAll (Chrome 85)",
    r"\bstructuredClone\b": "structuredClone (Chrome 98)",
    r"\bAbortSignal\.(timeout|any)\b": "AbortSignal.timeout/any (Chrome 103)",
    r"\.finally\(": "Promise.prototype.finally (Chrome 63)",
    r"\.(flat|flatMap)\(": "Array.prototype.flat (Chrome 69)",
    r"\bObject\.(fromEntries|hasOwn)\b": "Object.fromEntries / hasOwn (Chrome 73 / 93)",
    r"\bglobalThis\b": "globalThis (Chrome 71)",
    r"\.matchAll\(": "String.prototype.matchAll (Chrome 73)",
    r"\bPromise\.(allSettled|any)\b": "Promise.allSettled / any (Chrome 76 / 85)",
    r"\.(findLast|findLastIndex|toSorted|toReversed|toSpliced)\(": "ES2023 arrays (Chrome 97+)",
    r"\.(replaceChildren|toggleAttribute)\(": "newer DOM methods (Chrome 69 / 86)",
    r"\.(trimStart|trimEnd)\(": "trimStart/trimEnd (Chrome 66)",
    r"\bqueueMicrotask\b": "queueMicrotask (Chrome 71)",
}
TOO_NEW_IN_REGEX = {
    r"\(\?<[=!]": "lookbehind (Chrome 62)",
    r"\(\?<[A-Za-z]": "named groups (Chrome 64)",
    r"\\[pP]\{": "Unicode property escapes (Chrome 64)",
}


def resident_scripts() -> list[Path]:
    found = set()
    for name in RESIDENT_TEMPLATES:
        text = (ROOT / "templates" / name).read_text(encoding="utf-8")
        found.update(re.findall(r"<script src=\"\{% static '([^']+\.js)' %\}\"", text))
    return sorted(ROOT / "static" / path for path in found)


def code_and_regexes(source: str) -> tuple[str, list[str]]:
    """The source with comments and string literals blanked out, and its regex literals (also
    blanked in the code). A regex starts with / where a value cannot end (after an operator,
    a bracket, a comma, `return` …); elsewhere / is division."""
    code, regexes = [], []
    i, n = 0, len(source)
    last = ""  # the last significant character, or a keyword
    while i < n:
        c = source[i]
        if source.startswith("//", i):
            i = source.find("\n", i) if "\n" in source[i:] else n
        elif source.startswith("/*", i):
            i = source.index("*/", i + 2) + 2
            code.append(" ")
        elif c in "\"'`":
            j = i + 1
            while source[j] != c:
                j += 2 if source[j] == "\\" else 1
            code.append(c + c)
            i, last = j + 1, c
        elif c == "/" and (last == "" or last in "(,=:[!&|?{};+-*%<>~^" or last in ("return", "typeof")):
            j, in_class = i + 1, False
            while in_class or source[j] != "/":
                if source[j] == "\\":
                    j += 1
                elif source[j] == "[":
                    in_class = True
                elif source[j] == "]":
                    in_class = False
                j += 1
            flags = re.match(r"[a-z]*", source[j + 1 :]).group()
            regexes.append(source[i : j + 1 + len(flags)])
            code.append("/re/")
            i, last = j + 1 + len(flags), "/"
        else:
            word = re.match(r"[A-Za-z_$][\w$]*", source[i:])
            if word:
                code.append(word.group())
                i += len(word.group())
                last = word.group()
                continue
            code.append(c)
            if not c.isspace():
                last = c
            i += 1
    return "".join(code), regexes


def too_new(source: str) -> list[str]:
    code, regexes = code_and_regexes(source)
    problems = [
        f"{what}: line {code[: m.start()].count(chr(10)) + 1}"
        for pattern, what in TOO_NEW.items()
        for m in re.finditer(pattern, code, re.M)
    ]
    for regex in regexes:
        problems += [f"{what}: {regex}" for pattern, what in TOO_NEW_IN_REGEX.items() if re.search(pattern, regex)]
        if "s" in regex[regex.rindex("/") + 1 :]:
            problems.append(f"the s flag (Chrome 62): {regex}")
    return problems


def test_the_resident_pages_load_the_scripts_this_test_reads():
    names = {path.name for path in resident_scripts()}
    assert {"app.js", "report.js", "offline.js", "faq-suggest.js", "my-reports.js"} <= names
    assert not any("desk" in name for name in names)


@pytest.mark.parametrize("script", resident_scripts(), ids=lambda path: path.name)
def test_a_resident_script_uses_nothing_newer_than_chrome_60(script):
    assert too_new(script.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("script", resident_scripts(), ids=lambda path: path.name)
def test_a_resident_script_parses(script):
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.skip("node is not installed")
    result = subprocess.run([node, "--check", str(script)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "line",
    [
        "var x = a?.b;",
        "var x = a ?? b;",
        "try { f(); } catch { }",
        "list.at(-1);",
        "s.replaceAll('a', 'b');",
        "var copy = structuredClone(o);",
        "fetch(u, { signal: AbortSignal.timeout(5000) });",
        "p.finally(done);",
        "class A { #secret = 1; }",
        "var re = /(?<=a)b/;",
        "var re = /a.b/s;",
    ],
)
def test_the_reader_catches_what_old_phones_cannot_run(line):
    assert too_new(line) != []


@pytest.mark.parametrize(
    "line",
    [
        "var s = 'a?.b ?? c';  // x?.y",
        "var half = total / 2 / count;",
        "var re = /^image\\/(jpeg|png)$/i; var t = x ? .5 : 1;",
        "/* list.at(0) */ var ok = a && b;",
    ],
)
def test_the_reader_ignores_strings_comments_and_division(line):
    assert too_new(line) == []
