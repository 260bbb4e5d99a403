"""Vietnamese text helpers shared by every app."""

import re
import unicodedata

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
