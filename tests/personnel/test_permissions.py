"""The permission matrix of the people pages (personnel/urls.py): the roster, a person and
their service, bulk actions, Ban CHQS appointments and big exports. The rules and the
machinery: tests/permissions.py."""

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import Workbook

from chqs.audit import ExportRecord
from personnel.forms import person_version
from personnel.models import (
    AppointmentState,
    BoardAppointment,
    Person,
    ServicePosition,
    ServiceStatus,
    StatusReason,
)
from tests.permissions import (
    CHANGE,
    IN,
    LOGGED_IN,
    OUT,
    PEOPLE,
    Route,
    Stage,
    agency,
    build_cases,
    don_vi,
    member,
    nothing,
    owned_files,
    run_case,
    serving,
    stage_fixture,
)
from tests.personas import World
from units.models import BoardPositionKind, Formation, Unit

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Target:
    """An agency's people (A1 or A2), and what the forms refer to."""

    agency: Unit
    formation: Formation
    spare: Formation  # a second formation of the agency, to transfer people to
    member: Person  # serving in `formation`
    newcomer: Person  # on the staff list, never joined
    leader: Person  # the agency's director, holding no board seat: to propose
    holding: BoardAppointment  # the member's confirmed seat (Phó Chỉ huy trưởng): to end
    proposal: BoardAppointment  # the newcomer proposed as Chính trị viên: to confirm/reject
    export: ExportRecord | None = None  # a finished big export: the persona's own, or another's


def export(t: Target) -> dict:
    return {"token": t.export.token}


def proposal(t: Target) -> dict:
    return {"code": t.agency.code, "pk": t.proposal.pk}


def holding(t: Target) -> dict:
    return {"code": t.agency.code, "pk": t.holding.pk}


# -- valid POST payloads ---------------------------------------------------------------


def person_create_form(s: Stage, t: Target) -> dict:
    return {
        "agency": s.world.agency1.pk,  # a clerk's agency is fixed: the field is ignored
        "full_name": "Trần Văn Mới",
        "birth_date": "01/05/1995",
        "gender": "M",
        "cccd": "092095000777",
    }


def person_edit_form(s: Stage, t: Target) -> dict:
    m = t.member
    return {
        "agency": t.agency.pk,
        "full_name": f"{m.full_name} (sửa)",
        "birth_date": m.birth_date.strftime("%d/%m/%Y"),
        "gender": m.gender,
        "cccd": m.cccd,
        "phone": "0912345678",
        "version": person_version(m),
    }


def join_form(s: Stage, t: Target) -> dict:
    return {
        "position": ServicePosition.objects.get(code="chien-si").pk,
        "formation": t.formation.pk,
        "joined_on": "15/01/2024",
    }


def status_form(s: Stage, t: Target) -> dict:
    reason = StatusReason.objects.filter(status=ServiceStatus.POSTPONED).first()
    return {"tinh_trang": ServiceStatus.POSTPONED, "reason": reason.pk, "on": "01/06/2025"}


def transfer_form(s: Stage, t: Target) -> dict:
    return {"formation": t.spare.pk, "on": "01/06/2025"}


def extend_form(s: Stage, t: Target) -> dict:
    return {"new_end": "15/01/2028", "decision": "05/QĐ-GĐ", "decided_on": "01/06/2025"}


def bulk_form(s: Stage, t: Target) -> dict:
    # One list of people, no object in the URL: a person out of scope makes the form
    # invalid (tested in test_pages_actions.py), it is not a 404.
    return {
        "action": "dieu_chuyen",
        "chon": [t.member.pk],
        "formation": t.spare.pk,
        "on": "01/06/2025",
    }


def propose_form(s: Stage, t: Target) -> dict:
    return {
        "position": BoardPositionKind.objects.get(code="chi-huy-truong").pk,
        "person": t.leader.pk,
        "starts_on": "01/06/2025",
        "decision_number": "30/QĐ-BCH",
        "decision_date": "20/05/2025",
    }


def reject_form(s: Stage, t: Target) -> dict:
    return {"reason": "Chưa có nghị quyết của cấp ủy"}


def end_form(s: Stage, t: Target) -> dict:
    return {"on": "01/06/2025", "reason": "Nghỉ hưu"}


# -- the classification: one entry per URL name ----------------------------------------

