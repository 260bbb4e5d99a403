"""Small table workbooks for the training pages (quota grid, compliance): a title row,
Vietnamese headers, data, numbers as numbers and rates as Excel percentages."""

import io
from collections.abc import Iterable

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from chqs.text import fold

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@")
HEADER_FILL = PatternFill("solid", fgColor="DDE7D4")


def _safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value  # text, never a formula
    return value


def xlsx_bytes(title: str, headers: list[str], rows: Iterable[list], percent_columns=()) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Số liệu"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for row in rows:
        sheet.append([_safe(v) for v in row])
    for column in percent_columns:
        for cell in sheet[get_column_letter(column + 1)][2:]:
            cell.number_format = "0.00%"
    for i, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(8, min(len(header) + 4, 40))
    sheet.column_dimensions["C"].width = 40
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(filename: str, title: str, headers, rows, percent_columns=()) -> HttpResponse:
    response = HttpResponse(
        xlsx_bytes(title, headers, rows, percent_columns), content_type=XLSX_CONTENT_TYPE
    )
    ascii_name = fold(filename).encode("ascii", "ignore").decode().replace(" ", "-")
    response["Content-Disposition"] = f'attachment; filename="{ascii_name}"'
    return response
