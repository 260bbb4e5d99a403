"""Every URL × every persona × in/out of scope: who gets 200, 302, 403, 404 or 405.

The rules (units/scope.py): a logged-out visitor is sent to the login page; an object
outside the user's subtree is a 404 — checked before the role, so it never tells that the
object exists; a role that may not do something to an object it can see gets a 403.

Adding a URL: give it a name and an entry in ROUTES — the capability a GET and a POST
need, how to name the in-scope and the out-of-scope object (URL kwargs and/or query
string) and, for a view that writes, a valid POST payload. An unclassified URL name, or a
classified one that no longer exists, fails `test_every_url_of_our_apps_is_classified`.

The objects (`Target`): A1, its formations and its people — every persona sees them
(Chi the clerk sees nothing above A1) — and the same under A2, outside every persona's
subtree but An's, the admin. Uploads belong to their user: another user's is a 404.
The tree is built once per module (see `stage`); a case costs one or two requests.
"""

import datetime as dt
import gc
import io
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Max
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from chqs.audit import ExportRecord
from chqs.imports import registry
from chqs.imports.xlsx import xlsx_bytes
from chqs.models import ImportJob, ImportStatus
from personnel.forms import person_version
from personnel.models import (
    AppointmentState,
    BoardAppointment,
    Person,
    ServicePosition,
    ServiceStatus,
    StatusReason,
)
from personnel.services import service_open
from reports import services as report_services
from reports.models import Return
from reports.periods import parse_period
from reports.tasks import build_annex
from tests.personas import PASSWORD, World, make_world
from training.models import Audience, Course, Nomination, Quota, TrainingPlan
from units.models import BoardPositionKind, Formation, Role, Unit
from units.scope import CAPABILITIES

pytestmark = pytest.mark.django_db

# What each role may do inside its subtree — written out here on purpose: changing a
# role's rights is a policy decision that must change this table too.
ROLE_CAN: dict[str, set[str]] = {
    Role.ADMIN: {"view", "change_structure", "change_people", "approve", "manage_users"},
    Role.STAFF: {"view", "change_structure", "change_people"},
    Role.CLERK: {"view", "change_people"},
    Role.COMMANDER: {"view", "approve"},
}
ANONYMOUS = "anonymous"
PERSONAS = [ANONYMOUS, Role.ADMIN, Role.STAFF, Role.CLERK, Role.COMMANDER]
IN, OUT = "in_scope", "out_of_scope"

# Capabilities beyond the roles' own: anyone (logged in or not); the login page (logged-in
# users are sent home); any logged-in user whatever the role.
PUBLIC, GUEST, LOGGED_IN = "public", "guest", "logged_in"

# URL prefixes that are not ours to classify: Django's admin has its own permissions.
NOT_OURS = ("quan-tri/", "static/", "media/")
OUR_PACKAGES = {"chqs", "units", "personnel", "training", "reports"}


@dataclass(frozen=True)
class Target:
    """The objects a case is about, on one side (A1 or A2), and what payloads refer to."""

    agency: Unit
    formation: Formation
    region: Unit  # a parent the agency may move under, in the same subtree as the agency
    spare: Formation  # a second formation of the agency, to transfer people to
    member: Person  # serving in `formation`
    newcomer: Person  # on the staff list, never joined
    leader: Person  # the agency's director, holding no board seat: to propose
    holding: BoardAppointment  # the member's confirmed seat (Phó Chỉ huy trưởng): to end
    proposal: BoardAppointment  # the newcomer proposed as Chính trị viên: to confirm/reject
    job: ImportJob | None = None  # an upload ready to apply: the persona's own, or another's
    # -- duty -- (filled by duty_side)
    turn: object = None  # a published duty turn of the agency, the member in its crew
    crew_row: object = None  # the member's row in that turn
    # -- reports --
    draft: Return | None = None  # the agency's return for 2023-Q1, a draft ready to submit
    submitted: Return | None = None  # 2023-Q2, submitted: to approve or send back
    approved: Return | None = None  # 2023-Q3, approved (frozen PDF) with its annex built

    # -- training --
    course: Course | None = None  # organised by the agency, with a quota for it
    nomination: Nomination | None = None  # a trainee of the agency nominated to `course`
    # -- personnel exports --
    export: ExportRecord | None = None  # a finished big export: the persona's own, or another's


@dataclass(frozen=True)
class Stage:
    """Everything the cases need, built once for the module."""

    world: World
    sides: dict[str, Target]  # IN: A1's objects, OUT: A2's
    jobs: dict[str, ImportJob]  # persona -> their ready upload; "other": Giang's (at A2)
    exports: dict[str, ExportRecord]  # persona -> their finished export; "other": Giang's
    units_xlsx: bytes  # a valid "units" import: one new agency A9 under X1


