"""Read a clerk's spreadsheet (.xlsx, .xls, .ods or .csv) into rows keyed by column.

Real files have title rows above the header, merged and two-row headers ("Ngày sinh"
over "Nam" / "Nữ"), a row of column numbers under the header, group-heading rows
("I. PHÒNG HÀNH CHÍNH", "Tổ 1"), totals ("Cộng: 45 người") and signatures at the
bottom, extra columns ("STT", "Ghi chú") in any order, and, from older offices, text
typed in TCVN3 (ABC) or VNI-Windows. The reader:

1. refuses what must not be read (`containers`: not a spreadsheet, corrupt, encrypted,
   zip bomb, macros, too big) with an `ImportFileError` in Vietnamese, never a
   traceback;
2. reads cells with python-calamine (numbers, dates, text; whole numbers as int so
   that 92090000123.0 loses nothing);
3. detects a legacy encoding once per sheet and converts every text cell to Unicode
   NFC (`chqs.legacy_encodings`);
4. finds the header among the first 30 rows: the row, or pair of rows, that matches
   the most known columns; a child header cell is read together with its parent
   ("Ngày sinh Nam") and, failing that, alone or as its parent;
5. keeps data rows, and records the rows it skips with their sheet row numbers;
6. refuses a formula in a cell it would import (the value shown is Excel's cached
   result, which may be stale or absent) and the file over IMPORT_MAX_ROWS rows.

Callers that cannot pass options down (the engine calls `read_table` itself) set them
with `reading(...)`, which also hands back the `Table` that was read.
"""

import contextvars
import csv
import io
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, islice
from operator import itemgetter
from pathlib import Path
from typing import Any

from django.conf import settings

from chqs import legacy_encodings
from chqs.text import fold

from . import layout
from .columns import Column
from .containers import (
    CSV,
    FORMAT_LABELS,
    ODS,
    XLS,
    XLSX,
    ImportFileError,
    SheetFacts,
    column_letter,
    detect_format,
    sheet_facts,
)
from .layout import SKIP_LABELS, Merge

__all__ = [
    "ImportFileError", "HeaderError", "HeaderColumn", "SheetRow", "SkippedRow", "Table",
    "read_options", "read_table", "reading", "sheet_names", "sheet_values",
]  # fmt: skip

SAMPLE_ROWS = 2000  # rows read ahead to judge the encoding before matching the header
PROGRESS_EVERY = 2000
ENCODING_LABELS = {legacy_encodings.TCVN3: "TCVN3 (ABC)", legacy_encodings.VNI: "VNI-Windows"}
Progress = Callable[[str, int, int], None]


@dataclass
class SheetRow:
    number: int  # 1-based row number in the sheet, as Excel shows it
    values: dict[str, Any]  # column key -> cell value (None when empty)


@dataclass
class SkippedRow:
    number: int
    reason: str  # a key of SKIP_LABELS
    text: str = ""  # what the row says, shortened

    @property
    def label(self) -> str:
        return SKIP_LABELS[self.reason]


