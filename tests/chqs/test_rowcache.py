"""The apply of an upload reuses the rows its preview parsed, and only when nothing they
came from changed; the database is checked again inside the apply in any case."""

import datetime as dt

import pytest
from django.conf import settings

from chqs.imports import engine, registry, rowcache
from personnel.models import Ethnicity, Gender, Person
from tests.personnel.test_import_people import people_file, person_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def upload(private_root):
    """A clerk's list stored as the upload page stores it: under PRIVATE_ROOT/uploads."""
    folder = private_root / "uploads"
    folder.mkdir(parents=True)
    rows = [
        person_row(),
        person_row("Trần Thị Bích", "02/03/1992", "Nữ", "092192000456", phone="0987654321"),
    ]
    return people_file(folder, rows, name="3f2a9c.xlsx")


def run(step, path):
    kind, scope = registry.get_kind("people"), registry.scope_for(None)
    return step(kind, path, scope=scope, unit="A1", filename="ds.xlsx")


def refuse_reading(monkeypatch):
    def read_table(*args, **kwargs):
        raise AssertionError("the file was read again")

    monkeypatch.setattr(engine, "read_table", read_table)


def test_the_apply_writes_the_rows_the_preview_parsed_without_reading_the_file(
    world, upload, monkeypatch, django_capture_on_commit_callbacks
):
    preview = run(engine.preview, upload)
    assert preview.counts["new"] == 2
    assert rowcache.location(upload).exists()

    refuse_reading(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        result = run(engine.apply, upload)

    assert result.applied and result.counts["new"] == 2
    assert not rowcache.location(upload).exists()  # written: the kept rows are gone
    assert result.table.info()["data_rows"] == 2  # the job page still says how it was read
    bich = Person.objects.get(cccd="092192000456")
    assert (bich.full_name, bich.birth_date, bich.phone) == (
        "Trần Thị Bích",
        dt.date(1992, 3, 2),
        "0987654321",
    )
    monkeypatch.undo()
    assert run(engine.preview, upload).counts["unchanged"] == 2


def test_a_conflict_that_arose_after_the_preview_is_caught_by_the_apply(world, upload):
    assert run(engine.preview, upload).counts["new"] == 2
    Person.objects.create(
        agency=world.agency2, full_name="Trần Thị Bích", birth_date=dt.date(1992, 3, 2),
        gender=Gender.FEMALE, cccd="092192000456",
    )  # fmt: skip

    result = run(engine.apply, upload)

    assert not result.applied
    # The message quotes the cell as typed (read again from the file for it).
    assert str(result.rejected_rows[0].errors[0]).startswith(
        "cột “Số CCCD” (giá trị “092192000456”): Số CCCD đã thuộc Công ty Điện lực Cần Thơ"
    )
    assert not Person.objects.filter(agency=world.agency1).exists()


def test_a_file_replaced_after_the_preview_is_read_again(world, upload, tmp_path):
    run(engine.preview, upload)
    other = people_file(tmp_path, [person_row("Lê Văn Cường", cccd="092090000999")])
    upload.write_bytes(other.read_bytes())

    result = run(engine.apply, upload)

    assert result.applied
    assert list(Person.objects.values_list("cccd", flat=True)) == ["092090000999"]


def test_a_list_the_cells_are_matched_against_that_changed_makes_the_apply_read_again(
    world, upload, monkeypatch
):
    run(engine.preview, upload)
    Ethnicity.objects.filter(name="Kinh").update(name="Kinh (Việt)")
    result = run(engine.apply, upload)  # reads the file: "Kinh" is no longer a known name
    assert not result.applied
    assert "Không có dân tộc này" in str(result.rejected_rows[0].errors[0])


def test_a_tampered_cache_is_never_unpickled(world, upload):
    run(engine.preview, upload)
    cache = rowcache.location(upload)
    content = bytearray(cache.read_bytes())
    content[-5] ^= 0xFF
    cache.write_bytes(bytes(content))

    assert run(engine.apply, upload).counts["new"] == 2
    assert Person.objects.count() == 2


def test_a_file_outside_the_private_folder_gets_no_companion_file(world, tmp_path):
    path = people_file(tmp_path, [person_row()])
    assert settings.PRIVATE_ROOT not in path.parents
    run(engine.preview, path)
    assert rowcache.location(path) is None
    assert not list(tmp_path.rglob(f"*{rowcache.SUFFIX}"))
