"""The one rule for a resident's phone number, shared by the report form and Open311's POST."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_WITH_AREA_RE = re.compile(r"^(0\d{2,3})-(\d{7,8})$")
LANDLINE_DIGITS_RE = re.compile(r"^(0\d{9,11}|[1-9]\d{6,7})$")


def normalize_phone(value: str) -> str:
    """A mainland mobile (13812345678) or a landline (021-12345678, 12345678), tidied up.

    Spaces, dots and dashes inside a mobile number are dropped, as is a +86 prefix; a landline
    keeps one dash between its area code and number. Raises ValidationError otherwise.
    """
    text = value.strip()
    if not text:
        return ""
    text = text.replace("（", "(").replace("）", ")").replace("－", "-").replace("—", "-")
    digits = re.sub(r"[\s\-.()]", "", text)
    digits = re.sub(r"^(\+86|0086)", "", digits)
    if MOBILE_RE.match(digits):
        return digits
    # "(021) 1234 5678", "021 12345678", "021-1234-5678": area code, then the number.
    parts = [p for p in re.split(r"[\s\-.()]+", re.sub(r"^(\+86|0086)", "", text)) if p]
    if len(parts) >= 2 and parts[0].startswith("0"):
        candidate = f"{parts[0]}-{''.join(parts[1:])}"
        if LANDLINE_WITH_AREA_RE.match(candidate):
            return candidate
    if LANDLINE_DIGITS_RE.match(digits):
        return digits
    raise ValidationError(
        _("Please write a mobile number like 13812345678 or a landline like 021-12345678."), code="invalid_phone"
    )