@dataclass
class HeaderColumn:
    index: int  # 0-based column index in the sheet
    header: str  # the heading as read; parent and child joined for two-row headers
    key: str | None  # the column it was matched to, None when not used
    overridden: bool = False  # chosen by the user rather than by the matcher

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass
class Table:
    sheet: str
    header_row: int  # 1-based; the first row of the header
    rows: list[SheetRow]
    ignored_headers: list[str] = field(default_factory=list)
    header_rows: int = 1  # 2 for a two-row header
    format: str = XLSX
    encoding: str = legacy_encodings.UNICODE
    sheets: list[str] = field(default_factory=list)
    headers: list[HeaderColumn] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    delimiter: str = ""  # of a CSV file

    @property
    def header_end(self) -> int:
        return self.header_row + self.header_rows - 1

    @property
    def positions(self) -> dict[str, int]:
        """Column key -> 0-based column index in the sheet."""
        return {h.key: h.index for h in self.headers if h.key}

    @property
    def encoding_label(self) -> str:
        return ENCODING_LABELS.get(self.encoding, "")

    def label(self, text: str) -> str:
        """`text` (a sheet name) converted from the file's legacy encoding, for display."""
        return legacy_encodings.decode(text, self.encoding)

    def skipped_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(SKIP_LABELS, 0)
        for row in self.skipped:
            counts[row.reason] += 1
        return counts

    def info(self, listed: int = 200) -> dict[str, Any]:
        """Plain data about how the file was read, for the job page and the marked copy."""
        return {
            "format": self.format,
            "format_label": FORMAT_LABELS.get(self.format, self.format),
            "sheet": self.sheet,
            "sheets": self.sheets,
            # Sheet names typed in TCVN3/VNI, readable (the names themselves stay as is).
            "sheet_label": self.label(self.sheet),
            "sheet_labels": [self.label(name) for name in self.sheets],
            "header_row": self.header_row,
            "header_rows": self.header_rows,
            "encoding": self.encoding,
            "encoding_label": self.encoding_label,
            "columns": [
                {
                    "index": h.index,
                    "letter": h.letter,
                    "header": h.header,
                    "key": h.key,
                    "overridden": h.overridden,
                }
                for h in self.headers
            ],  # fmt: skip
            "data_rows": len(self.rows),
            "skipped": {
                reason: {"label": SKIP_LABELS[reason], "count": count}
                for reason, count in self.skipped_counts().items()
                if count
            },
            "skipped_total": len(self.skipped),
            "skipped_rows": [
                {"number": s.number, "reason": s.reason, "label": s.label, "text": s.text}
                for s in self.skipped[:listed]
            ],
            "warnings": self.warnings,
            "delimiter": self.delimiter,
        }


class HeaderError(ImportFileError):
    """The header was found but lacks a required column. `table` (without rows) says
    how the header was read, so the user can match the columns by hand."""

    def __init__(self, message: str, table: Table):
        super().__init__(message)
        self.table = table


# --- options set by a caller above the engine ------------------------------------------


@dataclass
class ReadOptions:
    # 0-based column index -> column key, or "" to leave the column unused
    mapping: dict[int, str] | None = None
    progress: Progress | None = None
    table: Table | None = None  # the last table read under these options


_options: contextvars.ContextVar[ReadOptions | None] = contextvars.ContextVar(
    "chqs_read_options", default=None
)


@contextmanager
def reading(*, mapping: dict[int, str] | None = None, progress: Progress | None = None):
    """Options for the `read_table` calls made inside the block (by the engine).

    Yields a `ReadOptions` whose `table` is the last `Table` read, so the caller sees
    how the file was read (encoding, mapping, skipped rows) without reading it twice.
    """
    options = ReadOptions(mapping={int(k): v for k, v in (mapping or {}).items()} or None,
                          progress=progress)  # fmt: skip
    token = _options.set(options)
    try:
        yield options
    finally:
        _options.reset(token)


def read_options() -> ReadOptions:
    """The options `reading(...)` set for this context (the defaults outside a block)."""
    return _options.get() or ReadOptions()


# --- public entry points -----------------------------------------------------------------


def sheet_names(path: Path, filename: str = "") -> list[str]:
    """The visible worksheets of the file, in workbook order (["CSV"] for a CSV file).

    Raises `ImportFileError` for a file that cannot be read at all.
    """
    fmt = detect_format(path, filename)
    if fmt == CSV:
        return ["CSV"]
    workbook = _open_workbook(path, fmt)
    try:
        return _worksheets(workbook)
    finally:
        workbook.close()


def read_table(
    path: Path,
    columns: Sequence[Column],
    *,
    sheet: str | None = None,
    filename: str = "",
    mapping: dict[int, str] | None = None,
    progress: Progress | None = None,
) -> Table:
    """Read `path` into a `Table` of the given columns.

    `sheet` picks a worksheet; by default the first one whose header holds every
    required column (else the one matching the most columns). `filename` is the
    user's name for the file. `mapping` overrides the matcher for some sheet columns
    (0-based index -> column key, "" = unused). `progress(phase, done, total)` is
    called while rows are read. Raises `ImportFileError` for an unreadable file, a
    missing sheet, header or required column, a formula in a cell to import, or too
    many rows.
    """
    options = _options.get() or ReadOptions()
    mapping = mapping if mapping is not None else options.mapping
    progress = progress or options.progress
    path = Path(path)
    fmt = detect_format(path, filename)
    if fmt == CSV:
        table = _read_csv(path, columns, mapping, progress)
    else:
        table = _read_workbook(path, fmt, columns, sheet, mapping, progress)
    options.table = table
    return table


