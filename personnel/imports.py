"""The `people` and `boards` import/export kinds (found by registry.autodiscover()).

`people`: an agency's staff list (danh sách trích ngang) to and from Excel, in the
columns of the roster export (`roster_export.ROSTER_COLUMNS`), so a roster exported
from the pages or by `export_data people` imports back with every row unchanged.

- One agency per import (`--unit`; a clerk's own agency by default). Rows match people
  by CCCD; a CCCD already in another agency is refused, naming it: a transfer between
  agencies is its own action, never a side effect of an upload.
- A column the file has is the truth, blank cells included; a column the file does not
  have is left as it is (a file of CCCD + phone updates phones only).
- "Chức vụ tự vệ" opens a self-defence service (Luật DQTV Điều 8–9, as in
  `services.service_open`) for a person without one. A different formation, position
  or kind of force for a serving member is a transfer (`services.service_transfer`)
  dated the day of the import: the file says where the member is now, not when they
  moved. The open record closes that day with the status "Chuyển đơn vị" and the next
  opens; nothing is overwritten. A member missing from the file, or with the column
  left blank, is not discharged: the preview lists them as "không có trong tệp".
- Law refuses the row (age at joining, Điều 8 — the file has no "volunteer" column,
  so an over-age member is entered on the person page); practice warns (term ending
  within 90 days, legacy 9-digit CMND, a year of birth alone, a position the
  configuration keeps to one gender).

Speed (bench/import_people.py): `plan` loads the agency's people and their services
in two queries and looks the file's other CCCDs up in chunks; `write_batch` writes a
batch with COPY/executemany (engine.bulk_insert) and a fixed number of queries.

`boards`: Ban CHQS appointments (agency, seat, holder's CCCD, dates, decision).
"""

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.http import Http404

from chqs.imports import registry
from chqs.imports.columns import (
    Choice,
    Column,
    Option,
    ParseError,
    citizen_id,
    code,
    date,
    date_or_year,
    header_key,
    phone,
    text,
    yes_no,
)
from chqs.imports.engine import (
    NEW,
    UNCHANGED,
    UPDATED,
    Importer,
    ImportRefused,
    RowResult,
    allocate_ids,
    bulk_insert,
    bulk_update_rows,
    filter_in,
    insert_history,
)
from chqs.text import fold, name_sort_key, title_case_name
from units.models import Board, BoardPositionKind, ForceKind, Formation, Unit, today

from . import appointments as board_rules
from . import rules
from .filters import roster_queryset
from .history import mask
from .models import (
    TERM_YEARS,
    AppointmentState,
    BoardAppointment,
    Ethnicity,
    Gender,
    Person,
    Service,
    ServicePosition,
    ServiceStatus,
    StatusReason,
    add_years,
)
from .roster_export import ROSTER_COLUMNS, roster_rows
from .scope import people as people_in_scope

CHANGE_REASON = "Nhập từ Excel"
LOOKUP_CHUNK = 2000  # CCCDs per "WHERE cccd IN (...)" query
MISSING_LISTED = 10
RELIGIONS = ["Phật giáo", "Công giáo", "Tin Lành", "Cao Đài", "Hòa Hảo", "Hồi giáo", "Không"]
NO_RELIGION = {"khong", "khong co", "khong ton giao", "khong theo ton giao", "k", "-", "0"}
EDUCATION_LEVELS = ["12/12", "11/12", "10/12", "9/12", "8/12", "7/12", "10/10", "9/10", "7/10"]
HEALTH_GRADES = [f"Loại {grade}" for grade in range(1, 7)]

# --- choices, with the other names real files use ------------------------------------------

ETHNIC_ALIASES = {
    "Kinh": ("Việt", "Kinh (Việt)"),
    "Khơ-me": ("Khmer", "Khơ me Krôm", "Khmer Krom", "Miên"),
    "Mông": ("Hmông", "H'Mông", "Hmong", "Mèo"),
    "Hoa": ("Hán", "Hoa (Hán)"),
    "Ê-đê": ("Êđê", "Rhađê", "Ede"),
    "Gia-rai": ("Jrai", "Jarai"),
    "Ba-na": ("Bahnar",),
    "Xơ-đăng": ("Sedang",),
    "Chăm": ("Chàm",),
    "Cơ-ho": ("K'ho", "Koho"),
    "Bru-Vân Kiều": ("Vân Kiều", "Bru"),
    "Khơ-mú": ("Khmu",),
    "Xtiêng": ("Stiêng",),
    "Mnông": ("M'nông",),
    "Sán Chay": ("Sán Chỉ", "Cao Lan"),
}
GENDER_ALIASES = {
    Gender.MALE: ("nam giới", "trai", "male", "m"),
    Gender.FEMALE: ("nữ giới", "gái", "female", "f"),
}
FORCE_KIND_ALIASES = {
    "tai-cho": ("tại chỗ", "TC", "TVTC", "tự vệ tại chỗ"),
    "co-dong": ("cơ động", "CĐ", "TVCĐ", "tự vệ cơ động"),
    "phong-khong": ("PK", "tự vệ phòng không"),
    "phao-binh": ("PB", "tự vệ pháo binh"),
    "trinh-sat": ("tự vệ trinh sát",),
    "thong-tin": ("tự vệ thông tin",),
    "cong-binh": ("tự vệ công binh",),
    "phong-hoa": ("tự vệ phòng hóa",),
    "y-te": ("tự vệ y tế",),
}
POSITION_ALIASES = {
    "chien-si": ("CS", "Chiến sỹ", "Tự vệ", "Đội viên", "Chiến sĩ tự vệ"),
    "tieu-doi-truong": ("A trưởng",),
    "trung-doi-truong": ("B trưởng",),
    "pho-trung-doi-truong": ("B phó", "Trung đội phó"),
    "dai-doi-truong": ("C trưởng",),
    "pho-dai-doi-truong": ("C phó", "Đại đội phó"),
    "tieu-doan-truong": ("D trưởng",),
    "pho-tieu-doan-truong": ("D phó", "Tiểu đoàn phó"),
}
STATUS_ALIASES = {
    ServiceStatus.SERVING: ("Đang tham gia tự vệ", "Tham gia", "Đang"),
    ServiceStatus.POSTPONED: ("Hoãn",),
    ServiceStatus.EXEMPT: ("Miễn tham gia",),
    ServiceStatus.RELEASED: ("Thôi", "Thôi tham gia"),
    ServiceStatus.REMOVED: ("Loại khỏi danh sách",),
    ServiceStatus.COMPLETED: ("Hoàn thành nhiệm vụ",),
}
STATUS_LABELS = dict(ServiceStatus.choices)


class PkChoice(Choice):
    """A choice among rows of a table whose value is the row's primary key (an int)."""

    def bind(self):
        parse = super().bind()
        return lambda value: int(parse(value))


def _ethnicities():
    aliases = ETHNIC_ALIASES
    return [Option(str(e.pk), e.name, aliases.get(e.name, ())) for e in Ethnicity.objects.all()]


def _genders():
    return [Option(value, label, GENDER_ALIASES[value]) for value, label in Gender.choices]


def _force_kinds():
    aliases = FORCE_KIND_ALIASES
    return [Option(k.code, k.name, aliases.get(k.code, ())) for k in ForceKind.objects.all()]


def _positions():
    return [
        Option(p.code, p.name, POSITION_ALIASES.get(p.code, ()))
        for p in ServicePosition.objects.all()
    ]


def _statuses():
    return [
        Option(value, label, STATUS_ALIASES.get(value, ()))
        for value, label in ServiceStatus.choices
        if value != ServiceStatus.TRANSFERRED
    ]


# --- cell parsers of the people list -----------------------------------------------------


def full_name(value: Any) -> str:
    """A name, title-cased when typed in capitals ("NGUYỄN VĂN AN" → "Nguyễn Văn An")."""
    name = text(value)
    if name.isupper() or name.islower():
        name = title_case_name(name)
    elif "  " in name or not name.isprintable():
        name = " ".join(name.split())
    if re.search(r"\d", name):
        raise ParseError("Họ và tên không được chứa chữ số.")
    return name


