"""Duty fixtures: members serving in A1 (and one in A2) and a helper to make turns."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from personnel.duty.models import DutyKind, TurnState
from personnel.duty.services import turn_save
from personnel.models import Person, Service, ServicePosition
from units.models import ForceKind

NAMES = [
    "Nguyễn Văn An", "Trần Văn Bảo", "Lê Văn Cường", "Phạm Văn Dũng", "Hoàng Văn Em",
    "Võ Văn Phúc", "Đặng Văn Giàu", "Bùi Văn Hải", "Đỗ Thị Hoa", "Hồ Văn Khánh",
]  # fmt: skip


def at(day: dt.date, hour: int = 7, minute: int = 30) -> dt.datetime:
    """An aware datetime in Asia/Ho_Chi_Minh."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def make_members(agency, count: int, *, joined_on=dt.date(2023, 1, 1), leader_every=5, start=0):
    """`count` people of `agency` serving since `joined_on`; every fifth a squad leader."""
    chien_si = ServicePosition.objects.get(code="chien-si")
    leader = ServicePosition.objects.get(code="tieu-doi-truong")
    tai_cho = ForceKind.objects.get(code="tai-cho")
    people = []
    for i in range(start, start + count):
        name = NAMES[i % len(NAMES)] + ("" if i < len(NAMES) else f" {i}")
        person = Person.objects.create(
            agency=agency,
            full_name=name,
            birth_date=dt.date(1990, 1, 1) + dt.timedelta(days=i),
            gender="F" if "Thị" in name else "M",
            cccd=f"09209{agency.pk % 100:02d}{i:05d}",
        )
        Service.objects.create(
            person=person,
            agency=agency,
            position=leader if leader_every and i % leader_every == 0 else chien_si,
            force_kind=tai_cho,
            joined_on=joined_on,
            term_end=dt.date(joined_on.year + 4, joined_on.month, joined_on.day),
        )
        people.append(person)
    return people


@pytest.fixture
def kinds(db):
    return {k.code: k for k in DutyKind.objects.filter(province__isnull=True)}


@pytest.fixture
def members(world):
    return make_members(world.agency1, 10)


@pytest.fixture
def make_turn(world, kinds):
    def make(
        day, crew, *, kind="san-sang-chien-dau", hours=24, hour=7, minute=30, unit=None,
        publish=True,
    ):  # fmt: skip
        start = at(day, hour, minute)
        turn, _ = turn_save(
            unit=unit or world.agency1,
            kind=kinds[kind],
            starts_at=start,
            ends_at=start + dt.timedelta(hours=hours),
            crew=list(crew),
            officer=crew[0] if crew else None,
            place="Trụ sở",
            state=TurnState.PUBLISHED if publish else TurnState.DRAFT,
        )
        return turn

    return make


MONTH = "2024-03"


def plan_payload(kinds, **extra) -> dict:
    return {
        "kinds": [kinds["san-sang-chien-dau"].pk],
        "starts_on": "01/03/2024",
        "ends_on": "31/03/2024",
        "pattern": "daily",
        "crew_size": "2",
        **extra,
    }


@pytest.fixture
def planned(world, members, kinds, client_for):
    client = client_for(world.staff)
    response = client.post(
        reverse("duty:planner", kwargs={"code": "A1"}), {**plan_payload(kinds), "action": "save"}
    )
    assert response.status_code == 302
    return client


D = Decimal
