"""Helpers for the import/export tests: workbooks written in tmp_path, commands run in-process."""

import csv
import io

import openpyxl
from django.core.management import call_command
from django.core.management.base import CommandError

from units.models import Unit, UnitLink

HEADER = [
    "Mã đơn vị", "Tên đơn vị", "Tên viết tắt", "Loại đơn vị", "Mã đơn vị cấp trên",
    "Hiệu lực từ ngày", "Cấp", "Loại hình cơ quan", "Tổng số CBCNV", "Địa chỉ",
]  # fmt: skip


def unit_row(code, name, kind="agency", parent="", valid_from="", **extra):
    """A data row in HEADER order."""
    return [
        code, name, extra.get("short_name"), kind, parent or None, valid_from or None,
        extra.get("level"), extra.get("agency_type"), extra.get("staff_count"),
        extra.get("address"),
    ]  # fmt: skip


def write_workbook(path, rows, *, header=HEADER, above=(), sheet="Danh sách"):
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for line in above:
        worksheet.append(list(line))
    worksheet.append(list(header))
    for row in rows:
        worksheet.append(list(row))
    workbook.save(path)
    return path


def write_csv(path, rows, *, header=HEADER, delimiter=";", bom=True):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(["" if value is None else value for value in row] for row in rows)
    path.write_bytes(("\ufeff" if bom else "").encode() + buffer.getvalue().encode("utf-8"))
    return path


def run(*args):
    """(exit code, everything printed) of a management command, run in-process."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return code, out.getvalue() + err.getvalue()


def snapshot():
    """Row counts that any write would change (units, links and their history)."""
    return (
        Unit.objects.count(),
        UnitLink.objects.count(),
        Unit.history.count(),
        UnitLink.history.count(),
    )
