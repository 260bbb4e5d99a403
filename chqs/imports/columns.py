"""Columns of an import kind: how a header is recognised and how a cell is parsed.

A parser takes the raw cell value (str, int, float, date, datetime or None; never
blank: the engine handles empty cells) and returns a Python value or raises
`ParseError` with a Vietnamese reason. A parser that needs the database (a choice
among rows of a table) has a `bind()` method the engine calls once per import, so
there is no query per row.
"""

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from chqs.text import fold, nfc

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_NOT_LETTER = re.compile(r"[\W_]+")


class ParseError(ValueError):
    """A cell value that cannot be read; the message is shown to the user as is."""


def header_key(value: Any) -> str:
    """Header form used for matching: no case, accents, spaces or punctuation.

    "Mã đơn vị cấp trên", "MA DON VI CAP TREN" and "Mã đơn vị (cấp trên)" are equal.
    """
    if value is None:
        return ""
    return _NOT_ALNUM.sub("", fold(str(value)))


def _cached(form: Callable[[Any], str]) -> Callable[[Any], str]:
    """`form` remembered per heading: the reader asks every column about every heading."""
    return functools.lru_cache(maxsize=4096)(form)


def accented_key(value: Any) -> str:
    """Header form that keeps the accents: "Năm" (year) and "Nam" (male) stay apart."""
    if value is None:
        return ""
    return _NOT_LETTER.sub("", unicodedata.normalize("NFC", str(value)).lower())


_heading = _cached(header_key)
_accented_heading = _cached(accented_key)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- Text --------------------------------------------------------------------------


def text(value: Any) -> str:
    """Trimmed NFC text; a whole number typed in a text column loses its ".0"."""
    if type(value) is str:  # the common case first: this runs for most cells of a file
        value = value.strip()
        return value if value.isascii() else unicodedata.normalize("NFC", value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    return nfc(str(value)).strip()


def code(value: Any) -> str:
    """A code: text without spaces (Excel number cells such as 12.0 become "12")."""
    result = text(value)
    if re.search(r"\s", result):
        raise ParseError("Mã không được chứa dấu cách.")
    return result


# --- Numbers -----------------------------------------------------------------------

_THOUSANDS = re.compile(r"^-?\d{1,3}([.,]\d{3})+$")
_INTEGER = re.compile(r"^-?\d+([.,]0+)?$")


def integer(value: Any, *, min_value: int | None = 0) -> int:
    """A whole number: a number cell, or text like "1.122", "1,122", "1 122", "120"."""
    if isinstance(value, bool):
        raise ParseError("Không phải số nguyên.")
    if isinstance(value, float):
        if not value.is_integer():
            raise ParseError("Phải là số nguyên.")
        number = int(value)
    elif isinstance(value, int):
        number = value
    else:
        raw = re.sub(r"\s+", "", text(value))
        if _THOUSANDS.match(raw):
            number = int(re.sub(r"[.,]", "", raw))
        elif _INTEGER.match(raw):
            number = int(re.split(r"[.,]", raw)[0])
        else:
            raise ParseError("Không phải số nguyên.")
    if min_value is not None and number < min_value:
        raise ParseError(f"Phải là số không nhỏ hơn {min_value}.")
    return number


integer.number_format = "0"


# --- Dates -------------------------------------------------------------------------

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_TIME = r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DMY = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})" + _TIME + "$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME + "$")
# "ngày 15 tháng 7 năm 2023", as written in decisions, folded to plain letters.
_WORDS = re.compile(r"^(?:ngay\s*)?(\d{1,2})\s*thang\s*(\d{1,2})\s*(?:nam\s*)?(\d{4})$")
_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")
_YEAR = re.compile(r"^(?:nam\s*)?(\d{4})$")
# Day and month unknown: "00/00/1985", "0/0/1985", "xx/xx/1985", "../../1985".
_UNKNOWN_DAY = re.compile(r"^(?:0{1,2}|x{1,2}|\.{1,2})\s*[/.-]\s*(?:0{1,2}|x{1,2}|\.{1,2})"
                          r"\s*[/.-]\s*(\d{4})$", re.IGNORECASE)  # fmt: skip
YEARS = range(1900, 2101)
DATE_HINT = "dùng dạng dd/mm/yyyy, ví dụ 15/07/2023"


def _from_serial(number: float) -> dt.date:
    # Serials below 61 fall in Excel's fictitious 29/02/1900; no record here is that old.
    if not 61 <= number < 2958466:
        raise ParseError(f"Số ngày Excel {number:g} không phải ngày hợp lệ.")
    return _EXCEL_EPOCH + dt.timedelta(days=int(number))