def religion(value: Any) -> str:
    """A religion as typed; "Không" (none) is a blank."""
    result = text(value)
    return "" if fold(result).rstrip(".") in NO_RELIGION else result


def education(value: Any) -> str:
    """General education as "grade/system": "12/12", "9/12", "10/10". A bare grade is out of
    12; a "12/12" that Excel turned into the date 12 December reads back as "12/12"."""
    if isinstance(value, dt.date):
        day, month = value.day, value.month
        if month in (10, 12) and day <= month:
            return f"{day}/{month}"
        if day in (10, 12) and month <= day:
            return f"{month}/{day}"
        raise ParseError("Trình độ văn hóa ghi dạng lớp/hệ, ví dụ 12/12.")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 1 <= value <= 12:
            return f"{int(value)}/12"
        raise ParseError("Trình độ văn hóa ghi dạng lớp/hệ, ví dụ 12/12.")
    result = re.sub(r"\s*/\s*", "/", text(value))
    if re.fullmatch(r"\d{1,2}", result) and 1 <= int(result) <= 12:
        return f"{int(result)}/12"
    return result


education.number_format = "@"

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6}


def health_grade(value: Any) -> int:
    """Health grade 1–6: 2, "2", "Loại 2", "L2", "loại II"."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        grade = int(value) if float(value).is_integer() else 0
    else:
        key = re.sub(r"^(loai|l)\s*", "", fold(text(value))).strip(" .")
        grade = int(key) if key.isdigit() else _ROMAN.get(key, 0)
    if not 1 <= grade <= 6:
        raise ParseError("Sức khỏe ghi loại 1 đến 6, ví dụ “Loại 2”.")
    return grade


@dataclass(frozen=True, slots=True)
class SexMark:
    """A cell of a separate "Nam" or "Nữ" column: a tick, or the birth date written there
    (some lists put the date of birth under Nam or Nữ)."""

    born: dt.date | None = None
    year_only: bool = False


def sex_mark(value: Any) -> SexMark:
    if isinstance(value, str) and fold(value).strip(" .") in {"x", "v", "1", "\u2713", "co"}:
        return SexMark()
    try:
        born, year_only = date_or_year(value)
    except ParseError:
        raise ParseError("Đánh dấu “x” (hoặc ghi ngày sinh) ở cột Nam hoặc Nữ.") from None
    return SexMark(born, year_only)


def day_or_month(value: Any) -> int:
    number = value if isinstance(value, int) and not isinstance(value, bool) else None
    if number is None:
        raw = text(value)
        number = int(raw) if raw.isdigit() else None
    if number is None or not 1 <= number <= 31:
        raise ParseError("Ghi số (ngày 1–31, tháng 1–12).")
    return number


def year(value: Any) -> int:
    born, year_only = date_or_year(value)
    if not year_only:
        raise ParseError("Ghi năm sinh, ví dụ 1985.")
    return born.year


# --- columns -------------------------------------------------------------------------------

PEOPLE_COLUMNS_SPEC: dict[str, dict[str, Any]] = {
    "stt": {"synonyms": ("Số TT", "TT", "Số thứ tự"), "parse": text, "informative": True,
            "notes": "Số thứ tự (không bắt buộc)."},
    "full_name": {"synonyms": ("Họ tên", "Họ, tên", "Họ và tên khai sinh", "Họ tên khai sinh",
                               "Họ và tên đệm"),
                  "required": True, "parse": full_name,
                  "notes": "Bắt buộc. Chữ in hoa được tự đổi: NGUYỄN VĂN AN → Nguyễn Văn An."},
    "birth_date": {"synonyms": ("Ngày, tháng, năm sinh", "Ngày tháng năm sinh", "Sinh ngày",
                                "Năm sinh", "Ngày sinh (dd/mm/yyyy)", "NTNS"),
                   "parse": date_or_year,
                   "notes": "dd/mm/yyyy (15/07/1990); chỉ biết năm thì ghi năm (1990)."},
    "gender": {"synonyms": ("Phái", "Nam/Nữ", "Nam, nữ", "Giới"),
               "parse": Choice(_genders, "giới tính"),
               "notes": "Nam hoặc Nữ (hoặc đánh dấu x ở hai cột Nam, Nữ)."},
    "cccd": {"synonyms": ("CCCD", "Số CCCD/CMND", "CCCD/CMND", "CMND/CCCD", "Số CMND/CCCD",
                          "Số định danh cá nhân", "Số định danh", "Mã định danh", "CMND",
                          "Số CMND", "Căn cước công dân", "Số căn cước", "Số căn cước công dân",
                          "Số CCCD/ĐDCN"),
             "required": True, "parse": citizen_id,
             "notes": "Bắt buộc, 12 chữ số (CMND cũ: 9). Định dạng cột là Văn bản để giữ "
                      "số 0 đầu."},
    "ethnicity": {"synonyms": ("Dân tộc (tên)",), "parse": PkChoice(_ethnicities, "dân tộc"),
                  "notes": "Một trong 54 dân tộc."},
    "religion": {"synonyms": ("Tôn giáo (tên)",), "parse": religion, "choices": lambda: RELIGIONS,
                 "notes": "“Không” nếu không theo tôn giáo."},
    "hometown": {"synonyms": ("Nguyên quán", "Quê", "Quê quán (xã, tỉnh)")},
    "residence": {"synonyms": ("Nơi ở hiện nay", "Nơi ở hiện tại", "Địa chỉ thường trú",
                               "Thường trú", "Chỗ ở hiện nay", "Nơi cư trú", "Nơi ở",
                               "Trú quán", "Địa chỉ")},
    "education": {"synonyms": ("Văn hóa", "Trình độ học vấn", "TĐVH", "Học vấn",
                               "Trình độ giáo dục phổ thông", "Trình độ GDPT"),
                  "parse": education, "choices": lambda: EDUCATION_LEVELS,
                  "notes": "Lớp/hệ: 12/12, 9/12, 10/10."},
    "qualification": {"synonyms": ("Trình độ chuyên môn", "Chuyên môn nghiệp vụ", "TĐCM",
                                   "Trình độ CMNV", "Trình độ chuyên môn, nghiệp vụ",
                                   "Ngành nghề", "Ngành, nghề")},
    "party_joined_on": {"synonyms": ("Vào Đảng", "Ngày kết nạp Đảng", "Ngày kết nạp",
                                     "Ngày vào Đảng (dự bị)", "Đảng viên", "Ngày vào ĐCSVN"),
                        "parse": date, "notes": "dd/mm/yyyy; để trống nếu không phải đảng viên."},
    "party_official_on": {"synonyms": ("Ngày vào Đảng chính thức", "Ngày chính thức vào Đảng",
                                       "Chính thức", "Đảng chính thức",
                                       "Ngày công nhận chính thức"),
                          "parse": date, "width": 12, "notes": "Ngày đảng viên chính thức."},
    "youth_union_joined_on": {"synonyms": ("Vào Đoàn", "Ngày kết nạp Đoàn", "Đoàn viên",
                                           "Ngày vào ĐTNCS HCM", "Ngày vào Đoàn TNCS"),
                              "parse": date},
    "job_title": {"synonyms": ("Chức vụ trong cơ quan", "Chức vụ chính quyền", "Chức vụ, chức danh",
                               "Chức danh", "Chức vụ hiện nay", "Chức vụ công tác",
                               "Chức vụ đảng, chính quyền", "Chức vụ, đơn vị công tác"),
                  "notes": "Chức vụ trong cơ quan (Giám đốc, Chuyên viên...)."},
    "position": {"synonyms": ("Chức vụ trong tự vệ", "Chức vụ DQTV", "Chức vụ trong đơn vị tự vệ",
                              "Chức vụ TV", "CV tự vệ", "Chức vụ tự vệ (nếu có)"),
                 "parse": Choice(_positions, "chức vụ tự vệ"),
                 "notes": "Để trống nếu không tham gia tự vệ. Ghi chức vụ: vào tự vệ; đổi chức "
                          "vụ, đơn vị: chuyển đơn vị từ ngày nhập."},
    "formation": {"synonyms": ("Đơn vị tự vệ", "Biên chế", "Thuộc đơn vị", "Tổ, tiểu đội",
                               "Trung đội, tiểu đội", "Biên chế đơn vị", "Đơn vị (tổ, tiểu đội)"),
                  "notes": "Mã hoặc tên đơn vị tự vệ của cơ quan; có thể để trống."},
    "force_kind": {"synonyms": ("Thành phần lực lượng", "Loại lực lượng", "Lực lượng",
                                "Loại hình tự vệ"),
                   "parse": Choice(_force_kinds, "thành phần"),
                   "notes": "Tại chỗ, cơ động...; bắt buộc với chức vụ tự vệ khi không ghi "
                            "đơn vị."},
    "joined_on": {"synonyms": ("Ngày tham gia tự vệ", "Ngày vào DQTV", "Vào tự vệ", "Ngày vào TV",
                               "Thời gian vào tự vệ", "Ngày vào lực lượng tự vệ"),
                  "parse": date, "notes": "dd/mm/yyyy; để trống: ngày nhập."},
    "status": {"synonyms": ("Tình trạng tham gia", "Trạng thái", "Tình trạng tự vệ"),
               "parse": Choice(_statuses, "tình trạng"), "width": 16,
               "notes": "Tình trạng tham gia tự vệ (để đối chiếu: thay đổi trên trang nhân "
                        "sự)."},
    "is_reservist": {"synonyms": ("QNDB", "Dự bị", "Quân nhân dự bị động viên", "DBĐV",
                                  "Quân nhân DB"),
                     "parse": yes_no, "choices": lambda: ["Có", "Không"],
                     "notes": "“x” hoặc “Có”; để trống: không."},
    "health_grade": {"synonyms": ("Sức khoẻ", "Loại sức khỏe", "Phân loại sức khỏe", "SK",
                                  "Sức khỏe (loại)"),
                     "parse": health_grade, "choices": lambda: HEALTH_GRADES,
                     "notes": "Loại 1 đến 6."},
    "phone": {"synonyms": ("Điện thoại", "SĐT", "Số ĐT", "ĐT", "Di động", "Điện thoại liên hệ",
                           "Số điện thoại liên hệ", "ĐTDĐ"),
              "parse": phone, "notes": "Giữ số 0 đầu (định dạng cột là Văn bản)."},
    "notes": {"synonyms": ("Ghi chú (nếu có)",)},
}  # fmt: skip


def _people_columns() -> tuple[Column, ...]:
    """The roster's columns, in its order and with its headers, each with its synonyms
    and parser: a roster exported from the pages uploads back as it is."""
    columns = []
    for roster_column in ROSTER_COLUMNS:
        spec = dict(PEOPLE_COLUMNS_SPEC.get(roster_column.key, {}))
        spec.setdefault("width", roster_column.width)
        columns.append(Column(roster_column.key, roster_column.header, **spec))
    return tuple(columns)


PEOPLE_COLUMNS = _people_columns()
# Other layouts of the same facts, recognised in clerks' files, never written.
PEOPLE_INPUT_COLUMNS = (
    Column("birth_day", "Ngày", ("Ngày sinh (ngày)",), parse=day_or_month),
    Column("birth_month", "Tháng", ("Tháng sinh", "Ngày sinh (tháng)"), parse=day_or_month),
    Column("birth_year", "Năm", ("Năm sinh (năm)",), parse=year, accents=True),
    Column("male", "Nam", ("Giới tính Nam", "Ngày sinh Nam", "Năm sinh Nam",
                           "Ngày tháng năm sinh Nam", "Ngày, tháng, năm sinh Nam"),
           parse=sex_mark, accents=True),
    Column("female", "Nữ", ("Giới tính Nữ", "Ngày sinh Nữ", "Năm sinh Nữ",
                            "Ngày tháng năm sinh Nữ", "Ngày, tháng, năm sinh Nữ"),
           parse=sex_mark, accents=True),
)  # fmt: skip

# Person attname per column key, for the plain fields compared and written as they are.
PERSON_FIELDS = {
    "full_name": "full_name",
    "ethnicity": "ethnicity_id",
    "religion": "religion",
    "hometown": "hometown",
    "residence": "residence",
    "education": "education",
    "qualification": "qualification",
    "party_joined_on": "party_joined_on",
    "party_official_on": "party_official_on",
    "youth_union_joined_on": "youth_union_joined_on",
    "job_title": "job_title",
    "is_reservist": "is_reservist",
    "health_grade": "health_grade",
    "phone": "phone",
    "notes": "notes",
}
LOADED = ("id", "cccd", "birth_date", "birth_year_only", "gender", *PERSON_FIELDS.values())
# The value a blank cell gives a field that is not text ("" for text fields).
BLANK = {
    "ethnicity_id": None,
    "health_grade": None,
    "is_reservist": False,
    "party_joined_on": None,
    "party_official_on": None,
    "youth_union_joined_on": None,
}
BLANK_PERSON = {
    "birth_year_only": False,
    "religion": "",
    "hometown": "",
    "residence": "",
    "education": "",
    "qualification": "",
    "job_title": "",
    "phone": "",
    "notes": "",
    "reservist_assigned": False,
    **BLANK,
}
MAX_LENGTHS = {
    f.attname: f.max_length
    for f in Person._meta.concrete_fields
    if f.max_length and f.attname in PERSON_FIELDS.values()
}
COLUMN_OF = {attname: key for key, attname in PERSON_FIELDS.items()}
SERVICE_PLACE = ("formation_id", "position_id", "force_kind_id")


@dataclass(slots=True)
class _Candidate:
    """The person as the row would leave them, for `personnel.rules` (which reads
    birth_date, gender, birth_year_only, cccd and age_on) without building a model."""

    birth_date: dt.date
    gender: str
    birth_year_only: bool
    cccd: str
    age_on = Person.age_on


@dataclass(slots=True)
class _Record:
    """What the plan knows of a person's service: the open record, when the current
    stretch began (as the roster shows it) and the latest status."""

    open: tuple | None = None  # (id, formation_id, position_id, force_kind_id, joined_on,
    #                             term_end, status, volunteer)
    stretch_start: dt.date | None = None
    last_status: str | None = None


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "(trống)"
    if isinstance(value, dt.date):
        return f"“{value:%d/%m/%Y}”"
    if isinstance(value, bool):
        return "“Có”" if value else "“Không”"
    return f"“{value}”"


class PeopleImporter(Importer):
    """An agency's people and their self-defence service (see the module docstring)."""

    input_columns = PEOPLE_INPUT_COLUMNS
    independent_rows = True  # duplicate CCCDs reject both rows: nothing else links rows
    field_columns = {**COLUMN_OF, "birth_date": "birth_date", "gender": "gender", "cccd": "cccd"}

    unit_label = "Cơ quan, tổ chức"
    unit_required = True  # the upload form asks for it (a clerk's is their own agency)

    @classmethod
    def unit_choices(cls, scope) -> list[tuple[str, str]]:
        """The agencies in scope (a clerk: their own), by name."""
        agencies = scope.units().agencies().active_on().order_by("name")
        return list(agencies.values_list("code", "name"))

    def setup(self) -> None:
        self.today = today()
        self.oldest = add_years(self.today, -100)  # an earlier birth date is a typing error
        self.agency = _agency_for(self.scope, self.unit)
        # full name -> (fold(), name_sort_key()): names repeat, each is computed once
        self.name_forms: dict[str, tuple[str, str]] = {}

    # --- plan -------------------------------------------------------------------------

    def plan(self, rows: list[RowResult]) -> None:
        agency = self.agency
        self._load_reference()
        # (column key, field, value when blank) of the columns given
        self.plain_fields = [
            (key, attname, BLANK.get(attname, ""))
            for key, attname in PERSON_FIELDS.items()
            if key in self.present
        ]
        self._check_lengths(rows)
        dates = ("party_joined_on", "party_official_on", "youth_union_joined_on")
        self.dates_given = [key for key in dates if key in self.present]
        self.party_given = bool({"party_joined_on", "party_official_on"} & self.present)
        first: dict[str, RowResult] = {}
        for row in rows:
            cccd = row.values.get("cccd")
            if cccd is None:
                continue
            other = first.setdefault(cccd, row)
            if other is not row:
                row.error("cccd", f"Số CCCD trùng với dòng {other.number} trong tệp.")
                other.error("cccd", f"Số CCCD trùng với dòng {row.number} trong tệp.")
        # CCCD -> the stored values, in LOADED order (tuples: 50.000 dicts weigh 60 MB)
        self.existing = {
            values[1]: values
            for values in Person.objects.filter(agency=agency).values_list(*LOADED)
        }
        self.records = self._records(agency)
        outside = sorted(set(first) - set(self.existing))
        self.elsewhere: dict[str, str] = {}
        for people in filter_in(Person.objects.all(), "cccd", outside, LOOKUP_CHUNK):
            self.elsewhere.update(people.values_list("cccd", "agency__name"))
        for row in rows:
            cccd, name = row.values.get("cccd"), row.values.get("full_name")
            row.label = f"{name or ''} ({cccd})" if cccd else (name or "")
            if cccd is not None and not row.errors:
                self._plan_row(row, cccd)
        self._note_missing(set(first))

    def _check_lengths(self, rows: list[RowResult]) -> None:
        """Text longer than its field holds, column by column (rarely any)."""
        for key, attname, _ in self.plain_fields:
            limit = MAX_LENGTHS.get(attname)
            if not limit:
                continue
            cells = [row.values.get(key) for row in rows]
            if max(map(len, filter(None, cells)), default=0) <= limit:
                continue
            for row, value in zip(rows, cells, strict=True):
                if value and len(value) > limit:
                    row.error(key, f"Quá dài (tối đa {limit} ký tự).")

    def _load_reference(self) -> None:
        self.positions = {p.code: p for p in ServicePosition.objects.all()}
        self.force_kinds = {k.code: k for k in ForceKind.objects.all()}
        self.force_kind_names = {k.pk: k.name for k in self.force_kinds.values()}
        self.position_names = {p.pk: p.name for p in self.positions.values()}
        self.ethnicity_names = dict(Ethnicity.objects.values_list("pk", "name"))
        formations = list(Formation.objects.filter(agency=self.agency).select_related("force_kind"))
        self.formations = {f.pk: f for f in formations}
        self.formation_codes = {f.code.lower(): f for f in formations}
        self.formation_names: dict[str, list[Formation]] = {}
        for f in formations:
            self.formation_names.setdefault(header_key(f.name), []).append(f)

    def _records(self, agency: Unit) -> dict[int, _Record]:
        """Per person of the agency: open service, start of the stretch, last status —
        one query over their services (the roster computes the same in SQL)."""
        records: dict[int, _Record] = {}
        services = (
            Service.objects.filter(person__agency=agency)
            .order_by("person_id", "joined_on", "id")
            .values_list(
                "id", "person_id", "formation_id", "position_id", "force_kind_id",
                "joined_on", "term_end", "status", "volunteer", "ended_on",
            )
        )  # fmt: skip
        by_person: dict[int, list[tuple]] = {}
        for service in services:
            by_person.setdefault(service[1], []).append(service)
        for person_id, items in by_person.items():
            record = _Record(last_status=items[-1][7])
            for item in items:
                if item[9] is None:
                    record.open = (item[0], *item[2:9])
            discharges = [
                i[9] for i in items if i[9] is not None and i[7] != ServiceStatus.TRANSFERRED
            ]
            last = max(discharges, default=dt.date.min)
            record.stretch_start = min((i[5] for i in items if i[5] >= last), default=None)
            records[person_id] = record
        return records

    def _plan_row(self, row: RowResult, cccd: str) -> None:
        other_agency = self.elsewhere.get(cccd)
        if other_agency is not None:
            row.error(
                "cccd",
                f"Số CCCD đã thuộc {other_agency}: chuyển cơ quan là một thao tác riêng.",
            )
            return
        stored = self.existing.get(cccd)
        current = dict(zip(LOADED, stored, strict=True)) if stored else None
        fields = self._person_fields(row, current)
        if row.errors:
            return
        record = self.records.get(current["id"]) if current else None
        merged = {**(current or {}), **fields, "cccd": cccd}
        self._check_person(row, merged)
        candidate = _Candidate(
            merged["birth_date"], merged["gender"], merged["birth_year_only"], cccd
        )
        service = self._plan_service(row, candidate, record)
        if row.errors:
            return
        if current is None:
            row.outcome = NEW
            row.context["insert"] = fields  # completed with the defaults when written
        else:
            changed = {name: value for name, value in fields.items() if current.get(name) != value}
            for name, value in changed.items():
                old, new = self._describe(name, current[name]), self._describe(name, value)
                row.changes.append(f"{self._header_of(name)}: {old} → {new}")
            if changed:
                row.context["update"] = (current["id"], cccd, changed)
            row.outcome = UPDATED if changed or service else UNCHANGED
        if len(cccd) == 9:
            row.warn("Số CMND cũ 9 chữ số: cần cập nhật số CCCD 12 chữ số.")
        if merged["birth_year_only"]:
            row.warn("Chỉ có năm sinh: tuổi được tính gần đúng.")

    def _person_fields(self, row: RowResult, current: dict | None) -> dict[str, Any]:
        """The person's fields the file gives (present columns only), checked."""
        values = row.values
        fields = {
            attname: blank if (value := values.get(key)) is None else value
            for key, attname, blank in self.plain_fields
        }
        if fields.get("full_name") == "":
            del fields["full_name"]  # a required column: an error already
        gender = self._gender(row)
        if gender is not None:
            fields["gender"] = gender
        born = self._birth(row)
        if born is not None:
            fields["birth_date"], fields["birth_year_only"] = born
        if current is None:
            if "gender" not in fields:
                row.error("gender", "Người mới cần giới tính (Nam/Nữ).")
            if "birth_date" not in fields:
                row.error("birth_date", "Người mới cần ngày sinh (hoặc năm sinh).")
        return fields

    def _gender(self, row: RowResult) -> str | None:
        values = row.values
        if values.get("gender") is not None:
            return values["gender"]
        male, female = values.get("male"), values.get("female")
        if male is not None and self._male_is_year(row):
            male = None
        if male is not None and female is not None:
            row.error("male", "Đánh dấu cả hai cột Nam và Nữ: chỉ đánh dấu một cột.")
            return None
        if male is not None:
            return Gender.MALE
        if female is not None:
            return Gender.FEMALE
        return None

    def _male_is_year(self, row: RowResult) -> bool:
        """An unaccented "NAM" heading next to "Ngày", "Tháng" is the year ("Năm")."""
        present = self.present
        return (
            "birth_year" not in present
            and "female" not in present
            and {"birth_day", "birth_month"} <= present
        )

    def _birth(self, row: RowResult) -> tuple[dt.date, bool] | None:
        values = row.values
        if values.get("birth_date") is not None:
            return values["birth_date"]
        for key in ("male", "female"):
            mark = values.get(key)
            if (
                mark is not None
                and mark.born is not None
                and not (key == "male" and self._male_is_year(row))
            ):
                return mark.born, mark.year_only
        birth_year = values.get("birth_year")
        if birth_year is None and self._male_is_year(row) and values.get("male") is not None:
            mark = values["male"]
            birth_year = mark.born.year if mark.born and mark.year_only else None
            if birth_year is None:
                row.error("male", "Cột “Năm” phải ghi năm sinh, ví dụ 1985.")
                return None
        day, month = values.get("birth_day"), values.get("birth_month")
        if birth_year is None:
            if day is not None or month is not None:
                row.error("birth_year", "Thiếu năm sinh.")
            return None
        if day is None and month is None:
            return dt.date(birth_year, 1, 1), True
        if day is None or month is None:
            row.error("birth_day" if day is None else "birth_month", "Thiếu ngày hoặc tháng sinh.")
            return None
        try:
            return dt.date(birth_year, month, day), False
        except ValueError:
            row.error("birth_day", f"Ngày {day:02d}/{month:02d}/{birth_year} không tồn tại.")
            return None

    def _check_person(self, row: RowResult, person: dict[str, Any]) -> None:
        """Dates that cannot be (refused) and facts that look wrong (warned)."""
        born, now = person["birth_date"], self.today
        if born > now:
            row.error("birth_date", "Ngày sinh sau ngày hôm nay.")
            return
        if born < self.oldest:
            row.error("birth_date", "Ngày sinh quá xa (hơn 100 năm trước).")
            return
        for key in self.dates_given:
            day = person.get(key)
            if day is None:
                continue
            if day < born:
                row.error(key, "Trước ngày sinh.")
            elif day > now:
                row.error(key, "Sau ngày hôm nay.")
        joined, official = person.get("party_joined_on"), person.get("party_official_on")
        if official is not None and self.party_given:
            if joined is None:
                row.error("party_official_on", "Có ngày chính thức nhưng không có ngày vào Đảng.")
            elif official < joined:
                row.error("party_official_on", "Ngày chính thức trước ngày vào Đảng.")
        if joined and self.party_given and born < joined < add_years(born, 18):
            row.warn("Vào Đảng khi chưa đủ 18 tuổi: kiểm tra lại ngày sinh, ngày vào Đảng.")
        cccd = person["cccd"]
        if len(cccd) == 12 and born.year >= 1900:
            expected = (born.year // 100 - 19) * 2 + (person["gender"] == Gender.FEMALE)
            if cccd[3] != str(expected % 10) or cccd[4:6] != f"{born.year % 100:02d}":
                row.warn(
                    "Số CCCD không khớp giới tính hoặc năm sinh (chữ số thứ 4–6): kiểm tra lại "
                    "số CCCD, ngày sinh, giới tính."
                )

    # --- service ------------------------------------------------------------------------

    def _plan_service(self, row: RowResult, person: _Candidate, record: _Record | None) -> bool:
        """Plan the self-defence part of the row; True when it changes the record."""
        present, values = self.present, row.values
        if "position" not in present:
            return False
        position_code = values.get("position")
        open_service = record.open if record else None
        status = values.get("status")
        if position_code is None:
            # Many staff lists call the department "Đơn vị": only a squad of the agency
            # there means the person was meant to be a member.
            unit_name = values.get("formation")
            if unit_name is not None and not self._is_formation(unit_name):
                row.warn(f"“{unit_name}” không phải đơn vị tự vệ của cơ quan: bỏ qua.")
            elif unit_name is not None or values.get("force_kind") or values.get("joined_on"):
                key = next(k for k in ("formation", "force_kind", "joined_on") if values.get(k))
                row.error("position", f"Có “{row.headers[key]}” nhưng thiếu chức vụ tự vệ.")
                return False
            current = open_service[6] if open_service else (record.last_status if record else None)
            if status is not None and status != current:
                row.error("status", _status_change_message(status, current))
                return False
            if open_service is not None:
                row.warn(
                    "Đang tham gia tự vệ: để trống “Chức vụ tự vệ” không làm thôi tham gia "
                    "(việc này làm trên trang của người này, kèm lý do)."
                )
                self._warn_term(row, person, open_service)
            return False
        position = self.positions[position_code]
        formation = self._formation(row, open_service)
        if row.errors:
            return False
        force_kind = self._force_kind(row, formation, open_service)
        if force_kind is None:
            return False
        if open_service is not None:
            if status is not None and status != open_service[6]:
                row.error("status", _status_change_message(status, open_service[6]))
                return False
            return self._plan_transfer(row, person, record, position, formation, force_kind)
        if status is not None and status != ServiceStatus.SERVING:
            row.error(
                "status",
                "Chỉ vào tự vệ được với tình trạng “Đang tham gia”; tạm hoãn, miễn... làm trên "
                "trang của người này, kèm lý do.",
            )
            return False
        return self._plan_joining(row, person, position, formation, force_kind)

    def _is_formation(self, name: str) -> bool:
        return name.lower() in self.formation_codes or header_key(name) in self.formation_names

    def _formation(self, row: RowResult, open_service: tuple | None) -> Formation | None:
        if "formation" not in self.present:
            return self.formations.get(open_service[1]) if open_service else None
        name = row.values.get("formation")
        if name is None:
            return None
        found = self.formation_codes.get(name.lower())
        if found is None:
            candidates = self.formation_names.get(header_key(name), [])
            if len(candidates) > 1 and open_service is not None:
                # Two squads named alike: the member's own keeps a round trip unchanged.
                candidates = [f for f in candidates if f.pk == open_service[1]] or candidates
            if len(candidates) > 1:
                codes = ", ".join(f.code for f in candidates)
                row.error("formation", f"Có nhiều đơn vị tự vệ tên này: ghi mã ({codes}).")
                return None
            found = candidates[0] if candidates else None
        if found is None:
            known = ", ".join(f"{f.code} ({f.name})" for f in list(self.formations.values())[:10])
            where = f" (có: {known})" if known else " (cơ quan chưa có đơn vị tự vệ nào)"
            row.error("formation", f"Không có đơn vị tự vệ này trong {self.agency.name}{where}.")
            return None
        gone = found.dissolved_on and found.dissolved_on <= self.today
        if gone and (not open_service or open_service[1] != found.pk):
            row.error("formation", f"Đơn vị tự vệ đã giải thể từ {found.dissolved_on:%d/%m/%Y}.")
            return None
        return found

    def _force_kind(self, row, formation, open_service) -> ForceKind | None:
        given = row.values.get("force_kind") if "force_kind" in self.present else None
        if formation is not None:
            if given is not None and given != formation.force_kind.code:
                row.warn(
                    f"Thành phần “{self.force_kinds[given].name}” khác thành phần của đơn vị "
                    f"“{formation.name}” (“{formation.force_kind.name}”): lấy theo đơn vị."
                )
            return formation.force_kind
        if given is not None:
            return self.force_kinds[given]
        if "force_kind" not in self.present and open_service is not None:
            return next(k for k in self.force_kinds.values() if k.pk == open_service[3])
        row.error(
            "force_kind", "Cần “Thành phần” (tại chỗ, cơ động...) khi không ghi đơn vị tự vệ."
        )
        return None

    def _plan_joining(self, row, person, position, formation, force_kind) -> bool:
        """A person without an open service joins (services.service_open's rules)."""
        joined = row.values.get("joined_on")
        if joined is None:
            joined = self.today
            row.warn(f"Không ghi ngày vào tự vệ: lấy ngày nhập ({joined:%d/%m/%Y}).")
        elif joined > self.today:
            row.error("joined_on", "Ngày vào tự vệ sau ngày hôm nay.")
            return False
        verdict = rules.check_joining(
            person=person, joined_on=joined, volunteer=False, position=position
        )
        term_end = add_years(joined, TERM_YEARS)
        last_day = rules.last_day_of_age(person, False)
        if verdict.ok and joined < last_day < term_end:
            term_end = last_day
            verdict.warnings.append(
                f"Thời hạn rút ngắn đến {last_day:%d/%m/%Y} (hết độ tuổi tham gia)."
            )
        if verdict.ok:
            verdict.extend(
                rules.check_term_end(
                    person=person, joined_on=joined, term_end=term_end, volunteer=False
                )
            )
        for message in verdict.errors:
            if "tình nguyện" in message:
                message += " Tệp không có cột tình nguyện: nhập người này trên trang nhân sự."
            row.error("joined_on" if row.values.get("joined_on") else None, message)
        if not verdict.ok:
            return False
        for message in verdict.warnings:
            row.warn(message)
        self._warn_term_dates(row, person, term_end, last_day, False)
        target = (formation.id if formation else None, position.id, force_kind.id)
        row.context["service"] = ("open", None, (*target, joined, term_end, False))
        where = f" · {formation.name}" if formation else ""
        row.changes.append(
            f"Vào tự vệ: {position.name}{where} ({force_kind.name}) từ {joined:%d/%m/%Y}"
        )
        return True

    def _plan_transfer(self, row, person, record, position, formation, force_kind) -> bool:
        """A serving member whose formation, position or kind of force differs."""
        service_id, formation_id, position_id, force_kind_id, joined_on, term_end = record.open[:6]
        joined = row.values.get("joined_on")
        if joined is not None and joined != record.stretch_start:
            start = record.stretch_start
            row.warn(
                f"Ngày vào tự vệ khác hồ sơ ({start:%d/%m/%Y}): giữ nguyên ngày trong hồ sơ "
                "(sửa trên trang của người này)."
            )
        self._warn_term(row, person, record.open)
        target = (formation.id if formation else None, position.id, force_kind.id)
        if target == (formation_id, position_id, force_kind_id):
            return False
        if position.allowed_gender and position.allowed_gender != person.gender:
            row.warn(
                f"Chức vụ “{position.name}” được cấu hình chỉ dành cho "
                f"{'nam' if position.allowed_gender == Gender.MALE else 'nữ'}."
            )
        now = self.today
        before = self._service_text(formation_id, position_id, force_kind_id)
        after = self._service_text(*target)
        if joined_on >= now:
            # Opened today (or later): a correction of that record, not a move.
            row.context["service"] = ("fix", service_id, target)
            row.changes.append(
                f"Tự vệ: {before} → {after} (sửa quá trình mở ngày {joined_on:%d/%m/%Y})"
            )
            return True
        end = term_end if term_end > now else now + dt.timedelta(days=1)
        row.context["service"] = ("transfer", service_id, (*target, now, end, record.open[7]))
        row.changes.append(f"Tự vệ: {before} → {after} (chuyển từ {now:%d/%m/%Y})")
        return True

    def _warn_term(self, row: RowResult, person: _Candidate, open_service: tuple) -> None:
        volunteer = open_service[7]
        last_day = rules.last_day_of_age(person, volunteer)
        self._warn_term_dates(row, person, open_service[5], last_day, volunteer)

    def _warn_term_dates(self, row, person, term_end, last_day, volunteer) -> None:
        """Practice, warned: a term over or ending within 90 days, serving past the age."""
        now = self.today
        if term_end < now:
            row.warn(
                f"Thời hạn tham gia đã hết từ {term_end:%d/%m/%Y}: cần gia hạn hoặc ghi hoàn thành."
            )
        elif term_end <= now + dt.timedelta(days=rules.TERM_ENDING_DAYS):
            row.warn(f"Sắp hết thời hạn tham gia ({term_end:%d/%m/%Y}).")
        if now > last_day:  # the rule's own words
            verdict = rules.check_still_in_age(person=person, day=now, volunteer=volunteer)
            for message in verdict.warnings:
                row.warn(message)

    def _service_text(self, formation_id, position_id, force_kind_id) -> str:
        formation = self.formations.get(formation_id)
        where = f" · {formation.name}" if formation else ""
        return f"{self.position_names[position_id]}{where} ({self.force_kind_names[force_kind_id]})"

    def _header_of(self, attname: str) -> str:
        key = COLUMN_OF.get(attname, attname)
        if attname == "birth_year_only":
            return "Chỉ biết năm sinh"
        return self.kind.header(key) or key

    def _describe(self, attname: str, value: Any) -> str:
        if attname == "ethnicity_id" and value is not None:
            value = self.ethnicity_names.get(value, value)
        elif attname == "gender" and value:
            value = dict(Gender.choices).get(value, value)
        elif attname == "health_grade" and value:
            value = f"Loại {value}"
        return _shown(value)

    def _note_missing(self, in_file: set[str]) -> None:
        missing = [p for cccd, p in self.existing.items() if cccd not in in_file]
        if not missing:
            return
        members = sum(1 for p in missing if (r := self.records.get(p[0])) and r.open)
        name_at = LOADED.index("full_name")
        names = ", ".join(f"{p[name_at]} ({p[1]})" for p in missing[:MISSING_LISTED])
        more = ""
        if len(missing) > MISSING_LISTED:
            more = f" và {len(missing) - MISSING_LISTED} người khác"
        serving = f", {members} người đang tham gia tự vệ" if members else ""
        self.notes.append(
            f"Không có trong tệp: {len(missing)} người của {self.agency.name}{serving} — "
            f"không bị xóa, không bị cho thôi tham gia tự vệ: {names}{more}."
        )

    # --- write --------------------------------------------------------------------------

    def write_batch(self, rows: list[RowResult]) -> None:
        """Write one batch in a fixed number of queries: new people (COPY/executemany,
        with their history), changed people (bulk_update_with_history), closed or
        corrected services, then new services and their history."""
        agency_id, forms = self.agency.pk, self.name_forms
        inserts = []
        for row in rows:
            fields = row.context.get("insert")
            if fields is None:
                continue
            name, cccd = fields["full_name"], row.values["cccd"]
            found = forms.get(name)
            if found is None:
                found = forms[name] = (fold(name), name_sort_key(name))
            # The derived fields of Person.fill_derived_fields(), as save() would set them.
            inserts.append({**BLANK_PERSON, **fields, "cccd": cccd, "agency_id": agency_id,
                            "search_text": f"{found[0]} {cccd}", "sort_key": found[1]})  # fmt: skip
        ids: dict[str, int] = {}
        if inserts:
            _insert_with_ids(Person, inserts, "cccd")
            ids = {person["cccd"]: person["id"] for person in inserts}
            insert_history(Person, list(ids.values()), user=self.user, reason=CHANGE_REASON)
        self._update_people([row.context["update"] for row in rows if "update" in row.context])
        services = [(row, row.context["service"]) for row in rows if "service" in row.context]
        self._close_services([s for _, s in services if s[0] in ("transfer", "fix")])
        opened = []
        for row, (action, _, planned) in services:
            if action == "fix":
                continue
            formation_id, position_id, force_kind_id, joined, term_end, volunteer = planned
            cccd = row.values["cccd"]
            opened.append({
                "person_id": ids.get(cccd) or self.existing[cccd][0], "agency_id": agency_id,
                "formation_id": formation_id, "position_id": position_id,
                "force_kind_id": force_kind_id, "joined_on": joined, "term_end": term_end,
                "volunteer": volunteer, "status": ServiceStatus.SERVING, "status_on": joined,
                "decision": "", "ended_on": None, "status_reason_id": None,
            })  # fmt: skip
        if opened:
            # One open service per person (a constraint): the person finds the record.
            _insert_with_ids(Service, opened, "person_id", ended_on__isnull=True)
            service_ids = [service["id"] for service in opened]
            insert_history(Service, service_ids, user=self.user, reason=CHANGE_REASON)

    def _update_people(self, updates: list[tuple[int, str, dict[str, Any]]]) -> None:
        """Changed people: every changed field of the batch set in one statement (the
        other fields of a row keep their stored value), then their history."""
        if not updates:
            return
        names = sorted({name for _, _, changed in updates for name in changed})
        renamed = "full_name" in names
        if renamed:
            names += ["search_text", "sort_key"]
        rows = []
        for _, cccd, changed in updates:
            row = {**dict(zip(LOADED, self.existing[cccd], strict=True)), **changed}
            if renamed:  # the derived fields of Person.fill_derived_fields()
                row["search_text"] = f"{fold(row['full_name'])} {cccd}"
                row["sort_key"] = name_sort_key(row["full_name"])
            rows.append(row)
        bulk_update_rows(Person, rows, names)
        ids = [person_id for person_id, _, _ in updates]
        insert_history(Person, ids, user=self.user, reason=CHANGE_REASON, history_type="~")

    def _close_services(self, plans: list[tuple]) -> None:
        """Transfers close the open record (status "chuyển đơn vị" from today); a record
        opened today is corrected in place. History "~" for both."""
        if not plans:
            return
        transferred = StatusReason.objects.filter(status=ServiceStatus.TRANSFERRED).first()
        now, reason = self.today, transferred.pk if transferred else None
        closed = [
            {"id": service_id, "status": ServiceStatus.TRANSFERRED, "status_on": now,
             "status_reason_id": reason, "ended_on": now}
            for action, service_id, _ in plans
            if action == "transfer"
        ]  # fmt: skip
        fixed = [
            {"id": service_id, **dict(zip(SERVICE_PLACE, target, strict=True))}
            for action, service_id, target in plans
            if action == "fix"
        ]
        bulk_update_rows(Service, closed, ["status", "status_on", "status_reason_id", "ended_on"])
        bulk_update_rows(Service, fixed, list(SERVICE_PLACE))
        ids = [plan[1] for plan in plans]
        insert_history(Service, ids, user=self.user, reason=CHANGE_REASON, history_type="~")


def _insert_with_ids(model, rows: list[dict], key: str, **among) -> None:
    """Insert `rows` and set each one's "id": taken from the sequence beforehand where
    there is one (PostgreSQL), else read back by `key`, unique among `among`."""
    ids = allocate_ids(model, len(rows))
    if ids is not None:
        for row, pk in zip(rows, ids, strict=True):
            row["id"] = pk
        bulk_insert(model, rows)
        return
    bulk_insert(model, rows)
    found = dict(
        model.objects.filter(**{f"{key}__in": [row[key] for row in rows]}, **among).values_list(
            key, "id"
        )
    )
    for row in rows:
        row["id"] = found[row[key]]


def _status_change_message(wanted: str, current: str | None) -> str:
    now = STATUS_LABELS.get(current, "chưa tham gia tự vệ") if current else "chưa tham gia tự vệ"
    return (
        f"Tình trạng trong tệp (“{STATUS_LABELS[wanted]}”) khác hồ sơ (“{now}”): thay đổi "
        "tình trạng là một thao tác riêng, kèm lý do theo quy định (trang của người này)."
    )


def _agency_for(scope, code: str | None) -> Unit:
    """The agency a people list goes to: the one named, or a clerk's own; in scope."""
    if not code:
        root = getattr(scope, "root", None)
        if root is None or not root.kind.is_agency:
            raise ImportRefused(
                "Cần chọn cơ quan, tổ chức mà danh sách thuộc về (dòng lệnh: --unit MÃ)."
            )
        code = root.code
    try:
        agency = scope.get_unit(code)
    except Http404:
        raise ImportRefused(
            f"Không tìm thấy cơ quan, tổ chức “{code}” trong phạm vi của đồng chí."
        ) from None
    if not agency.kind.is_agency:
        raise ImportRefused(
            f"“{agency.name}” không phải cơ quan, tổ chức: danh sách nhân sự thuộc về một "
            "cơ quan, tổ chức."
        )
    if agency.is_dissolved():
        raise ImportRefused(f"“{agency.name}” đã giải thể từ {agency.dissolved_on:%d/%m/%Y}.")
    return agency


# --- export ----------------------------------------------------------------------------


def people_rows(scope, unit: str | None = None) -> Iterator[dict[str, Any]]:
    """The people in scope (of `unit`'s subtree when given) in the template's form: the
    roster export's rows, plus the columns only the upload has. CCCD and phone are
    masked for roles that may not read them (they cannot import either)."""
    people = people_in_scope(scope)
    if unit:
        people = people.filter(agency__in=Unit.objects.subtree(scope.get_unit(unit)))
    people = roster_queryset(people).order_by("agency__code", "sort_key", "id")
    return roster_rows(people, private=scope.can("change_people"))


registry.register(
    registry.Kind(
        code="people",
        title="Danh sách trích ngang (cán bộ, nhân viên, tự vệ)",
        sheet_title="Danh sách trích ngang",
        description="Toàn bộ cán bộ, công nhân viên của một cơ quan, tổ chức và quá trình "
        "tham gia tự vệ; khớp theo số CCCD.",
        columns=PEOPLE_COLUMNS,
        importer=PeopleImporter,
        export_rows=people_rows,
        capability="change_people",
    )
)


# --- boards: Ban CHQS appointments ---------------------------------------------------------

BOARD_POSITION_ALIASES = {
    "chi-huy-truong": ("CHT", "Chỉ huy trưởng Ban CHQS"),
    "chinh-tri-vien": ("CTV", "Chính trị viên Ban CHQS"),
    "pho-chi-huy-truong": ("Phó CHT", "PCHT", "Chỉ huy phó", "Phó Chỉ huy trưởng Ban CHQS"),
    "chinh-tri-vien-pho": ("CTV phó", "CTVP", "Phó Chính trị viên"),
}
# The rules on who may hold a seat (staff list, seat maximum, Điều 21 practice) live in
# personnel.appointments, shared with the board pages.


def _board_positions():
    return [
        Option(k.code, k.name, BOARD_POSITION_ALIASES.get(k.code, ()))
        for k in BoardPositionKind.objects.all()
    ]


BOARD_COLUMNS = (
    Column("unit", "Mã cơ quan", ("Mã đơn vị", "Mã cơ quan, tổ chức", "Mã CQ", "Mã"),
           parse=code, width=14,
           notes="Mã cơ quan, tổ chức (có thể để trống khi nhập với --unit hoặc chọn cơ quan)."),
    Column("unit_name", "Tên cơ quan", ("Cơ quan", "Cơ quan, tổ chức", "Tên cơ quan, tổ chức",
                                        "Tên đơn vị"),
           informative=True, width=36, notes="Để đọc cho dễ; không dùng khi nhập."),
    Column("position", "Chức vụ", ("Chức vụ trong Ban CHQS", "Chức vụ Ban CHQS", "Chức danh",
                                   "Chức vụ trong Ban"),
           required=True, parse=Choice(_board_positions, "chức vụ Ban CHQS"), width=22,
           notes="Bắt buộc: Chỉ huy trưởng, Chính trị viên, Phó Chỉ huy trưởng, Chính trị "
                 "viên phó."),
    Column("full_name", "Họ và tên", ("Họ tên", "Người đảm nhiệm"), parse=full_name, width=26,
           notes="Để đối chiếu với số CCCD."),
    Column("cccd", "Số CCCD", PEOPLE_COLUMNS_SPEC["cccd"]["synonyms"], required=True,
           parse=citizen_id, width=15,
           notes="Bắt buộc: người trong danh sách nhân sự của cơ quan."),
    Column("starts_on", "Từ ngày", ("Ngày bổ nhiệm", "Ngày nhận nhiệm vụ", "Ngày bắt đầu",
                                    "Ngày đảm nhiệm"),
           required=True, parse=date, width=12, notes="Bắt buộc, dd/mm/yyyy."),
    Column("ends_on", "Đến ngày", ("Ngày thôi", "Ngày kết thúc", "Ngày thôi giữ chức vụ"),
           parse=date, width=12, notes="Để trống nếu đang giữ chức vụ."),
    Column("decision_number", "Số quyết định", ("Quyết định số", "Số QĐ", "Quyết định",
                                                "Số quyết định bổ nhiệm"),
           width=18, notes="Ví dụ 125/QĐ-BCH."),
    Column("decision_date", "Ngày quyết định", ("Ngày QĐ", "Ngày ký quyết định", "Ngày ký"),
           parse=date, width=12),
)  # fmt: skip
APPOINTMENT_FIELDS = ("ends_on", "decision_number", "decision_date")


class BoardsImporter(Importer):
    """Ban CHQS appointments, confirmed as imported (a staff officer's or the system's
    load); the board is created for a unit that has none. Matching: same board, seat,
    person and start date. At most `BoardPositionKind.max_count` holders of a seat at
    once (NĐ 72/2020 Điều 4, law: refused); the holder must be on the unit's staff."""

    field_columns = {"person": "cccd", "position": "position", "starts_on": "starts_on"}
    unit_label = "Chỉ nhận các dòng thuộc đơn vị (không bắt buộc)"

    @classmethod
    def unit_choices(cls, scope) -> list[tuple[str, str]]:
        units = scope.units().active_on().order_by("kind__order", "name")
        return list(units.values_list("code", "name"))

    def setup(self) -> None:
        self.today = today()
        self.root = None
        if self.unit:
            try:
                self.root = self.scope.get_unit(self.unit)
            except Http404:
                raise ImportRefused(
                    f"Không tìm thấy đơn vị “{self.unit}” trong phạm vi của đồng chí."
                ) from None

    def plan(self, rows: list[RowResult]) -> None:
        default = self.root.code if self.root else None
        codes = {row.values.get("unit") or default for row in rows} - {None}
        units = {u.code: u for u in Unit.objects.filter(code__in=codes).select_related("kind")}
        allowed = None
        if self.root is not None:
            allowed = set(Unit.objects.subtree(self.root).values_list("id", flat=True))
        self.boards = {b.unit_id: b for b in Board.objects.filter(unit__in=units.values())}
        self.kinds = {k.code: k for k in BoardPositionKind.objects.all()}
        cccds = sorted({row.values["cccd"] for row in rows if row.values.get("cccd")})
        people = {}
        for found in filter_in(Person.objects.select_related("agency"), "cccd", cccds):
            people.update((person.cccd, person) for person in found)
        held: dict[tuple[int, int], list[dict]] = {}  # (unit id, seat id) -> holdings
        appointments = BoardAppointment.objects.filter(
            board__unit__in=units.values()
        ).select_related("person", "board")
        for a in appointments:
            if a.state != AppointmentState.REJECTED:
                held.setdefault((a.board.unit_id, a.position_id), []).append(
                    {"appointment": a, "person": a.person, "starts_on": a.starts_on,
                     "ends_on": a.ends_on, "confirmed": a.state == AppointmentState.CONFIRMED}
                )  # fmt: skip
        self.held = held
        self.creating_boards: set[int] = set()
        for row in rows:
            values = row.values
            code_ = values.get("unit") or default
            seat = self.kinds[values["position"]].name if values.get("position") else None
            parts = (code_, seat, values.get("full_name"))
            row.label = " — ".join(part for part in parts if part)
            if row.errors:
                continue
            if code_ is None:
                row.error("unit", "Cần mã cơ quan (hoặc chọn cơ quan khi nhập).")
                continue
            unit = units.get(code_)
            if unit is None or not self.scope.contains(unit):
                row.error("unit", "Không tìm thấy cơ quan này trong phạm vi của đồng chí.")
                continue
            if allowed is not None and unit.pk not in allowed:
                row.error("unit", f"Không thuộc {self.root.name} (đơn vị đã chọn khi nhập).")
                continue
            self._plan_row(row, unit, people.get(values["cccd"]))

    def _plan_row(self, row: RowResult, unit: Unit, person: Person | None) -> None:
        values = row.values
        kind = self.kinds[values["position"]]
        if person is None:
            row.error("cccd", "Không có người có số CCCD này trong danh sách nhân sự.")
            return
        row.label = f"{unit.code} — {kind.name} — {person.full_name}"
        if error := board_rules.staff_list_error(person, unit):
            row.error("cccd", error)
            return
        starts, ends = values["starts_on"], values.get("ends_on")
        if ends is not None and ends <= starts:
            row.error("ends_on", "Phải sau ngày bắt đầu.")
            return
        board = self.boards.get(unit.pk)
        if board is not None and board.status == "dissolved":
            row.error("unit", "Ban CHQS của cơ quan đã giải thể.")
            return
        if values.get("full_name") and fold(values["full_name"]) != fold(person.full_name):
            row.warn(f"Họ tên trong tệp khác hồ sơ (“{person.full_name}”).")
        decided = values.get("decision_date")
        if late := board_rules.decision_date_warning(decided, starts):
            row.warn(late)
        holdings = self.held.setdefault((unit.pk, kind.pk), [])
        same = next(
            (h for h in holdings if h["person"].pk == person.pk and h["starts_on"] == starts),
            None,
        )
        others = [h for h in holdings if h is not same]
        for other in others:
            if other["person"].pk == person.pk and _overlap(other, starts, ends):
                row.error(
                    "starts_on",
                    f"{person.full_name} đã giữ chức vụ {kind.name} từ "
                    f"{other['starts_on']:%d/%m/%Y}: ghi “Đến ngày” cho lần trước.",
                )
                return
        confirmed = [
            (h["person"].full_name, h["starts_on"], h["ends_on"]) for h in others if h["confirmed"]
        ]
        if error := board_rules.seat_limit_error(kind, confirmed, starts, ends):
            row.error("position", error)
            return
        self._warn_practice(row, unit, kind, person, starts, ends)
        fields = {
            "ends_on": ends,
            "decision_number": values.get("decision_number") or "",
            "decision_date": decided,
        }
        if same is None:
            row.outcome = NEW
            row.changes.append(f"{kind.name}: {person.full_name} từ {starts:%d/%m/%Y}")
            if board is None and unit.pk not in self.creating_boards:
                self.creating_boards.add(unit.pk)
                row.changes.append("Lập Ban CHQS cho cơ quan")
        else:
            appointment = same["appointment"]
            for name, value in fields.items():
                old = getattr(appointment, name)
                if old != value:
                    label = self.kind.header(name)
                    row.changes.append(f"{label}: {_shown(old)} → {_shown(value)}")
            if appointment.state != AppointmentState.CONFIRMED:
                row.changes.append("Xác nhận đề xuất")
            row.outcome = UPDATED if row.changes else UNCHANGED
        row.context.update(unit=unit, kind=kind, person=person, fields=fields, same=same)
        holdings.append(
            {"appointment": same["appointment"] if same else None, "person": person,
             "starts_on": starts, "ends_on": ends, "confirmed": True}
        )  # fmt: skip
        if same is not None:
            holdings.remove(same)

    def _warn_practice(self, row, unit, kind, person, starts, ends) -> None:
        for warning in board_rules.practice_warnings(kind, person):
            row.warn(warning)
        # Two seats of one board at once: refused on the pages (a new decision), only a
        # warning here — a load of past, already signed decisions records what was.
        for (unit_id, seat_id), holdings in self.held.items():
            if unit_id != unit.pk or seat_id == kind.pk:
                continue
            for h in holdings:
                if h["person"].pk == person.pk and _overlap(h, starts, ends):
                    seat = next(k.name for k in self.kinds.values() if k.pk == seat_id)
                    row.warn(board_rules.other_seat_message(person, seat))

    def write(self, row: RowResult) -> None:
        context = row.context
        unit, kind, person, fields = (context[k] for k in ("unit", "kind", "person", "fields"))
        board = self.boards.get(unit.pk)
        if board is None:
            board = Board(unit=unit)
            _audit(board, self.user)
            board.save()
            self.boards[unit.pk] = board
        same = context["same"]
        if same is None:
            appointment = BoardAppointment(
                board=board, position=kind, person=person,
                starts_on=row.values["starts_on"], state=AppointmentState.CONFIRMED, **fields,
            )  # fmt: skip
        else:
            appointment = BoardAppointment.objects.get(pk=same["appointment"].pk)
            for name, value in fields.items():
                setattr(appointment, name, value)
            appointment.state = AppointmentState.CONFIRMED
        appointment.full_clean(exclude=["board", "position", "person"])
        _audit(appointment, self.user)
        appointment.save()


def _audit(instance, user) -> None:
    instance._change_reason = CHANGE_REASON
    if user is not None:
        instance._history_user = user


def _overlap(holding: dict, starts: dt.date, ends: dt.date | None) -> bool:
    return board_rules.overlaps(starts, ends, holding["starts_on"], holding["ends_on"])


def board_rows(scope, unit: str | None = None) -> Iterator[dict[str, Any]]:
    """Confirmed appointments of the boards in scope (of `unit`'s subtree when given), in
    the template's form: what the boards import reads back unchanged."""
    appointments = BoardAppointment.objects.filter(
        board__unit__in=scope.units(), state=AppointmentState.CONFIRMED
    )
    if unit:
        appointments = appointments.filter(
            board__unit__in=Unit.objects.subtree(scope.get_unit(unit))
        )
    private = scope.can("change_people")
    for a in appointments.select_related("board__unit", "position", "person").order_by(
        "board__unit__code", "position__order", "starts_on", "person__sort_key", "id"
    ):
        yield {
            "unit": a.board.unit.code,
            "unit_name": a.board.unit.name,
            "position": a.position.name,
            "full_name": a.person.full_name,
            "cccd": a.person.cccd if private else mask(a.person.cccd),
            "starts_on": a.starts_on,
            "ends_on": a.ends_on,
            "decision_number": a.decision_number,
            "decision_date": a.decision_date,
        }


registry.register(
    registry.Kind(
        code="boards",
        title="Bổ nhiệm Ban CHQS cơ quan, tổ chức",
        sheet_title="Ban CHQS",
        description="Người giữ các chức vụ Ban CHQS (chỉ huy trưởng, chính trị viên và các "
        "cấp phó) theo quyết định; khớp theo cơ quan, chức vụ, số CCCD và ngày bắt đầu.",
        columns=BOARD_COLUMNS,
        importer=BoardsImporter,
        export_rows=board_rows,
        capability="change_structure",
    )
)
