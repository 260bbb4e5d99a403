"""The clerk's own file, marked: bad cells in red, a "Lý do" column with the reasons."""

import io
from urllib.parse import quote

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl.styles import Font

from chqs.imports import marked
from chqs.models import ImportJob

from .sheets import HEADER, unit_row, write_csv, write_xls
from .test_upload_page import UPLOAD

pytestmark = pytest.mark.django_db

ROWS = [
    unit_row("A3", "Trường Đại học Cần Thơ", parent="X1", valid_from="15/07/2023"),
    unit_row("A5", "Trạm điện", parent="X2", valid_from="15/07/2023"),  # parent out of scope
    unit_row("A6", "Bệnh viện Nhi", parent="X1", valid_from="31/02/2023"),  # no such day
]
TITLE = ["DANH SÁCH ĐƠN VỊ"] + [None] * 9
RED = "00FFC7CE"


def xlsx_file(path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Đơn vị"
    sheet.append(TITLE)
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    sheet["A1"].font = Font(bold=True, size=14)
    workbook.save(path)
    return path


def marked_copy(client, path, name):
    client.post(UPLOAD, {"file": SimpleUploadedFile(name, path.read_bytes())})
    job = ImportJob.objects.get()
    response = client.get(reverse("imports:marked", kwargs={"token": job.token}))
    assert response.status_code == 200, response.content[:500]
    return job, response, openpyxl.load_workbook(io.BytesIO(response.content))


def fill(cell):
    return cell.fill.fgColor.rgb if cell.fill and cell.fill.fill_type == "solid" else None


def test_an_xlsx_is_marked_in_place_keeping_its_look(world, client_for, tmp_path):
    job, response, workbook = marked_copy(client_for(world.staff), xlsx_file(tmp_path / "f.xlsx"),
                                          "Danh sách đơn vị.xlsx")  # fmt: skip

    sheet = workbook["Đơn vị"]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert quote("Danh sách đơn vị - đánh dấu lỗi.xlsx") in response["Content-Disposition"]
    assert sheet["A1"].font.bold and sheet["A1"].value == "DANH SÁCH ĐƠN VỊ"  # the clerk's look
    assert sheet["K2"].value == "Lý do"
    assert fill(sheet["E4"]) == RED and sheet["E4"].value == "X2"  # the bad parent
    assert fill(sheet["F5"]) == RED  # 31/02/2023
    assert [fill(sheet[f"{c}3"]) for c in "ABCDEF"] == [None] * 6  # the good row is untouched
    assert "Đơn vị cấp trên nằm ngoài phạm vi quản lý." in sheet["K4"].value
    assert "Ngày 31/02/2023 không tồn tại." in sheet["K5"].value
    assert sheet["K3"].value is None
    assert job.summary["counts"]["rejected"] == 2


def test_an_xls_becomes_an_xlsx_copy_with_its_merged_header(world, client_for, tmp_path):
    rows = [TITLE, HEADER, *ROWS]
    path = write_xls(tmp_path / "f.xls", rows, merges=[(0, 0, 0, 9)], sheet="Đơn vị")

    _, _, workbook = marked_copy(client_for(world.staff), path, "ds.xls")

    sheet = workbook["Đơn vị"]
    assert "A1:J1" in {str(r) for r in sheet.merged_cells.ranges}
    assert [c.value for c in sheet[2]][:2] == ["Mã đơn vị", "Tên đơn vị"]
    assert sheet["K2"].value == "Lý do" and sheet["K2"].font.bold
    assert fill(sheet["E4"]) == RED and fill(sheet["F5"]) == RED
    assert "nằm ngoài phạm vi" in sheet["K4"].value


def test_a_csv_becomes_an_xlsx_copy(world, client_for, tmp_path):
    path = write_csv(tmp_path / "f.csv", ROWS)

    _, _, workbook = marked_copy(client_for(world.staff), path, "ds.csv")

    sheet = workbook.active
    assert sheet["K1"].value == "Lý do"
    assert fill(sheet["E3"]) == RED and sheet["E3"].value == "X2"
    assert sheet["A2"].value == "A3" and sheet["K2"].value is None


def test_a_large_xlsx_is_copied_value_by_value(world, client_for, tmp_path, monkeypatch):
    monkeypatch.setattr(marked, "IN_PLACE_MAX_ROWS", 1)

    _, _, workbook = marked_copy(client_for(world.staff), xlsx_file(tmp_path / "f.xlsx"), "f.xlsx")

    sheet = workbook["Đơn vị"]
    assert sheet["K2"].value == "Lý do" and fill(sheet["E4"]) == RED
    assert "31/02/2023" in sheet["K5"].value


def test_the_marked_file_is_offered_only_when_rows_were_rejected(world, client_for, tmp_path):
    client = client_for(world.staff)
    content = xlsx_file(tmp_path / "f.xlsx").read_bytes()
    client.post(UPLOAD, {"file": SimpleUploadedFile("f.xlsx", content)})
    job = ImportJob.objects.get()
    page = client.get(reverse("imports:job", kwargs={"token": job.token})).content.decode()
    assert "Tải tệp đã đánh dấu lỗi" in page

    ImportJob.objects.all().delete()
    good = write_csv(tmp_path / "ok.csv", ROWS[:1])
    client.post(UPLOAD, {"file": SimpleUploadedFile("ok.csv", good.read_bytes())})
    job = ImportJob.objects.get()
    page = client.get(reverse("imports:job", kwargs={"token": job.token})).content.decode()
    assert "Tải tệp đã đánh dấu lỗi" not in page
