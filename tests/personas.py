"""Named personas and a small command tree shared by every test.

The tree (valid from 01/01/2020):

    P   Bộ CHQS tỉnh Cần Thơ                      An   (quản trị)
    ├── R1  Ban Chỉ huy PTKV 1                    Bình (trợ lý), Dũng (chỉ huy)
    │   └── X1  Ban CHQS phường Ninh Kiều
    │       └── A1  Sở Y tế thành phố Cần Thơ      Chi  (văn thư)
    └── R2  Ban Chỉ huy PTKV 2
        └── X2  Ban CHQS xã Phong Điền
            └── A2  Công ty Điện lực Cần Thơ       Giang (văn thư, "the other agency")

Bình, Chi and Dũng can see A1 and cannot see A2: A2 is the out-of-scope object.
"""

import datetime as dt
from dataclasses import dataclass

from units.models import AgencyType, Board, ForceKind, Formation, Role, Unit, UnitKind, User
from units.services import unit_create

PASSWORD = "MatKhau-Thu-2026"
START = dt.date(2020, 1, 1)


@dataclass
class World:
    province: Unit
    region1: Unit
    region2: Unit
    commune1: Unit
    commune2: Unit
    agency1: Unit
    agency2: Unit
    formation1: Formation
    formation2: Formation
    admin: User
    staff: User
    clerk: User
    commander: User
    other_clerk: User

    def user(self, role: str) -> User:
        return {
            Role.ADMIN: self.admin,
            Role.STAFF: self.staff,
            Role.CLERK: self.clerk,
            Role.COMMANDER: self.commander,
        }[role]


def make_user(username: str, role: str, unit: Unit, full_name: str) -> User:
    last, _, first = full_name.rpartition(" ")
    return User.objects.create_user(
        username=username,
        password=PASSWORD,
        role=role,
        unit=unit,
        first_name=first,
        last_name=last,
    )


def make_world() -> World:
    kind = {k.code: k for k in UnitKind.objects.all()}
    state = AgencyType.objects.get(code="state")
    enterprise = AgencyType.objects.get(code="enterprise")

    def unit(code, name, kind_code, parent, **extra):
        return unit_create(
            parent=parent,
            valid_from=START,
            code=code,
            name=name,
            kind=kind[kind_code],
            level=kind[kind_code].default_level,
            **extra,
        )

    province = unit("P", "Bộ CHQS thành phố Cần Thơ", "province", None)
    region1 = unit("R1", "Ban Chỉ huy PTKV 1", "region", province)
    region2 = unit("R2", "Ban Chỉ huy PTKV 2", "region", province)
    commune1 = unit("X1", "Ban CHQS phường Ninh Kiều", "commune", region1)
    commune2 = unit("X2", "Ban CHQS xã Phong Điền", "commune", region2)
    agency1 = unit(
        "A1", "Sở Y tế thành phố Cần Thơ", "agency", commune1, agency_type=state, staff_count=120
    )
    agency2 = unit(
        "A2",
        "Công ty Điện lực Cần Thơ",
        "agency",
        commune2,
        agency_type=enterprise,
        staff_count=800,
    )
    for agency in (agency1, agency2):
        Board.objects.create(unit=agency, decision_number="12/QĐ-BCH", decision_date=START)
    tai_cho = ForceKind.objects.get(code="tai-cho")
    formation1 = Formation.objects.create(
        agency=agency1, code="TD1", name="Tiểu đội tự vệ 1", level="tieu_doi", force_kind=tai_cho
    )
    formation2 = Formation.objects.create(
        agency=agency2, code="TD1", name="Tiểu đội tự vệ 1", level="tieu_doi", force_kind=tai_cho
    )
    return World(
        province=province,
        region1=region1,
        region2=region2,
        commune1=commune1,
        commune2=commune2,
        agency1=agency1,
        agency2=agency2,
        formation1=formation1,
        formation2=formation2,
        admin=make_user("an", Role.ADMIN, province, "Nguyễn Văn An"),
        staff=make_user("binh", Role.STAFF, region1, "Trần Thanh Bình"),
        clerk=make_user("chi", Role.CLERK, agency1, "Lê Thị Chi"),
        commander=make_user("dung", Role.COMMANDER, region1, "Phạm Quốc Dũng"),
        other_clerk=make_user("giang", Role.CLERK, agency2, "Võ Thu Giang"),
    )