def sheet_values(
    path: Path, sheet: str, *, filename: str = "", encoding: str | None = None,
    delimiter: str = "",
):  # fmt: skip
    """(rows, merges) of one sheet, every cell cleaned and decoded as `read_table` does.

    For the marked copy of a file: rows are lists of values from row 1 and column A.
    """
    fmt = detect_format(path, filename)
    if fmt == CSV:
        content = _csv_text(path)
        delimiter = delimiter or _best_delimiter(content)
        raw_rows = [list(row) for row in _csv_rows(content, delimiter)]
        merges: list[Merge] | None = None
    else:
        workbook = _open_workbook(path, fmt)
        try:
            source = _load_sheet(workbook, sheet, fmt)
            raw_rows, merges = list(source.rows), source.merges
        finally:
            workbook.close()
    if encoding is None:
        encoding = legacy_encodings.detect(_texts(raw_rows[:SAMPLE_ROWS]))
    clean = _cleaner(encoding)
    return [[clean(value) for value in row] for row in raw_rows], merges or []


# --- workbooks (calamine) --------------------------------------------------------------------


@dataclass
class _Source:
    name: str
    rows: Iterator[list[Any]]  # raw calamine rows, absolute: row 1 first, column A first
    merges: list[Merge] | None
    height: int


def _open_workbook(path: Path, fmt: str):
    from python_calamine import CalamineWorkbook, PasswordError

    try:
        if path.suffix.lower() == f".{fmt}":
            return CalamineWorkbook.from_path(str(path))
        # calamine picks its parser by the file name; a renamed file (an .xls saved as
        # "….xlsx") is opened by content instead. Size is bounded by IMPORT_MAX_BYTES.
        return CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
    except PasswordError:
        from .containers import _encrypted_message

        raise ImportFileError(_encrypted_message()) from None
    except Exception:
        # calamine raises several kinds of errors for damaged files; all mean the same.
        raise ImportFileError(_corrupt_message(fmt)) from None


def _corrupt_message(fmt: str) -> str:
    label = {XLSX: "Excel (.xlsx)", XLS: "Excel 97–2003 (.xls)", ODS: "OpenDocument (.ods)"}
    return (
        f"Không đọc được nội dung tệp {label.get(fmt, '')} (tệp có thể đã bị hỏng): mở tệp "
        "bằng Excel, lưu lại rồi tải lên lại."
    )


def _worksheets(workbook) -> list[str]:
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    names = []
    for meta in workbook.sheets_metadata:
        if meta.typ == SheetTypeEnum.MacroSheet:
            from .containers import _macro_message

            raise ImportFileError(_macro_message())
        if meta.typ == SheetTypeEnum.WorkSheet and meta.visible == SheetVisibleEnum.Visible:
            names.append(meta.name)
    return names


def _load_sheet(workbook, name: str, fmt: str) -> _Source:
    try:
        sheet = workbook.get_sheet_by_name(name)
        merges = sheet.merged_cell_ranges
        start = sheet.start
    except Exception:
        raise ImportFileError(_corrupt_message(fmt)) from None
    # calamine yields rows from row 1 but columns from the first used one.
    offset = start[1] if start else 0

    def rows() -> Iterator[list[Any]]:
        padding = [""] * offset
        try:
            for row in sheet.iter_rows():
                yield padding + row if offset else row
        except Exception:
            raise ImportFileError(_corrupt_message(fmt)) from None

    return _Source(name=name, rows=rows(), merges=merges, height=sheet.height + (start or (0,))[0])


