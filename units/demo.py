"""A demo province to try CHQS with: Cần Thơ before and after the 2025 reform.

`manage.py seed_demo` calls `build_demo()`. Everything is declared below as data and
applied idempotently: rows are found by code (accounts by username), created when
missing and saved only when a field differs, so a second run writes nothing and adds no
history row. Moves and dissolutions go through `units.services`, like a user's would.

The tree it builds:

    01/01/2020 – 30/06/2025   CT ─┬─ 3 Ban CHQS quận/huyện ─┬─ Ban CHQS xã/phường
                                  │                          └─ their agencies
                                  └─ provincial-level agencies
    from 01/07/2025           CT ─┬─ 3 Ban Chỉ huy PTKV ── Ban CHQS xã/phường ── agencies
                                  └─ provincial-level agencies
    (the districts are dissolved on 01/07/2025, QĐ 2786/QĐ-BQP)

Nothing here is random: decision numbers, dates and formation sizes are derived from
the data by fixed rules, so every run on every machine gives the same province.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from .extensions import demo_steps
from .models import (
    AgencyType,
    Board,
    BoardStatus,
    ForceKind,
    Formation,
    FormationLevel,
    Level,
    Role,
    Unit,
    UnitKind,
    UnitLink,
    User,
)
from .services import unit_create, unit_dissolve, unit_move

# The one password of every demo account, set only when the account is created.
PASSWORD = "Demo@2026-chqs"

START = dt.date(2020, 1, 1)
REFORM = dt.date(2025, 7, 1)
DISSOLVE_REASON = "QĐ 2786/QĐ-BQP ngày 14/6/2025"
REGION_DECISION = "QĐ 2786/QĐ-BQP ngày 14/6/2025"
MOVE_DECISION = "NĐ 220/2025/NĐ-CP"
CITY = "thành phố Cần Thơ"
PROVINCE = "CT"


def _address(street: str, ward: str) -> str:
    return f"{street}, {ward}, {CITY}" if street else f"{ward}, {CITY}"


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    short_name: str
    kind: str
    parent: str | None
    since: dt.date = START
    decision: str = ""
    moved_to: str | None = None  # the parent from REFORM on (NĐ 220/2025/NĐ-CP)
    level: str = ""
    agency_type: str | None = None
    staff_count: int | None = None
    address: str = ""
    superior_body: str = ""  # a top unit's cơ quan chủ quản, above its name on documents
    specialty: str | None = None  # force kind of a specialised squad or crew


PROVINCE_SPEC = UnitSpec(
    PROVINCE,
    "Bộ CHQS thành phố Cần Thơ",
    "Bộ CHQS TP",
    "province",
    None,
    level=Level.PROVINCE,
    address=_address("Số 6 Cách Mạng Tháng Tám", "phường Cái Khế"),
    superior_body="Quân khu 9",
)

# code, name, short name, ward of the seat
DISTRICTS = [
    ("CT-NK", "Ban CHQS quận Ninh Kiều", "Ban CHQS Q. Ninh Kiều", "phường Ninh Kiều"),
    ("CT-CR", "Ban CHQS quận Cái Răng", "Ban CHQS Q. Cái Răng", "phường Cái Răng"),
    ("CT-PD", "Ban CHQS huyện Phong Điền", "Ban CHQS H. Phong Điền", "xã Phong Điền"),
]
REGIONS = [
    ("CT-KV1", "Ban Chỉ huy PTKV 1 – Ninh Kiều", "PTKV 1", "phường Ninh Kiều"),
    ("CT-KV2", "Ban Chỉ huy PTKV 2 – Cái Răng", "PTKV 2", "phường Cái Răng"),
    ("CT-KV3", "Ban Chỉ huy PTKV 3 – Phong Điền", "PTKV 3", "xã Phong Điền"),
]
# code, ward or commune, district until the reform, region after it
COMMUNES = [
    ("CT-PNK", "phường Ninh Kiều", "CT-NK", "CT-KV1"),
    ("CT-PCK", "phường Cái Khế", "CT-NK", "CT-KV1"),
    ("CT-PTA", "phường Tân An", "CT-NK", "CT-KV1"),
    ("CT-PAB", "phường An Bình", "CT-NK", "CT-KV1"),
    ("CT-PCR", "phường Cái Răng", "CT-CR", "CT-KV2"),
    ("CT-PHP", "phường Hưng Phú", "CT-CR", "CT-KV2"),
    ("CT-XPD", "xã Phong Điền", "CT-PD", "CT-KV3"),
    ("CT-XNA", "xã Nhơn Ái", "CT-PD", "CT-KV3"),
    ("CT-XTL", "xã Trường Long", "CT-PD", "CT-KV3"),
    ("CT-XMK", "xã Mỹ Khánh", "CT-PD", "CT-KV3"),
]

# Provincial-level agencies ("cơ quan, tổ chức cấp tỉnh"): under CT the whole time.
# code, name, short name, agency type, staff, street, ward, specialty
# fmt: off
PROVINCIAL_AGENCIES = [
    ("CT-SYT", "Sở Y tế thành phố Cần Thơ", "Sở Y tế", "state", 96,
     "Số 71 Lý Tự Trọng", "phường Ninh Kiều", None),
    ("CT-SGDDT", "Sở Giáo dục và Đào tạo thành phố Cần Thơ", "Sở GD&ĐT", "state", 112,
     "Số 39 đường 3 Tháng 2", "phường Ninh Kiều", None),
    ("CT-STC", "Sở Tài chính thành phố Cần Thơ", "Sở Tài chính", "state", 124,
     "Số 27 Lê Lợi", "phường Cái Khế", None),
    ("CT-SNV", "Sở Nội vụ thành phố Cần Thơ", "Sở Nội vụ", "state", 72,
     "Số 2 Hòa Bình", "phường Ninh Kiều", None),
    ("CT-SXD", "Sở Xây dựng thành phố Cần Thơ", "Sở Xây dựng", "state", 148,
     "Số 25 Ngô Quyền", "phường Ninh Kiều", None),
    ("CT-SNNMT", "Sở Nông nghiệp và Môi trường thành phố Cần Thơ", "Sở NN&MT", "state", 436,
     "Số 6 Ngô Hữu Hạnh", "phường Ninh Kiều", None),
    ("CT-SCT", "Sở Công Thương thành phố Cần Thơ", "Sở Công Thương", "state", 164,
     "Số 4 Phan Đình Phùng", "phường Ninh Kiều", None),
    ("CT-STP", "Sở Tư pháp thành phố Cần Thơ", "Sở Tư pháp", "state", 58,
     "Số 1 Ngô Hữu Hạnh", "phường Ninh Kiều", None),
    ("CT-SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch thành phố Cần Thơ", "Sở VHTTDL",
     "state", 215, "Số 32 Hai Bà Trưng", "phường Ninh Kiều", None),
    ("CT-VPUBND", "Văn phòng Ủy ban nhân dân thành phố Cần Thơ", "VP UBND TP", "state", 134,
     "Số 2 Hòa Bình", "phường Ninh Kiều", None),
    ("CT-BQLKCN", "Ban Quản lý các khu chế xuất và công nghiệp Cần Thơ", "BQL KCX&CN",
     "state", 54, "Số 105 Trần Hưng Đạo", "phường Ninh Kiều", None),
    ("CT-BVDK", "Bệnh viện Đa khoa thành phố Cần Thơ", "BVĐK TP", "public-service", 1264,
     "Số 4 Châu Văn Liêm", "phường Ninh Kiều", "y-te"),
    ("CT-BVNHI", "Bệnh viện Nhi đồng thành phố Cần Thơ", "BV Nhi đồng", "public-service",
     786, "Số 345 Nguyễn Văn Cừ", "phường An Bình", "y-te"),
    ("CT-BVUB", "Bệnh viện Ung bướu thành phố Cần Thơ", "BV Ung bướu", "public-service", 518,
     "Số 4 Châu Văn Liêm", "phường Ninh Kiều", "y-te"),
    ("CT-TTKSBT", "Trung tâm Kiểm soát bệnh tật thành phố Cần Thơ", "CDC Cần Thơ",
     "public-service", 205, "Số 400 Nguyễn Văn Cừ", "phường An Bình", "phong-hoa"),
    ("CT-DHCT", "Trường Đại học Cần Thơ", "ĐH Cần Thơ", "public-service", 1986,
     "Khu II, đường 3 Tháng 2", "phường Ninh Kiều", None),
    ("CT-DHKTCN", "Trường Đại học Kỹ thuật – Công nghệ Cần Thơ", "ĐH KT-CN Cần Thơ",
     "public-service", 312, "Số 256 Nguyễn Văn Cừ", "phường An Bình", None),
    ("CT-CDYT", "Trường Cao đẳng Y tế Cần Thơ", "CĐ Y tế Cần Thơ", "public-service", 186,
     "Số 340 Nguyễn Văn Cừ", "phường An Bình", None),
    ("CT-BAOCT", "Báo Cần Thơ", "Báo Cần Thơ", "public-service", 88,
     "Số 93 Trần Hưng Đạo", "phường Ninh Kiều", None),
    ("CT-DPTTH", "Đài Phát thanh và Truyền hình thành phố Cần Thơ", "Đài PT-TH TP",
     "public-service", 243, "Số 409 đường 30 Tháng 4", "phường Tân An", "thong-tin"),
    ("CT-PCCT", "Công ty Điện lực Cần Thơ", "PC Cần Thơ", "enterprise", 1108,
     "Số 6 Hòa Bình", "phường Ninh Kiều", "phong-khong"),
    ("CT-CTN", "Công ty Cổ phần Cấp thoát nước Cần Thơ", "Cấp thoát nước Cần Thơ",
     "enterprise", 624, "Số 2A Nguyễn Trãi", "phường Ninh Kiều", "phong-hoa"),
    ("CT-VNPT", "Viễn thông Cần Thơ (VNPT Cần Thơ)", "VNPT Cần Thơ", "enterprise", 432,
     "Số 11 Phan Đình Phùng", "phường Ninh Kiều", "thong-tin"),
    ("CT-BDCT", "Bưu điện thành phố Cần Thơ", "Bưu điện TP", "enterprise", 356,
     "Số 2 Hòa Bình", "phường Ninh Kiều", "thong-tin"),
    ("CT-CANG", "Công ty Cổ phần Cảng Cần Thơ", "Cảng Cần Thơ", "enterprise", 547,
     "Số 27 Lê Hồng Phong", "phường Bình Thủy", "phong-khong"),
    ("CT-DOTHI", "Công ty Cổ phần Đô thị Cần Thơ", "Đô thị Cần Thơ", "enterprise", 912,
     "Số 1 Trần Phú", "phường Cái Khế", "cong-binh"),
    ("CT-XSKT", "Công ty TNHH MTV Xổ số kiến thiết Cần Thơ", "Xổ số Cần Thơ", "enterprise",
     76, "Số 3 Nguyễn An Ninh", "phường Ninh Kiều", None),
    ("CT-AGRIBANK",
     "Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam – Chi nhánh thành phố Cần Thơ",
     "Agribank Cần Thơ", "enterprise", 468, "Số 3 Phan Đình Phùng", "phường Ninh Kiều", None),
    ("CT-VCB", "Ngân hàng TMCP Ngoại thương Việt Nam – Chi nhánh Cần Thơ",
     "Vietcombank Cần Thơ", "enterprise", 284, "Số 7 Hòa Bình", "phường Ninh Kiều", None),
    ("CT-BIDV", "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam – Chi nhánh Cần Thơ",
     "BIDV Cần Thơ", "enterprise", 236, "Số 9B Hòa Bình", "phường Ninh Kiều", None),
    ("CT-VPTU", "Văn phòng Thành ủy Cần Thơ", "VP Thành ủy", "political", 152,
     "Số 10 Trần Văn Hoài", "phường Ninh Kiều", None),
    ("CT-TRCT", "Trường Chính trị thành phố Cần Thơ", "Trường Chính trị TP", "political", 94,
     "Số 5 Trần Bạch Đằng", "phường Tân An", None),
    ("CT-MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố Cần Thơ", "UBMTTQ TP",
     "socio-political", 86, "Số 12 Lý Tự Trọng", "phường Ninh Kiều", None),
    ("CT-LDLD", "Liên đoàn Lao động thành phố Cần Thơ", "LĐLĐ TP", "socio-political", 61,
     "Số 22 Ngô Quyền", "phường Ninh Kiều", None),
    ("CT-HND", "Hội Nông dân thành phố Cần Thơ", "Hội Nông dân TP", "socio-political", 42,
     "Số 14 Lý Tự Trọng", "phường Ninh Kiều", None),
    ("CT-TDOAN", "Thành đoàn Cần Thơ", "Thành đoàn", "socio-political", 47,
     "Số 16 Lý Tự Trọng", "phường Ninh Kiều", None),
    ("CT-HCTD", "Hội Chữ thập đỏ thành phố Cần Thơ", "Hội CTĐ TP", "other", 36,
     "Số 19 Lê Lợi", "phường Cái Khế", None),
]
# fmt: on

# Agencies managed by a district command until the reform, then by a commune command.
# code, name, short name, agency type, staff, street, commune code, specialty
# fmt: off
LOCAL_AGENCIES = [
    ("CT-TTYTNK", "Trung tâm Y tế khu vực Ninh Kiều", "TTYT Ninh Kiều", "public-service",
     264, "Số 2A Trần Hưng Đạo", "CT-PTA", "y-te"),
    ("CT-THPTCVL", "Trường THPT Châu Văn Liêm", "THPT Châu Văn Liêm", "public-service", 138,
     "Số 2 Hòa Bình", "CT-PNK", None),
    ("CT-THPTAK", "Trường THPT An Khánh", "THPT An Khánh", "public-service", 91,
     "Số 5 Nguyễn Văn Cừ nối dài", "CT-PAB", None),
    ("CT-DLNK", "Công ty Cổ phần Du lịch Ninh Kiều", "Du lịch Ninh Kiều", "enterprise", 182,
     "Số 2 Hai Bà Trưng", "CT-PCK", None),
    ("CT-HTXVT", "Hợp tác xã Vận tải thủy bộ Ninh Kiều", "HTX Vận tải Ninh Kiều", "other",
     44, "Số 8 Trần Quang Khải", "CT-PCK", None),
    ("CT-TTYTCR", "Trung tâm Y tế khu vực Cái Răng", "TTYT Cái Răng", "public-service", 196,
     "Số 6 Võ Nguyên Giáp", "CT-PCR", "y-te"),
    ("CT-THPTNVD", "Trường THPT Nguyễn Việt Dũng", "THPT Nguyễn Việt Dũng",
     "public-service", 104, "Số 82 Quốc lộ 1A", "CT-PCR", None),
    ("CT-XDCR", "Công ty TNHH Xây dựng Cái Răng", "Xây dựng Cái Răng", "enterprise", 328,
     "Số 15 Trần Hưng Đạo", "CT-PCR", "cong-binh"),
    ("CT-TSHP", "Công ty Cổ phần Chế biến Thủy sản Hưng Phú", "Thủy sản Hưng Phú",
     "enterprise", 1642, "Khu công nghiệp Hưng Phú 1", "CT-PHP", None),
    ("CT-BXCT", "Công ty Cổ phần Bến xe, tàu Cần Thơ", "Bến xe Cần Thơ", "enterprise", 143,
     "Quốc lộ 1A, khu vực Thạnh Mỹ", "CT-PHP", None),
    ("CT-TTYTPD", "Trung tâm Y tế khu vực Phong Điền", "TTYT Phong Điền", "public-service",
     172, "Số 1 đường Lộ Vòng Cung", "CT-XPD", "y-te"),
    ("CT-THPTPVT", "Trường THPT Phan Văn Trị", "THPT Phan Văn Trị", "public-service", 97,
     "Ấp Nhơn Lộc 1", "CT-XPD", None),
    ("CT-THPTGX", "Trường THPT Giai Xuân", "THPT Giai Xuân", "public-service", 74,
     "Ấp Thới Giai", "CT-XNA", None),
    ("CT-NSTL", "Công ty Cổ phần Nông sản Trường Long", "Nông sản Trường Long", "enterprise",
     268, "Ấp Trường Thuận", "CT-XTL", None),
    ("CT-DLMK", "Công ty Cổ phần Du lịch Mỹ Khánh", "Du lịch Mỹ Khánh", "enterprise", 126,
     "Số 335 đường Lộ Vòng Cung", "CT-XMK", None),
]
# fmt: on

# Boards not (yet) established although the agency is large enough; the reason is a note.
BOARD_PENDING = {
    "CT-NSTL": "Đã tổ chức đơn vị tự vệ; đang hoàn thiện hồ sơ đề nghị thành lập Ban CHQS.",
}
SMALL_AGENCY_NOTE = "Chưa đủ điều kiện thành lập: chưa tổ chức đơn vị tự vệ (dưới 50 CBCNV)."
COMMUNE_BOARD_NOTE = "Kiện toàn theo mô hình chính quyền địa phương hai cấp (NĐ 220/2025/NĐ-CP)."

# Who signed the provincial command's decisions, from which date.
SIGNERS = [
    (dt.date(2019, 1, 1), "Đại tá Trần Văn Hải"),
    (dt.date(2023, 3, 1), "Đại tá Lê Minh Khoa"),
]

# username, role, unit code, full name
ACCOUNTS = [
    ("quantri", Role.ADMIN, PROVINCE, "Nguyễn Hoàng Nam"),
    ("troly", Role.STAFF, "CT-KV1", "Lê Văn Thành"),
    ("vanthu", Role.CLERK, "CT-TTYTNK", "Phạm Thị Hồng Nhung"),
    ("chihuy", Role.COMMANDER, PROVINCE, "Võ Minh Tuấn"),
    ("troly.tinh", Role.STAFF, PROVINCE, "Huỳnh Thanh Phong"),
]


def unit_specs() -> list[UnitSpec]:
    """Every unit, parents before children."""
    specs = [PROVINCE_SPEC]
    for code, name, short, ward in DISTRICTS:
        specs.append(
            UnitSpec(
                code,
                name,
                short,
                "district",
                PROVINCE,
                level=Level.DISTRICT,
                address=_address("", ward),
            )
        )
    for code, name, short, ward in REGIONS:
        specs.append(
            UnitSpec(
                code,
                name,
                short,
                "region",
                PROVINCE,
                since=REFORM,
                decision=REGION_DECISION,
                level=Level.PROVINCE,
                address=_address("", ward),
            )
        )
    for code, ward, district, region in COMMUNES:
        specs.append(
            UnitSpec(
                code,
                f"Ban CHQS {ward}",
                f"Ban CHQS {_abbreviate(ward)}",
                "commune",
                district,
                moved_to=region,
                level=Level.COMMUNE,
                address=_address("", ward),
            )
        )
    for code, name, short, kind, staff, street, ward, specialty in PROVINCIAL_AGENCIES:
        specs.append(
            UnitSpec(
                code,
                name,
                short,
                "agency",
                PROVINCE,
                level=Level.PROVINCE,
                agency_type=kind,
                staff_count=staff,
                address=_address(street, ward),
                specialty=specialty,
            )
        )
    commune_ward = {code: (ward, district) for code, ward, district, _ in COMMUNES}
    for code, name, short, kind, staff, street, commune, specialty in LOCAL_AGENCIES:
        ward, district = commune_ward[commune]
        specs.append(
            UnitSpec(
                code,
                name,
                short,
                "agency",
                district,
                moved_to=commune,
                level=Level.COMMUNE,
                agency_type=kind,
                staff_count=staff,
                address=_address(street, ward),
                specialty=specialty,
            )
        )
    return specs


def _abbreviate(ward: str) -> str:
    kind, _, name = ward.partition(" ")
    return f"{'P.' if kind == 'phường' else 'X.'} {name}"


# --- Boards ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardSpec:
    unit: str
    status: str
    decision_number: str = ""
    decision_date: dt.date | None = None
    decision_signer: str = ""
    notes: str = ""


def signer_on(day: dt.date) -> str:
    return [name for since, name in SIGNERS if since <= day][-1]


def board_specs(units: list[UnitSpec]) -> list[BoardSpec]:
    """A board for every agency and commune; decision dates spread over 2020–2024.

    The date comes from the agency's position in the list by a fixed rule (all dates
    differ), the number grows with the day of the year like a real register.
    """
    boards = []
    agencies = [spec for spec in units if spec.kind == "agency"]
    for i, spec in enumerate(agencies):
        if spec.code in BOARD_PENDING:
            boards.append(
                BoardSpec(spec.code, BoardStatus.NOT_ESTABLISHED, notes=BOARD_PENDING[spec.code])
            )
            continue
        if spec.staff_count < 50:
            boards.append(
                BoardSpec(spec.code, BoardStatus.NOT_ESTABLISHED, notes=SMALL_AGENCY_NOTE)
            )
            continue
        day = dt.date(2020 + i % 5, 1 + (i * 5) % 12, 2 + (i * 7) % 26)
        number = 20 + day.timetuple().tm_yday * 2
        boards.append(
            BoardSpec(spec.code, BoardStatus.ACTIVE, f"{number}/QĐ-BCH", day, signer_on(day))
        )
    communes = [spec for spec in units if spec.kind == "commune"]
    for j, spec in enumerate(communes):
        boards.append(
            BoardSpec(
                spec.code,
                BoardStatus.ACTIVE,
                f"{1452 + j}/QĐ-BCH",
                REFORM,
                signer_on(REFORM),
                COMMUNE_BOARD_NOTE,
            )
        )
    return boards


# --- Self-defence formations ----------------------------------------------------------


@dataclass(frozen=True)
class FormationSpec:
    code: str
    name: str
    level: str
    force_kind: str
    parent: str | None = None


SPECIALISED = {
    # force kind: code, name, level
    "y-te": ("A-YT", "Tiểu đội y tế", FormationLevel.SQUAD),
    "thong-tin": ("A-TT", "Tiểu đội thông tin", FormationLevel.SQUAD),
    "cong-binh": ("A-CB", "Tiểu đội công binh", FormationLevel.SQUAD),
    "phong-hoa": ("A-PH", "Tiểu đội phòng hóa", FormationLevel.SQUAD),
    "phong-khong": ("KD-PK", "Khẩu đội súng máy phòng không 12,7 mm", FormationLevel.CREW),
}


def _platoon(code: str, name: str, kind: str, parent: str | None = None) -> list[FormationSpec]:
    """A platoon of three squads (tiểu đội) of the same kind of force."""
    rows = [FormationSpec(code, name, FormationLevel.PLATOON, kind, parent)]
    short = name.replace("Trung đội tự vệ", "Trung đội")
    for k in (1, 2, 3):
        rows.append(
            FormationSpec(
                f"{code}-A{k}", f"Tiểu đội {k} – {short}", FormationLevel.SQUAD, kind, code
            )
        )
    return rows


def _company(number: int, kinds: list[str]) -> list[FormationSpec]:
    code = f"C{number}"
    rows = [FormationSpec(code, f"Đại đội tự vệ {number}", FormationLevel.COMPANY, kinds[0])]
    for j, kind in enumerate(kinds, start=1):
        rows += _platoon(f"{code}-B{j}", f"Trung đội {j} – Đại đội {number}", kind, code)
    return rows


def formation_specs(staff: int | None, specialty: str | None = None) -> list[FormationSpec]:
    """Self-defence units for an agency of `staff` people.

    Demo data only, following the rough local scheme in DOMAIN.md (50–500 staff: a
    squad to two platoons; 500–1.500: two platoons to a company; more: companies). The
    real sizes are set per province, not here.
    """
    tai_cho, co_dong = "tai-cho", "co-dong"
    if staff is None or staff < 50:
        return []
    if staff < 120:
        rows = [FormationSpec("A1", "Tiểu đội tự vệ 1", FormationLevel.SQUAD, tai_cho)]
    elif staff < 200:
        rows = [
            FormationSpec(f"A{k}", f"Tiểu đội tự vệ {k}", FormationLevel.SQUAD, tai_cho)
            for k in (1, 2)
        ]
    elif staff < 350:
        rows = _platoon("B1", "Trung đội tự vệ 1", tai_cho)
    elif staff < 800:
        rows = _platoon("B1", "Trung đội tự vệ 1", tai_cho)
        rows += _platoon("B2", "Trung đội tự vệ 2", co_dong)
    elif staff < 1500:
        rows = _company(1, [tai_cho, tai_cho, co_dong])
    else:
        rows = _company(1, [tai_cho, tai_cho, tai_cho]) + _company(2, [co_dong, co_dong])
    if specialty and staff >= 200:
        code, name, level = SPECIALISED[specialty]
        rows.append(FormationSpec(code, name, level, specialty))
    return rows


# --- Applying the data ----------------------------------------------------------------


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


LABELS = {
    "unit": "Đơn vị",
    "link": "Quan hệ trực thuộc",
    "dissolve": "Giải thể",
    "board": "Ban CHQS",
    "formation": "Đơn vị tự vệ",
    "user": "Tài khoản",
}


@dataclass
class DemoResult:
    tallies: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in LABELS})
    # username, role label, unit name
    accounts: list[tuple[str, str, str]] = field(default_factory=list)
    # unit kind code -> how many demo units of that kind
    kinds: dict[str, int] = field(default_factory=dict)
    # rows added by other apps' demo steps (units.extensions): label -> Tally
    extra: dict[str, Tally] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        tallies = [*self.tallies.values(), *self.extra.values()]
        return any(t.created or t.updated for t in tallies)


def _apply(obj, values: dict) -> list[str]:
    """Set the fields of `obj` that differ from `values`; return their names."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    return changed


