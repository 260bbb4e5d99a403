"""The permission matrix of the units app (units/urls.py: home, login, logout, the tree
of units, boards and formations). The rules and the machinery: tests/permissions.py."""

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.urls import reverse

from tests.permissions import (
    ANONYMOUS,
    CHANGE,
    GUEST,
    IN,
    OUT,
    PUBLIC,
    Route,
    Stage,
    agency,
    build_cases,
    nothing,
    run_case,
    stage_fixture,
)
from tests.personas import PASSWORD, World
from units.models import Formation, Role, Unit

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Target:
    """An agency (A1 or A2) and what the forms refer to."""

    agency: Unit
    formation: Formation
    region: Unit  # a parent the agency may move under, in the same subtree as the agency


def formation(t: Target) -> dict:
    return {"code": t.agency.code, "pk": t.formation.pk}


# -- valid POST payloads ---------------------------------------------------------------


def login_form(s: Stage, t: Target) -> dict:
    return {"username": s.world.admin.username, "password": PASSWORD}


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


# -- the classification: one entry per URL name ----------------------------------------

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
}
CASES = build_cases(ROUTES)


# -- the stage: the personas' tree is all these routes need ----------------------------


def build(w: World, private: Path) -> Stage:
    sides = {
        IN: Target(w.agency1, w.formation1, w.region1),
        OUT: Target(w.agency2, w.formation2, w.region2),
    }
    return Stage(world=w, sides=sides)


stage = stage_fixture(build)


@pytest.mark.parametrize("case", CASES)
def test_permission_matrix(case, stage, client):
    run_case(case, stage, client)


# -- what the refusals say, and what lists leave out -----------------------------------


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


# -- a top unit's superior body (cơ quan chủ quản) -------------------------------------
# The matrix covers units:edit on agencies. The "Cơ quan chủ quản" field shows only
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
