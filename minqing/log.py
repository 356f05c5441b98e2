"""Logging filters (minqing.settings.LOGGING)."""

import logging


def refusal_in_one_line(record: logging.LogRecord) -> bool:
    """django.request logs a refused request (403 PermissionDenied, 400 BadRequest) at WARNING
    with the exception's traceback. A refusal is normal: keep one line, with the reason, and no
    traceback. A 500 keeps its traceback."""
    if record.exc_info and getattr(record, "status_code", 500) < 500:
        reason = " ".join(str(record.exc_info[1]).split())
        record.msg = f"{record.getMessage()} ({reason})" if reason else record.getMessage()
        record.args = ()
        record.exc_info = record.exc_text = None
    return True