# A person is in scope when their agency is; ?don_vi= names a unit.
ROUTES: dict[str, Route] = {
    "personnel:roster": Route(get="view", query=don_vi),
    "personnel:roster_export": Route(get="view", query=don_vi, download=True),
    "personnel:bulk": Route(get=None, post=PEOPLE, payload=bulk_form),
    # -- personnel exports --
    # The record of personal-data exports: admins only. A big export runs in the
    # background; its page and file belong to its user: another's is a 404, admin or not.
    "personnel:export_log": Route(get="manage_users"),
    "personnel:export_job": Route(get=LOGGED_IN, kwargs=export, owner_only=True),
    "personnel:export_progress": Route(get=LOGGED_IN, kwargs=export, owner_only=True),
    "personnel:export_download": Route(
        get=LOGGED_IN, kwargs=export, owner_only=True, download=True
    ),
    "personnel:person_create": Route(
        get=PEOPLE, post=PEOPLE, query=don_vi, payload=person_create_form
    ),
    "personnel:person": Route(get="view", kwargs=member),
    "personnel:person_edit": Route(
        get=PEOPLE, post=PEOPLE, kwargs=member, payload=person_edit_form
    ),
    "personnel:service_open": Route(
        get=PEOPLE, post=PEOPLE, kwargs=lambda t: {"pk": t.newcomer.pk}, payload=join_form
    ),
    "personnel:service_status": Route(get=PEOPLE, post=PEOPLE, kwargs=member, payload=status_form),
    "personnel:service_transfer": Route(
        get=PEOPLE, post=PEOPLE, kwargs=member, payload=transfer_form
    ),
    "personnel:service_extend": Route(get=PEOPLE, post=PEOPLE, kwargs=member, payload=extend_form),
    # Ban CHQS appointments: the board is named by its unit; an appointment by its unit and
    # pk. A clerk proposes (change_people); confirming, rejecting, ending need staff.
    "personnel:board": Route(get="view", kwargs=agency),
    "personnel:appointment_propose": Route(
        get=PEOPLE, post=PEOPLE, kwargs=agency, payload=propose_form
    ),
    "personnel:appointment_confirm": Route(get=None, post=CHANGE, kwargs=proposal, payload=nothing),
    "personnel:appointment_reject": Route(
        get=None, post=CHANGE, kwargs=proposal, payload=reject_form
    ),
    "personnel:appointment_end": Route(get=CHANGE, post=CHANGE, kwargs=holding, payload=end_form),
}
CASES = build_cases(ROUTES)


# -- the stage: people on both sides, board seats, and each persona's finished export --


def side(agency: Unit, formation: Formation) -> Target:
    """An agency's people: a member serving in its formation (holding a seat), a newcomer
    (proposed for one) and the director."""
    n = agency.pk
    spare = Formation.objects.create(
        agency=agency,
        code="TD3",
        name="Tiểu đội tự vệ 3",
        level="tieu_doi",
        force_kind_id=formation.force_kind_id,
    )
    member = serving(formation, "Nguyễn Văn Hùng", dt.date(1990, 5, 1), f"0920900{n:05d}")
    newcomer = Person.objects.create(
        agency=agency,
        full_name="Lê Văn Tới",
        birth_date=dt.date(1996, 3, 2),
        gender="M",
        cccd=f"0920960{n:05d}",
    )
    leader = Person.objects.create(
        agency=agency,
        full_name="Trần Văn Ban",
        birth_date=dt.date(1975, 8, 8),
        gender="M",
        cccd=f"0920750{n:05d}",
        job_title="Giám đốc",
    )
    seat = {k.code: k for k in BoardPositionKind.objects.all()}
    holding = BoardAppointment.objects.create(
        board=agency.board,
        position=seat["pho-chi-huy-truong"],
        person=member,
        starts_on=dt.date(2023, 1, 15),
        state=AppointmentState.CONFIRMED,
    )
    proposal = BoardAppointment.objects.create(
        board=agency.board,
        position=seat["chinh-tri-vien"],
        person=newcomer,
        starts_on=dt.date(2025, 1, 1),
    )
    return Target(agency, formation, spare, member, newcomer, leader, holding, proposal)


def build(w: World, private: Path) -> Stage:
    book = io.BytesIO()
    Workbook().save(book)

    def finished(user, stored: str) -> ExportRecord:
        return ExportRecord.objects.create(
            user=user, username=user.username, what="Danh sách", rows=1, stored_path=stored
        )

    exports = owned_files(w, private, "exports", book.getvalue(), finished)
    sides = {IN: side(w.agency1, w.formation1), OUT: side(w.agency2, w.formation2)}
    return Stage(world=w, sides=sides, owned={key: {"export": e} for key, e in exports.items()})


stage = stage_fixture(build)


@pytest.mark.parametrize("case", CASES)
def test_permission_matrix(case, stage, client):
    run_case(case, stage, client)