def _read_workbook(path, fmt, columns, sheet, mapping, progress) -> Table:
    workbook = _open_workbook(path, fmt)
    try:
        names = _worksheets(workbook)
        if sheet:
            if sheet not in workbook.sheet_names:
                listed = ", ".join(f"“{name}”" for name in names)
                raise ImportFileError(f"Không có trang tính “{sheet}” (tệp có: {listed}).")
            candidates = [sheet]
        else:
            candidates = names
        best: _Prepared | None = None
        for name in candidates:
            facts = sheet_facts(path, fmt, name)
            prepared = _prepare(_load_sheet(workbook, name, fmt), columns, mapping)
            prepared.facts = facts
            if best is None or prepared.score > best.score:
                best = prepared
            if prepared.complete:
                break
        if best is None or not best.score[1]:
            raise ImportFileError(_no_header_message(columns))
        return _build_table(best, columns, fmt=fmt, sheets=names, progress=progress)
    finally:
        workbook.close()


# --- csv -----------------------------------------------------------------------------------


def _csv_text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Excel's "CSV (Comma delimited)" writes the ANSI code page: keep it only when it holds
    # TCVN3 or VNI text (whose bytes read as Latin-1 letters), which the reader converts.
    content = raw.decode("latin-1")
    if legacy_encodings.detect(_texts([[content[:200_000]]])) == legacy_encodings.UNICODE:
        raise ImportFileError(
            "Tệp CSV phải được lưu với mã hóa UTF-8 (trong Excel: Lưu thành → “CSV UTF-8”)."
        )
    return content


def _csv_rows(content: str, delimiter: str) -> Iterator[list[str]]:
    try:
        yield from csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    except csv.Error:
        raise ImportFileError("Tệp CSV sai định dạng (dấu ngoặc kép không khớp?).") from None


def _best_delimiter(content: str) -> str:
    head = content[:20_000]
    counts = {d: head.count(d) for d in (";", ",", "\t")}
    return max(counts, key=lambda d: counts[d])


def _read_csv(path, columns, mapping, progress) -> Table:
    content = _csv_text(path)
    best: _Prepared | None = None
    for delimiter in (";", ",", "\t"):
        rows = list(islice(_csv_rows(content, delimiter), SAMPLE_ROWS))
        prepared = _prepare(_Source("CSV", iter(rows), None, 0), columns, mapping)
        prepared.delimiter = delimiter
        if prepared.score[1] and (best is None or prepared.score > best.score):
            best = prepared
    if best is None:
        raise ImportFileError(_no_header_message(columns))
    best.rest = islice(_csv_rows(content, best.delimiter), SAMPLE_ROWS, None)
    table = _build_table(best, columns, fmt=CSV, sheets=["CSV"], progress=progress)
    table.delimiter = best.delimiter
    return table


# --- cells -----------------------------------------------------------------------------------


def _cleaner(encoding: str) -> Callable[[Any], Any]:
    """Cell value -> Python value: None for empty, text decoded to Unicode NFC, whole
    floats as int (a CCCD 92090000123.0 must not become 9.209e10). Called for every
    cell read: the common cases come first."""
    normalize, decode = unicodedata.normalize, legacy_encodings.decode
    unicode = encoding == legacy_encodings.UNICODE

    def clean(value: Any) -> Any:
        kind = value.__class__
        if kind is str:
            if not value:
                return None
            if value.isascii():
                return value
            return normalize("NFC", value) if unicode else decode(value, encoding)
        if kind is float:
            return int(value) if value.is_integer() else value
        return value

    return clean


def _texts(rows) -> Iterator[str]:
    for row in rows:
        for value in row:
            if isinstance(value, str) and value and not value.isascii():
                yield value


# --- building the table ----------------------------------------------------------------------


@dataclass
class _Prepared:
    source: _Source
    raw_head: list[list[Any]]  # raw rows read ahead, from row 1
    rest: Iterator[list[Any]]  # raw rows after them
    encoding: str
    clean: Callable[[Any], Any]
    header: layout.Header
    score: tuple[int, int] = (0, 0)  # (required columns found, columns found)
    complete: bool = False
    facts: SheetFacts = field(default_factory=SheetFacts)
    delimiter: str = ""


