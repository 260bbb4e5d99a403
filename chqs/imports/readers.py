"""Read a spreadsheet (.xlsx or .csv) into rows keyed by column, with sheet row numbers.

Real files have title rows above the header, blank rows, extra columns ("STT",
"Ghi chú") and columns in any order: the header is the row, among the first 30, that
matches the most known columns. Anything that is not a readable spreadsheet is
refused with an `ImportFileError` carrying a Vietnamese message, never a traceback.
"""

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from chqs.text import fold

from .columns import Column, is_blank

HEADER_SEARCH_ROWS = 30
# An .xlsx is a zip; refuse one that inflates far beyond its size (a "zip bomb").
MAX_INFLATION = 50
XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is shown to the user as is."""


@dataclass
class SheetRow:
    number: int  # 1-based row number in the sheet, as Excel shows it
    values: dict[str, Any]  # column key -> raw cell value


@dataclass
class Table:
    sheet: str
    header_row: int
    rows: list[SheetRow]
    ignored_headers: list[str] = field(default_factory=list)


def read_table(
    path: Path, columns: Sequence[Column], *, sheet: str | None = None, filename: str = ""
) -> Table:
    """Read `path` (an .xlsx or .csv file) into a `Table` of the given columns.

    `filename` (the user's name for the file) only helps tell a CSV from a broken
    workbook. Raises `ImportFileError` for an empty, oversized, corrupt or unknown file,
    a missing sheet, a missing header or required column, or too many rows.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError:
        raise ImportFileError("Không mở được tệp.") from None
    if size == 0:
        raise ImportFileError("Tệp rỗng, không có dữ liệu.")
    if settings.IMPORT_MAX_BYTES and size > settings.IMPORT_MAX_BYTES:
        limit = settings.IMPORT_MAX_BYTES / 1024 / 1024
        raise ImportFileError(f"Tệp quá lớn (giới hạn {limit:g} MB).")
    if head.startswith(XLS_MAGIC):
        raise ImportFileError(
            "Tệp Excel 97–2003 (.xls) chưa được hỗ trợ: mở tệp bằng Excel và "
            "lưu lại dưới dạng .xlsx (Sổ làm việc Excel) rồi tải lên lại."
        )
    if head.startswith(XLSX_MAGIC):
        return _read_xlsx(path, size, columns, sheet)
    name = (filename or path.name).lower()
    if name.endswith((".xlsx", ".xlsm")):
        raise ImportFileError("Tệp không phải bảng tính Excel (.xlsx) hợp lệ hoặc đã bị hỏng.")
    return _read_csv(path, columns)


# --- xlsx --------------------------------------------------------------------------


def _read_xlsx(path: Path, size: int, columns: Sequence[Column], sheet: str | None) -> Table:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(path) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
        if inflated > max(size, 1024 * 1024) * MAX_INFLATION:
            raise ImportFileError("Tệp giải nén quá lớn, không thể đọc.")
        workbook = load_workbook(path, read_only=True, data_only=True)
    except ImportFileError:
        raise
    except Exception:
        # openpyxl raises many kinds of errors for damaged files; all mean the same here.
        raise ImportFileError(
            "Tệp không phải bảng tính Excel (.xlsx) hợp lệ hoặc đã bị hỏng."
        ) from None
    try:
        if sheet:
            if sheet not in workbook.sheetnames:
                names = ", ".join(f"“{name}”" for name in workbook.sheetnames)
                raise ImportFileError(f"Không có trang tính “{sheet}” (tệp có: {names}).")
            candidates = [workbook[sheet]]
        else:
            candidates = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
        best: tuple[str, tuple[int, dict[str, int]]] | None = None
        best_score = 0
        for worksheet in candidates:
            if not hasattr(worksheet, "reset_dimensions"):
                continue  # a chart sheet
            # Some programs write a wrong sheet size; read every row instead of trusting it.
            worksheet.reset_dimensions()
            rows = worksheet.iter_rows(values_only=True)
            score, header = _find_header(rows, columns)
            if score > best_score:
                best_score = score
                best = (worksheet.title, header)
        if best is None:
            raise ImportFileError(_no_header_message(columns))
        title, header = best
        rows = workbook[title].iter_rows(values_only=True)
        return _build_table(title, rows, header, columns)
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError(
            "Không đọc được nội dung tệp Excel (tệp có thể đã bị hỏng)."
        ) from None
    finally:
        workbook.close()


# --- csv ---------------------------------------------------------------------------


def _read_csv(path: Path, columns: Sequence[Column]) -> Table:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise ImportFileError("Tệp không phải bảng tính (.xlsx hoặc .csv).")
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            "Tệp CSV phải được lưu với mã hóa UTF-8 (trong Excel: “CSV UTF-8”)."
        ) from None
    best: tuple[int, str, tuple[int, dict[str, int]]] | None = None
    for delimiter in (";", ",", "\t"):
        found = _find_header(_csv_rows(content, delimiter), columns)
        if found[0] and (best is None or found[0] > best[0]):
            best = (found[0], delimiter, found[1])
    if best is None:
        raise ImportFileError(_no_header_message(columns))
    _, delimiter, header = best
    return _build_table("CSV", _csv_rows(content, delimiter), header, columns)


