"""Every personnel URL: logged out → login page; another agency's person (or a unit code
outside the subtree) → 404 for every role, before the role is looked at; a write by a
commander inside the subtree → 403; a read inside the subtree → 200."""

import pytest
from django.urls import get_resolver, reverse

from personnel.models import Person, Service
from tests.personnel.test_pages import enlist, make_person

pytestmark = pytest.mark.django_db

READ, WRITE, POST_ONLY = "read", "write", "post_only"
# name → (kind, how the object is named: "pk" in the URL, "unit" as ?don_vi=, or None)
URLS = {
    "personnel:roster": (READ, "unit"),
    "personnel:roster_export": (READ, "unit"),
    "personnel:person": (READ, "pk"),
    "personnel:person_create": (WRITE, "unit"),
    "personnel:person_edit": (WRITE, "pk"),
    "personnel:service_open": (WRITE, "pk"),
    "personnel:service_status": (WRITE, "pk"),
    "personnel:service_transfer": (WRITE, "pk"),
    "personnel:service_extend": (WRITE, "pk"),
    "personnel:bulk": (POST_ONLY, None),
}
# The Ban CHQS pages name a board (by unit code), not a person: classified in the
# permission matrix (tests/personnel/test_permissions.py) and tested in
# test_pages_appointments.py.
BOARD_URLS = {
    "personnel:board",
    "personnel:appointment_propose",
    "personnel:appointment_confirm",
    "personnel:appointment_reject",
    "personnel:appointment_end",
}
# Pages about no person: classified in the permission matrix only.
OTHER_URLS = {
    "personnel:export_log",
    "personnel:export_job",
    "personnel:export_progress",
    "personnel:export_download",
}
WITH_OBJECT = [name for name, (_, naming) in URLS.items() if naming]
WRITES = [name for name, (kind, _) in URLS.items() if kind != READ]


@pytest.fixture
def people(world):
    """A member in A1 (every persona sees it) and one in A2 (outside all but the admin)."""
    inside = make_person(world.agency1, "Nguyễn Văn Hùng")
    enlist(inside, world.formation1)
    outside = make_person(world.agency2, "Võ Văn Kiệt")
    enlist(outside, world.formation2)
    return {"in": inside, "out": outside}


def url_for(name: str, person: Person) -> str:
    naming = URLS[name][1]
    if naming == "pk":
        return reverse(name, args=[person.pk])
    path = reverse(name)
    return f"{path}?don_vi={person.agency.code}" if naming == "unit" else path


def test_every_personnel_url_is_listed_here():
    resolver = get_resolver()
    names = {
        f"personnel:{name}"
        for name in resolver.namespace_dict["personnel"][1].reverse_dict
        if isinstance(name, str)
    }
    assert names == set(URLS) | BOARD_URLS | OTHER_URLS


@pytest.mark.parametrize("name", URLS)
def test_a_logged_out_visitor_is_sent_to_the_login_page(world, people, client, name):
    url = url_for(name, people["in"])
    response = client.post(url) if URLS[name][0] == POST_ONLY else client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")


# A read-only page answers 405 to a POST, before looking at the object.
OBJECT_CASES = [
    (name, method)
    for name in WITH_OBJECT
    for method in ("get", "post")
    if not (URLS[name][0] == READ and method == "post")
]


@pytest.mark.parametrize("persona", ["staff", "clerk", "commander"])
@pytest.mark.parametrize(("name", "method"), OBJECT_CASES)
def test_another_agencys_person_is_not_found_whatever_the_role(
    world, people, client_for, name, method, persona
):
    client = client_for(getattr(world, persona))
    response = getattr(client, method)(url_for(name, people["out"]))

    assert response.status_code == 404
    assert "Không tìm thấy" in response.content.decode()
    assert "Võ Văn Kiệt" not in response.content.decode()


# A POST-only URL answers 405 to a GET whatever the role: only its POST is a case.
WRITE_CASES = [
    (name, method)
    for name in WRITES
    for method in ("get", "post")
    if not (URLS[name][0] == POST_ONLY and method == "get")
]


@pytest.mark.parametrize(("name", "method"), WRITE_CASES)
def test_a_commander_may_not_change_people_in_the_subtree(world, people, client_for, name, method):
    before = Service.objects.count(), Person.objects.count()
    client = client_for(world.commander)
    response = getattr(client, method)(url_for(name, people["in"]), {"chon": people["in"].pk})

    assert response.status_code == 403
    assert "Không có quyền" in response.content.decode()
    assert (Service.objects.count(), Person.objects.count()) == before


@pytest.mark.parametrize("persona", ["staff", "clerk", "commander"])
@pytest.mark.parametrize("name", [n for n, (kind, _) in URLS.items() if kind == READ])
def test_everyone_reads_in_the_subtree(world, people, client_for, name, persona):
    response = client_for(getattr(world, persona)).get(url_for(name, people["in"]))
    assert response.status_code == 200


@pytest.mark.parametrize("persona", ["staff", "clerk"])
@pytest.mark.parametrize("name", [n for n, (kind, _) in URLS.items() if kind == WRITE])
def test_staff_and_clerks_open_every_form_in_the_subtree(world, people, client_for, name, persona):
    response = client_for(getattr(world, persona)).get(url_for(name, people["in"]))
    assert response.status_code == 200


def test_the_bulk_url_refuses_a_get(world, client_for):
    assert client_for(world.clerk).get(reverse("personnel:bulk")).status_code == 405


@pytest.mark.parametrize("name", [n for n, (kind, _) in URLS.items() if kind == READ])
def test_a_read_only_page_refuses_a_post(world, people, client_for, name):
    response = client_for(world.staff).post(url_for(name, people["in"]))
    assert response.status_code == 405
