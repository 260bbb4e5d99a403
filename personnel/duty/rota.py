"""The printed rota (PDF, A4 landscape, NĐ 30/2020 layout via chqs.pdf) and the same
table as Excel. One month of a unit's published and draft turns; a draft is marked."""

import datetime as dt
import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from chqs.pdf import Letterhead, render_pdf
from units.models import Unit

from .services import province_of

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [
    "STT", "Ngày", "Thứ", "Loại trực", "Thời gian", "Địa điểm", "Chỉ huy", "Người trực",
    "Ngày công", "Giờ trực đêm (22:00–06:00)", "Ngày công cuối tuần, ngày lễ",
]  # fmt: skip
FORMULA_PREFIXES = ("=", "+", "-", "@")


def _time(row) -> str:
    turn = row["turn"]
    start, end = timezone.localtime(turn.starts_at), timezone.localtime(turn.ends_at)
    if start.date() == end.date():
        return f"{start:%H:%M}–{end:%H:%M}"
    return f"{start:%H:%M} → {end:%H:%M} {end:%d/%m}"


def place_name(province: Unit) -> str:
    """ "Bộ CHQS thành phố Cần Thơ" → "Cần Thơ" (the place line of NĐ 30 names the
    locality, without "tỉnh"/"thành phố")."""
    name = province.name
    for marker in ("thành phố ", "tỉnh ", "Thành phố ", "Tỉnh "):
        if marker in name:
            return name.rsplit(marker, 1)[1]
    return name


def letterhead(unit: Unit, month: dt.date, on: dt.date) -> Letterhead:
    province = province_of(unit)
    parent = province.name if province and province.pk != unit.pk else ""
    return Letterhead(
        parent_body=parent or unit.name,
        issuer=f"Ban CHQS {unit.short_name or unit.name}" if parent else "",
        place=place_name(province) if province else "",
        on=on,
        title="LỊCH TRỰC",
        subject=f"Tháng {month:%m/%Y} – {unit.name}",
        recipients=["Các thành phần trực", "Lưu: VT"],
        landscape=True,
    )


def rota_pdf(unit: Unit, month: dt.date, grid: dict, on: dt.date) -> bytes:
    """The month on one A4 landscape page: days down, kinds of duty across."""
    doc = letterhead(unit, month, on)
    return render_pdf("duty/rota_pdf.html", {"doc": doc, "grid": grid, "month": month})


def _safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def rota_xlsx(unit: Unit, month: dt.date, rows: list[dict]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = f"Lịch trực {month:%m-%Y}"
    sheet.append([f"LỊCH TRỰC THÁNG {month:%m/%Y} – {unit.name.upper()}"])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(HEADERS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for i, row in enumerate(rows, start=1):
        turn = row["turn"]
        sheet.append(
            [
                i,
                row["day"],
                row["weekday"] + (f" ({row['holiday']})" if row["holiday"] else ""),
                turn.kind.name + ("" if turn.is_published else " (dự kiến)"),
                _time(row),
                _safe(turn.place),
                _safe(row["officer"]),
                _safe(row["crew"]),
                turn.man_days,
                # Blank where the kind does not count them apart.
                turn.night_hours if turn.kind.night_apart else None,
                turn.holiday_man_days if turn.kind.holiday_apart else None,
            ]
        )
        sheet.cell(row=i + 2, column=2).number_format = "DD/MM/YYYY"
    widths = [6, 12, 16, 28, 20, 22, 24, 60, 11, 14, 16]
    for letter, width in zip("ABCDEFGHIJK", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