def _csv_rows(content: str, delimiter: str) -> Iterator[tuple[str, ...]]:
    try:
        for row in csv.reader(io.StringIO(content, newline=""), delimiter=delimiter):
            yield tuple(row)
    except csv.Error:
        raise ImportFileError("Tệp CSV sai định dạng (dấu ngoặc kép không khớp?).") from None


# --- header and rows ---------------------------------------------------------------


def _find_header(
    rows: Iterable[Sequence[Any]], columns: Sequence[Column]
) -> tuple[int, tuple[int, dict[str, int]]]:
    """(score, (row number, column key -> cell index)) of the best header row."""
    best = (0, (0, {}))
    for number, row in enumerate(rows, start=1):
        if number > HEADER_SEARCH_ROWS:
            break
        mapping: dict[str, int] = {}
        for index, heading in enumerate(row):
            for column in columns:
                if column.key not in mapping and column.matches(heading):
                    mapping[column.key] = index
                    break
        if len(mapping) > best[0]:
            best = (len(mapping), (number, mapping))
    return best


def _no_header_message(columns: Sequence[Column]) -> str:
    names = ", ".join(f"“{column.header}”" for column in columns if column.required)
    return (
        f"Không tìm thấy dòng tiêu đề trong 30 dòng đầu (cần các cột {names}). "
        "Hãy dùng tệp mẫu tải từ trang Nhập/xuất Excel."
    )


def _build_table(
    sheet: str,
    rows: Iterable[Sequence[Any]],
    header: tuple[int, dict[str, int]],
    columns: Sequence[Column],
) -> Table:
    header_row, mapping = header
    missing = [c.header for c in columns if c.required and c.key not in mapping]
    if missing:
        names = ", ".join(f"“{name}”" for name in missing)
        raise ImportFileError(f"Dòng tiêu đề (dòng {header_row}) thiếu cột bắt buộc: {names}.")
    notes = {c.key: fold(c.notes) for c in columns if c.notes}
    max_rows = settings.IMPORT_MAX_ROWS
    table = Table(sheet=sheet, header_row=header_row, rows=[])
    for number, row in enumerate(rows, start=1):
        if number == header_row:
            known = set(mapping.values())
            table.ignored_headers = [
                str(cell).strip()
                for index, cell in enumerate(row)
                if index not in known and not is_blank(cell)
            ]
        if number <= header_row:
            continue
        values = {key: row[index] if index < len(row) else None for key, index in mapping.items()}
        if all(is_blank(value) for value in values.values()):
            continue
        if number == header_row + 1 and _is_notes_row(values, notes):
            continue
        table.rows.append(SheetRow(number=number, values=values))
        if max_rows and len(table.rows) > max_rows:
            limit = f"{max_rows:,}".replace(",", ".")
            raise ImportFileError(f"Tệp có quá nhiều dòng (giới hạn {limit} dòng).")
    return table


def _is_notes_row(values: dict[str, Any], notes: dict[str, str]) -> bool:
    """The template's explanation row under the header (kept when users fill it in)."""
    filled = [key for key, value in values.items() if not is_blank(value)]
    same = [key for key in filled if key in notes and fold(str(values[key])) == notes[key]]
    return bool(filled) and len(same) * 2 >= len(filled)
