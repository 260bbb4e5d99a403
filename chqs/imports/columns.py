"""Columns of an import kind: how a header is recognised and how a cell is parsed.

A parser takes the raw cell value (str, int, float, date, datetime or None; never
blank: the engine handles empty cells) and returns a Python value or raises
`ParseError` with a Vietnamese reason. A parser that needs the database (a choice
among rows of a table) has a `bind()` method the engine calls once per import, so
there is no query per row.
"""

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from chqs.text import fold, nfc

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


class ParseError(ValueError):
    """A cell value that cannot be read; the message is shown to the user as is."""


def header_key(value: Any) -> str:
    """Header form used for matching: no case, accents, spaces or punctuation.

    "Mã đơn vị cấp trên", "MA DON VI CAP TREN" and "Mã đơn vị (cấp trên)" are equal.
    """
    if value is None:
        return ""
    return _NOT_ALNUM.sub("", fold(str(value)))


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- Text --------------------------------------------------------------------------


def text(value: Any) -> str:
    """Trimmed NFC text; a whole number typed in a text column loses its ".0"."""
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
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")
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
    if not 1900 <= result.year <= 2100:
        raise ParseError("Năm phải trong khoảng 1900–2100.")
    return result


def date(value: Any) -> dt.date:
    """A date cell, an Excel serial, or text dd/mm/yyyy, d-m-yyyy, d.m.yyyy, yyyy-mm-dd."""
    if isinstance(value, dt.datetime):
        return _checked(value.year, value.month, value.day)
    if isinstance(value, dt.date):
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
    raise ParseError(f"Không phải ngày hợp lệ ({DATE_HINT}).")


date.number_format = "DD/MM/YYYY"


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

        def parse(value: Any) -> str:
            found = lookup.get(header_key(text(value)))
            if found is None:
                raise ParseError(f"Không có {self.what} này (chọn một trong: {known}).")
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
    the parser's labels); `width` is the column width in the template.
    """

    key: str
    header: str
    synonyms: Sequence[str] = ()
    required: bool = False
    parse: Callable[[Any], Any] = text
    notes: str = ""
    choices: Callable[[], list[str]] | None = None
    width: int = 18

    def keys(self) -> set[str]:
        return {header_key(name) for name in (self.header, self.key, *self.synonyms)}

    def matches(self, heading: Any) -> bool:
        key = header_key(heading)
        return bool(key) and key in self.keys()

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
