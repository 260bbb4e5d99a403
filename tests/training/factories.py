"""Small builders for training tests: people, members, plans, courses, nominations."""

import datetime as dt
import itertools
from decimal import Decimal

from personnel.models import (
    AppointmentState,
    BoardAppointment,
    Person,
    Service,
    ServicePosition,
    add_years,
)
from training.models import Attendance, Audience, Course, Nomination, Quota, TrainingPlan
from units.models import BoardPositionKind, ForceKind, Unit

_cccd = itertools.count(1)


def people(agency: Unit, n: int, prefix: str = "Người") -> list[Person]:
    rows = []
    for i in range(n):
        person = Person(
            agency=agency,
            full_name=f"{prefix} {agency.code} {i + 1:04d}",
            birth_date=dt.date(1990, 1, 1),
            gender="M",
            cccd=f"0920{next(_cccd):08d}",
        )
        rows.append(person)
    return Person.objects.bulk_create(rows)


def person(agency: Unit, name: str, born: dt.date = dt.date(1990, 5, 1), gender="M") -> Person:
    return Person.objects.create(
        agency=agency,
        full_name=name,
        birth_date=born,
        gender=gender,
        cccd=f"0920{next(_cccd):08d}",
    )


def member(
    who: Person, *, position="chien-si", force="tai-cho", joined=dt.date(2022, 3, 1), formation=None
) -> Service:
    return Service.objects.create(
        person=who,
        agency=who.agency,
        formation=formation,
        position=ServicePosition.objects.get(code=position),
        force_kind=ForceKind.objects.get(code=force),
        joined_on=joined,
        term_end=add_years(joined, 4),
    )


def seat(who: Person, seat_code="chi-huy-truong", since=dt.date(2021, 1, 1)) -> BoardAppointment:
    return BoardAppointment.objects.create(
        board=who.agency.board,
        position=BoardPositionKind.objects.get(code=seat_code),
        person=who,
        starts_on=since,
        state=AppointmentState.CONFIRMED,
    )


def plan(organiser: Unit, year: int = 2023) -> TrainingPlan:
    return TrainingPlan.objects.get_or_create(
        organiser=organiser, year=year, defaults={"title": f"Kế hoạch huấn luyện năm {year}"}
    )[0]


def course(
    organiser: Unit,
    code: str,
    audience: str,
    starts_on=dt.date(2023, 3, 6),
    days: int = 5,
    place: str = "Trường Quân sự thành phố",
) -> Course:
    return Course.objects.create(
        plan=plan(organiser, starts_on.year),
        code=code,
        name=f"Lớp {code}",
        audience=Audience.objects.get(code=audience),
        organiser=organiser,
        starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(days=days - 1),
        days=Decimal(days),
        place=place,
    )


def quota(course: Course, agency: Unit, quantity: int) -> Quota:
    return Quota.objects.create(course=course, agency=agency, quantity=quantity)


def attend(course: Course, who: list[Person], present: int, results=(), days=None) -> None:
    """Nominate `who`; the first `present` attend (full days unless `days`), with
    `results` given in order to those present."""
    rows = []
    for i, p in enumerate(who):
        here = i < present
        rows.append(
            Nomination(
                course=course,
                person=p,
                agency=p.agency,
                attendance=Attendance.PRESENT if here else Attendance.ABSENT,
                absence_reason="" if here else "Ốm",
                days_attended=(course.days if days is None else days) if here else 0,
                result=results[i] if here and i < len(results) else "",
            )
        )
    Nomination.objects.bulk_create(rows)