@dataclass(frozen=True)
class Route:
    get: str | None  # capability a GET needs; None: the view refuses GET (405)
    post: str | None = None  # capability a POST needs; None: the view does not write
    fixed: dict = field(default_factory=dict)  # URL kwargs that name no object (a kind)
    kwargs: Callable[[Target], dict] | None = None  # the object in the URL
    query: Callable[[Target], dict] | None = None  # ... or in the query string
    payload: Callable[[Stage, Target], dict] | None = None  # a valid POST for the target
    post_ok: int = 302  # what an allowed POST with that payload answers
    writes: bool = True  # an allowed POST changes rows (checked, so the payload is valid)
    owner_only: bool = False  # the object is the user's own: another's is a 404 for all
    download: bool = False  # answers a file (an .xlsx written while the response is built)

    @property
    def has_object(self) -> bool:
        return self.kwargs is not None or self.query is not None

    @property
    def login_required(self) -> bool:
        return any(cap not in (None, PUBLIC, GUEST) for cap in (self.get, self.post))


# -- how a URL names its object --------------------------------------------------------


def agency(t: Target) -> dict:
    return {"code": t.agency.code}


def formation(t: Target) -> dict:
    return {"code": t.agency.code, "pk": t.formation.pk}


def member(t: Target) -> dict:
    return {"pk": t.member.pk}


def job(t: Target) -> dict:
    return {"token": t.job.token}


def don_vi(t: Target) -> dict:
    return {"don_vi": t.agency.code}


# -- personnel exports --
def export(t: Target) -> dict:
    return {"token": t.export.token}


def proposal(t: Target) -> dict:
    return {"code": t.agency.code, "pk": t.proposal.pk}


def holding(t: Target) -> dict:
    return {"code": t.agency.code, "pk": t.holding.pk}


# -- valid POST payloads ---------------------------------------------------------------


def nothing(s: Stage, t: Target) -> dict:
    return {}


# -- production (issue 7) --
def lost_job(s: Stage, t: Target) -> dict:
    """The job's worker died mid-check: "Thử lại" has something to run again."""
    from chqs.models import ImportJob, ImportStatus

    ImportJob.objects.filter(pk=t.job.pk).update(status=ImportStatus.FAILED, task="preview")
    return {}


def unit_create_form(s: Stage, t: Target) -> dict:
    w = s.world
    return {
        "code": "A9",
        "name": "Trường Cao đẳng Y tế Cần Thơ",
        "short_name": "",
        "kind": w.agency1.kind_id,
        "level": w.agency1.level,
        "agency_type": w.agency1.agency_type_id,
        "staff_count": "90",
        "address": "",
        "parent": w.commune1.pk,  # every persona allowed to create sees X1
        "valid_from": "15/07/2023",
        "decision": "",
    }


def unit_edit_form(s: Stage, t: Target) -> dict:
    a = t.agency
    return {
        "code": a.code,
        "name": f"{a.name} (đổi tên)",
        "short_name": "",
        "kind": a.kind_id,
        "level": a.level,
        "agency_type": a.agency_type_id or "",
        "staff_count": "150",
        "address": "",
    }


def unit_move_form(s: Stage, t: Target) -> dict:
    return {"new_parent": t.region.pk, "on": "01/07/2025", "decision": "220/NĐ-CP"}


def unit_dissolve_form(s: Stage, t: Target) -> dict:
    return {"on": "01/07/2025", "reason": "QĐ 2786/QĐ-BQP"}


def board_form(s: Stage, t: Target) -> dict:
    return {
        "status": "active",
        "decision_number": "99/QĐ-BCH",
        "decision_date": "01/02/2024",
        "decision_signer": "Đại tá Nguyễn Văn Bảo",
        "notes": "",
    }


def formation_create_form(s: Stage, t: Target) -> dict:
    return {
        "code": "TD2",
        "name": "Tiểu đội tự vệ 2",
        "level": "tieu_doi",
        "force_kind": t.formation.force_kind_id,
        "parent": "",
        "dissolved_on": "",
    }


def formation_edit_form(s: Stage, t: Target) -> dict:
    f = t.formation
    return {
        "code": f.code,
        "name": f"{f.name} (đổi tên)",
        "level": f.level,
        "force_kind": f.force_kind_id,
        "parent": "",
        "dissolved_on": "",
    }


def login_form(s: Stage, t: Target) -> dict:
    return {"username": s.world.admin.username, "password": PASSWORD}


def upload_form(s: Stage, t: Target) -> dict:
    return {"file": SimpleUploadedFile("don-vi.xlsx", s.units_xlsx), "sheet": ""}


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
    # invalid (tested in the personnel app), it is not a 404.
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


