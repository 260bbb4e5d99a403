"""The permission matrix of training (training/urls.py). A course is visible with its
organiser or an agency with a quota in scope; managing it needs change_structure,
nominating change_people for the agency. The rules and the machinery: tests/permissions.py."""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

from personnel.models import Person
from tests.permissions import (
    CHANGE,
    IN,
    OUT,
    PEOPLE,
    Route,
    Stage,
    build_cases,
    don_vi,
    run_case,
    serving,
    stage_fixture,
)
from tests.personas import World
from training.models import Audience, Course, Nomination, Quota, TrainingPlan
from units.models import Unit

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Target:
    agency: Unit
    member: Person  # serving, qualifies for the course, not nominated: to nominate, substitute
    course: Course  # organised by the agency, with a quota for it
    nomination: Nomination  # a trainee of the agency nominated to `course`


def training_plan(t: Target) -> dict:
    return {"pk": t.course.plan_id}


def training_course(t: Target) -> dict:
    return {"pk": t.course.pk}


def training_course_agency(t: Target) -> dict:
    return {"pk": t.course.pk, "code": t.agency.code}


def training_nomination(t: Target) -> dict:
    return {"pk": t.course.pk, "code": t.agency.code, "nomination_pk": t.nomination.pk}


# -- valid POST payloads ---------------------------------------------------------------


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


# -- the classification: one entry per URL name ----------------------------------------

ROUTES: dict[str, Route] = {
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
CASES = build_cases(ROUTES)


# -- the stage: on each side a course with a quota, a nominee and a member to nominate -


def side(agency: Unit, formation) -> Target:
    """The agency's own in-place course (2025) with a quota, and a serving trainee
    nominated to it; the side's member qualifies too (to nominate, to substitute)."""
    n = agency.pk
    member = serving(formation, "Nguyễn Văn Hùng", dt.date(1990, 5, 1), f"0920900{n:05d}")
    trainee = serving(formation, "Đỗ Văn Học", dt.date(1992, 4, 4), f"0920920{n:05d}")
    plan = TrainingPlan.objects.create(organiser=agency, year=2025, title="Kế hoạch 2025")
    course = Course.objects.create(
        plan=plan, code=f"HL-{agency.code}", name="Huấn luyện tự vệ tại chỗ",
        audience=Audience.objects.get(code="in-place"), organiser=agency,
        starts_on=dt.date(2025, 3, 3), ends_on=dt.date(2025, 3, 9), days=7, place="Hội trường",
    )  # fmt: skip
    Quota.objects.create(course=course, agency=agency, quantity=3)
    nomination = Nomination.objects.create(course=course, person=trainee, agency=agency)
    return Target(agency, member, course, nomination)


def build(w: World, private: Path) -> Stage:
    sides = {IN: side(w.agency1, w.formation1), OUT: side(w.agency2, w.formation2)}
    return Stage(world=w, sides=sides)


stage = stage_fixture(build)


@pytest.mark.parametrize("case", CASES)
def test_permission_matrix(case, stage, client):
    run_case(case, stage, client)