def _prepare(source: _Source, columns: Sequence[Column], mapping) -> _Prepared:
    """Read ahead, judge the encoding, find the header; the other rows stay unread."""
    raw_head = list(islice(source.rows, SAMPLE_ROWS))
    encoding = legacy_encodings.detect(_texts(raw_head))
    clean = _cleaner(encoding)
    head = [[clean(value) for value in row] for row in raw_head[: layout.HEADER_SEARCH_ROWS + 1]]
    header = layout.find_header(head, source.merges, columns)
    required = {c.key for c in columns if c.required}
    found = set(header.assigned.values())
    prepared = _Prepared(
        source=source, raw_head=raw_head, rest=source.rows, encoding=encoding, clean=clean,
        header=header, score=(len(required & found), len(found)),
        complete=bool(found) and required <= found,
    )  # fmt: skip
    # The sheet is chosen by what the matcher found; the user's corrections come after.
    if header.row and mapping:
        header.override(columns, mapping)
    return prepared


def _no_header_message(columns: Sequence[Column]) -> str:
    names = ", ".join(f"“{column.header}”" for column in columns if column.required)
    return (
        f"Không tìm thấy dòng tiêu đề trong {layout.HEADER_SEARCH_ROWS} dòng đầu (cần các cột "
        f"{names}). Hãy dùng tệp mẫu tải từ trang Nhập/xuất Excel."
    )


def _short(text: str, size: int = 80) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _build_table(prepared: _Prepared, columns, *, fmt, sheets, progress) -> Table:
    header, clean = prepared.header, prepared.clean
    assigned = header.assigned
    headers = [
        HeaderColumn(index=i, header=text, key=assigned.get(i), overridden=i in header.overridden)
        for i, text in enumerate(header.texts)
        if text or i in assigned
    ]
    table = Table(
        sheet=prepared.source.name, header_row=header.row, rows=[], header_rows=header.depth,
        format=fmt, encoding=prepared.encoding, sheets=sheets, headers=headers,
        ignored_headers=[h.header for h in headers if not h.key],
    )  # fmt: skip
    missing = [c.header for c in columns if c.required and c.key not in assigned.values()]
    if missing:
        names = ", ".join(f"“{name}”" for name in missing)
        raise HeaderError(
            f"Dòng tiêu đề (dòng {header.row}) thiếu cột bắt buộc: {names}. Nếu tệp có cột "
            "đó dưới tên khác, hãy chọn lại cách ghép cột.",
            table,
        )
    positions = sorted(assigned.items())
    used = set(assigned)
    keys = [key for _, key in positions]
    indexes = [index for index, _ in positions]
    top = max(indexes, default=-1)
    pick = _picker(indexes)
    informative = {c.key for c in columns if getattr(c, "informative", False)}
    substantive = [place for place, key in enumerate(keys) if key not in informative]
    merges = prepared.source.merges
    notes = {c.key: fold(c.notes) for c in columns if c.notes}
    sorter = layout.RowSorter(header, columns, merges, clean)
    fills = layout.vertical_fills(merges, header.end, used)
    fill_sources = {source for row in fills.values() for source in row.values()}
    remembered: dict[int, dict[int, Any]] = {}  # row -> raw cells that fill the rows below
    formulas = prepared.facts.formulas
    formula_warned: set[int] = set()
    max_rows = settings.IMPORT_MAX_ROWS
    total = max(prepared.source.height, len(prepared.raw_head))
    blanks: list[SkippedRow] = []  # counted only when a later row is not blank
    first_data = True
    # The data rows' raw cells of the used columns, cleaned column by column at the end.
    numbers: list[int] = []
    kept: list[Any] = []

    for number, raw in enumerate(chain(prepared.raw_head, prepared.rest), start=1):
        if number <= header.end:
            continue
        if progress and number % PROGRESS_EVERY == 0:
            progress("reading", number, total)
        width = len(raw)
        count = width - raw.count("") - raw.count(None)
        if number in fill_sources:
            remembered[number] = {i: raw[i] for i in used if i < width}
        if not count:
            blanks.append(SkippedRow(number, "blank"))
            continue
        cells = pick(raw) if width > top else [raw[i] if i < width else None for i in indexes]
        reason = None
        if first_data:
            if layout.is_numbers_row([clean(v) for v in raw]):
                reason = "numbers"
            elif layout.is_notes_row(dict(zip(keys, map(clean, cells), strict=True)), notes):
                reason = "notes"
        # A dense row is only ever a total (its first cells say "Tổng"/"Cộng"): most rows
        # are done with here, without the sorter.
        if reason is None and (count <= 3 or _may_be_total(raw)):
            reason = sorter.classify(number, raw, count)
        if reason is None and all(layout.blank(cells[place]) for place in substantive):
            reason = "blank"  # something only in unused columns (STT, Ghi chú)
        if reason == "blank":
            blanks.append(SkippedRow(number, "blank"))
            continue
        table.skipped.extend(blanks)
        blanks = []
        if reason is not None:
            shown = layout.first_cells(raw, 4, clean)
            table.skipped.append(
                SkippedRow(number, reason, _short(" · ".join(str(v) for _, v in shown)))
            )
            continue
        first_data = False
        row_fills = fills.get(number)
        if row_fills:
            cells = list(cells)
            for index, source in row_fills.items():
                place = indexes.index(index)
                if layout.blank(cells[place]):
                    cells[place] = remembered.get(source, {}).get(index)
        if number in formulas:
            bad = sorted(formulas[number] & used)
            if bad:
                raise ImportFileError(_formula_message(number, bad[0], table))
            formula_warned |= formulas[number]
        numbers.append(number)
        kept.append(cells)
        if max_rows and len(kept) > max_rows:
            limit = f"{max_rows:,}".replace(",", ".")
            raise ImportFileError(f"Tệp có quá nhiều dòng (giới hạn {limit} dòng).")
    if formula_warned:
        letters = ", ".join(column_letter(i) for i in sorted(formula_warned)[:10])
        table.warnings.append(
            f"Các ô công thức ở cột không dùng ({letters}) được bỏ qua, không đọc."
        )
    table.rows = _sheet_rows(numbers, kept, keys, clean)
    if progress:
        progress("reading", total, total)
    return table


