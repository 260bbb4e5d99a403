"""Files that must be refused whole, in Vietnamese, without a traceback and with nothing
written: not a spreadsheet, corrupt, encrypted, a zip bomb, macros, formulas, too big."""

import io
import struct
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chqs.imports import containers
from chqs.imports.containers import _Ole
from chqs.imports.readers import ImportFileError, read_table, sheet_names
from chqs.models import ImportJob, ImportStatus
from units.imports import COLUMNS

from .sheets import (
    HEADER,
    run,
    snapshot,
    unit_row,
    write_csv,
    write_ods,
    write_ole,
    write_workbook,
    write_xls,
)


def good_xlsx(path):
    return write_workbook(path, [unit_row("A3", "Trường Đại học Cần Thơ", parent="X1",
                                          valid_from="15/07/2023")])  # fmt: skip


def xls_workbook_stream(tmp_path):
    path = write_xls(tmp_path / "nguon.xls", [HEADER, unit_row("A3", "Trường ĐH", parent="X1")])
    return _Ole(path.read_bytes()).read("Workbook")


def with_member(path, name, data=b"x"):
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(name, data)
    return path


# --- each hostile file, and the message that refuses it ---------------------------------------


def random_bytes(tmp_path):
    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(bytes((i * 7919) % 256 for i in range(4096)))
    return path


def renamed_exe(tmp_path):
    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(b"MZ\x90\x00" + bytes(2000))
    return path


def empty(tmp_path):
    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(b"")
    return path


def truncated_zip(tmp_path):
    whole = good_xlsx(tmp_path / "tot.xlsx").read_bytes()
    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    return path


def zip_of_something_else(tmp_path):
    path = tmp_path / "danh-sach.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return path


def encrypted_xlsx(tmp_path):
    # What Excel writes for "Encrypt with password": an OLE2 file, whatever the name says.
    return write_ole(
        tmp_path / "danh-sach.xlsx",
        {"EncryptionInfo": b"\x04\x00\x04\x00" + bytes(200), "EncryptedPackage": bytes(5000)},
    )


def encrypted_xls(tmp_path):
    stream = xls_workbook_stream(tmp_path)
    length = struct.unpack_from("<H", stream, 2)[0]
    filepass = struct.pack("<HHH", 0x002F, 2, 0)  # FILEPASS right after the first BOF
    stream = stream[: 4 + length] + filepass + stream[4 + length :]
    return write_ole(tmp_path / "danh-sach.xls", {"Workbook": stream})


def xls_with_macros(tmp_path):
    return write_ole(
        tmp_path / "danh-sach.xls",
        {"Workbook": xls_workbook_stream(tmp_path)},
        storages=["_VBA_PROJECT_CUR"],
    )


def xlsx_with_macros(tmp_path):
    return with_member(good_xlsx(tmp_path / "danh-sach.xlsx"), "xl/vbaProject.bin", bytes(600))


def xlsm_by_name(tmp_path):
    return good_xlsx(tmp_path / "danh-sach.xlsm")


def ods_with_macros(tmp_path):
    return write_ods(tmp_path / "danh-sach.ods", [HEADER], macros=True)


def zip_bomb(tmp_path):
    path = good_xlsx(tmp_path / "danh-sach.xlsx")
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/media/image1.bin", "w") as target,
    ):
        for _ in range(24):  # 24 MB of zeros: a few KB once compressed
            target.write(bytes(1024 * 1024))
    return path


def formula_xlsx(tmp_path):
    path = tmp_path / "danh-sach.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(unit_row("A3", "Trường ĐH", parent="X1", valid_from="15/07/2023"))
    sheet.append(unit_row("A4", "Bệnh viện", parent="X1", valid_from="15/07/2023",
                          staff_count="=I2+1"))  # fmt: skip
    workbook.save(path)
    return path


def formula_xls(tmp_path):
    rows = [HEADER, unit_row("A3", "Trường ĐH", parent="X1", valid_from="15/07/2023")]
    return write_xls(tmp_path / "danh-sach.xls", rows, formulas=[(1, 8, "10*12")])


def formula_ods(tmp_path):
    rows = [
        HEADER,
        unit_row("A3", "Trường ĐH", parent="X1", valid_from="15/07/2023", staff_count=5),
    ]
    return write_ods(tmp_path / "danh-sach.ods", rows, formulas={(1, 8): "of:=2+3"})


def html_as_xls(tmp_path):
    path = tmp_path / "danh-sach.xls"
    path.write_text("<html><body><table><tr><td>Mã đơn vị</td></tr></table></body></html>")
    return path


