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


# --- the order of people's names -------------------------------------------------------
# Vietnamese lists of people (danh sách trích ngang, rosters, annexes) are in the order of
# the given name (tên, the last word), then the middle name(s), then the family name (họ),
# each word in the Vietnamese alphabet (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư
# v x y; f j w z of foreign and minority names in their Latin places), its tone breaking
# ties between words of the same letters only (ngang, huyền, hỏi, ngã, sắc, nặng), as in a
# Vietnamese dictionary: every "Anh" before the first "Ánh", "An" before "Anh".
#
# `name_sort_key` writes that order as a string of decimal digits, so that comparing two
# keys digit by digit gives it: the same under SQLite's BINARY and under any collation
# PostgreSQL may have (C, en_US, vi_VN, ICU: none reorders or ignores digits). Each token
# is two digits: a letter 20–52 (a digit of the name 10–19, a letter of another script
# 90), then after each word "0" and its tone 0–5, which sorts before any letter, so a
# shorter word comes first; "00" closes the given name and the middle names (fewer
# middle names first, none before any).
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER = {letter: f"{20 + rank}" for rank, letter in enumerate(_ALPHABET)}
_LETTER.update({str(digit): f"{10 + digit}" for digit in range(10)})
_LETTER["ð"] = _LETTER["đ"]  # the Icelandic eth, which looks the same, typed for Đ
_OTHER_LETTER = "90"
# The marks that make a letter of another (ă â ê ô ơ ư) and the tone marks, decomposed.
_QUALITY = {("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê",
            ("o", "\u0302"): "ô", ("o", "\u031b"): "ơ", ("u", "\u031b"): "ư"}  # fmt: skip
_TONE = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
_NAME_KEY_LENGTH = 400  # full names are at most 120 characters: at most 364 digits


def _word_key_slow(word: str) -> str:
    """One word's letters and tone, from its decomposed form: any input."""
    letters: list[str] = []
    tone = ""
    for ch in unicodedata.normalize("NFD", word):
        if ch in _TONE:
            tone = tone or _TONE[ch]
        elif unicodedata.combining(ch):
            if letters and (letters[-1], ch) in _QUALITY:
                letters[-1] = _QUALITY[letters[-1], ch]
        elif ch in _LETTER:
            letters.append(ch)
        elif ch.isalnum():
            letters.append("?")  # a letter of no Vietnamese kind: after z
        # punctuation (H'Hen, Khơ-me) does not count
    if not letters:
        return ""
    return "".join(_LETTER.get(c, _OTHER_LETTER) for c in letters) + "0" + (tone or "0")


def _fast_tables() -> tuple[dict[int, str], dict[int, str]]:
    """str.translate tables for the precomposed letters of Vietnamese (and ASCII): the
    letter's code; its tone digit. Built with the slow path, so both agree."""
    letters: dict[int, str] = {}
    tones: dict[int, str] = {}
    bases = [*_ALPHABET, *"0123456789"]
    for base in bases:
        for mark in ("", *_TONE):
            composed = unicodedata.normalize("NFC", unicodedata.normalize("NFD", base) + mark)
            if len(composed) != 1:
                continue
            key = _word_key_slow(composed)
            letters[ord(composed)] = key[:-2]
            tones[ord(composed)] = "" if key[-1] == "0" else key[-1]
    for code in range(128):  # ASCII punctuation and spaces do not count
        if chr(code) not in _LETTER:
            letters[code] = tones[code] = ""
    return letters, tones


_FAST_LETTERS, _FAST_TONES = _fast_tables()


# Names are made of a few thousand words (Nguyễn, Văn, Thị, An…): each one's key is kept.
_WORD_KEYS: dict[str, str] = {}
_WORD_KEYS_KEPT = 50_000


def _word_key(word: str) -> str:
    """One lower-case NFC word's key ("" for punctuation alone), kept for the next time."""
    letters = word.translate(_FAST_LETTERS)
    if letters.isascii() and letters.isdigit():
        # Every character of the word is in both tables: only its tone marks are left.
        found = letters + "0" + (word.translate(_FAST_TONES)[:1] or "0")
    else:  # a character outside the tables (or nothing left)
        found = _word_key_slow(word)
    if len(_WORD_KEYS) < _WORD_KEYS_KEPT:
        _WORD_KEYS[word] = found
    return found


def name_sort_key(full_name: str | None) -> str:
    """The key that sorts people's names the Vietnamese way (see above): given name,
    middle names, family name; case-insensitive, NFC or NFD alike, spaces ignored.
    "Nguyễn Văn An" < "Trần Thị Bình" < "Đặng Văn Dũng" < "Dương Văn Đông"."""
    if not full_name:
        return ""
    known = _WORD_KEYS.get
    text = unicodedata.normalize("NFC", full_name).lower()
    words = [known(word) or _word_key(word) for word in text.split()]
    if "" in words:  # a word of punctuation only
        words = [key for key in words if key]
    if not words:
        return ""
    family = words[0] if len(words) > 1 else ""
    return (words[-1] + "00" + "".join(words[1:-1]) + "00" + family)[:_NAME_KEY_LENGTH]