# -- reports --


def report_of(t: Target) -> dict:
    return {"code": t.agency.code, "period": "2023-H1"}


def return_form(s: Stage, t: Target) -> dict:
    return {
        "as_of": "15/07/2023", "place": "Cần Thơ", "issued_on": "", "symbol": "BC-BCHQS",
        "signing_form": "cht", "signer_name": "Nguyễn Văn Chỉ", "recipients": "Lưu: VT",
        "situation": "Tình hình ổn định.", "leadership": "", "shortcomings": "",
        "next_tasks": "", "proposals": "",
    }  # fmt: skip


def send_back_form(s: Stage, t: Target) -> dict:
    return {"comment": "Bổ sung số liệu huấn luyện"}


def with_returns(t: Target, user) -> Target:
    """The agency's returns in three states; the approved one with its annex built."""

    def new(label: str) -> Return:
        ret = report_services.return_create(
            unit=t.agency, period=parse_period(label), as_of=parse_period(label).end, user=user
        )
        return report_services.return_update(ret=ret, data={"signer_name": "Trần Văn Ban"})

    draft = new("2023-Q1")
    submitted = report_services.return_submit(ret=new("2023-Q2"), user=user)
    approved = report_services.return_submit(ret=new("2023-Q3"), user=user)
    approved = report_services.return_approve(ret=approved, user=user)
    build_annex.call(approved.pk)
    approved.refresh_from_db()
    return replace(t, draft=draft, submitted=submitted, approved=approved)


# -- training --


def training_plan(t: Target) -> dict:
    return {"pk": t.course.plan_id}


def training_course(t: Target) -> dict:
    return {"pk": t.course.pk}


def training_course_agency(t: Target) -> dict:
    return {"pk": t.course.pk, "code": t.agency.code}


def training_nomination(t: Target) -> dict:
    return {"pk": t.course.pk, "code": t.agency.code, "nomination_pk": t.nomination.pk}


def training_plan_form(s: Stage, t: Target) -> dict:
    return {"year": "2027", "organiser": s.world.agency1.pk, "title": "Kế hoạch năm 2027"}


def training_course_form(s: Stage, t: Target) -> dict:
    return {
        "code": "HL-MOI",
        "name": "Huấn luyện tự vệ tại chỗ",
        "audience": Audience.objects.get(code="in-place").pk,
        "starts_on": "07/04/2025",
        "ends_on": "13/04/2025",
        "days": "7",
        "place": "Hội trường",
        "sessions": "",
    }


def training_course_edit_form(s: Stage, t: Target) -> dict:
    c = t.course
    return {
        **training_course_form(s, t),
        "code": c.code,
        "starts_on": c.starts_on.strftime("%d/%m/%Y"),
        "ends_on": c.ends_on.strftime("%d/%m/%Y"),
        "days": "5",
    }


def training_quota_form(s: Stage, t: Target) -> dict:
    return {f"q-{t.agency.pk}": "9"}


def training_nominate_form(s: Stage, t: Target) -> dict:
    return {"chon": [t.member.pk]}


def training_substitute_form(s: Stage, t: Target) -> dict:
    return {"person": t.member.pk, "reason": "Ốm"}


def training_withdraw_form(s: Stage, t: Target) -> dict:
    return {"reason": "Công tác"}


def training_results_form(s: Stage, t: Target) -> dict:
    n = t.nomination.pk
    return {f"att-{n}": "present", f"days-{n}": "", f"reason-{n}": "", f"result-{n}": "dat"}


def training_side(t: Target) -> Target:
    """The agency's own in-place course (2025) with a quota, and a serving trainee
    nominated to it; the side's member qualifies too (to nominate, to substitute)."""
    plan = TrainingPlan.objects.create(organiser=t.agency, year=2025, title="Kế hoạch 2025")
    course = Course.objects.create(
        plan=plan, code=f"HL-{t.agency.code}", name="Huấn luyện tự vệ tại chỗ",
        audience=Audience.objects.get(code="in-place"), organiser=t.agency,
        starts_on=dt.date(2025, 3, 3), ends_on=dt.date(2025, 3, 9), days=7, place="Hội trường",
    )  # fmt: skip
    Quota.objects.create(course=course, agency=t.agency, quantity=3)
    trainee = Person.objects.create(
        agency=t.agency, full_name="Đỗ Văn Học", birth_date=dt.date(1992, 4, 4), gender="M",
        cccd=f"0920920{t.agency.pk:05d}",
    )  # fmt: skip
    service_open(
        person=trainee,
        joined_on=dt.date(2022, 2, 1),
        position=ServicePosition.objects.get(code="chien-si"),
        formation=t.formation,
    )
    nomination = Nomination.objects.create(course=course, person=trainee, agency=t.agency)
    return replace(t, course=course, nomination=nomination)


