"""The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters, the last a
check character computed from the first 17. Pure: no database; the messages are msgids that
the caller translates."""

from django.utils.translation import gettext_noop

# The code's alphabet: digits and capital letters without I, O, Z, S, V; each letter's value is
# its position here.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    """The 18th character for the first 17: 31 − (Σ value × weight mod 31), 31 written as 0."""
    total = sum(ALPHABET.index(ch) * weight for ch, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalize(code: str) -> str:
    return (code or "").strip().upper()


def problem(code: str) -> str | None:
    """None for a valid code, else what is wrong with it, in plain English (a msgid)."""
    code = normalize(code)
    if len(code) != 18:
        return gettext_noop("A unified social credit code has 18 characters.")
    if any(ch not in ALPHABET for ch in code):
        return gettext_noop(
            "A unified social credit code has only digits and the capital letters other than I, O, Z, S and V."
        )
    if check_character(code[:17]) != code[17]:
        return gettext_noop(
            "The last character of this unified social credit code does not match the others: please check it."
        )
    return None


def is_valid(code: str) -> bool:
    return problem(code) is None
