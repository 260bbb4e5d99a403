"""Reporting periods and their data windows (Thông tư 58/2020/TT-BQP).

A period is named by a label: `2023` (year), `2023-H1`/`2023-H2` (six months),
`2023-Q1`…`Q4` (quarter) or an explicit `2023-01-01..2023-06-30`. Its data window
follows TT 58/2020 by default: the window runs from the cut-off day (15) of the month
before the period's first month to the day before the cut-off day of its last month —
quarter I 2023 = 15/12/2022 → 14/03/2023, H1 = 15/12 → 14/6, H2 = 15/6 → 14/12, the
year 15/12 → 14/12. A province may choose another cut-off day, or calendar windows
(cut-off 0: 01/01 → 31/03), in its `ReportingRule` (reports.models).

Headcounts are "as of" a date (seed 002: "tính đến ngày 15-7-2023"), by default the
window's last day.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

TT58_CUTOFF_DAY = 15

YEAR, HALF, QUARTER, CUSTOM = "year", "half", "quarter", "custom"
KIND_LABELS = {YEAR: "năm", HALF: "6 tháng", QUARTER: "quý", CUSTOM: "tùy chọn"}
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}

_LABEL = re.compile(r"^(?P<year>\d{4})(?:-(?P<part>H[12]|Q[1-4]))?$")
_EXPLICIT = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


class PeriodError(ValueError):
    """A label that names no period; the message is for the user, in Vietnamese."""


@dataclass(frozen=True)
class Period:
    label: str
    kind: str
    start: dt.date  # first day of the data window (inclusive)
    end: dt.date  # last day of the data window (inclusive)
    year: int | None = None
    part: int | None = None  # 1–2 for a half, 1–4 for a quarter

    @property
    def title(self) -> str:
        """How the period reads in a document: "6 tháng đầu năm 2023", "quý III năm 2023"."""
        if self.kind == YEAR:
            return f"năm {self.year}"
        if self.kind == HALF:
            return f"6 tháng {'đầu' if self.part == 1 else 'cuối'} năm {self.year}"
        if self.kind == QUARTER:
            return f"quý {_ROMAN[self.part]} năm {self.year}"
        return f"từ ngày {self.start:%d/%m/%Y} đến ngày {self.end:%d/%m/%Y}"

    @property
    def months(self) -> tuple[int, int]:
        """(first, last) calendar month of a named period."""
        if self.kind == YEAR:
            return 1, 12
        if self.kind == HALF:
            return (1, 6) if self.part == 1 else (7, 12)
        if self.kind == QUARTER:
            return 3 * self.part - 2, 3 * self.part
        return self.start.month, self.end.month

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def as_dict(self, as_of: dt.date) -> dict:
        return {
            "label": self.label,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "as_of": as_of.isoformat(),
        }


def _month_before(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def window(
    year: int, first_month: int, last_month: int, cutoff_day: int
) -> tuple[dt.date, dt.date]:
    """The data window of the months first..last of `year` for a cut-off day; 0 means
    calendar months."""
    if not cutoff_day:
        last = calendar.monthrange(year, last_month)[1]
        return dt.date(year, first_month, 1), dt.date(year, last_month, last)
    start = dt.date(*_month_before(year, first_month), cutoff_day)
    end = dt.date(year, last_month, cutoff_day) - dt.timedelta(days=1)
    return start, end


def parse_period(label: str, *, cutoff_day: int = TT58_CUTOFF_DAY) -> Period:
    """The period a label names, with the window for the cut-off day (TT 58 by default)."""
    text = (label or "").strip().upper()
    explicit = _EXPLICIT.match(text)
    if explicit:
        try:
            start, end = (dt.date.fromisoformat(part) for part in explicit.groups())
        except ValueError:
            raise PeriodError(f"Ngày không hợp lệ trong kỳ “{label}”.") from None
        if end < start:
            raise PeriodError("Ngày cuối kỳ phải sau ngày đầu kỳ.")
        return Period(
            label=f"{start.isoformat()}..{end.isoformat()}", kind=CUSTOM, start=start, end=end
        )
    named = _LABEL.match(text)
    if not named or not 1900 < int(named["year"]) < 2200:
        raise PeriodError(
            f"Kỳ báo cáo “{label}” không hợp lệ: dùng 2023, 2023-H1, 2023-H2, 2023-Q1…Q4 "
            "hoặc 2023-01-01..2023-06-30."
        )
    year, part = int(named["year"]), named["part"]
    if part is None:
        kind, number, months = YEAR, None, (1, 12)
    elif part[0] == "H":
        number = int(part[1])
        kind, months = HALF, ((1, 6) if number == 1 else (7, 12))
    else:
        number = int(part[1])
        kind, months = QUARTER, (3 * number - 2, 3 * number)
    start, end = window(year, *months, cutoff_day)
    return Period(label=text, kind=kind, start=start, end=end, year=year, part=number)


def default_label(on=None) -> str:
    """The six-month period that has most recently ended (or is running)."""
    on = on or dt.date.today()
    for label in (f"{on.year}-H2", f"{on.year}-H1", f"{on.year - 1}-H2"):
        if parse_period(label).start <= on:
            return label
    return f"{on.year}-H1"


def period_choices(year: int) -> list[tuple[str, str]]:
    """The named periods of a year, for a select box."""
    labels = [f"{year}-Q{q}" for q in range(1, 5)] + [f"{year}-H1", f"{year}-H2", str(year)]
    return [(label, parse_period(label).title.capitalize()) for label in labels]


def parse_as_of(text: str | None, period: Period) -> dt.date:
    """The "as of" date: ISO or dd/mm/yyyy; the window's last day when empty."""
    if not text:
        return period.end
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise PeriodError(f"Ngày “{text}” không hợp lệ (dùng dd/mm/yyyy).")
