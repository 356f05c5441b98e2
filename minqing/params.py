"""Dates people and programs send us, kept within what the app can compute with (issue 14).

Python's dates end at 9999-12-31 and begin at 0001-01-01: a page that adds a day to the last, or
goes back a week from the first, raises OverflowError (a 500). A date outside FIRST_DAY..LAST_DAY
is refused with its reason instead: a 400 for a query parameter (BadParameter, answered by
minqing.middleware.BadParameterMiddleware), a form error for a form field (check_day)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2099, 12, 31)


class BadParameter(Exception):
    """A query parameter we cannot use; `message` says why, in the reader's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def out_of_range(name: str) -> str:
    return _("%(name)s must be a date between %(first)s and %(last)s.") % {
        "name": name,
        "first": FIRST_DAY.isoformat(),
        "last": LAST_DAY.isoformat(),
    }


def within_range(value: dt.date | dt.datetime | None) -> bool:
    if value is None:
        return True
    day = value.date() if isinstance(value, dt.datetime) else value
    return FIRST_DAY <= day <= LAST_DAY


def check_day(value: dt.date | dt.datetime | None, name: str) -> None:
    """A form field's validator: raises ValidationError with the reason."""
    if not within_range(value):
        raise ValidationError(out_of_range(name), code="date_out_of_range")
