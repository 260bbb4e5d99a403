"""Demo people for seed_demo: about 1.100 self-defence members across the demo agencies
(≈15% women, realistic names, ages and Party share) plus each agency's leaders, who fill
most Ban CHQS seats. Deterministic (a fixed seed) and idempotent (matched by CCCD)."""

import datetime as dt
import random

from django.db.models import Count
from simple_history.utils import bulk_create_with_history

from units.models import Board, BoardPositionKind, BoardStatus, Formation, Unit

from .models import (
    AppointmentState,
    BoardAppointment,
    Ethnicity,
    Gender,
    Person,
    Service,
    ServicePosition,
    ServiceStatus,
    add_years,
)

SEED = 2023
AS_OF = dt.date(2026, 11, 1)  # ages and terms are drawn around this date, fixed
PROVINCE_CODE = "092"  # CCCD prefix of Cần Thơ
MEMBER_SHARE = 0.065  # members per staff head: ~1.100 over the demo agencies

FAMILY = "Nguyễn Trần Lê Phạm Huỳnh Hoàng Phan Võ Vũ Đặng Bùi Đỗ Hồ Ngô Dương Lý Trương Lâm".split()
MALE_MIDDLE = "Văn Hữu Đức Minh Thanh Quốc Công Hoàng Tấn Chí Ngọc".split()
FEMALE_MIDDLE = "Thị Ngọc Thu Kim Thanh Mỹ Bích Hồng".split()
MALE_GIVEN = (
    "An Bình Cường Dũng Duy Đạt Hải Hiếu Hùng Huy Khang Khoa Long Luân Nam Nghĩa Phát Phong "
    "Phúc Quang Sơn Tài Tâm Thắng Thành Thiện Toàn Trí Trung Tuấn Vinh Vũ"
).split()
FEMALE_GIVEN = (
    "Anh Châu Chi Diễm Hà Hạnh Hằng Hoa Hương Lan Linh Mai Ngân Nhung Oanh Phương Thảo Trang "
    "Tuyết Vy Yến"
).split()
HOMETOWNS = [
    "phường Ninh Kiều, thành phố Cần Thơ",
    "phường Cái Răng, thành phố Cần Thơ",
    "xã Phong Điền, thành phố Cần Thơ",
    "phường Vị Thanh, thành phố Cần Thơ",
    "phường Sóc Trăng, thành phố Cần Thơ",
    "phường Long Xuyên, tỉnh An Giang",
    "phường Vĩnh Long, tỉnh Vĩnh Long",
]
QUALIFICATIONS = ["Cử nhân Kinh tế", "Kỹ sư Điện", "Bác sĩ đa khoa", "Cử nhân Luật", "Trung cấp"]
QUALIFICATIONS += ["Kỹ sư Xây dựng", "Cử nhân Công nghệ thông tin", "Cao đẳng Điều dưỡng"]
LEADERS = [
    # job title, seat on the board (code) or None, is Party member
    ("Giám đốc", None, True),
    ("Phó Giám đốc", "chi-huy-truong", True),
    ("Bí thư Chi bộ", "chinh-tri-vien", True),
    ("Trưởng phòng Tổ chức - Hành chính", "pho-chi-huy-truong", True),
    ("Phó Bí thư Chi bộ", "chinh-tri-vien-pho", True),
]


class _Draw:
    def __init__(self):
        self.rng = random.Random(SEED)
        self.serial = 0

    def gender(self, female_share=0.17) -> str:
        return Gender.FEMALE if self.rng.random() < female_share else Gender.MALE

    def name(self, gender: str) -> str:
        female = gender == Gender.FEMALE
        middle = self.rng.choice(FEMALE_MIDDLE if female else MALE_MIDDLE)
        given = self.rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)
        return f"{self.rng.choice(FAMILY)} {middle} {given}"

    def birth(self, low: int, high: int) -> dt.date:
        age = self.rng.randint(low, high)
        return AS_OF - dt.timedelta(days=age * 365 + self.rng.randint(0, 364))

    def cccd(self, gender: str, birth: dt.date) -> str:
        # 3 digits of province, 1 of gender and century, 2 of birth year, 6 serial.
        century = 0 if birth.year < 2000 else 2
        self.serial += 1
        g = century + (1 if gender == Gender.FEMALE else 0)
        return f"{PROVINCE_CODE}{g}{birth.year % 100:02d}{self.serial:06d}"

    def maybe_date(self, share: float, start: dt.date, end: dt.date) -> dt.date | None:
        if self.rng.random() >= share or end <= start:
            return None
        return start + dt.timedelta(days=self.rng.randint(0, (end - start).days))


def _person(draw: _Draw, agency: Unit, ethnicities, *, gender, birth, job, party) -> Person:
    adult = add_years(birth, 18)
    party_on = draw.maybe_date(1.0 if party else 0.0, add_years(birth, 20), AS_OF)
    return Person(
        agency=agency,
        full_name=draw.name(gender),
        birth_date=birth,
        gender=gender,
        cccd=draw.cccd(gender, birth),
        ethnicity=ethnicities[draw.rng.choices([0, 1, 2], weights=[92, 5, 3])[0]],
        religion=draw.rng.choices(
            ["", "Phật giáo", "Công giáo", "Cao Đài", "Hòa Hảo"], [70, 18, 5, 4, 3]
        )[0],
        hometown=draw.rng.choice(HOMETOWNS),
        residence=agency.address,
        education="12/12",
        qualification=draw.rng.choice(QUALIFICATIONS),
        party_joined_on=party_on,
        party_official_on=add_years(party_on, 1)
        if party_on and party_on < AS_OF.replace(year=AS_OF.year - 1)
        else None,
        youth_union_joined_on=draw.maybe_date(0.6, adult - dt.timedelta(days=1000), adult),
        job_title=job,
        phone=f"09{draw.rng.randint(10_000_000, 99_999_999)}",
        is_reservist=draw.rng.random() < 0.05,
        health_grade=draw.rng.choices([1, 2, 3], [40, 45, 15])[0],
    )


