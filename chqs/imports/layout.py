"""Where the header is and which rows are data: the layout of a clerk's list.

`find_header` looks at the first rows (already decoded): the row, or pair of rows, whose
headings name the most known columns. A child heading under a parent spanning several
columns ("Ngày sinh" over "Nam" / "Nữ") is offered to the matcher joined with its
parent ("Ngày sinh Nam"), then alone, then as its parent.

`RowSorter` tells data rows from the rows a list carries around them: a row of column
numbers under the header, the template's notes row, group headings ("I. PHÒNG HÀNH
CHÍNH", "Tổ 1"), totals ("Cộng: 45 người") and signatures. It errs towards data: a
row that is only maybe a heading is kept, so the engine rejects it with a reason
rather than the reader dropping it in silence.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from chqs.text import fold

from .columns import Column, is_blank

HEADER_SEARCH_ROWS = 30
SKIP_LABELS = {
    "blank": "dòng trống",
    "numbers": "dòng đánh số cột",
    "notes": "dòng ghi chú của tệp mẫu",
    "group": "dòng tiêu đề nhóm",
    "total": "dòng tổng cộng",
    "footer": "dòng chữ ký, cuối trang",
}

Merge = tuple[tuple[int, int], tuple[int, int]]  # ((row, col), (row, col)), 0-based

_SPACES = re.compile(r"\s+")
_PARENTHESES = re.compile(r"\([^)]*\)")


def heading(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _SPACES.sub(" ", str(value)).strip()


# --- header --------------------------------------------------------------------------------


@dataclass
class Header:
    row: int = 0  # 1-based first row of the header; 0 when none was found
    depth: int = 1  # 2 for a two-row header
    texts: list[str] = field(default_factory=list)  # heading per 0-based column index
    assigned: dict[int, str] = field(default_factory=dict)  # column index -> column key
    overridden: set[int] = field(default_factory=set)  # indexes the user mapped

    @property
    def end(self) -> int:
        return self.row + self.depth - 1

    def override(self, columns: Sequence[Column], mapping: dict[int, str]) -> None:
        """Apply the user's corrections: column index -> column key, "" = not used."""
        known = {c.key for c in columns}
        for index, key in sorted(mapping.items()):
            if key and key not in known:
                continue
            self.assigned.pop(index, None)
            if key:
                for other, other_key in list(self.assigned.items()):
                    if other_key == key:
                        del self.assigned[other]
                self.assigned[index] = key
            self.overridden.add(index)
            while len(self.texts) <= index:
                self.texts.append("")


class Matcher:
    """Which columns a heading names, in column order; `Column.matches` decides, once per
    distinct heading."""

    def __init__(self, columns: Sequence[Column]):
        self.columns = columns
        self.cache: dict[str, list[str]] = {}

    def __call__(self, text: str) -> list[str]:
        found = self.cache.get(text)
        if found is None:
            found = [c.key for c in self.columns if c.matches(text)] if text else []
            self.cache[text] = found
        return found


def _assign(candidates: list[list[str]], match: Matcher) -> dict[int, str]:
    """Column index -> key: each index takes the first of its candidate headings that
    names a column not yet taken (left to right, as a person reads)."""
    taken: dict[str, int] = {}
    for index, texts in enumerate(candidates):
        for text in texts:
            key = next((k for k in match(text) if k not in taken), None)
            if key is not None:
                taken[key] = index
                break
    return {index: key for key, index in taken.items()}


def _variants(text: str) -> list[str]:
    """A heading, then the same without its parenthesised remark ("Họ và tên (in hoa)")."""
    if not text:
        return []
    bare = _SPACES.sub(" ", _PARENTHESES.sub(" ", text)).strip()
    return [text, bare] if bare and bare != text else [text]


def _filled_rows(head: list[list[Any]], merges: list[Merge] | None) -> list[list[str]]:
    """The first rows as headings, a merged cell's text repeated over its whole range."""
    limit = min(len(head), HEADER_SEARCH_ROWS + 1)
    width = max((len(row) for row in head[:limit]), default=0)
    rows = [[heading(v) for v in row] + [""] * (width - len(row)) for row in head[:limit]]
    for (r0, c0), (r1, c1) in merges or ():
        if r0 >= limit or c0 >= width:
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, limit - 1) + 1):
            for c in range(c0, min(c1, width - 1) + 1):
                rows[r][c] = value
    return rows