def _picker(indexes: list[int]) -> Callable[[list[Any]], tuple[Any, ...]]:
    """row -> its cells at `indexes`: one C call for several columns."""
    if len(indexes) > 1:
        return itemgetter(*indexes)
    return lambda row: tuple(row[i] for i in indexes)


def _may_be_total(raw: list[Any]) -> bool:
    """Whether one of the first two non-blank cells is text starting like "Tổng" or
    "Cộng" (what `RowSorter.classify` looks for in a row of more than 3 cells)."""
    seen = 0
    for value in raw:
        if value is None or value == "":
            continue
        if value.__class__ is str:
            stripped = value.lstrip()
            if not stripped:
                continue
            if stripped[0] in "TtCc":
                return True
        seen += 1
        if seen == 2:
            return False
    return False


def _sheet_rows(
    numbers: list[int], kept: list[Any], keys: list[str], clean: Callable[[Any], Any]
) -> list[SheetRow]:
    """The data rows, each cell cleaned: column by column, a column of text (and blanks)
    cleaning each distinct value once (one dict look-up per cell, in C)."""
    if not kept:
        return []
    cleaned = []
    for column in zip(*kept, strict=True):
        kinds = set(map(type, column))
        if kinds <= {str, type(None)}:
            memo = {value: clean(value) for value in set(column)}
            cleaned.append(map(memo.__getitem__, column))
        else:  # numbers: 1, 1.0 and True are equal keys, but clean differently
            cleaned.append(map(clean, column))
    return [
        SheetRow(number, dict(zip(keys, values, strict=True)))
        for number, values in zip(numbers, zip(*cleaned, strict=True), strict=True)
    ]


def _formula_message(number: int, index: int, table: Table) -> str:
    header = next((h.header for h in table.headers if h.index == index), "")
    where = f" (cột “{header}”)" if header else ""
    return (
        f"Ô {column_letter(index)}{number}{where} chứa công thức: hãy chọn vùng dữ liệu, sao "
        "chép rồi dán giá trị (Paste Values) và tải lên lại."
    )