def _checked(year: int, month: int, day: int) -> dt.date:
    try:
        result = dt.date(year, month, day)
    except ValueError:
        raise ParseError(f"Ngày {day:02d}/{month:02d}/{year} không tồn tại.") from None
    if year not in YEARS:
        raise ParseError("Năm phải trong khoảng 1900–2100.")
    return result


def date(value: Any) -> dt.date:
    """A date cell, an Excel serial, or text dd/mm/yyyy, d-m-yyyy, d.m.yyyy, yyyy-mm-dd
    (a time after it is ignored) or "ngày 15 tháng 7 năm 2023"."""
    if isinstance(value, dt.date):  # datetime included
        return _checked(value.year, value.month, value.day)
    if isinstance(value, bool):
        raise ParseError(f"Không phải ngày ({DATE_HINT}).")
    if isinstance(value, int | float):
        return _from_serial(value)
    raw = text(value)
    if match := _DMY.match(raw):
        day, month, year = (int(part) for part in match.groups())
        return _checked(year, month, day)
    if match := _ISO.match(raw):
        year, month, day = (int(part) for part in match.groups())
        return _checked(year, month, day)
    if _SERIAL.match(raw):
        return _from_serial(float(raw))
    if match := _WORDS.match(fold(raw)):
        day, month, year = (int(part) for part in match.groups())
        return _checked(year, month, day)
    raise ParseError(f"Không phải ngày hợp lệ ({DATE_HINT}).")


date.number_format = "DD/MM/YYYY"