# -- the classification: one entry per URL name ----------------------------------------

CHANGE, PEOPLE = "change_structure", "change_people"
UNITS = {"kind": "units"}
ROUTES: dict[str, Route] = {
    "home": Route(get="view"),
    "login": Route(get=GUEST, post=GUEST, payload=login_form, writes=False),
    # Django 5 logs out on POST only; a GET is refused.
    "logout": Route(get=None, post=PUBLIC, payload=nothing, writes=False),
    "units:list": Route(get="view"),
    "units:tree": Route(get="view"),
    # No object in the URL; ?cap_tren= preselects a parent, which must be in scope.
    "units:create": Route(
        get=CHANGE,
        post=CHANGE,
        query=lambda t: {"cap_tren": t.agency.code},
        payload=unit_create_form,
    ),
    "units:detail": Route(get="view", kwargs=agency),
    "units:edit": Route(get=CHANGE, post=CHANGE, kwargs=agency, payload=unit_edit_form),
    "units:move": Route(get=CHANGE, post=CHANGE, kwargs=agency, payload=unit_move_form),
    "units:dissolve": Route(get=CHANGE, post=CHANGE, kwargs=agency, payload=unit_dissolve_form),
    "units:board": Route(get=CHANGE, post=CHANGE, kwargs=agency, payload=board_form),
    "units:formation_create": Route(
        get=CHANGE, post=CHANGE, kwargs=agency, payload=formation_create_form
    ),
    "units:formation_edit": Route(
        get=CHANGE, post=CHANGE, kwargs=formation, payload=formation_edit_form
    ),
    # Spreadsheets (chqs/imports). A kind is not an object: any kind's capability is its
    # own (importing units needs change_structure; a blank template or an export, view).
    "imports:index": Route(get="view"),
    "imports:template": Route(get="view", fixed=UNITS, download=True),
    # ?unit= limits the export to a subtree, which must be in scope.
    "imports:export": Route(
        get="view", fixed=UNITS, query=lambda t: {"unit": t.agency.code}, download=True
    ),
    "imports:upload": Route(get=CHANGE, post=CHANGE, fixed=UNITS, payload=upload_form),
    # An upload is only ever found with its user: another user's is a 404, admin or not.
    "imports:job": Route(get=LOGGED_IN, kwargs=job, owner_only=True),
    "imports:progress": Route(get=LOGGED_IN, kwargs=job, owner_only=True),
    "imports:marked": Route(get=LOGGED_IN, kwargs=job, owner_only=True, download=True),
    "imports:recheck": Route(get=None, post=CHANGE, kwargs=job, payload=nothing, owner_only=True),
    "imports:apply": Route(get=None, post=CHANGE, kwargs=job, payload=nothing, owner_only=True),
    # -- production (issue 7) --
    "imports:retry": Route(get=None, post=CHANGE, kwargs=job, payload=lost_job, owner_only=True),
    # People (personnel): a person is in scope when their agency is; ?don_vi= names a unit.
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
    # -- reports -- figures of a unit for a period (the unit is the object); a return by
    # its id, in scope when its unit is. Staff write returns, commanders decide them.
    "reports:index": Route(get="view"),
    "reports:figures": Route(get="view", kwargs=report_of),
    "reports:records": Route(get="view", kwargs=lambda t: {**report_of(t), "metric": "members"}),
    "reports:duty_records": Route(get="view", kwargs=report_of),
    "reports:json": Route(get="view", kwargs=report_of, download=True),
    "reports:pdf": Route(get="view", kwargs=report_of, download=True),
    "reports:xlsx": Route(get="view", kwargs=report_of, download=True),
    "reports:status": Route(get="view", kwargs=report_of),
    "reports:return_create": Route(get=None, post=CHANGE, kwargs=report_of, payload=nothing),
    "reports:return": Route(get="view", kwargs=lambda t: {"pk": t.draft.pk}),
    "reports:return_edit": Route(
        get=CHANGE, post=CHANGE, kwargs=lambda t: {"pk": t.draft.pk}, payload=return_form
    ),
    "reports:return_submit": Route(
        get=None, post=CHANGE, kwargs=lambda t: {"pk": t.draft.pk}, payload=nothing
    ),
    "reports:return_approve": Route(
        get=None, post="approve", kwargs=lambda t: {"pk": t.submitted.pk}, payload=nothing
    ),
    "reports:return_send_back": Route(
        get=None, post="approve", kwargs=lambda t: {"pk": t.submitted.pk}, payload=send_back_form
    ),
    "reports:return_correct": Route(
        get=None, post=CHANGE, kwargs=lambda t: {"pk": t.approved.pk}, payload=nothing
    ),
    "reports:return_pdf": Route(get="view", kwargs=lambda t: {"pk": t.approved.pk}, download=True),
    "reports:return_compare": Route(get="view", kwargs=lambda t: {"pk": t.approved.pk}),
    "reports:annex_start": Route(
        get=None, post="view", kwargs=lambda t: {"pk": t.draft.pk}, payload=nothing
    ),
    "reports:annex_progress": Route(get="view", kwargs=lambda t: {"pk": t.draft.pk}),
    "reports:annex_download": Route(
        get="view", kwargs=lambda t: {"pk": t.approved.pk}, download=True
    ),
    # -- training --
    # A course is visible with its organiser or an agency with a quota in scope; managing
    # it needs change_structure, nominating change_people for the agency.
    "training:index": Route(get="view"),
    "training:plan_create": Route(get=CHANGE, post=CHANGE, payload=training_plan_form),
    "training:plan": Route(get="view", kwargs=training_plan),
    "training:course_create": Route(
        get=CHANGE, post=CHANGE, kwargs=training_plan, payload=training_course_form
    ),
    "training:course": Route(get="view", kwargs=training_course),
    "training:course_edit": Route(
        get=CHANGE, post=CHANGE, kwargs=training_course, payload=training_course_edit_form
    ),
    "training:quotas": Route(
        get=CHANGE, post=CHANGE, kwargs=training_course, payload=training_quota_form
    ),
    "training:quotas_export": Route(get="view", kwargs=training_course, download=True),
    "training:nominate": Route(
        get=PEOPLE, post=PEOPLE, kwargs=training_course_agency, payload=training_nominate_form
    ),
    "training:substitute": Route(
        get=None, post=PEOPLE, kwargs=training_nomination, payload=training_substitute_form
    ),
    "training:withdraw": Route(
        get=None, post=PEOPLE, kwargs=training_nomination, payload=training_withdraw_form
    ),
    "training:results": Route(
        get=CHANGE, post=CHANGE, kwargs=training_course, payload=training_results_form
    ),
    "training:attendance_pdf": Route(get=CHANGE, kwargs=training_course),
    "training:compliance": Route(get="view", query=don_vi),
    "training:compliance_export": Route(get="view", query=don_vi, download=True),
}