def _spans(parent: list[str], child: list[str]) -> list[str]:
    """A parent heading carried over the blank cells to its right that have a child
    heading below (a parent centred over its sub-columns without a real merge)."""
    out = list(parent)
    for c in range(1, len(out)):
        if not out[c] and child[c] and out[c - 1] and child[c - 1]:
            out[c] = out[c - 1]
    return out


def _two_row_candidates(parent: list[str], child: list[str]) -> tuple[list[list[str]], list[str]]:
    candidates, texts = [], []
    for top, below in zip(parent, child, strict=True):
        if not below or below == top:
            candidates.append(_variants(top))
            texts.append(top)
        elif not top:
            candidates.append(_variants(below))
            texts.append(below)
        else:
            joined = f"{top} {below}"
            candidates.append([*_variants(joined), *_variants(below), *_variants(top)])
            texts.append(joined)
    return candidates, texts


def _is_sub_header(parent: list[str], child: list[str]) -> bool:
    """The row under a header holds sub-headings: text only, and one of several parent
    headings spans two or more sub-headings ("Ngày sinh" over "Nam" / "Nữ")."""
    if len({text for text in parent if text}) < 2:
        return False  # a title over the header, not a header
    if any(text and re.fullmatch(r"[\d\s.,:/()-]+", text) for text in child):
        return False
    for c in range(1, len(parent)):
        spanned = parent[c] and parent[c] == parent[c - 1] and child[c] and child[c - 1]
        if spanned and child[c] != child[c - 1] and child[c] != parent[c]:
            return True
    return False


def find_header(
    head: list[list[Any]], merges: list[Merge] | None, columns: Sequence[Column]
) -> Header:
    """The best header among the first rows of `head` (decoded cell values from row 1)."""
    rows = _filled_rows(head, merges)
    match = Matcher(columns)
    required = {c.key for c in columns if c.required}

    def score(assigned: dict[int, str]) -> tuple[int, int]:
        keys = set(assigned.values())
        return (len(required & keys), len(keys))

    singles = [_assign([_variants(text) for text in row], match) for row in rows]
    best: tuple[tuple[int, int], Header] | None = None
    for r in range(min(len(rows), HEADER_SEARCH_ROWS)):
        result = (score(singles[r]), Header(r + 1, 1, list(rows[r]), singles[r]))
        if r + 1 < len(rows) and any(rows[r + 1]):
            # Two rows make the header when together they name more columns than either
            # alone, or as many but the second row is sub-headings under a spanning parent.
            parent = _spans(rows[r], rows[r + 1])
            candidates, texts = _two_row_candidates(parent, rows[r + 1])
            assigned = _assign(candidates, match)
            alone = max(result[0], score(singles[r + 1]))
            together = score(assigned)
            if together > alone or (
                together == alone and alone[1] and _is_sub_header(parent, rows[r + 1])
            ):
                result = (together, Header(r + 1, 2, texts, assigned))
        if result[0][1] and (best is None or result[0] > best[0]):
            best = result
    return best[1] if best else Header()


# --- rows ------------------------------------------------------------------------------------

_TOTAL = re.compile(r"^(tong cong|tong so\b|(cong|tong)\s*(:|\d|$|\())")
_FOOTER = re.compile(
    r"\(ky\b|\bky ten\b|\bky,? ghi ro|\bnguoi lap\b|\bngay\s*\S*\s*thang\s*\S*\s*nam\b"
)
_ROMAN_HEADING = re.compile(r"^[IVXLC]+\s*[.)\-–:]\s*\S")
_NUMBERED_HEADING = re.compile(r"^([A-Za-z]|\d{1,2}(\.\d{1,2})*)\s*[.)]\s*\S")
_GROUP_WORDS = re.compile(
    r"^((to|doi|nhom|cum|khoi|ban|phong)\s+(\d+|[ivxlc]+|[a-z])\b"
    r"|(phong|khoi|bo phan|phan xuong|chi nhanh|trung tam|tieu doi|trung doi|dai doi"
    r"|khau doi|luc luong)\s)"
)
_COLUMN_NUMBER = re.compile(r"^\(?(\d{1,3})\)?$")


