"""The throw-away database and the data of the duty benchmarks (bench/duty_*.py).

Like the other benchmarks it never touches a real database: it creates `test_<name>`
(SQLite: a file in the temporary directory), migrates, builds what it needs, and drops
it. Deterministic (fixed seeds).
"""

import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import _common

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chqs.settings")
WORK = Path(tempfile.gettempdir()) / "chqs-bench"
PASSWORD = "Bench-2026-duty"


def test_database(name: str):
    """The shared throw-away database, with no query log kept (as in production)."""
    return _common.test_database(name, work=WORK, debug=False)


def timed(fn, runs: int, warmups: int = 1) -> dict:
    for _ in range(warmups):
        fn()
    times, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    times.sort()
    return {
        "median_ms": statistics.median(times),
        "p95_ms": times[min(len(times) - 1, int(len(times) * 0.95))],
        "cpu_ms": statistics.median(cpu),
    }


def province_with_agencies(count: int):
    """A province P and `count` agencies under it (A001…), and a provincial staff user."""
    from units.models import AgencyType, Role, UnitKind, User
    from units.services import unit_create

    kinds = {k.code: k for k in UnitKind.objects.all()}
    state = AgencyType.objects.get(code="state")
    start = dt.date(2020, 1, 1)
    province = unit_create(
        parent=None, valid_from=start, code="P", name="Bộ CHQS thành phố Cần Thơ",
        kind=kinds["province"], level=kinds["province"].default_level,
    )  # fmt: skip
    agencies = [
        unit_create(
            parent=province,
            valid_from=start,
            code=f"A{i:03d}",
            name=f"Cơ quan số {i}",
            kind=kinds["agency"],
            level=kinds["agency"].default_level,
            agency_type=state,
        )  # fmt: skip
        for i in range(1, count + 1)
    ]
    user = User.objects.create_user(
        username="troly.tinh", password=PASSWORD, role=Role.STAFF, unit=province
    )
    return province, agencies, user


def members(agency, count: int, *, seed: int = 7, unavailable_share: float = 0.0, year=2026):
    """`count` serving members of `agency`; a share of them away two weeks of the year."""
    from personnel.duty.models import Unavailability
    from personnel.models import Person, Service, ServicePosition
    from units.models import ForceKind

    rng = random.Random(seed)
    fighter = ServicePosition.objects.get(code="chien-si")
    leader = ServicePosition.objects.get(code="tieu-doi-truong")
    tai_cho = ForceKind.objects.get(code="tai-cho")
    people = [
        Person(
            agency=agency,
            full_name=f"Người {agency.code} {i:04d}",
            birth_date=dt.date(1985, 1, 1) + dt.timedelta(days=rng.randint(0, 5000)),
            gender="F" if rng.random() < 0.15 else "M",
            cccd=f"09{agency.pk:04d}{i:06d}",
        )  # fmt: skip
        for i in range(count)
    ]
    Person.objects.bulk_create(people, batch_size=1000)  # fills the derived fields
    people = list(Person.objects.filter(agency=agency).order_by("pk"))
    Service.objects.bulk_create(
        [
            Service(
                person=p,
                agency=agency,
                position=leader if i % 10 == 0 else fighter,
                force_kind=tai_cho,
                joined_on=dt.date(year - 2, 1, 1),
                term_end=dt.date(year + 2, 1, 1),
            )  # fmt: skip
            for i, p in enumerate(people)
        ],
        batch_size=1000,
    )
    away = []
    for p in people:
        if rng.random() < unavailable_share:
            start = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, 350))
            away.append(
                Unavailability(
                    person=p,
                    starts_on=start,
                    ends_on=start + dt.timedelta(days=13),
                    reason=rng.choice(["leave", "training", "sick", "travel"]),
                )  # fmt: skip
            )
    Unavailability.objects.bulk_create(away)
    return people


def turns(agency, people, days: list[dt.date], per_day: int, crew: int, *, seed: int = 11):
    """Published turns (bulk: as an import of old logs would write them)."""
    from django.utils import timezone

    from personnel.duty.models import DutyAssignment, DutyKind, DutyTurn, TurnState

    rng = random.Random(seed)
    kinds = list(DutyKind.objects.filter(province__isnull=True).order_by("order"))
    made = []
    for day in days:
        for j in range(per_day):
            start = timezone.make_aware(dt.datetime.combine(day, dt.time(6 + 3 * j, 0)))
            made.append(
                DutyTurn(
                    unit=agency,
                    kind=kinds[j % len(kinds)],
                    starts_at=start,
                    ends_at=start + dt.timedelta(hours=3),
                    starts_on=day,
                    state=TurnState.PUBLISHED,
                    man_days=Decimal("0.5") * crew,
                    place="Trụ sở",
                    officer=people[(len(made) * crew) % len(people)],
                )  # fmt: skip
            )
    DutyTurn.objects.bulk_create(made, batch_size=1000)
    made = list(DutyTurn.objects.filter(unit=agency).order_by("pk"))
    rows = []
    for turn in made:
        for person in rng.sample(people, crew):
            rows.append(
                DutyAssignment(
                    turn=turn,
                    person=person,
                    hours=Decimal(3),
                    days_served=Decimal("0.5"),
                    is_officer=person.pk == turn.officer_id,
                )  # fmt: skip
            )
    DutyAssignment.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return made
