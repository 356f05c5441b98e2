"""Notes the system writes on an issue's timeline, shown in the reader's language.

A sentence like "A grid worker of 梧桐一网格 is on it." is written by a Celery worker or a staff
member's request, usually in Chinese, and read later by a resident who may have asked for
English (issue 4). So a system note keeps two things on its IssueEvent: `note`, the text in the
writer's language (for the admin, exports and the desk, as before), and `note_source`, what it
was made from: `[msgid, params]`. `render` makes the text again in the language active when it
is read.

Params are language-neutral: names, references, numbers, and a person's own words, kept
verbatim and never translated. A param that is itself a translatable label (a choice's label,
given as a lazy string) is stored as `[msgid]` and translated when read.
"""

from typing import Any, NamedTuple

from django.utils.functional import Promise
from django.utils.translation import gettext, override


class Note(NamedTuple):
    """A note's text in the current language, and its source (None: typed by a person)."""

    text: str
    source: list | None = None


def _msgid(lazy: Promise | str) -> str:
    """The untranslated text of a lazy string (with no language active, gettext returns it)."""
    with override(None):
        return str(lazy)


def _neutral(value: Any) -> Any:
    if isinstance(value, Promise):
        return [_msgid(value)]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)  # a model instance (a grid, a department): its name


def system_note(msgid: Promise, **params: Any) -> Note:
    """The note for a sentence marked with gettext_lazy and its params, in the current language
    (what IssueEvent.note keeps), with its source (IssueEvent.note_source)."""
    source = [_msgid(msgid), {name: _neutral(value) for name, value in params.items()}]
    return Note(_format(source), source)


def split(note: "Note | str") -> tuple[str, list | None]:
    """(note, note_source) for IssueEvent, from a Note or a person's plain text."""
    if isinstance(note, Note):
        return note.text, note.source
    return note, None


def render(source: Any, fallback: str) -> str:
    """The note in the current language, or `fallback` (the stored text) when there is no source
    or it does not fit its sentence (a changed msgid, a param gone). Never raises."""
    if not source:
        return fallback
    try:
        return _format(source)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError):
        return fallback


def _format(source: list) -> str:
    msgid, params = source
    values = {name: gettext(v[0]) if isinstance(v, list) else v for name, v in params.items()}
    return (gettext(msgid) % values).strip()
