"""A province equivalent to seed 002 (the first half of 2023), built through the app's
own import and entry paths: the units, people and boards imports (as a staff officer
would run `import_data`), then the duty and training services.

    47 agencies with a complete Ban CHQS; 1.122 members serving on 15/07/2023, 166 women;
    48 duty turns of 46 people over four days = 8.832 man-days;
    training 81/89 board cadres, 116/121 unit leaders, 519/842 troops.
"""

import datetime as dt
import itertools
from pathlib import Path

import openpyxl
from django.core.management import call_command
from django.utils import timezone

from personnel.duty.models import DutyKind
from personnel.duty.services import turn_save
from personnel.models import Person
from training.models import Audience, Course, TrainingPlan
from training.services import ResultEntry, nominate, quotas_set, results_record
from units.models import Unit

D = dt.date
AGENCIES = 47
COMMAND = "KCQ"
PERIOD = "2023-H1"
AS_OF = D(2023, 7, 15)
SEATS = ["Chỉ huy trưởng", "Chính trị viên", "Phó Chỉ huy trưởng", "Chính trị viên phó"]


FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khoa", "Long", "Minh", "Nam", "Phong",
         "Quang", "Sơn", "Tâm", "Thắng", "Tuấn", "Việt", "Vinh", "Xuân", "Yên"]  # fmt: skip


