"""The roster's counts and page ids are cached per process (chqs.versions): a change
committed by anyone is on everyone's next page."""

import pytest
from django.urls import reverse

from chqs.text import name_sort_key
from personnel.forms import person_version
from personnel.models import Person
from tests.personnel.test_pages import enlist, make_person, roster
from tests.personnel.test_pages_person import person_form

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def found(page: str) -> str:
    return page.split("Tìm thấy <strong>")[1].split("</strong>")[0]


def rename(world, client, person, name: str) -> None:
    """The staff officer renames `person` on the edit page, in a session of their own."""
    editor = type(client)()
    editor.force_login(world.staff)
    person = Person.objects.get(pk=person.pk)
    data = person_form(world, full_name=name, gender="M", cccd=person.cccd,
                       birth_date="01/05/1990", version=person_version(person))  # fmt: skip
    assert editor.post(reverse("personnel:person_edit", args=[person.pk]), data).status_code == 302


def test_a_new_person_a_rename_and_a_transfer_show_on_the_next_roster(world, client_for, client):
    first = make_person(world.agency1, "Nguyễn Văn An")
    enlist(first, world.formation1)
    reader = client_for(world.commander)
    assert found(roster(reader)) == "1"
    assert found(roster(reader, q="binh")) == "0"
    assert found(roster(reader)) == "1"  # served from the cache

    make_person(world.agency1, "Trần Văn Bình")
    assert found(roster(reader)) == "2"
    assert found(roster(reader, q="binh")) == "1"

    rename(world, client, first, "Nguyễn Văn Bình")
    page = roster(reader, q="binh")
    assert found(page) == "2" and "Nguyễn Văn Bình" in page

    Person.objects.filter(pk=first.pk).update(agency=world.agency2)  # out of Dũng's scope
    assert found(roster(reader)) == "1"
    assert found(roster(client_for(world.admin))) == "2"


def test_rows_are_read_afresh_when_the_list_comes_from_the_cache(world, client_for):
    person = make_person(world.agency1, "Nguyễn Văn An", job_title="Kế toán")
    reader = client_for(world.staff)
    assert "Kế toán" in roster(reader)
    person = Person.objects.get(pk=person.pk)
    person.job_title = "Kế toán trưởng"  # no list or figure reads it: the list stays cached
    person.save()
    assert "Kế toán trưởng" in roster(reader)


def test_a_renamed_person_moves_to_their_new_place_in_the_cached_roster(world, client_for, client):
    # The page ids are cached in name order: a rename renews them.
    first = make_person(world.agency1, "Nguyễn Văn An")
    make_person(world.agency1, "Trần Thị Bình")
    reader = client_for(world.commander)
    page = roster(reader)
    assert page.index("Nguyễn Văn An") < page.index("Trần Thị Bình")

    rename(world, client, first, "Nguyễn Văn Cường")

    page = roster(reader)
    assert page.index("Trần Thị Bình") < page.index("Nguyễn Văn Cường")
    assert Person.objects.get(pk=first.pk).sort_key == name_sort_key("Nguyễn Văn Cường")
