"""The roster's counts, page ids and rows, and the person page's body, are cached per
process (chqs.versions, and the rows' own versions on PostgreSQL): a change committed by
anyone is on everyone's next page."""

import re

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


def _no_tokens(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", page)


def _rows_read(queries) -> bool:
    """Whether a page read its rows' service records (the rows were built, not cached)."""
    return any('FROM "personnel_service"' in q["sql"] for q in queries.captured_queries)


def test_a_page_shows_every_write_to_its_rows_and_builds_them_only_then(world, client_for):
    """On PostgreSQL an unchanged page's rows come from the cache, under the rows' own
    versions (xmin): an update that bumps no data version (a phone number, written by
    `update()` as an upload or a script would) still shows on the next page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    person = make_person(world.agency1, "Nguyễn Văn An", phone="0912000001")
    enlist(person, world.formation1)
    reader = client_for(world.staff)
    first = roster(reader)
    assert "Nguyễn Văn An" in first
    with CaptureQueriesContext(connection) as again:
        assert _no_tokens(roster(reader)) == _no_tokens(first)
    cached = connection.vendor == "postgresql"
    assert _rows_read(again) is not cached  # SQLite keeps no row versions: always read

    Person.objects.filter(pk=person.pk).update(full_name="Nguyễn Văn Anh")  # any writer
    with CaptureQueriesContext(connection) as after:
        page = roster(reader)
    assert "Nguyễn Văn Anh" in page and _rows_read(after)

    from chqs import versions

    with versions.neutral_update(Person._meta.db_table):  # bumps no data version
        Person.objects.filter(pk=person.pk).update(job_title="Trưởng phòng")
    assert "Trưởng phòng" in roster(reader)


def test_the_person_page_shows_every_change_to_the_person_and_their_records(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from personnel.models import StatusReason
    from personnel.services import service_change_status

    person = make_person(world.agency1, "Nguyễn Văn An", phone="0912000001")
    service = enlist(person, world.formation1)
    reader = client_for(world.staff)
    url = reverse("personnel:person", args=[person.pk])
    first = reader.get(url).content.decode()
    assert "0912000001" in first
    with CaptureQueriesContext(connection) as again:
        assert _no_tokens(reader.get(url).content.decode()) == _no_tokens(first)
    history_read = any("historical" in q["sql"] for q in again.captured_queries)
    assert history_read is not (connection.vendor == "postgresql")  # cached there only

    person = Person.objects.get(pk=person.pk)
    person.phone = "0912000002"  # a contact detail: bumps no data version
    person.save()
    page = reader.get(url).content.decode()
    assert "0912000002" in page and "0912000001 → 0912000002" in page  # and in the audit

    reason = StatusReason.objects.get(code="hoan-suc-khoe")
    service_change_status(
        person=person, status="postponed", on=service.joined_on, reason=reason, decision="QĐ 7"
    )
    assert "Tạm hoãn" in reader.get(url).content.decode()

    commander = client_for(world.commander)
    assert commander.get(url).status_code == 200
    Person.objects.filter(pk=person.pk).update(agency=world.agency2)  # out of their scope
    assert commander.get(url).status_code == 404


def test_the_excel_roster_downloaded_again_holds_every_change_and_each_is_logged(world, client_for):
    from chqs import versions
    from chqs.audit import ExportRecord
    from tests.personnel.test_pages_export import export, rows_by_name

    person = make_person(world.agency1, "Nguyễn Văn An", phone="0912000001")
    enlist(person, world.formation1)
    clerk = client_for(world.staff)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert rows_by_name(export(clerk))["Nguyễn Văn An"]["Số điện thoại"].value == "0912000001"
    with CaptureQueriesContext(connection) as again:
        assert rows_by_name(export(clerk))["Nguyễn Văn An"]["Số điện thoại"].value == "0912000001"
    assert _rows_read(again) is not (connection.vendor == "postgresql")  # the file was cached
    with versions.neutral_update(Person._meta.db_table):  # bumps no data version
        Person.objects.filter(pk=person.pk).update(phone="0912000002")
    assert rows_by_name(export(clerk))["Nguyễn Văn An"]["Số điện thoại"].value == "0912000002"
    make_person(world.agency1, "Trần Văn Bình")
    assert set(rows_by_name(export(clerk))) == {"Nguyễn Văn An", "Trần Văn Bình"}
    assert ExportRecord.objects.filter(user=world.staff).count() == 4


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
