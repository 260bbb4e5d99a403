"""The one exporter base: a kind's columns + rows -> an .xlsx in the template's layout.

The blank template and a data export are the same workbook, one with rows and one
without, so whatever is exported can be edited and imported back:

    row 1  Vietnamese headers (bold, frozen with the notes row)
    row 2  notes explaining each column (italic; the import skips this row)
    row 3… data
    a hidden "Danh mục" sheet holding the dropdown lists (kind, level, agency type…)

Text never becomes a formula: a cell that begins with = + - @ is written as text.
"""

import datetime as dt
import io
from collections.abc import Iterable, Mapping
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from .registry import Kind

LISTS_SHEET = "Danh mục"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@")
VALIDATED_ROWS = 5000  # dropdowns cover this many data rows (more when exporting more)
HEADER_FILL = PatternFill("solid", fgColor="DDE7D4")


def write_xlsx(kind: Kind, rows: Iterable[Mapping[str, Any]], target: IO[bytes]) -> int:
    """Write `rows` (dicts keyed by column key) in `kind`'s template layout to `target`.

    Returns the number of data rows written. Streams (write-only workbook): memory does
    not grow with the number of rows.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(kind.sheet_name)
    lists = workbook.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"

    for index, column in enumerate(kind.columns, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = column.width
        dimension.number_format = column.number_format
    sheet.freeze_panes = "A3"

    dropdowns = _write_lists(kind, lists)

    header = []
    for column in kind.columns:
        cell = WriteOnlyCell(sheet, column.header + (" (*)" if column.required else ""))
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        header.append(cell)
    sheet.append(header)
    notes = []
    for column in kind.columns:
        cell = WriteOnlyCell(sheet, column.notes or None)
        cell.font = Font(italic=True, color="555555", size=9)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        notes.append(cell)
    sheet.append(notes)

    count = 0
    for row in rows:
        sheet.append([_cell(sheet, column, row.get(column.key)) for column in kind.columns])
        count += 1

    last_row = 2 + max(count, VALIDATED_ROWS)
    for index, column in enumerate(kind.columns, start=1):
        if column.key not in dropdowns:
            continue
        letter = get_column_letter(index)
        validation = DataValidation(
            type="list",
            formula1=dropdowns[column.key],
            allow_blank=True,
            showErrorMessage=False,  # a warning-free dropdown: synonyms are still accepted
        )
        validation.add(f"{letter}3:{letter}{last_row}")
        sheet.data_validations.append(validation)
    workbook.save(target)
    return count


def xlsx_bytes(kind: Kind, rows: Iterable[Mapping[str, Any]]) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(kind, rows, buffer)
    return buffer.getvalue()


def _write_lists(kind: Kind, lists) -> dict[str, str]:
    """Write each column's choices in a column of the hidden sheet; return the ranges."""
    columns = [(column, column.dropdown()) for column in kind.columns]
    columns = [(column, choices) for column, choices in columns if choices]
    longest = max((len(choices) for _, choices in columns), default=0)
    lists.append([column.header for column, _ in columns])
    for index in range(longest):
        lists.append([choices[index] if index < len(choices) else None for _, choices in columns])
    ranges = {}
    for index, (column, choices) in enumerate(columns, start=1):
        letter = get_column_letter(index)
        ranges[column.key] = (
            f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(choices) + 1}"
        )
    return ranges


def _cell(sheet, column, value: Any):
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value is None or value == "":
        return None
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, dt.date | dt.datetime):
        cell.number_format = "DD/MM/YYYY"
    elif isinstance(value, str):
        # Stored as a string even when it looks like a formula (no formula injection).
        cell.data_type = "s"
        if value.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True
        cell.number_format = "@"
    return cell