# -- duty -- (personnel/duty: turns are in scope when the unit running them is; planning
# and publishing need change_structure, recording attendance change_people)


def duty_side(t: Target) -> Target:
    """A published turn of the agency (03/03/2025) with the member as officer and crew,
    and a draft turn in April 2025 for the publish action."""
    from personnel.duty.models import DutyKind, TurnState
    from personnel.duty.services import turn_save

    kind = DutyKind.objects.get(code="san-sang-chien-dau", province__isnull=True)
    at = dt.datetime(2025, 3, 3, 7, 30, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    turn, _ = turn_save(
        unit=t.agency, kind=kind, starts_at=at, ends_at=at + dt.timedelta(hours=24),
        crew=[t.member], officer=t.member, state=TurnState.PUBLISHED,
    )  # fmt: skip
    april = at + dt.timedelta(days=40)
    turn_save(
        unit=t.agency, kind=kind, starts_at=april, ends_at=april + dt.timedelta(hours=24),
        crew=[t.member], officer=t.member,
    )  # fmt: skip
    return replace(t, turn=turn, crew_row=turn.assignments.get())


def duty_turn(t: Target) -> dict:
    return {"pk": t.turn.pk}


def duty_crew_row(t: Target) -> dict:
    return {"pk": t.turn.pk, "member": t.crew_row.pk}


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
    from personnel.duty.models import DutyKind

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


DUTY_ROUTES: dict[str, Route] = {
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
ROUTES.update(DUTY_ROUTES)

# Views known to answer the wrong code: the case is an expected failure (strict, so the
# fix turns it into a failure that asks to remove the entry here). Keyed by case id, e.g.
# "units:create-clerk-out_of_scope-GET": "checks the role (403) before the object (404)".
KNOWN_BUGS: dict[str, str] = {}  # case id -> why it is expected to fail (strict xfail)


# -- expectations ----------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    status: int
    to: str = ""  # for a 302: "login" (with ?next=), "home", or "" (anywhere else)


@dataclass(frozen=True)
class Case:
    name: str
    persona: str
    variant: str
    method: str
    route: Route = field(repr=False)

    @property
    def id(self) -> str:
        return f"{self.name}-{self.persona}-{self.variant}-{self.method}"


def expect(case: Case) -> Expect:
    route, persona = case.route, case.persona
    cap = route.get if case.method == "GET" else route.post
    ok = Expect(200) if case.method == "GET" else Expect(route.post_ok)
    if cap is None:
        if persona == ANONYMOUS and route.login_required:
            return Expect(302, "login")
        return Expect(405)
    if cap == PUBLIC:
        return ok
    if cap == GUEST:
        return ok if persona == ANONYMOUS else Expect(302, "home")
    if persona == ANONYMOUS:
        return Expect(302, "login")
    if case.variant == OUT and (persona != Role.ADMIN or route.owner_only):
        return Expect(404)
    if cap != LOGGED_IN and cap not in ROLE_CAN[persona]:
        return Expect(403)
    return ok


def build_cases() -> list:
    params = []
    for name, route in ROUTES.items():
        variants = [IN, OUT] if route.has_object else [IN]
        # A read-only view (post=None) is asked with POST too: it must answer 405.
        methods = ["GET", "POST"]
        for persona in PERSONAS:
            for variant in variants:
                for method in methods:
                    case = Case(name, persona, variant, method, route)
                    marks = []
                    if case.id in KNOWN_BUGS:
                        marks = [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[case.id])]
                    params.append(pytest.param(case, id=case.id, marks=marks))
    return params


CASES = build_cases()


# -- the stage, once per module --------------------------------------------------------


def units_xlsx(w: World) -> bytes:
    """The import template with one row: a new agency A9 under X1."""
    row = {
        "code": "A9",
        "name": "Trường Cao đẳng Y tế Cần Thơ",
        "kind": w.agency1.kind.name,
        "parent": w.commune1.code,
        "valid_from": dt.date(2023, 7, 15),
        "agency_type": w.agency1.agency_type.name,
        "staff_count": 90,
    }
    return xlsx_bytes(registry.get_kind("units"), [row])


def side(agency: Unit, formation: Formation, region: Unit) -> Target:
    """An agency's people: a member serving in its formation, and a newcomer."""
    n = agency.pk
    spare = Formation.objects.create(
        agency=agency,
        code="TD3",
        name="Tiểu đội tự vệ 3",
        level="tieu_doi",
        force_kind_id=formation.force_kind_id,
    )
    member = Person.objects.create(
        agency=agency,
        full_name="Nguyễn Văn Hùng",
        birth_date=dt.date(1990, 5, 1),
        gender="M",
        cccd=f"0920900{n:05d}",
    )
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
    service_open(
        person=member,
        joined_on=dt.date(2023, 1, 15),
        position=ServicePosition.objects.get(code="chien-si"),
        formation=formation,
    )
    seat = {k.code: k for k in BoardPositionKind.objects.all()}
    board = agency.board
    holding = BoardAppointment.objects.create(
        board=board,
        position=seat["pho-chi-huy-truong"],
        person=member,
        starts_on=dt.date(2023, 1, 15),
        state=AppointmentState.CONFIRMED,
    )
    proposal = BoardAppointment.objects.create(
        board=board, position=seat["chinh-tri-vien"], person=newcomer, starts_on=dt.date(2025, 1, 1)
    )
    return Target(agency, formation, region, spare, member, newcomer, leader, holding, proposal)


@pytest.fixture(scope="module")
def stage(django_db_setup, django_db_blocker, tmp_path_factory):
    """The personas' tree, people on both sides and each persona's upload, built once
    inside a transaction rolled back after the module; each test runs in a savepoint of
    it, so its writes are undone too. Uploads go to a temporary PRIVATE_ROOT."""
    private = tmp_path_factory.mktemp("private")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PRIVATE_ROOT=private, PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        w = make_world()
        content = units_xlsx(w)
        (private / "uploads").mkdir()
        owners = {persona: w.user(persona) for persona in PERSONAS[1:]}
        owners["other"] = w.other_clerk
        jobs = {}
        for key, user in owners.items():
            stored = f"uploads/{user.username}.xlsx"
            (private / stored).write_bytes(content)
            jobs[key] = ImportJob.objects.create(
                kind="units",
                user=user,
                original_name="don-vi.xlsx",
                stored_path=stored,
                status=ImportStatus.READY,
            )
        sides = {
            IN: training_side(side(w.agency1, w.formation1, w.region1)),
            OUT: training_side(side(w.agency2, w.formation2, w.region2)),
        }
        sides = {key: duty_side(t) for key, t in sides.items()}
        sides = {key: with_returns(t, w.admin) for key, t in sides.items()}  # -- reports --
        # -- personnel exports --
        (private / "exports").mkdir()
        exports = {}
        for key, user in owners.items():
            stored = f"exports/{user.username}.xlsx"
            (private / stored).write_bytes(content)
            exports[key] = ExportRecord.objects.create(
                user=user, username=user.username, what="Danh sách", rows=1, stored_path=stored
            )
        yield Stage(world=w, sides=sides, jobs=jobs, exports=exports, units_xlsx=content)
        transaction.set_rollback(True)


def target(s: Stage, variant: str, persona: str) -> Target:
    if variant == IN:
        owner = persona if persona != ANONYMOUS else Role.ADMIN
        return replace(s.sides[IN], job=s.jobs[owner], export=s.exports[owner])
    return replace(s.sides[OUT], job=s.jobs["other"], export=s.exports["other"])


def url_for(route: Route, name: str, t: Target) -> str:
    kwargs = {**route.fixed, **(route.kwargs(t) if route.kwargs else {})}
    url = reverse(name, kwargs=kwargs or None)
    if route.query:
        url += "?" + urlencode(route.query(t))
    return url


def db_state() -> dict[str, object]:
    """Rows of every model of our apps — history tables included, so any write to a
    tracked model shows — and the last `updated_at` of those that keep one (a job)."""
    state: dict[str, object] = {}
    for config in apps.get_app_configs():
        if config.name.split(".")[0] not in OUR_PACKAGES:
            continue
        for model in config.get_models():
            rows = model._default_manager
            state[model._meta.label] = rows.count()
            if any(f.name == "updated_at" for f in model._meta.concrete_fields):
                state[f"{model._meta.label}.updated_at"] = rows.aggregate(t=Max("updated_at"))["t"]
    return state


def check(response, expected: Expect, url: str) -> None:
    got = response.status_code
    where = f"{url}: expected {expected.status}, got {got}"
    assert got == expected.status, where
    if expected.to == "login":
        location = urlsplit(response.url)
        assert location.path == reverse("login"), where
        assert parse_qs(location.query)["next"] == [url], where
    elif expected.to == "home":
        assert response.url == reverse("home"), where
    elif got == 302:
        location = urlsplit(response.url)
        bounced = location.path == reverse("login") and "next" in parse_qs(location.query)
        assert not bounced, f"{where}, but to the login page"
    if got in (403, 404):
        text = "Không có quyền" if got == 403 else "Không tìm thấy"
        assert text in response.content.decode(), f"{url}: the {got} page is not in Vietnamese"


# -- the matrix ------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_permission_matrix(case: Case, stage: Stage, client):
    route = case.route
    t = target(stage, case.variant, case.persona)
    url = url_for(route, case.name, t)
    if case.persona != ANONYMOUS:
        client.force_login(stage.world.user(case.persona))
    expected = expect(case)

    if case.method == "GET":
        response = client.get(url)
        if route.download and response.status_code != 200:
            # A refused download may leave a half-written workbook behind: finalize it now,
            # so its warning names this case and no later ast.parse trips over it (CPython
            # 3.11 gh-106905: "AST constructor recursion depth mismatch").
            gc.collect()
        check(response, expected, url)
        return

    payload = route.payload(stage, t) if route.payload else {}
    before = db_state()
    response = client.post(url, payload)
    check(response, expected, url)
    after = db_state()
    if expected == Expect(route.post_ok) and route.writes:
        assert after != before, f"{url}: an allowed POST changed nothing (is the payload valid?)"
    else:
        changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
        assert not changed, f"{url}: a refused POST changed rows {changed}"


# -- the matrix covers every URL -------------------------------------------------------


def our_urls() -> tuple[dict[str, str], list[str]]:
    """Named URLs of our apps (name with namespaces → route), and routes without a name."""
    named: dict[str, str] = {}
    unnamed: list[str] = []

    def walk(patterns, prefix: str, namespaces: list[str]) -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if route.startswith(NOT_OURS):
                continue
            if isinstance(p, URLResolver):
                walk(
                    p.url_patterns, route, [*namespaces, p.namespace] if p.namespace else namespaces
                )
            elif isinstance(p, URLPattern):
                if p.name:
                    named.setdefault(":".join([*namespaces, p.name]), route)
                else:
                    unnamed.append(route)

    walk(get_resolver().url_patterns, "", [])
    return named, unnamed


def test_every_url_of_our_apps_is_classified():
    named, _ = our_urls()
    unclassified = sorted(
        f"{name} ({route})" for name, route in named.items() if name not in ROUTES
    )
    gone = sorted(set(ROUTES) - set(named))
    assert not unclassified, (
        f"URLs missing from ROUTES in tests/test_permissions.py: {unclassified}"
    )
    assert not gone, f"ROUTES names URLs that no longer exist: {gone}"


def test_every_url_of_our_apps_has_a_name():
    _, unnamed = our_urls()
    assert not unnamed, f"URLs without a name escape the permission matrix: {unnamed}"


def test_known_bugs_name_real_cases():
    ids = {param.id for param in CASES}
    assert not set(KNOWN_BUGS) - ids, sorted(set(KNOWN_BUGS) - ids)


def test_the_role_table_here_is_the_one_the_app_enforces():
    assert {role: set(caps) for role, caps in CAPABILITIES.items()} == ROLE_CAN


# -- what the refusals say, and what lists and exports leave out -----------------------


def test_another_agency_is_not_found_in_vietnamese_and_is_not_named(stage, client):
    w = stage.world
    client.force_login(w.clerk)
    response = client.get(reverse("units:edit", kwargs={"code": w.agency2.code}))

    assert response.status_code == 404
    text = response.content.decode()
    assert "Không tìm thấy" in text
    assert w.agency2.name not in text


def test_a_forbidden_write_says_in_vietnamese_which_right_is_missing(stage, client):
    w = stage.world
    client.force_login(w.clerk)
    response = client.get(reverse("units:edit", kwargs={"code": w.agency1.code}))

    assert response.status_code == 403
    text = response.content.decode()
    assert "Không có quyền" in text
    assert "thay đổi tổ chức" in text


def test_a_formation_is_found_only_under_its_own_agency(stage, client):
    w = stage.world
    client.force_login(w.admin)
    url = reverse("units:formation_edit", kwargs={"code": "A1", "pk": w.formation2.pk})

    assert client.get(url).status_code == 404


def test_an_unknown_import_kind_is_not_found(stage, client):
    client.force_login(stage.world.admin)
    response = client.get(reverse("imports:upload", kwargs={"kind": "khong-co"}))

    assert response.status_code == 404
    assert "Không tìm thấy" in response.content.decode()


@pytest.mark.parametrize("persona", [Role.STAFF, Role.CLERK, Role.COMMANDER])
@pytest.mark.parametrize("name", ["home", "units:list", "units:tree"])
def test_pages_without_an_object_show_nothing_outside_the_subtree(stage, client, persona, name):
    client.force_login(stage.world.user(persona))
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert stage.world.agency2.name not in response.content.decode()


def test_the_admin_sees_the_other_agency_in_the_list(stage, client):
    # Makes the test above meaningful: the name would appear if it were in scope.
    client.force_login(stage.world.admin)
    assert stage.world.agency2.name in client.get(reverse("units:list")).content.decode()


def exported_codes(response) -> set[str]:
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    return {row[0] for row in sheet.iter_rows(min_row=3, values_only=True) if row[0]}


@pytest.mark.parametrize(
    ("persona", "codes"),
    [
        (Role.ADMIN, {"P", "R1", "R2", "X1", "X2", "A1", "A2"}),
        (Role.STAFF, {"R1", "X1", "A1"}),
        (Role.CLERK, {"A1"}),
    ],
)
def test_an_export_holds_the_units_in_scope_and_no_other(stage, client, persona, codes):
    client.force_login(stage.world.user(persona))
    response = client.get(reverse("imports:export", kwargs=UNITS))

    assert response.status_code == 200
    assert exported_codes(response) == codes


# -- letterhead (branch `letterhead`): a top unit's superior body ----------------------
# The matrix above covers units:edit on agencies. The "Cơ quan chủ quản" field shows only
# on a top unit's edit page (P here), so who may set it is checked on P itself: a
# structure role at P; a clerk or commander at P is refused (403); Bình, staff under P,
# never finds P (404); a visitor logs in first.


@pytest.mark.parametrize(
    ("role", "at", "status"),
    [
        (Role.ADMIN, "P", 302),
        (Role.STAFF, "P", 302),
        (Role.CLERK, "P", 403),
        (Role.COMMANDER, "P", 403),
        (Role.STAFF, "R1", 404),
        (ANONYMOUS, None, 302),
    ],
)
def test_only_a_structure_role_at_a_top_unit_sets_its_superior_body(
    stage, client, role, at, status
):
    from tests.personas import make_user

    province = stage.world.province
    if role != ANONYMOUS:
        user = make_user(f"lh-{role}-{at}", role, Unit.objects.get(code=at), "Lê Văn Thử")
        client.force_login(user)
    url = reverse("units:edit", kwargs={"code": province.code})
    data = {
        "code": province.code, "name": province.name, "short_name": "", "level": province.level,
        "kind": province.kind_id, "agency_type": "", "staff_count": "", "address": "",
        "superior_body": "Quân khu 9",
    }  # fmt: skip

    page = client.get(url)
    response = client.post(url, data)

    allowed = status == 302 and role != ANONYMOUS
    assert page.status_code == (200 if allowed else status)
    assert ("Cơ quan chủ quản" in page.content.decode()) is allowed
    assert response.status_code == status
    if role == ANONYMOUS:
        assert response["Location"].startswith(reverse("login"))
    province.refresh_from_db()
    assert province.superior_body == ("Quân khu 9" if allowed else "")
