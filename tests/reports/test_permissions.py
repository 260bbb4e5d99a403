"""The permission matrix of reports (reports/urls.py): figures of a unit for a period (the
unit is the object) and returns, by id, in scope when their unit is. Staff write returns,
commanders decide them. The rules and the machinery: tests/permissions.py."""

from dataclasses import dataclass
from pathlib import Path

import pytest

from reports import services as report_services
from reports.models import Return
from reports.periods import parse_period
from reports.tasks import build_annex
from tests.permissions import (
    CHANGE,
    IN,
    OUT,
    Route,
    Stage,
    build_cases,
    nothing,
    run_case,
    stage_fixture,
)
from tests.personas import World
from units.models import Unit

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Target:
    agency: Unit
    draft: Return  # the agency's return for 2023-Q1, a draft ready to submit
    submitted: Return  # 2023-Q2, submitted: to approve or send back
    approved: Return  # 2023-Q3, approved (frozen PDF) with its annex built


def report_of(t: Target) -> dict:
    return {"code": t.agency.code, "period": "2023-H1"}


def draft(t: Target) -> dict:
    return {"pk": t.draft.pk}


def submitted(t: Target) -> dict:
    return {"pk": t.submitted.pk}


def approved(t: Target) -> dict:
    return {"pk": t.approved.pk}


# -- valid POST payloads ---------------------------------------------------------------


def return_form(s: Stage, t: Target) -> dict:
    return {
        "as_of": "15/07/2023", "place": "Cần Thơ", "issued_on": "", "symbol": "BC-BCHQS",
        "signing_form": "cht", "signer_name": "Nguyễn Văn Chỉ", "recipients": "Lưu: VT",
        "situation": "Tình hình ổn định.", "leadership": "", "shortcomings": "",
        "next_tasks": "", "proposals": "",
    }  # fmt: skip


def send_back_form(s: Stage, t: Target) -> dict:
    return {"comment": "Bổ sung số liệu huấn luyện"}


# -- the classification: one entry per URL name ----------------------------------------

ROUTES: dict[str, Route] = {
    "reports:index": Route(get="view"),
    "reports:figures": Route(get="view", kwargs=report_of),
    "reports:records": Route(get="view", kwargs=lambda t: {**report_of(t), "metric": "members"}),
    "reports:duty_records": Route(get="view", kwargs=report_of),
    "reports:json": Route(get="view", kwargs=report_of, download=True),
    "reports:pdf": Route(get="view", kwargs=report_of, download=True),
    "reports:xlsx": Route(get="view", kwargs=report_of, download=True),
    "reports:status": Route(get="view", kwargs=report_of),
    "reports:return_create": Route(get=None, post=CHANGE, kwargs=report_of, payload=nothing),
    "reports:return": Route(get="view", kwargs=draft),
    "reports:return_edit": Route(get=CHANGE, post=CHANGE, kwargs=draft, payload=return_form),
    "reports:return_submit": Route(get=None, post=CHANGE, kwargs=draft, payload=nothing),
    "reports:return_approve": Route(get=None, post="approve", kwargs=submitted, payload=nothing),
    "reports:return_send_back": Route(
        get=None, post="approve", kwargs=submitted, payload=send_back_form
    ),
    "reports:return_correct": Route(get=None, post=CHANGE, kwargs=approved, payload=nothing),
    "reports:return_pdf": Route(get="view", kwargs=approved, download=True),
    "reports:return_compare": Route(get="view", kwargs=approved),
    "reports:annex_start": Route(get=None, post="view", kwargs=draft, payload=nothing),
    "reports:annex_progress": Route(get="view", kwargs=draft),
    "reports:annex_download": Route(get="view", kwargs=approved, download=True),
}
CASES = build_cases(ROUTES)


# -- the stage: each side's returns in three states ------------------------------------


def side(agency: Unit, user) -> Target:
    """The agency's returns in three states; the approved one with its annex built."""

    def new(label: str) -> Return:
        ret = report_services.return_create(
            unit=agency, period=parse_period(label), as_of=parse_period(label).end, user=user
        )
        return report_services.return_update(ret=ret, data={"signer_name": "Trần Văn Ban"})

    draft = new("2023-Q1")
    submitted = report_services.return_submit(ret=new("2023-Q2"), user=user)
    approved = report_services.return_submit(ret=new("2023-Q3"), user=user)
    approved = report_services.return_approve(ret=approved, user=user)
    build_annex.call(approved.pk)
    approved.refresh_from_db()
    return Target(agency, draft, submitted, approved)


def build(w: World, private: Path) -> Stage:
    sides = {IN: side(w.agency1, w.admin), OUT: side(w.agency2, w.admin)}
    return Stage(world=w, sides=sides)


stage = stage_fixture(build)


@pytest.mark.parametrize("case", CASES)
def test_permission_matrix(case, stage, client):
    run_case(case, stage, client)
