"""People listed by name are in the Vietnamese order (Person.sort_key): the given name
first, then the middle names, then the family name, D before Đ. Every way a person is
written keeps the key in step with the name."""

import datetime as dt
import importlib
import io

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook
from simple_history.utils import bulk_create_with_history

from chqs.imports import registry
from chqs.text import name_sort_key
from personnel.imports import people_rows
from personnel.models import Person
from tests.chqs.sheets import run
from tests.personnel.test_import_people import people_file, person_row
from tests.personnel.test_pages import enlist, make_person, roster

pytestmark = pytest.mark.django_db

# In the order a Vietnamese list puts them; sorted by the full name (family name first)
# they would be Dương, Đặng, Đỗ, Lê, Nguyễn, Trần: the wrong way round nearly throughout.
IN_ORDER = [
    "Nguyễn Văn An",
    "Trần Thị Bình",  # Thị before Văn
    "Lê Văn Bình",
    "Đỗ Thị Dung",  # Dung before Dũng: a tone decides between the same letters only
    "Đặng Văn Dũng",  # D before Đ: Dũng before Đông, so Đặng here before Dương
    "Dương Văn Đông",
]


@pytest.fixture
def people(world):
    made = [make_person(world.agency1, name) for name in reversed(IN_ORDER)]
    for person in made:
        enlist(person, world.formation1)
    return made


def order_in(text: str, names=IN_ORDER) -> list[str]:
    return sorted(names, key=text.index)


def test_the_roster_lists_people_by_given_name_then_middle_then_family_name(
    world, client_for, people
):
    client = client_for(world.staff)
    assert order_in(roster(client)) == IN_ORDER
    assert order_in(roster(client, sap_xep="ten")) == IN_ORDER
    assert order_in(roster(client, sap_xep="-ten")) == IN_ORDER[::-1]


def test_the_name_breaks_ties_of_the_other_sorts(world, client_for, people):
    # Same birth date, same agency, same joining date: the name decides.
    client = client_for(world.staff)
    for sort in ("ngay_sinh", "co_quan", "ngay_vao"):
        assert order_in(roster(client, sap_xep=sort)) == IN_ORDER, sort


def test_a_search_keeps_the_order(world, client_for, people):
    found = roster(client_for(world.staff), q="van")
    assert order_in(found, [n for n in IN_ORDER if "Văn" in n]) == [
        "Nguyễn Văn An",
        "Lê Văn Bình",
        "Đặng Văn Dũng",
        "Dương Văn Đông",
    ]


def test_the_excel_roster_lists_people_in_the_same_order(world, client_for, people):
    response = client_for(world.staff).get(reverse("personnel:roster_export"))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == IN_ORDER
    numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert numbers == list(range(1, len(IN_ORDER) + 1))


def test_the_people_export_lists_each_agency_by_name(world, people):
    other = make_person(world.agency2, "Bùi Văn Ân")
    rows = list(people_rows(registry.scope_for(None)))
    names = [row["full_name"] for row in rows]
    assert names == [*IN_ORDER, other.full_name]  # agency A1's people, then A2's


def test_the_board_proposal_lists_the_agency_staff_by_name(world, client_for, people):
    page = client_for(world.staff).get(
        reverse("personnel:appointment_propose", kwargs={"code": world.agency1.code})
    )
    assert page.status_code == 200
    assert order_in(page.content.decode()) == IN_ORDER


# --- the key follows the name on every write path ----------------------------------------


def test_saving_a_person_sets_the_key_and_a_rename_moves_them(world, client_for, people):
    an = Person.objects.get(full_name="Nguyễn Văn An")
    assert an.sort_key == name_sort_key("Nguyễn Văn An")
    an.full_name = "Nguyễn Văn Em"
    an.save(update_fields=["full_name"])  # the derived fields are written too
    an.refresh_from_db()
    assert an.sort_key == name_sort_key("Nguyễn Văn Em")
    names = [*IN_ORDER[1:], "Nguyễn Văn Em"]
    assert order_in(roster(client_for(world.staff)), names) == names


def test_bulk_create_and_bulk_update_fill_the_key(world):
    made = Person.objects.bulk_create(
        [
            Person(
                agency=world.agency1,
                full_name="ĐẶNG VĂN ĐÔNG",
                birth_date=dt.date(1990, 1, 1),
                gender="M",
                cccd="092090000901",
            ),
        ]  # fmt: skip
    )
    bulk_create_with_history(
        [Person(agency=world.agency1, full_name="Lê Thị Lan", birth_date=dt.date(1990, 1, 1),
                gender="F", cccd="092190000902")],
        Person,
    )  # fmt: skip
    dong, lan = Person.objects.get(pk=made[0].pk), Person.objects.get(cccd="092190000902")
    assert dong.sort_key == name_sort_key("Đặng Văn Đông") and dong.search_text.startswith("dang")
    assert lan.sort_key == name_sort_key("Lê Thị Lan")

    dong.full_name = "Đặng Văn An"
    Person.objects.bulk_update([dong], ["full_name"])
    dong.refresh_from_db()
    assert (dong.sort_key, dong.search_text) == (
        name_sort_key("Đặng Văn An"),
        "dang van an 092090000901",
    )


def test_an_upload_sets_the_key_of_new_and_renamed_people(world, tmp_path):
    rows = [person_row("TRẦN THỊ BÌNH", cccd="092190000123"), person_row("Nguyễn Văn An")]
    assert run("import_data", "people", str(people_file(tmp_path, rows)), "--unit", "A1")[0] == 0
    binh, an = Person.objects.get(cccd="092190000123"), Person.objects.get(cccd="092090000123")
    assert binh.full_name == "Trần Thị Bình" and binh.sort_key == name_sort_key("Trần Thị Bình")
    assert an.sort_key == name_sort_key("Nguyễn Văn An")

    renamed = [person_row("Trần Thị Bình", cccd="092190000123"), person_row("Đặng Văn An")]
    path = people_file(tmp_path, renamed, name="2.xlsx")
    code, output = run("import_data", "people", str(path), "--unit", "A1")
    assert code == 0 and "Cập nhật: 1" in output, output
    an.refresh_from_db()
    assert (an.full_name, an.sort_key) == ("Đặng Văn An", name_sort_key("Đặng Văn An"))
    assert an.search_text == "dang van an 092090000123"
    assert list(Person.objects.values_list("full_name", flat=True)) == [
        "Đặng Văn An",
        "Trần Thị Bình",
    ]


def test_the_migration_fills_the_key_of_every_existing_person(world, people):
    migration = importlib.import_module("personnel.migrations.0009_person_sort_key")
    make_person(world.agency2, "Nguyễn Văn An")  # a name twice: one key for both
    Person.objects.update(sort_key="")

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.fill(apps, editor)

    for name, key in Person.objects.values_list("full_name", "sort_key"):
        assert key == name_sort_key(name), name
    assert Person.objects.filter(sort_key="").count() == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL collations")
@pytest.mark.parametrize("collation", ["C", "en-US-x-icu", "vi-x-icu", "da-x-icu"])
def test_the_key_sorts_alike_under_the_collations_a_server_may_have(world, people, collation):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_collation WHERE collname = %s", [collation])
        if cursor.fetchone() is None:
            pytest.skip(f"no collation {collation} on this server")
        cursor.execute(
            f'SELECT full_name FROM personnel_person ORDER BY sort_key COLLATE "{collation}", id'
        )
        assert [row[0] for row in cursor.fetchall()] == IN_ORDER