def date_or_year(value: Any) -> tuple[dt.date, bool]:
    """A date, or a year alone (1985, "1985", "00/00/1985"): (the day, whether only the
    year is known). A year alone becomes 01/01 of that year.

    A number from 1900 to 2100 is a year, not an Excel serial (serial 1985 is in 1905).
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and int(value) in YEARS:
            return dt.date(int(value), 1, 1), True
        return date(value), False
    if isinstance(value, str):
        raw = fold(value)
        found = _YEAR.match(raw) or _UNKNOWN_DAY.match(raw)
        if found:
            year = int(found.group(1))
            if year not in YEARS:
                raise ParseError("Năm phải trong khoảng 1900–2100.")
            return dt.date(year, 1, 1), True
        if re.match(r"^\d{1,2}\s*[/.-]\s*\d{4}$", raw):
            raise ParseError(
                "Thiếu ngày: ghi đủ ngày/tháng/năm (dd/mm/yyyy) hoặc chỉ ghi năm (ví dụ 1985)."
            )
    return date(value), False


date_or_year.number_format = "DD/MM/YYYY"


# --- Identity numbers, phones, yes/no ------------------------------------------------

_SEPARATORS = re.compile(r"[\s.\-_/,']+")
_SCIENTIFIC = re.compile(r"^\d+([.,]\d+)?e\+?\d+$", re.IGNORECASE)


def citizen_id(value: Any) -> str:
    """A CCCD (12 digits) or a legacy CMND (9 digits), as text.

    Excel shows a long number as a number and drops its leading zero ("079…" becomes
    79…): 11 digits get their "0" back, and so do 8 (a CMND). Spaces and dots between
    groups are removed. A number Excel turned into "7,9E+11" has lost digits: refused.
    """
    if isinstance(value, bool):
        raise ParseError("Số CCCD phải gồm 12 chữ số.")
    if isinstance(value, float):
        if not value.is_integer():
            raise ParseError("Số CCCD phải gồm 12 chữ số (không phải số thập phân).")
        value = int(value)
    raw = str(value) if isinstance(value, int) else text(value)
    if len(raw) == 12 and raw.isdigit() and raw.isascii():
        return raw  # the usual case, first
    if _SCIENTIFIC.match(raw):
        raise ParseError(
            "Số CCCD đã bị Excel đổi sang dạng số mũ và mất chữ số: định dạng cột là "
            "Văn bản (Text) rồi nhập lại số đầy đủ."
        )
    digits = _SEPARATORS.sub("", raw)
    if not digits.isdigit() or not digits.isascii():
        raise ParseError("Số CCCD chỉ gồm chữ số (12 chữ số; CMND cũ: 9 chữ số).")
    if len(digits) in (11, 8):
        digits = "0" + digits
    if len(digits) not in (12, 9):
        raise ParseError(f"Số CCCD phải gồm 12 chữ số (CMND cũ: 9 chữ số), đang có {len(digits)}.")
    return digits


citizen_id.number_format = "@"


def phone(value: Any) -> str:
    """A Vietnamese phone number as text with its leading 0: "+84 912 345 678",
    "84912345678" and the number cell 912345678 all become "0912345678"."""
    if isinstance(value, bool):
        raise ParseError("Số điện thoại không hợp lệ.")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = str(value) if isinstance(value, int) else text(value)
    if raw[:1] == "0" and len(raw) in (10, 11) and raw.isdigit() and raw.isascii():
        return raw  # the usual case, first
    digits = re.sub(r"[\s.\-()/]+", "", raw)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("0084"):
        digits = "0" + digits[4:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not digits.isdigit() or not digits.isascii():
        raise ParseError("Số điện thoại chỉ gồm chữ số (ví dụ 0912345678).")
    if not digits.startswith("0") and len(digits) in (9, 10):
        digits = "0" + digits  # the zero Excel dropped from a number cell
    if not 10 <= len(digits) <= 11:
        raise ParseError("Số điện thoại phải có 10 chữ số (máy bàn: 11), bắt đầu bằng 0.")
    return digits


phone.number_format = "@"

_YES = {"x", "co", "c", "1", "v", "yes", "y", "dung", "da", "\u2713", "\u2714", "+"}
_NO = {"khong", "k", "0", "no", "n", "-", "chua"}


def yes_no(value: Any) -> bool:
    """A tick: "x", "Có", "1", "✓" is yes; "Không", "0", "-" is no (blank: the caller)."""
    if isinstance(value, bool):
        return value
    key = fold(text(value)).rstrip(".")
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ParseError("Ghi “x” hoặc “Có” nếu đúng, để trống nếu không.")


# --- Choices -----------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    aliases: Sequence[str] = ()


class Choice:
    """One of a list of options, written as its code or its label (or an alias).

    `options` is called once per import (it may query the database); matching
    ignores case, accents, spaces and punctuation. The parsed value is the code.
    """

    number_format = "@"

    def __init__(self, options: Callable[[], Iterable[Option]], what: str):
        self.options = options
        self.what = what

    def labels(self) -> list[str]:
        return [option.label for option in self.options()]

    def bind(self) -> Callable[[Any], str]:
        options = list(self.options())
        lookup: dict[str, str] = {}
        for option in options:
            for name in (option.code, option.label, *option.aliases):
                lookup.setdefault(header_key(name), option.code)
        known = ", ".join(option.label for option in options)
        seen: dict[Any, str] = {}  # a column holds few distinct values: fold each once

        def parse(value: Any) -> str:
            found = seen.get(value)
            if found is None:
                found = lookup.get(header_key(text(value)))
                if found is None:
                    raise ParseError(f"Không có {self.what} này (chọn một trong: {known}).")
                if len(seen) < 10_000:
                    seen[value] = found
            return found

        return parse

    def __call__(self, value: Any) -> str:
        return self.bind()(value)


# --- Columns ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a kind's sheet.

    `key` names the value in parsed rows; `header` is the Vietnamese heading written
    in templates; `synonyms` are other headings found in real files; `notes` is the
    explanation written under the header; `choices` feeds the dropdown (by default
    the parser's labels); `width` is the column width in the template. `accents`
    makes the header match only with the same accents ("Năm" is not "Nam").
    `informative` marks a column that is read but is no record by itself (STT): a
    row with nothing else in it is skipped.
    """

    key: str
    header: str
    synonyms: Sequence[str] = ()
    required: bool = False
    parse: Callable[[Any], Any] = text
    notes: str = ""
    choices: Callable[[], list[str]] | None = None
    width: int = 18
    accents: bool = False
    informative: bool = False

    def __post_init__(self) -> None:
        # Matching runs for every heading of every candidate header row: fold names once.
        form = accented_key if self.accents else header_key
        names = frozenset(form(name) for name in (self.header, self.key, *self.synonyms))
        object.__setattr__(self, "_keys", names)

    def keys(self) -> set[str]:
        return set(self._keys)

    def matches(self, heading: Any) -> bool:
        key = _accented_heading(heading) if self.accents else _heading(heading)
        return bool(key) and key in self._keys

    @property
    def number_format(self) -> str:
        return getattr(self.parse, "number_format", "@")

    def dropdown(self) -> list[str] | None:
        if self.choices is not None:
            return self.choices()
        labels = getattr(self.parse, "labels", None)
        return labels() if labels else None

    def bound_parser(self) -> Callable[[Any], Any]:
        bind = getattr(self.parse, "bind", None)
        return bind() if bind else self.parse
