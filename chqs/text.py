"""Vietnamese text helpers shared by every app."""

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

_SPACES = re.compile(r"\s+")


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def fold(value: str | None) -> str:
    """Lower-case, accent-free, single-spaced form for searching and matching.

    "Cần Thơ" and "CAN  THO" both fold to "can tho"; "đ" folds to "d", which
    Unicode decomposition alone does not do.
    """
    if not value:
        return ""
    text = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SPACES.sub(" ", text).strip().lower()


def title_case_name(value: str) -> str:
    """ "NGUYỄN VĂN AN" → "Nguyễn Văn An"; a name already in mixed case is kept as typed
    (a clerk may have written "Nguyễn Thị Kim Chi" on purpose)."""
    text = _SPACES.sub(" ", nfc(value)).strip()
    letters = [c for c in text if c.isalpha()]
    if (
        letters
        and all(c.isupper() for c in letters)
        or letters
        and all(c.islower() for c in letters)
    ):
        return " ".join(word[:1].upper() + word[1:].lower() for word in text.split(" "))
    return text


def format_int(value: int) -> str:
    """1122 → "1.122" (Vietnamese grouping), whatever the active locale."""
    sign = "-" if value < 0 else ""
    return sign + f"{abs(int(value)):,}".replace(",", ".")


def format_number(value) -> str:
    """6502.5 → "6.502,5", 1122 → "1.122": at most two decimals (half-up), trailing zeros
    dropped — man-days and hours are often fractional."""
    number = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    text = f"{abs(number):f}"
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    return sign + format_int(int(whole)) + ("," + frac if frac else "")


def rate(numerator: int, denominator: int) -> Decimal | None:
    """A percentage rounded half-up to two decimals; None when there is nothing to divide by."""
    if not denominator:
        return None
    value = Decimal(numerator) * 100 / Decimal(denominator)
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def format_rate(numerator: int, denominator: int, empty: str = "—") -> str:
    """81/89 → "91,01%", 519/842 → "61,64%", 1/2 → "50%": two decimals at most, half-up,
    trailing zeros dropped, decimal comma."""
    value = rate(numerator, denominator)
    if value is None:
        return empty
    return format_percent(value)


def format_percent(value: Decimal) -> str:
    text = f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    whole, _, frac = text.partition(".")
    return format_int(int(whole)) + ("," + frac if frac else "") + "%"