def _save_changes(obj, values: dict, tally: Tally) -> None:
    changed = _apply(obj, values)
    if changed:
        obj.full_clean()
        obj.save(update_fields=changed)
        tally.updated += 1
    else:
        tally.unchanged += 1


class _Builder:
    def __init__(self):
        self.result = DemoResult()
        self.units: dict[str, Unit] = {}
        self.kinds = {k.code: k for k in UnitKind.objects.all()}
        self.agency_types = {t.code: t.pk for t in AgencyType.objects.all()}
        self.force_kinds = {f.code: f.pk for f in ForceKind.objects.all()}

    def tally(self, key: str) -> Tally:
        return self.result.tallies[key]

    def unit(self, spec: UnitSpec) -> Unit:
        values = {
            "name": spec.name,
            "short_name": spec.short_name,
            "kind_id": self.kinds[spec.kind].pk,
            "level": spec.level,
            "agency_type_id": self.agency_types[spec.agency_type] if spec.agency_type else None,
            "staff_count": spec.staff_count,
            "address": spec.address,
            "superior_body": spec.superior_body,
        }
        parent = self.units[spec.parent] if spec.parent else None
        unit = Unit.objects.filter(code=spec.code).first()
        if unit is None:
            unit = unit_create(
                parent=parent,
                valid_from=spec.since,
                decision=spec.decision,
                code=spec.code,
                **values,
            )
            self.tally("unit").created += 1
            if parent is not None:
                self.tally("link").created += 1
        else:
            _save_changes(unit, values, self.tally("unit"))
            if parent is not None:
                self.link(unit, parent, spec.since, spec.decision)
        self.units[spec.code] = unit
        if spec.moved_to:
            self.link(unit, self.units[spec.moved_to], REFORM, MOVE_DECISION)
        return unit

    def link(self, unit: Unit, parent: Unit, on: dt.date, decision: str) -> None:
        """Make sure `unit` sits under `parent` from `on`: by a move when it has a parent."""
        link = UnitLink.objects.filter(unit=unit, parent=parent, valid_from=on).first()
        if link is not None:
            _save_changes(link, {"decision": decision}, self.tally("link"))
            return
        if unit.parent_links.exists():
            unit_move(unit=unit, new_parent=parent, on=on, decision=decision)
        else:
            UnitLink.objects.create(unit=unit, parent=parent, valid_from=on, decision=decision)
        self.tally("link").created += 1

    def dissolve(self, code: str) -> None:
        unit = self.units[code]
        if unit.dissolved_on is None:
            unit_dissolve(unit=unit, on=REFORM, reason=DISSOLVE_REASON)
            self.tally("dissolve").created += 1
        else:
            self.tally("dissolve").unchanged += 1

    def board(self, spec: BoardSpec) -> None:
        values = {
            "status": spec.status,
            "decision_number": spec.decision_number,
            "decision_date": spec.decision_date,
            "decision_signer": spec.decision_signer,
            "notes": spec.notes,
        }
        unit = self.units[spec.unit]
        board = Board.objects.filter(unit=unit).first()
        if board is None:
            board = Board(unit=unit, **values)
            board.full_clean()
            board.save()
            self.tally("board").created += 1
        else:
            _save_changes(board, values, self.tally("board"))

    def formations(self, agency: Unit, specs: list[FormationSpec]) -> None:
        existing = {f.code: f for f in Formation.objects.filter(agency=agency)}
        for spec in specs:  # parents come before their children
            values = {
                "name": spec.name,
                "level": spec.level,
                "force_kind_id": self.force_kinds[spec.force_kind],
                "parent_id": existing[spec.parent].pk if spec.parent else None,
            }
            formation = existing.get(spec.code)
            if formation is None:
                formation = Formation(agency=agency, code=spec.code, **values)
                formation.full_clean()
                formation.save()
                existing[spec.code] = formation
                self.tally("formation").created += 1
            else:
                _save_changes(formation, values, self.tally("formation"))

    def user(self, username: str, role: str, unit_code: str, full_name: str) -> None:
        last_name, _, first_name = full_name.rpartition(" ")
        unit = self.units[unit_code]
        is_admin = role == Role.ADMIN
        values = {
            "role": role,
            "unit_id": unit.pk,
            "first_name": first_name,
            "last_name": last_name,
            # The admin account also runs the Django admin, which needs both flags.
            "is_staff": is_admin,
            "is_superuser": is_admin,
        }
        user = User.objects.filter(username=username).first()
        if user is None:
            User.objects.create_user(username=username, password=PASSWORD, **values)
            self.tally("user").created += 1
        else:
            # The password is left alone: whoever changed it meant to.
            changed = _apply(user, values)
            if changed:
                user.save(update_fields=changed)
                self.tally("user").updated += 1
            else:
                self.tally("user").unchanged += 1
        self.result.accounts.append((username, Role(role).label, unit.name))


@transaction.atomic
def build_demo() -> DemoResult:
    """Create or complete the demo province; return what was created, updated, unchanged.

    Idempotent: a second run finds every row as declared and writes nothing. Rows the
    demo does not declare (units, formations or accounts added by hand) are left alone.
    """
    builder = _Builder()
    specs = unit_specs()
    for spec in specs:
        builder.unit(spec)
    for code, *_ in DISTRICTS:
        builder.dissolve(code)
    for spec in board_specs(specs):
        builder.board(spec)
    for spec in specs:
        if spec.kind == "agency":
            builder.formations(
                builder.units[spec.code], formation_specs(spec.staff_count, spec.specialty)
            )
    for account in ACCOUNTS:
        builder.user(*account)
    for spec in specs:
        builder.result.kinds[spec.kind] = builder.result.kinds.get(spec.kind, 0) + 1
    for step in demo_steps():
        for label, created, updated, unchanged in step():
            builder.result.extra[label] = Tally(created, updated, unchanged)
    return builder.result
