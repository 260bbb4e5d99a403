"""The clerk's own file, marked: bad cells in red and a last column "Lý do" with the
reasons, so the clerk fixes the rows in the file they know and uploads it again.

An .xlsx of ordinary size is marked in place (openpyxl keeps its fonts, widths and
merged cells). Other files (.xls, .ods, .csv) and very large workbooks are copied
value by value into a new .xlsx (streamed, so memory stays flat), with the text already
converted from TCVN3/VNI to Unicode and the merged header cells merged again.

Only rows listed in the job's summary are marked (the engine keeps the first 1.000
rejected rows; counts stay complete).
"""

import datetime as dt
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .containers import XLSX
from .engine import read_columns
from .readers import ImportFileError, sheet_values
from .registry import Kind

REASON_HEADER = "Lý do"
BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
BAD_FONT = Font(color="9C0006")
ROW_FILL = PatternFill("solid", fgColor="FDE9EC")  # a row rejected as a whole
WARN_FILL = PatternFill("solid", fgColor="FFEB9C")
# Named: a workbook typed in TCVN3 may default to .VnTime, which cannot show Unicode.
REASON_FONT = Font(name="Times New Roman", color="9C0006")
REASON_HEAD_FONT = Font(name="Times New Roman", bold=True, color="9C0006")
HEADER_FONT = Font(bold=True)
IN_PLACE_MAX_ROWS = 5000


def marks(kind: Kind, summary: Mapping[str, Any]) -> dict[int, dict[str, Any]]:
    """Sheet row -> {"cells": 0-based column indexes to paint red, "reasons": [...],
    "whole_row": bool, "warning": bool} from a job summary."""
    file = summary.get("file", {})
    keys = {column.header: column.key for column in read_columns(kind)}
    positions = {c["key"]: c["index"] for c in file.get("columns", []) if c.get("key")}
    found: dict[int, dict[str, Any]] = {}
    for row in summary.get("rejected", []):
        mark = found.setdefault(
            row["number"], {"cells": set(), "reasons": [], "whole_row": False, "warning": False}
        )
        for error in row["errors"]:
            index = positions.get(keys.get(error["column"], ""))
            if index is None:
                mark["whole_row"] = True
            else:
                mark["cells"].add(index)
            mark["reasons"].append(error["text"][:1].upper() + error["text"][1:])
    for row in summary.get("changed", []):
        if row.get("warnings") and row["number"] not in found:
            found[row["number"]] = {
                "cells": set(),
                "reasons": [f"Lưu ý: {w}" for w in row["warnings"]],
                "whole_row": False,
                "warning": True,
            }
    return found


def marked_workbook(
    path: Path, *, kind: Kind, summary: Mapping[str, Any], filename: str = ""
) -> bytes:
    """The marked copy of the job's file, as .xlsx bytes.

    Raises `ImportFileError` when the file can no longer be read.
    """
    file = summary["file"]
    found = marks(kind, summary)
    last = max((c["index"] for c in file.get("columns", [])), default=0)
    reason_column = last + 1  # 0-based: right of the last heading
    rows = file.get("data_rows", 0) + file.get("skipped_total", 0)
    if file.get("format") == XLSX and rows <= IN_PLACE_MAX_ROWS:
        try:
            return _mark_in_place(path, file, found, reason_column)
        except ImportFileError:
            raise
        except Exception:  # an exotic workbook openpyxl cannot round-trip: copy it
            pass
    return _mark_copy(path, file, found, reason_column, filename)


def _reason_text(mark: dict[str, Any]) -> str:
    return "\n".join(mark["reasons"])


def _mark_in_place(path, file, found, reason_column) -> bytes:
    workbook = load_workbook(path)
    sheet = workbook[file["sheet"]]
    column = reason_column + 1
    header_row, header_end = file["header_row"], file["header_row"] + file["header_rows"] - 1
    head = sheet.cell(row=header_row, column=column)
    head.value = REASON_HEADER
    head.font = REASON_HEAD_FONT
    if header_end > header_row:
        sheet.merge_cells(start_row=header_row, end_row=header_end, start_column=column,
                          end_column=column)  # fmt: skip
    sheet.column_dimensions[get_column_letter(column)].width = 60
    for number, mark in found.items():
        for index in mark["cells"]:
            cell = sheet.cell(row=number, column=index + 1)
            if hasattr(cell, "fill") and cell.__class__.__name__ != "MergedCell":
                cell.fill, cell.font = BAD_FILL, BAD_FONT
        reason = sheet.cell(row=number, column=column)
        reason.value = _reason_text(mark)
        reason.data_type = "s"
        reason.font = REASON_FONT
        reason.alignment = Alignment(wrap_text=True, vertical="top")
        if mark["warning"]:
            reason.fill = WARN_FILL
        elif mark["whole_row"]:
            reason.fill = ROW_FILL
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _mark_copy(path, file, found, reason_column, filename) -> bytes:
    rows, merges = sheet_values(
        path, file["sheet"], filename=filename, encoding=file.get("encoding") or None,
        delimiter=file.get("delimiter", ""),
    )  # fmt: skip
    header_row, header_end = file["header_row"], file["header_row"] + file["header_rows"] - 1
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(file["sheet"]))
    width = max(reason_column, max((len(row) for row in rows), default=0))
    for index in range(width):
        sheet.column_dimensions[get_column_letter(index + 1)].width = 18
    sheet.column_dimensions[get_column_letter(reason_column + 1)].width = 60
    for (r0, c0), (r1, c1) in merges:
        if (r0, c0) != (r1, c1) and c1 < reason_column:
            sheet.merged_cells.add(f"{get_column_letter(c0 + 1)}{r0 + 1}:"
                                   f"{get_column_letter(c1 + 1)}{r1 + 1}")  # fmt: skip
    if header_end > header_row:
        letter = get_column_letter(reason_column + 1)
        sheet.merged_cells.add(f"{letter}{header_row}:{letter}{header_end}")
    for number, values in enumerate(rows, start=1):
        mark = found.get(number)
        is_header = header_row <= number <= header_end
        cells = [_cell(sheet, value, bad=bool(mark) and index in mark["cells"], bold=is_header)
                 for index, value in enumerate(values)]  # fmt: skip
        if mark or number == header_row:
            cells += [None] * (reason_column - len(cells))
            if number == header_row:
                reason = WriteOnlyCell(sheet, REASON_HEADER)
                reason.font = REASON_HEAD_FONT
            else:
                reason = _cell(sheet, _reason_text(mark), bad=False, bold=False)
                reason.font = REASON_FONT
                reason.alignment = Alignment(wrap_text=True, vertical="top")
                if mark["warning"]:
                    reason.fill = WARN_FILL
                elif mark["whole_row"]:
                    reason.fill = ROW_FILL
            cells.append(reason)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(name: str) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in name).strip()
    return (cleaned or "Danh sách")[:31]


def _cell(sheet, value: Any, *, bad: bool, bold: bool):
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str):
        cell.data_type = "s"  # text stays text, even "=…" (no formula injection)
    elif isinstance(value, dt.datetime | dt.date):
        cell.number_format = "DD/MM/YYYY"
    if bad:
        cell.fill, cell.font = BAD_FILL, BAD_FONT
    elif bold:
        cell.font = HEADER_FONT
    return cell