def far_away_cell(tmp_path):
    path = good_xlsx(tmp_path / "danh-sach.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook.active["A1048576"] = "x"
    workbook.save(path)
    return path


HOSTILE = {
    "random bytes": (random_bytes, "không phải bảng tính Excel"),
    "renamed exe": (renamed_exe, "là một chương trình máy tính"),
    "empty": (empty, "Tệp rỗng"),
    "truncated zip": (truncated_zip, "đã bị hỏng"),
    "zip of something else": (zip_of_something_else, "không phải bảng tính Excel"),
    "encrypted xlsx": (encrypted_xlsx, "đặt mật khẩu"),
    "encrypted xls": (encrypted_xls, "đặt mật khẩu"),
    "xls with macros": (xls_with_macros, "có chứa macro"),
    "xlsx with macros": (xlsx_with_macros, "có chứa macro"),
    "xlsm": (xlsm_by_name, "có chứa macro"),
    "ods with macros": (ods_with_macros, "có chứa macro"),
    "zip bomb": (zip_bomb, "giải nén ra quá lớn"),
    "formula xlsx": (formula_xlsx, r"Ô I3 \(cột “Tổng số CBCNV”\) chứa công thức"),
    "formula xls": (formula_xls, r"Ô I2 \(cột “Tổng số CBCNV”\) chứa công thức"),
    "formula ods": (formula_ods, r"Ô I2 \(cột “Tổng số CBCNV”\) chứa công thức"),
    "html named xls": (html_as_xls, "trang web"),
    "cell at the last row": (far_away_cell, "quá nhiều dòng"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_the_reader_refuses_it_with_a_vietnamese_message(tmp_path, case):
    make, message = HOSTILE[case]
    path = make(tmp_path)

    with pytest.raises(ImportFileError, match=message) as caught:
        read_table(path, COLUMNS)
    assert "Traceback" not in str(caught.value)


@pytest.mark.django_db
@pytest.mark.parametrize("case", HOSTILE)
def test_the_upload_page_refuses_it_and_writes_nothing(world, client_for, tmp_path, case):
    make, message = HOSTILE[case]
    path = make(tmp_path)
    before = snapshot()

    response = client_for(world.staff).post(
        reverse("imports:upload", kwargs={"kind": "units"}),
        {"file": SimpleUploadedFile(path.name, path.read_bytes())},
    )

    assert response.status_code == 400
    assert "Traceback" not in response.content.decode()
    if case == "empty":  # the form itself refuses an empty file: no job at all
        assert not ImportJob.objects.exists()
    else:
        job = ImportJob.objects.get()
        assert job.status == ImportStatus.UNREADABLE and job.applied_at is None
        assert job.error and job.error in response.content.decode()
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["encrypted xlsx", "zip bomb", "formula xlsx"])
def test_the_command_line_refuses_it_with_exit_code_2(tmp_path, case):
    make, message = HOSTILE[case]
    before = snapshot()

    code, output = run("import_data", "units", str(make(tmp_path)))

    assert code == 2 and "Traceback" not in output
    assert snapshot() == before


def test_a_formula_is_named_even_in_a_cell_a_list_of_sheets_does_not_read(tmp_path):
    # Listing sheets needs no formula check: the picker must still offer the sheets.
    assert sheet_names(formula_xlsx(tmp_path)) == ["Sheet"]


def test_the_size_and_row_limits_come_from_settings(tmp_path, settings):
    path = write_csv(tmp_path / "ds.csv", [unit_row(f"A{i}", "Sở") for i in range(5)])
    settings.IMPORT_MAX_ROWS = 4
    with pytest.raises(ImportFileError, match=r"quá nhiều dòng \(giới hạn 4 dòng\)"):
        read_table(path, COLUMNS)
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(ImportFileError, match=r"Tệp quá lớn \(1 KB; giới hạn 1 KB\)"):
        read_table(path, COLUMNS)


def test_a_zip_that_inflates_past_the_absolute_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(containers, "MAX_INFLATED_BYTES", 1000)
    with pytest.raises(ImportFileError, match="giải nén ra quá lớn"):
        read_table(good_xlsx(tmp_path / "ds.xlsx"), COLUMNS)


def test_a_sheet_part_that_lies_about_its_size_is_refused(tmp_path):
    path = good_xlsx(tmp_path / "ds.xlsx")
    data = bytearray(path.read_bytes())
    # Corrupt the sheet's compressed bytes: zipfile's CRC check catches it before calamine.
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 20 : start + 40] = bytes(20)
    path.write_bytes(bytes(data))

    with pytest.raises(ImportFileError, match="bị hỏng"):
        read_table(path, COLUMNS)