def build_people() -> list[tuple[str, int, int, int]]:
    """seed_demo step: members, leaders, their services and board appointments."""
    draw = _Draw()
    ethnicities = list(
        Ethnicity.objects.filter(name__in=["Kinh", "Khơ-me", "Hoa"]).order_by("code")
    )
    positions = {p.code: p for p in ServicePosition.objects.all()}
    seats = {k.code: k for k in BoardPositionKind.objects.all()}
    agencies = list(
        Unit.objects.filter(code__startswith="CT-", kind__is_agency=True)
        .exclude(staff_count=None)
        .order_by("code")
    )
    existing = set(Person.objects.values_list("cccd", flat=True))
    formations = {}
    for f in Formation.objects.filter(agency__in=agencies).select_related("force_kind"):
        formations.setdefault(f.agency_id, []).append(f)

    people, services, appointments = [], [], []
    boards = {b.unit_id: b for b in Board.objects.filter(unit__in=agencies)}
    for agency in agencies:
        leaders = []
        for job, seat, party in LEADERS:
            gender = draw.gender(0.2)
            birth = draw.birth(35, 52 if gender == Gender.MALE else 48)
            leaders.append(
                (
                    _person(
                        draw, agency, ethnicities, gender=gender, birth=birth, job=job, party=party
                    ),
                    seat,
                )
            )
        squads = [
            f for f in formations.get(agency.pk, []) if f.level in ("tieu_doi", "khau_doi", "to")
        ]
        platoons = [f for f in formations.get(agency.pk, []) if f.level == "trung_doi"]
        count = max(round(agency.staff_count * MEMBER_SHARE), 8) if squads else 0
        members = []
        for i in range(count):
            gender = draw.gender()
            birth = draw.birth(20, 44 if gender == Gender.MALE else 39)
            young = AS_OF.year - birth.year < 32
            person = _person(
                draw, agency, ethnicities, gender=gender, birth=birth,
                job=draw.rng.choice(["Chuyên viên", "Nhân viên", "Kỹ thuật viên", "Kế toán"]),
                party=draw.rng.random() < (0.25 if young else 0.45),
            )  # fmt: skip
            formation = squads[i % len(squads)] if squads else None
            lead_index = i // len(squads) if squads else 1
            if lead_index == 0 and formation is not None:
                position = positions[
                    "tieu-doi-truong"
                    if formation.level == "tieu_doi"
                    else "khau-doi-truong"
                    if formation.level == "khau_doi"
                    else "to-truong"
                ]
            elif lead_index == 1 and i % len(squads) < len(platoons):
                position, formation = positions["trung-doi-truong"], platoons[i % len(squads)]
            else:
                position = positions["chien-si"]
            joined = max(
                add_years(birth, 18), AS_OF - dt.timedelta(days=draw.rng.randint(30, 4 * 365 - 1))
            )
            members.append((person, formation, position, joined))
        if any(p.cccd in existing for p, _ in leaders) or any(
            m[0].cccd in existing for m in members
        ):
            continue  # this agency's demo people are already there
        people += [p for p, _ in leaders] + [m[0] for m in members]
        for person, formation, position, joined in members:
            services.append(
                Service(
                    person=person, agency=agency, formation=formation, position=position,
                    force_kind=formation.force_kind, joined_on=joined,
                    term_end=add_years(joined, 4),
                    status=ServiceStatus.SERVING, status_on=joined,
                )
            )  # fmt: skip
        board = boards.get(agency.pk)
        if board and board.status == BoardStatus.ACTIVE:
            for index, (person, seat) in enumerate(leaders):
                if seat is None or (seat == "chinh-tri-vien-pho" and agency.pk % 4 == 0):
                    continue  # leave a seat vacant in a quarter of the boards
                appointments.append(
                    BoardAppointment(
                        board=board, position=seats[seat], person=person,
                        starts_on=board.decision_date or dt.date(2022, 1, 1),
                        decision_number=f"{30 + index}/QĐ-BCH", decision_date=board.decision_date,
                        state=AppointmentState.CONFIRMED,
                    )
                )  # fmt: skip

    bulk_create_with_history(people, Person, batch_size=500)  # fills the derived fields
    by_cccd = {p.cccd: p for p in Person.objects.filter(cccd__in=[p.cccd for p in people])}
    for row in [*services, *appointments]:
        row.person = by_cccd[row.person.cccd]
    bulk_create_with_history(services, Service, batch_size=500)
    bulk_create_with_history(appointments, BoardAppointment, batch_size=500)
    totals = [
        Person.objects.filter(agency__in=agencies).aggregate(n=Count("id"))["n"],
        Service.objects.filter(agency__in=agencies).count(),
        BoardAppointment.objects.filter(board__unit__in=agencies).count(),
    ]
    created = [len(people), len(services), len(appointments)]
    labels = ["Cán bộ, nhân viên", "Tham gia tự vệ", "Bổ nhiệm Ban CHQS"]
    return [(lbl, c, 0, t - c) for lbl, c, t in zip(labels, created, totals, strict=True)]