def name(n: int, woman: bool = False) -> str:
    middle = "Thị" if woman else ("Văn", "Hữu", "Minh", "Quốc")[n // 200 % 4]
    return f"{FAMILY[n % 10]} {middle} {GIVEN[n // 10 % 20]}"


def members_of(i: int) -> int:  # 41 × 24 + 6 × 23 = 1.122
    return 24 if i < 41 else 23


def women_of(i: int) -> int:  # 25 × 4 + 22 × 3 = 166
    return 4 if i < 25 else 3


def _xlsx(path: Path, header: list[str], rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _import(kind: str, path: Path, user: str, *extra: str) -> None:
    call_command("import_data", kind, str(path), "--user", user, *extra, verbosity=0)


def build(tmp: Path, user) -> Unit:
    """Build the province under the personas' P, as `user` (an admin); returns the
    command the return is about."""
    cccd = itertools.count(1)
    units = [[COMMAND, "Ban CHQS khối cơ quan tỉnh", "Ban CHQS huyện", "P", "01/01/2020", "", ""]]
    for i in range(AGENCIES):
        units.append(
            [f"CQ{i:02d}", f"Sở ngành số {i + 1:02d}", "Cơ quan, tổ chức", COMMAND,
             "01/01/2020", "Cơ quan nhà nước", 150]
        )  # fmt: skip
    _import("units", _xlsx(tmp / "don-vi.xlsx", [
        "Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã đơn vị cấp trên", "Hiệu lực từ ngày",
        "Loại hình cơ quan", "Tổng số CBCNV",
    ], units), user.username)  # fmt: skip

    header = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Chức vụ",
              "Chức vụ tự vệ", "Thành phần", "Ngày vào tự vệ", "Ngày vào Đảng"]  # fmt: skip
    seats = []
    for i in range(AGENCIES):
        rows = []
        for s, seat in enumerate(SEATS):  # the board: leaders on the staff list, not members
            number = f"0921{next(cccd):08d}"
            rows.append([s + 1, name(i * 4 + s), "05/05/1975", "Nam", number,
                         "Lãnh đạo", None, None, None, "01/01/2000"])  # fmt: skip
            seats.append([f"CQ{i:02d}", None, seat, None, number, "01/01/2021", None,
                          f"{i + 1}/QĐ-BCH", "15/12/2020"])  # fmt: skip
        for m in range(members_of(i)):
            woman = m < women_of(i)
            leader = m >= members_of(i) - 3
            rows.append([
                len(rows) + 1, name(i * 24 + m, woman),
                "10/10/1992" if woman else "20/02/1990", "Nữ" if woman else "Nam",
                f"0921{next(cccd):08d}", "Chuyên viên",
                "Tiểu đội trưởng" if leader else "Chiến sĩ", "Tại chỗ", "01/03/2021", None,
            ])  # fmt: skip
        _import("people", _xlsx(tmp / f"ds-{i}.xlsx", header, rows), user.username,
                "--unit", f"CQ{i:02d}")  # fmt: skip
    _import("boards", _xlsx(tmp / "ban-chqs.xlsx", [
        "Mã cơ quan", "Tên cơ quan", "Chức vụ", "Họ và tên", "Số CCCD", "Từ ngày", "Đến ngày",
        "Số quyết định", "Ngày quyết định",
    ], seats), user.username)  # fmt: skip

    command = Unit.objects.get(code=COMMAND)
    _duty(command)
    _training(command, user)
    return command


def _agency_people(kind: str) -> dict[str, list[Person]]:
    people: dict[str, list[Person]] = {}
    qs = Person.objects.filter(agency__code__startswith="CQ").select_related("agency")
    for person in qs.order_by("agency__code", "cccd"):
        if (kind == "board") == (person.job_title == "Lãnh đạo"):
            people.setdefault(person.agency.code, []).append(person)
    return people


def _duty(command: Unit) -> None:
    """48 published four-day patrols, each of 46 members (8.832 man-days)."""
    members = [p for ps in _agency_people("member").values() for p in ps]
    kind = DutyKind.objects.get(code="tuan-tra-canh-gac")
    tz = timezone.get_current_timezone()
    for n in range(48):
        starts = dt.datetime.combine(D(2022, 12, 16) + dt.timedelta(days=3 * n), dt.time(7), tz)
        crew = [members[(n * 46 + k) % len(members)] for k in range(46)]
        turn_save(
            unit=command, kind=kind, starts_at=starts, ends_at=starts + dt.timedelta(days=4),
            crew=crew, place="Trụ sở các sở, ngành", state="published",
        )  # fmt: skip


def _course(command: Unit, code: str, audience: str, starts: dt.date, days: int) -> Course:
    plan, _ = TrainingPlan.objects.get_or_create(
        organiser=command, year=2023, defaults={"title": "Kế hoạch huấn luyện năm 2023"}
    )
    return Course.objects.create(
        plan=plan, code=code, name=f"Lớp {code}", audience=Audience.objects.get(code=audience),
        organiser=command, starts_on=starts, ends_on=starts + dt.timedelta(days=days - 1),
        days=days, place="Trường Quân sự tỉnh",
    )  # fmt: skip


def _train(course: Course, people: dict[str, list[Person]], quota, present, user) -> None:
    agencies = {a.code: a for a in Unit.objects.filter(code__in=people)}
    codes = sorted(people)
    quotas_set(course=course, quantities={agencies[c].pk: quota(i) for i, c in enumerate(codes)})
    for i, code in enumerate(codes):
        nominate(course=course, agency=agencies[code], people=people[code][: quota(i)], by=user)
    entries = {}
    for i, code in enumerate(codes):
        for k, nomination in enumerate(
            course.nominations.filter(agency=agencies[code]).order_by("person__cccd")
        ):
            here = k < present(i)
            entries[nomination.pk] = ResultEntry(
                attendance="present" if here else "absent",
                reason="" if here else "Ốm",
                result="dat" if here else "",
            )
    results_record(course=course, entries=entries)


def _training(command: Unit, user) -> None:
    board = _agency_people("board")
    members = _agency_people("member")
    leaders = {code: ps[-3:] for code, ps in members.items()}
    troops = {code: ps[:-3] for code, ps in members.items()}
    # 42 × 2 + 5 × 1 = 89 board cadres, of whom 81 attend (8 absent in the first agencies).
    _train(_course(command, "TH-CB", "board-cadre", D(2023, 3, 6), 7), board,
           lambda i: 2 if i < 42 else 1,
           lambda i: (1 if i < 8 else 2) if i < 42 else 1, user)  # fmt: skip
    # 27 × 3 + 20 × 2 = 121 unit leaders, 116 attend.
    _train(_course(command, "TH-CBĐV", "unit-leader", D(2023, 4, 10), 5), leaders,
           lambda i: 3 if i < 27 else 2,
           lambda i: (2 if i < 5 else 3) if i < 27 else 2, user)  # fmt: skip
    # 43 × 18 + 4 × 17 = 842 troops, 2 × 12 + 45 × 11 = 519 attend.
    _train(_course(command, "HL-TV", "in-place", D(2023, 5, 8), 7), troops,
           lambda i: 18 if i < 43 else 17, lambda i: 12 if i < 2 else 11, user)  # fmt: skip
