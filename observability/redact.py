"""Residents' tracking tokens never reach a log in full (issue 14): a path such as
`/t/<token>/` or `/api/v1/track/<token>/` in any log message, or in the traceback of an error
report, is written with the token's first six characters only (`/t/Ab3xYz…/`). Enough to tell
two requests apart, not enough to open anyone's report.

The request log names views, not paths (observability.requestid); this catches what Django and
libraries log with a path (`Not Found: /t/…`, `Internal Server Error: /t/…`)."""

import logging
import re
import traceback

KEEP = 6
TOKEN_IN_PATH = re.compile(r"(/(?:t|api/v1/track)/)([A-Za-z0-9_-]{" + str(KEEP) + r"})[A-Za-z0-9_-]+")


def shorten(text: str) -> str:
    return TOKEN_IN_PATH.sub(r"\1\2…", text)


def shorten_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a broken format string is the logging module's to report
        return
    short = shorten(message)
    if record.exc_info and record.exc_info[0] is not None:
        text = "".join(traceback.format_exception(*record.exc_info))
        if shorten(text) != text:
            # The traceback names a token: keep it as shortened text in the message itself.
            short = f"{short}\n{shorten(text).rstrip()}"
            record.exc_info = None
            record.exc_text = None
    if short != message:
        record.msg, record.args = short, ()


def install_record_factory() -> None:
    """Every record is shortened when it is made, whatever handler (or test capture) sees it."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "shortens_tokens", False):
        return

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        shorten_record(record)
        return record

    factory.shortens_tokens = True
    logging.setLogRecordFactory(factory)
