"""The roster as an .xlsx in the layout of the people upload (danh sách trích ngang).

`ROSTER_COLUMNS` is the one list of columns: the people import kind builds its template
from it, so a roster exported here can be edited and uploaded back. Row 1 holds the
headers, data start on row 2. Dates are real dates shown dd/mm/yyyy (a birth year alone
is written as the year), the CCCD is text (leading zeros kept), and text that begins
with = + - @ is written as text, never as a formula.
"""

import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from units.models import today

from .filters import summarize
from .history import mask, mask_address
from .models import Gender, Person, ServiceStatus

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@")
SHEET_TITLE = "Danh sách trích ngang"
CHUNK = 2000  # people per query when streaming (the open service is prefetched per chunk)


@dataclass(frozen=True)
class RosterColumn:
    key: str
    header: str
    width: int = 14
    is_date: bool = False
    is_text: bool = False  # digits that must stay text (CCCD, phone)


ROSTER_COLUMNS: tuple[RosterColumn, ...] = (
    RosterColumn("stt", "STT", 6),
    RosterColumn("full_name", "Họ và tên", 26),
    RosterColumn("birth_date", "Ngày sinh", 12, is_date=True),
    RosterColumn("gender", "Giới tính", 9),
    RosterColumn("cccd", "Số CCCD", 15, is_text=True),
    RosterColumn("ethnicity", "Dân tộc", 10),
    RosterColumn("religion", "Tôn giáo", 12),
    RosterColumn("hometown", "Quê quán", 24),
    RosterColumn("residence", "Nơi thường trú", 28),
    RosterColumn("education", "Trình độ văn hóa", 10),
    RosterColumn("qualification", "Chuyên môn", 18),
    RosterColumn("party_joined_on", "Ngày vào Đảng", 12, is_date=True),
    RosterColumn("party_official_on", "Ngày chính thức", 12, is_date=True),
    RosterColumn("youth_union_joined_on", "Ngày vào Đoàn", 12, is_date=True),
    RosterColumn("job_title", "Chức vụ", 20),
    RosterColumn("position", "Chức vụ tự vệ", 18),
    RosterColumn("formation", "Đơn vị", 20),
    RosterColumn("force_kind", "Thành phần", 12),
    RosterColumn("joined_on", "Ngày vào tự vệ", 12, is_date=True),
    RosterColumn("status", "Tình trạng", 16),
    RosterColumn("is_reservist", "Quân nhân dự bị", 9),
    RosterColumn("health_grade", "Sức khỏe", 9),
    RosterColumn("phone", "Số điện thoại", 13, is_text=True),
    RosterColumn("notes", "Ghi chú", 24),
)
GENDERS = dict(Gender.choices)
STATUSES = dict(ServiceStatus.choices)


def roster_rows(people: QuerySet[Person], *, private: bool = True) -> Iterator[dict[str, Any]]:
    """One dict per person keyed by column key. `people` comes from
    `filters.roster_queryset` (service records prefetched, read by `summarize`).
    `private=False` masks the CCCD, the phone and the address."""
    for number, person in enumerate(people.iterator(chunk_size=CHUNK), start=1):
        service = summarize(person).current
        status = service.status if service else person.last_status
        born: dt.date | int = person.birth_date
        if person.birth_year_only:
            born = person.birth_date.year
        yield {
            "stt": number,
            "full_name": person.full_name,
            "birth_date": born,
            "gender": GENDERS.get(person.gender, ""),
            "cccd": person.cccd if private else mask(person.cccd),
            "ethnicity": person.ethnicity.name if person.ethnicity else "",
            "religion": person.religion,
            "hometown": person.hometown,
            "residence": person.residence if private else mask_address(person.residence),
            "education": person.education,
            "qualification": person.qualification,
            "party_joined_on": person.party_joined_on,
            "party_official_on": person.party_official_on,
            "youth_union_joined_on": person.youth_union_joined_on,
            "job_title": person.job_title,
            "position": service.position.name if service else "",
            "formation": service.formation.name if service and service.formation else "",
            "force_kind": service.force_kind.name if service else "",
            "joined_on": person.first_joined_on,
            "status": STATUSES.get(status, "") if status else "",
            "is_reservist": "Có" if person.is_reservist else "",
            "health_grade": f"Loại {person.health_grade}" if person.health_grade else "",
            "phone": person.phone if private else mask(person.phone),
            "notes": person.notes,
        }


def export_name() -> str:
    """The file name an export is downloaded under."""
    return f"danh-sach-trich-ngang-{today():%Y%m%d}.xlsx"


def _cell(sheet, column: RosterColumn, value: Any):
    """A plain value where nothing needs saying (styled cells cost most of the time);
    a styled cell for dates, digits that must stay text, and would-be formulas."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = "DD/MM/YYYY"
        return cell
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    formula_like = value.startswith(FORMULA_PREFIXES)
    if not (formula_like or column.is_text):
        return value  # openpyxl writes a str as text unless it starts with "="
    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"  # a string even when it looks like a number or a formula
    if column.is_text:
        cell.number_format = "@"  # and stays text when the clerk edits it
    if formula_like:
        cell.quotePrefix = True
    return cell


def write_roster(rows: Iterable[dict[str, Any]]) -> tuple[bytes, int]:
    """The workbook's bytes and the number of people written. Write-only: memory does not
    grow with the rows kept in the sheet."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    for index, column in enumerate(ROSTER_COLUMNS, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = column.width
        if column.is_text:
            dimension.number_format = "@"
    sheet.freeze_panes = "C2"
    header = []
    for column in ROSTER_COLUMNS:
        cell = WriteOnlyCell(sheet, column.header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7D4")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        sheet.append([_cell(sheet, column, row.get(column.key)) for column in ROSTER_COLUMNS])
        count += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), count
