"""The permission matrix of the spreadsheets (chqs/imports/urls.py): templates, exports,
uploads and their jobs. The rules and the machinery: tests/permissions.py."""

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from chqs.imports import registry
from chqs.imports.xlsx import xlsx_bytes
from chqs.models import ImportJob, ImportStatus
from tests.permissions import (
    CHANGE,
    IN,
    LOGGED_IN,
    OUT,
    Route,
    Stage,
    build_cases,
    nothing,
    owned_files,
    run_case,
    stage_fixture,
)
from tests.personas import World
from units.models import Role, Unit

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Target:
    agency: Unit  # a subtree to export
    upload: bytes  # a valid "units" import: one new agency A9 under X1
    job: ImportJob | None = None  # an upload ready to apply: the persona's own, or another's


def job(t: Target) -> dict:
    return {"token": t.job.token}


def upload_form(s: Stage, t: Target) -> dict:
    return {"file": SimpleUploadedFile("don-vi.xlsx", t.upload), "sheet": ""}


# -- production (issue 7) --
def lost_job(s: Stage, t: Target) -> dict:
    """The job's worker died mid-check: "Thử lại" has something to run again."""
    ImportJob.objects.filter(pk=t.job.pk).update(status=ImportStatus.FAILED, task="preview")
    return {}


# -- the classification: one entry per URL name ----------------------------------------

# A kind is not an object: any kind's capability is its own (importing units needs
# change_structure; a blank template or an export, view).
UNITS = {"kind": "units"}
ROUTES: dict[str, Route] = {
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
}
CASES = build_cases(ROUTES)


# -- the stage: the tree, and each persona's upload ready to apply ---------------------


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


def build(w: World, private: Path) -> Stage:
    content = units_xlsx(w)

    def ready(user, stored: str) -> ImportJob:
        return ImportJob.objects.create(
            kind="units",
            user=user,
            original_name="don-vi.xlsx",
            stored_path=stored,
            status=ImportStatus.READY,
        )

    jobs = owned_files(w, private, "uploads", content, ready)
    sides = {IN: Target(w.agency1, content), OUT: Target(w.agency2, content)}
    return Stage(world=w, sides=sides, owned={key: {"job": j} for key, j in jobs.items()})


stage = stage_fixture(build)


@pytest.fixture(autouse=True)
def private_root(stage):
    """The uploads are the stage's: keep its PRIVATE_ROOT (tests/chqs/conftest.py gives
    every other test a folder of its own)."""
    return settings.PRIVATE_ROOT


@pytest.mark.parametrize("case", CASES)
def test_permission_matrix(case, stage, client):
    run_case(case, stage, client)


# -- what the refusals say, and what exports leave out ---------------------------------


def test_an_unknown_import_kind_is_not_found(stage, client):
    client.force_login(stage.world.admin)
    response = client.get(reverse("imports:upload", kwargs={"kind": "khong-co"}))

    assert response.status_code == 404
    assert "Không tìm thấy" in response.content.decode()


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
