"""Helpers for the import/export tests: workbooks written in tmp_path, commands run in-process."""

import csv
import datetime as dt
import io
import unicodedata
import zipfile

import openpyxl
import pytest
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


# --- real clerks' files: .xls, .ods, legacy encodings ---------------------------------------


def write_xls(path, rows, *, merges=(), sheet="Danh sách", formulas=(), extra_sheets=()):
    """An Excel 97–2003 workbook (xlwt). `merges`: (first_row, last_row, first_col, last_col),
    0-based, whose text is the top-left value in `rows`; `formulas`: (row, col, formula)."""
    xlwt = pytest.importorskip("xlwt", reason="xlwt writes the .xls test files")
    workbook = xlwt.Workbook(encoding="utf-8")
    for name in extra_sheets:
        workbook.add_sheet(name).write(0, 0, "Hướng dẫn")
    worksheet = workbook.add_sheet(sheet)
    dates = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    covered = set()
    for r0, r1, c0, c1 in merges:
        worksheet.write_merge(r0, r1, c0, c1, rows[r0][c0])
        covered |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or (r, c) in covered:
                continue
            if isinstance(value, dt.date):
                worksheet.write(r, c, value, dates)
            else:
                worksheet.write(r, c, value)
    for r, c, formula in formulas:
        worksheet.write(r, c, xlwt.Formula(formula))
    workbook.save(str(path))
    return path


ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def _ods_cell(value, span=1, formula=None):
    from xml.sax.saxutils import escape, quoteattr

    attrs = f' table:number-columns-spanned="{span}"' if span > 1 else ""
    if formula:
        attrs += f" table:formula={quoteattr(formula)}"
    if value is None:
        return f"<table:table-cell{attrs}/>"
    if isinstance(value, dt.date):
        return (
            f'<table:table-cell{attrs} office:value-type="date" '
            f'office:date-value="{value.isoformat()}"><text:p>{value:%d/%m/%Y}</text:p>'
            "</table:table-cell>"
        )
    if isinstance(value, int | float):
        return (
            f'<table:table-cell{attrs} office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell{attrs} office:value-type="string"><text:p>{escape(str(value))}'
        "</text:p></table:table-cell>"
    )


def write_ods(path, rows, *, sheet="Danh sách", spans=None, formulas=None, macros=False):
    """A minimal OpenDocument spreadsheet, written by hand (a zip with content.xml).

    `spans`: {(row, col): columns spanned}; `formulas`: {(row, col): "of:=..."}."""
    spans, formulas = spans or {}, formulas or {}
    body = []
    for r, row in enumerate(rows):
        cells = []
        skip = 0
        for c, value in enumerate(row):
            if skip:
                skip -= 1
                cells.append("<table:covered-table-cell/>")
                continue
            span = spans.get((r, c), 1)
            skip = span - 1
            cells.append(_ods_cell(value, span, formulas.get((r, c))))
        body.append("<table:table-row>" + "".join(cells) + "</table:table-row>")
    from xml.sax.saxutils import quoteattr

    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NS} '
        'office:version="1.2"><office:body><office:spreadsheet>'
        f"<table:table table:name={quoteattr(sheet)}>{''.join(body)}</table:table>"
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type='
        '"application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
        if macros:
            archive.writestr("Basic/Standard/Module1.xml", "<module/>")
    return path


def to_tcvn3(text):
    """Unicode -> the bytes a TCVN3 (.VnTime) typist produced, as Excel stores them."""
    from chqs.legacy_encodings import _TCVN3

    back = {unicode: legacy for legacy, unicode in _TCVN3.items()}
    # Capitals without a code of their own were typed in .VnTimeH at the lower-case codes.
    return "".join(
        back.get(char) or back.get(char.lower(), char)
        for char in unicodedata.normalize("NFC", text)
    )


def to_vni(text):
    """Unicode -> VNI-Windows keystrokes (a base letter followed by its mark characters)."""
    from chqs.legacy_encodings import _VNI

    back = {}
    for legacy, unicode in sorted(_VNI.items(), key=lambda item: len(item[0])):
        back.setdefault(unicode, legacy)
    return "".join(back.get(char, char) for char in unicodedata.normalize("NFC", text))


def write_ole(path, streams, storages=()):
    """A minimal OLE2 compound file (what .xls and password-encrypted .xlsx files are).

    `streams`: {name: bytes}, each stored in ordinary 512-byte sectors; `storages`:
    names of empty storages (folders), such as "_VBA_PROJECT_CUR"."""
    import struct

    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    entries = [("Root Entry", 5, end, 0)]
    body, fat, next_sector = [], [fat_sector, end], 2
    for name, data in streams.items():
        data = data.ljust(max(4096, -(-len(data) // 512) * 512), b"\0")
        count = len(data) // 512
        entries.append((name, 2, next_sector, len(data)))
        fat += [next_sector + i + 1 for i in range(count - 1)] + [end]
        body.append(data)
        next_sector += count
    entries += [(name, 1, 0, 0) for name in storages]
    assert len(entries) <= 4 and len(fat) <= 128
    directory = b""
    for number, (name, kind, start, size) in enumerate(entries):
        encoded = (name + "\0").encode("utf-16-le")
        child = 1 if number == 0 and len(entries) > 1 else free
        right = number + 1 if 0 < number < len(entries) - 1 else free
        directory += struct.pack(
            "<64sHBBIII16sIQQIII", encoded, len(encoded), kind, 1, free, right, child,
            b"\0" * 16, 0, 0, 0, start, size, 0,
        )  # fmt: skip
    directory = directory.ljust(512, b"\0")
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\0" * 16, 0x3E, 3,
        0xFFFE, 9, 6, b"\0" * 6, 0, 1, 1, 0, 4096, end, 0, end, 0,
    )  # fmt: skip
    header += struct.pack("<109I", 0, *([free] * 108))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat).ljust(512, b"\xff")
    path.write_bytes(header + fat_bytes + directory + b"".join(body))
    return path