def blank(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


def is_numbers_row(values: list[Any]) -> bool:
    """A row of column numbers under the header: 1 2 3 … or (1) (2) (3) …"""
    numbers = []
    for value in values:
        if blank(value):
            continue
        if isinstance(value, int) and not isinstance(value, bool):
            numbers.append(value)
        elif isinstance(value, str) and (found := _COLUMN_NUMBER.match(value.strip())):
            numbers.append(int(found.group(1)))
        else:
            return False
    return (
        len(numbers) >= 3
        and numbers[0] <= 2
        and all(b > a for a, b in zip(numbers, numbers[1:], strict=False))
        and numbers[-1] - numbers[0] <= 2 * len(numbers)
    )


def is_notes_row(values: dict[str, Any], notes: dict[str, str]) -> bool:
    """The template's explanation row under the header (kept when users fill it in)."""
    filled = [key for key, value in values.items() if not is_blank(value)]
    same = [key for key in filled if key in notes and fold(str(values[key])) == notes[key]]
    return bool(filled) and len(same) * 2 >= len(filled)


class RowSorter:
    """Tells data rows from rows to skip, by what is in them and where."""

    def __init__(
        self, header: Header, columns: Sequence[Column], merges: list[Merge] | None, clean
    ):
        self.clean = clean  # raw cell -> decoded value
        required = {c.key for c in columns if c.required}
        # Columns that only inform (STT) do not make a row a record.
        informative = {c.key for c in columns if getattr(c, "informative", False)}
        self.used = {i for i, key in header.assigned.items() if key not in informative}
        self.required_indexes = {i for i, k in header.assigned.items() if k in required}
        self.first = min([i for i, text in enumerate(header.texts) if text] or [0])
        # A heading merged across the table (3 columns or more) below the header.
        self.wide_merges = {
            r0 + 1 for (r0, c0), (_r1, c1) in merges or () if c1 - c0 >= 2 and r0 + 1 > header.end
        }

    def classify(self, number: int, row: list[Any], count: int) -> str | None:
        """The skip reason of a raw row with `count` non-blank cells, or None for data.

        Cheap tests first: most rows are dense data rows that start with a number (STT)
        or a name, and are done with after looking at their first cells.
        """
        cells = first_cells(row, min(count, 3), self.clean)
        if count <= 3 and _FOOTER.search(fold(" ".join(str(v) for _, v in cells))):
            return "footer"
        for _, value in cells[:2]:
            maybe = isinstance(value, str) and value.lstrip()[:1] in "TtCc"
            if maybe and _TOTAL.match(fold(value)):
                return "total"
        if count <= 2 and self._is_group(number, cells):
            return "group"
        return None

    def _is_group(self, number: int, filled: list[tuple[int, Any]]) -> bool:
        if any(index > self.first + 1 for index, _ in filled):
            return False
        if sum(1 for index, _ in filled if index in self.required_indexes) > 1:
            return False
        if number in self.wide_merges:
            return True
        index, value = filled[0]
        if not isinstance(value, str):
            return False
        text = value.strip()
        if index not in self.used:
            return True  # text in an unused column (STT) with nothing else of substance
        return bool(
            _ROMAN_HEADING.match(text)
            or _NUMBERED_HEADING.match(text)
            or _GROUP_WORDS.match(fold(text))
        )


def first_cells(row: list[Any], count: int, clean) -> list[tuple[int, Any]]:
    """The first `count` non-blank (index, cleaned value) cells of a raw row."""
    found = []
    if count:
        for index, value in enumerate(row):
            if not blank(value):
                found.append((index, clean(value)))
                if len(found) == count:
                    break
    return found


def vertical_fills(merges: list[Merge] | None, header_end: int, used: set[int]):
    """Row (1-based) -> {column index: row whose value fills it} for cells merged down a
    column of the data (one "Tổ 1" cell beside several people)."""
    fills: dict[int, dict[int, int]] = {}
    for (r0, c0), (r1, _c1) in merges or ():
        if r1 > r0 and r0 + 1 > header_end and c0 in used:
            for r in range(r0 + 2, r1 + 2):
                fills.setdefault(r, {})[c0] = r0 + 1
    return fills
