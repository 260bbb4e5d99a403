"""The return's tables as an .xlsx workbook: Vietnamese headers, counts as numbers
(rates as their Vietnamese text, "95,87%", exactly as the PDF prints them)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .tables import Table, build_tables

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)


def _write_table(sheet, row: int, table: Table) -> int:
    sheet.cell(row=row, column=1, value=table.title).font = Font(bold=True, size=12)
    row += 1
    for col, header in enumerate(table.headers, start=1):
        cell = sheet.cell(row=row, column=col, value=header)
        cell.font = BOLD
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for values in [*table.rows, *([table.total] if table.total else [])]:
        row += 1
        for col, value in enumerate(values, start=1):
            if isinstance(value, bool):
                value = "Có" if value else "Chưa"
            cell = sheet.cell(row=row, column=col, value=None if value == "" else value)
            if isinstance(value, int):
                cell.number_format = "#,##0"
        if values is table.total:
            for col in range(1, len(values) + 1):
                sheet.cell(row=row, column=col).font = BOLD
    return row + 2


def return_xlsx(figures: dict) -> bytes:
    workbook = Workbook()
    summary = workbook.active
    summary.title = "Tổng hợp"
    period = figures["period"]
    summary["A1"] = f"BÁO CÁO {period['title'].upper()} – {figures['unit']['name']}"
    summary["A1"].font = Font(bold=True, size=13)
    summary["A2"] = f"Số liệu tính đến ngày {_vn_date(period['as_of'])}"
    row = 4
    tables = build_tables(figures)
    for table in tables:
        if not table.wide:
            row = _write_table(summary, row, table)
    summary.column_dimensions["A"].width = 6
    summary.column_dimensions["B"].width = 42
    for col in "CDEFG":
        summary.column_dimensions[col].width = 14
    for table in tables:
        if table.wide:
            sheet = workbook.create_sheet("Theo cơ quan")
            _write_table(sheet, 1, table)
            sheet.column_dimensions["A"].width = 6
            sheet.column_dimensions["B"].width = 44
            for col in range(3, len(table.headers) + 1):
                sheet.column_dimensions[get_column_letter(col)].width = 12
            sheet.freeze_panes = "C3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _vn_date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"
