"""The roster's Excel export: the upload's columns, real dates, text that stays text."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from chqs.audit import ExportRecord
from personnel.models import Ethnicity, Person
from personnel.roster_export import ROSTER_COLUMNS
from tests.personnel.test_pages import enlist, make_person

pytestmark = pytest.mark.django_db
HEADERS = [
    "STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Dân tộc", "Tôn giáo",
    "Quê quán", "Nơi thường trú", "Trình độ văn hóa", "Chuyên môn", "Ngày vào Đảng",
    "Ngày chính thức", "Ngày vào Đoàn", "Chức vụ", "Chức vụ tự vệ", "Đơn vị", "Thành phần",
    "Ngày vào tự vệ", "Tình trạng", "Quân nhân dự bị", "Sức khỏe", "Số điện thoại", "Ghi chú",
]  # fmt: skip


def export(client, **params):
    response = client.get(reverse("personnel:roster_export"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).worksheets[0]


def rows_by_name(sheet) -> dict[str, dict]:
    headers = [c.value for c in sheet[1]]
    rows = {}
    for cells in sheet.iter_rows(min_row=2):
        row = {h: c for h, c in zip(headers, cells, strict=True)}
        rows[row["Họ và tên"].value] = row
    return rows


@pytest.fixture
def hung(world):
    person = make_person(
        world.agency1,
        "Nguyễn Văn Hùng",
        cccd="001090000123",
        born=dt.date(1990, 5, 1),
        ethnicity=Ethnicity.objects.get(name="Kinh"),
        education="12/12",
        party_joined_on=dt.date(2015, 3, 2),
        phone="0912345678",
        is_reservist=True,
        health_grade=2,
        notes='=HYPERLINK("http://x")',
    )
    enlist(person, world.formation1, joined=dt.date(2023, 1, 15))
    return person


def test_the_export_has_the_upload_columns_in_order():
    assert [c.header for c in ROSTER_COLUMNS] == HEADERS


def test_an_exported_row_keeps_ids_as_text_and_dates_as_dates(world, client_for, hung):
    make_person(world.agency1, "Trần Thị Mai", gender="F", born=dt.date(1988, 1, 1),
                birth_year_only=True)  # fmt: skip
    sheet = export(client_for(world.clerk))

    assert [c.value for c in sheet[1]] == HEADERS
    row = rows_by_name(sheet)["Nguyễn Văn Hùng"]
    assert row["Số CCCD"].value == "001090000123"
    assert row["Số CCCD"].data_type == "s"
    assert row["Ngày sinh"].value == dt.datetime(1990, 5, 1)
    assert row["Ngày sinh"].number_format == "DD/MM/YYYY"
    assert row["Ngày vào Đảng"].value == dt.datetime(2015, 3, 2)
    assert row["Giới tính"].value == "Nam"
    assert row["Dân tộc"].value == "Kinh"
    assert row["Chức vụ tự vệ"].value == "Chiến sĩ"
    assert row["Đơn vị"].value == "Tiểu đội tự vệ 1"
    assert row["Thành phần"].value == world.formation1.force_kind.name
    assert row["Ngày vào tự vệ"].value == dt.datetime(2023, 1, 15)
    assert row["Quân nhân dự bị"].value == "Có"
    assert row["Sức khỏe"].value == "Loại 2"
    assert row["Số điện thoại"].value == "0912345678"
    # A formula typed into a note stays text.
    assert row["Ghi chú"].value == '=HYPERLINK("http://x")'
    assert row["Ghi chú"].data_type == "s"
    # A birth year alone is written as the year.
    assert rows_by_name(sheet)["Trần Thị Mai"]["Ngày sinh"].value == 1988


def test_the_export_follows_the_filters_and_the_scope(world, client_for, hung):
    make_person(world.agency1, "Trần Thị Mai", gender="F")
    make_person(world.agency2, "Võ Văn Kiệt")
    client = client_for(world.staff)

    assert set(rows_by_name(export(client))) == {"Nguyễn Văn Hùng", "Trần Thị Mai"}
    assert set(rows_by_name(export(client, gioi_tinh="F"))) == {"Trần Thị Mai"}
    response = client.get(reverse("personnel:roster_export"), {"don_vi": "A2"})
    assert response.status_code == 404


def test_a_commanders_export_masks_personal_data(world, client_for, hung):
    Person.objects.filter(pk=hung.pk).update(
        residence="Số 12 đường Mậu Thân, phường Ninh Kiều, thành phố Cần Thơ"
    )
    row = rows_by_name(export(client_for(world.commander)))["Nguyễn Văn Hùng"]

    assert row["Số CCCD"].value == "0010******23"
    assert row["Số điện thoại"].value == "0912****78"
    assert row["Nơi thường trú"].value == "•••, phường Ninh Kiều, thành phố Cần Thơ"
    staff_row = rows_by_name(export(client_for(world.staff)))["Nguyễn Văn Hùng"]
    assert staff_row["Nơi thường trú"].value.startswith("Số 12 đường Mậu Thân")


def test_every_export_is_recorded_with_who_what_filter_and_rows(world, client_for, hung):
    make_person(world.agency1, "Trần Thị Mai", gender="F")
    export(client_for(world.staff), gioi_tinh="M", page="3")
    export(client_for(world.commander))

    commander, staff = ExportRecord.objects.order_by("-id")[:2]
    assert (staff.user, staff.username, staff.role, staff.unit_code) == (
        world.staff,
        "binh",
        "Trợ lý",
        "R1",
    )
    assert staff.filters == {"gioi_tinh": "M"}  # the page number is no filter
    assert (staff.rows, staff.masked) == (1, False)
    assert staff.what == "Danh sách trích ngang (trang Nhân sự)"
    assert (commander.rows, commander.masked, commander.filters) == (2, True, {})


def test_the_import_pages_export_is_recorded_too(world, client_for, hung):
    client = client_for(world.staff)
    response = client.get(reverse("imports:export", args=["people"]), {"unit": "A1"})
    assert response.status_code == 200

    record = ExportRecord.objects.get()
    assert (record.username, record.filters, record.rows) == ("binh", {"unit": "A1"}, 1)
    assert record.what.startswith("Danh sách trích ngang")


def test_an_admin_reads_the_record_of_exports_and_no_one_else(world, client_for, hung):
    export(client_for(world.clerk), q="hùng")
    url = reverse("personnel:export_log")

    page = client_for(world.admin).get(url).content.decode()

    assert "Nhật ký xuất dữ liệu cá nhân" in page
    assert "chi" in page and "Văn thư" in page and "q=hùng" in page
    for persona in (world.staff, world.clerk, world.commander):
        assert client_for(persona).get(url).status_code == 403


@pytest.mark.parametrize("typed", ["=cmd|' /C calc'!A0", "+Nguyễn Văn A", "-Lê Văn B", "@Trần C"])
def test_a_name_that_looks_like_a_formula_is_exported_as_text(world, client_for, typed):
    make_person(world.agency1, typed)
    cell = rows_by_name(export(client_for(world.staff)))[typed]["Họ và tên"]

    assert (cell.value, cell.data_type, cell.quotePrefix) == (typed, "s", True)


# --- a big export runs in the background ---------------------------------------------


@pytest.fixture
def big(monkeypatch, settings, tmp_path):
    """Every export counts as big; files go to a temporary PRIVATE_ROOT."""
    from personnel import exports

    monkeypatch.setattr(exports, "INLINE_ROWS", 0)
    settings.PRIVATE_ROOT = tmp_path / "private"
    return settings.PRIVATE_ROOT


def test_a_big_export_runs_as_a_job_with_a_page_and_a_download(world, client_for, hung, big):
    make_person(world.agency1, "Trần Thị Mai", gender="F")
    client = client_for(world.staff)

    response = client.get(reverse("personnel:roster_export"), {"gioi_tinh": "", "page": "2"})

    record = ExportRecord.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("personnel:export_job", args=[record.token])
    # The immediate backend ran the task: done, recorded, the file kept privately.
    assert (record.status, record.progress, record.rows, record.filters) == ("done", 100, 2, {})
    assert record.stored_path.startswith("exports/") and record.path.parent == big / "exports"
    page = client.get(response.url).content.decode()
    assert "Đã xuất <strong>2</strong> người" in page and "Tải tệp Excel" in page
    download = client.get(reverse("personnel:export_download", args=[record.token]))
    assert download["Content-Disposition"].startswith('attachment; filename="danh-sach-trich')
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).worksheets[0]
    assert set(rows_by_name(sheet)) == {"Nguyễn Văn Hùng", "Trần Thị Mai"}
    progress = client.get(reverse("personnel:export_progress", args=[record.token]))
    assert progress["HX-Refresh"] == "true"  # done: the page reloads to offer the file


def test_a_commanders_big_export_is_masked_too(world, client_for, hung, big):
    client = client_for(world.commander)
    client.get(reverse("personnel:roster_export"))
    record = ExportRecord.objects.get()
    assert (record.status, record.error) == ("done", "")
    download = client.get(reverse("personnel:export_download", args=[record.token]))
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).worksheets[0]

    assert record.masked
    assert rows_by_name(sheet)["Nguyễn Văn Hùng"]["Số CCCD"].value == "0010******23"


def test_an_export_is_only_found_by_its_own_user(world, client_for, hung, big):
    client_for(world.staff).get(reverse("personnel:roster_export"))
    token = ExportRecord.objects.get().token

    for persona in (world.admin, world.clerk, world.commander):
        client = client_for(persona)
        for name in ("personnel:export_job", "personnel:export_progress",
                     "personnel:export_download"):  # fmt: skip
            assert client.get(reverse(name, args=[token])).status_code == 404


def test_an_export_whose_user_was_locked_meanwhile_fails_cleanly(world, client_for, hung, big):
    from chqs.audit import ExportStatus, export_record
    from personnel.exports import roster_export_job

    record = export_record(user=world.staff, what="x", filters={}, rows=0, masked=False,
                           status=ExportStatus.QUEUED)  # fmt: skip
    world.staff.is_active = False
    world.staff.save()
    roster_export_job.call(record.pk, "")

    record.refresh_from_db()
    assert (record.status, record.error, record.stored_path) == (
        "failed",
        "Tài khoản đã bị khóa.",
        "",
    )
