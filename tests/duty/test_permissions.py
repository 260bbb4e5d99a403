"""The permission matrix of duty rotas (personnel/duty/urls.py). A turn is in scope when the
unit running it is; planning and publishing need change_structure, recording attendance
change_people. The rules and the machinery: tests/permissions.py."""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

from personnel.duty.models import DutyAssignment, DutyKind, DutyTurn, TurnState
from personnel.duty.services import turn_save
from personnel.models import Person
from tests.permissions import (
    CHANGE,
    IN,
    OUT,
    PEOPLE,
    Route,
    Stage,
    agency,
    build_cases,
    don_vi,
    member,
    run_case,
    serving,
    stage_fixture,
)
from tests.personas import World
from units.models import Unit

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Target:
    agency: Unit
    member: Person  # serving in the agency's formation
    turn: DutyTurn  # a published turn of the agency, the member its officer and crew
    crew_row: DutyAssignment  # the member's row in that turn


def duty_turn(t: Target) -> dict:
    return {"pk": t.turn.pk}


def duty_crew_row(t: Target) -> dict:
    return {"pk": t.turn.pk, "member": t.crew_row.pk}


# -- valid POST payloads ---------------------------------------------------------------


def duty_turn_form(s: Stage, t: Target) -> dict:
    return {
        "kind": t.turn.kind_id,
        "day": "03/03/2025",
        "start_time": "07:30",
        "end_day": "04/03/2025",
        "end_time": "07:30",
        "place": "Cổng chính",
        "officer": t.member.pk,
        "crew": [t.member.pk],
    }


def duty_attendance_form(s: Stage, t: Target) -> dict:
    return {"absent": "on", "reason": "sick", "hours": "", "replaced_by": ""}


def duty_unavailable_form(s: Stage, t: Target) -> dict:
    return {"starts_on": "01/06/2025", "ends_on": "05/06/2025", "reason": "leave", "note": ""}


def duty_planner_form(s: Stage, t: Target) -> dict:
    kind = DutyKind.objects.get(code="tuan-tra-canh-gac", province__isnull=True)
    return {
        "kinds": [kind.pk],
        "starts_on": "01/05/2025",
        "ends_on": "03/05/2025",
        "pattern": "daily",
        "crew_size": "1",
        "action": "save",
    }


def duty_publish_form(s: Stage, t: Target) -> dict:
    return {"thang": "2025-04"}


# -- the classification: one entry per URL name ----------------------------------------

ROUTES: dict[str, Route] = {
    "duty:turns": Route(get="view", query=don_vi),
    "duty:tallies": Route(get="view", query=don_vi),
    "duty:turn": Route(get="view", kwargs=duty_turn),
    "duty:turn_edit": Route(get=CHANGE, post=CHANGE, kwargs=duty_turn, payload=duty_turn_form),
    # The edit form's live conflict check: answers a fragment, writes nothing.
    "duty:turn_check": Route(
        get=None, post=CHANGE, kwargs=duty_turn, payload=duty_turn_form, post_ok=200, writes=False
    ),
    "duty:attendance": Route(
        get=PEOPLE, post=PEOPLE, kwargs=duty_crew_row, payload=duty_attendance_form
    ),
    "duty:ledger": Route(get="view", kwargs=member),
    "duty:unavailable_add": Route(
        get=None, post=PEOPLE, kwargs=member, payload=duty_unavailable_form
    ),
    "duty:month": Route(get="view", kwargs=agency),
    "duty:planner": Route(get=CHANGE, post=CHANGE, kwargs=agency, payload=duty_planner_form),
    "duty:publish": Route(get=None, post=CHANGE, kwargs=agency, payload=duty_publish_form),
    "duty:month_pdf": Route(get="view", kwargs=agency, download=True),
    "duty:month_xlsx": Route(get="view", kwargs=agency, download=True),
}
CASES = build_cases(ROUTES)


# -- the stage: a member on each side, a published turn and a draft one ----------------


def side(agency: Unit, formation) -> Target:
    """A published turn of the agency (03/03/2025) with its member as officer and crew,
    and a draft turn in April 2025 for the publish action."""
    person = serving(formation, "Nguyễn Văn Hùng", dt.date(1990, 5, 1), f"0920900{agency.pk:05d}")
    kind = DutyKind.objects.get(code="san-sang-chien-dau", province__isnull=True)
    at = dt.datetime(2025, 3, 3, 7, 30, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    turn, _ = turn_save(
        unit=agency, kind=kind, starts_at=at, ends_at=at + dt.timedelta(hours=24),
        crew=[person], officer=person, state=TurnState.PUBLISHED,
    )  # fmt: skip
    april = at + dt.timedelta(days=40)
    turn_save(
        unit=agency, kind=kind, starts_at=april, ends_at=april + dt.timedelta(hours=24),
        crew=[person], officer=person,
    )  # fmt: skip
    return Target(agency, person, turn, turn.assignments.get())


def build(w: World, private: Path) -> Stage:
    sides = {IN: side(w.agency1, w.formation1), OUT: side(w.agency2, w.formation2)}
    return Stage(world=w, sides=sides)


stage = stage_fixture(build)


@pytest.mark.parametrize("case", CASES)
def test_permission_matrix(case, stage, client):
    run_case(case, stage, client)
