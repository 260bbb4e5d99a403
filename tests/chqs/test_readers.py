import datetime as dt

import openpyxl
import pytest

from chqs.imports.readers import ImportFileError, read_table
from units.imports import COLUMNS

from .sheets import HEADER, unit_row, write_csv, write_workbook


def test_the_header_is_found_below_title_rows_and_blank_rows_are_skipped(tmp_path):
    path = write_workbook(
        tmp_path / "ds.xlsx",
        [unit_row("A3", "Trường Đại học Cần Thơ", parent="X1"), [None] * 10, ["  "] * 10,
         unit_row("A4", "Bệnh viện Đa khoa", parent="X1")],
        above=[["BỘ CHQS THÀNH PHỐ CẦN THƠ"], ["DANH SÁCH ĐƠN VỊ"], []],
    )  # fmt: skip

    table = read_table(path, COLUMNS)

    assert table.header_row == 4
    assert [(row.number, row.values["code"]) for row in table.rows] == [(5, "A3"), (8, "A4")]


def test_synonyms_and_accent_free_headers_in_any_order_are_recognised(tmp_path):
    header = ["STT", "TEN CO QUAN, TO CHUC", "ma don vi", "Trực thuộc", "Loại", "Từ ngày",
              "Ghi chú"]  # fmt: skip
    path = write_workbook(
        tmp_path / "ds.xlsx", [[1, "Sở Y tế", "A1", "X1", "agency", "01/01/2020", ""]],
        header=header,
    )  # fmt: skip

    table = read_table(path, COLUMNS)

    assert table.rows[0].values == {
        "name": "Sở Y tế", "code": "A1", "parent": "X1", "kind": "agency",
        "valid_from": "01/01/2020",
    }  # fmt: skip
    assert table.ignored_headers == ["STT", "Ghi chú"]


def test_the_template_notes_row_under_the_header_is_not_read_as_data(tmp_path):
    notes = [column.notes for column in COLUMNS]
    path = write_workbook(tmp_path / "mau.xlsx", [notes, unit_row("A3", "Trường ĐH", parent="X1")])

    assert [row.number for row in read_table(path, COLUMNS).rows] == [3]


def test_a_sheet_is_chosen_by_name_or_else_by_its_header(tmp_path):
    path = tmp_path / "hai-trang.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "Ghi chú"
    workbook.active.append(["Tài liệu hướng dẫn"])
    data = workbook.create_sheet("Đơn vị")
    data.append(HEADER)
    data.append(unit_row("A3", "Trường ĐH", parent="X1", valid_from=dt.date(2023, 7, 15)))
    workbook.save(path)

    assert read_table(path, COLUMNS).sheet == "Đơn vị"
    assert read_table(path, COLUMNS, sheet="Đơn vị").rows[0].values["code"] == "A3"
    with pytest.raises(ImportFileError, match="Không có trang tính “Trang 9”"):
        read_table(path, COLUMNS, sheet="Trang 9")


@pytest.mark.parametrize(("delimiter", "bom"), [(";", True), (",", False), (",", True)])
def test_a_utf8_csv_is_read_with_or_without_bom_and_either_delimiter(tmp_path, delimiter, bom):
    path = write_csv(
        tmp_path / "ds.csv", [unit_row("A3", "Trường Đại học Cần Thơ, cơ sở 2", parent="X1")],
        delimiter=delimiter, bom=bom,
    )  # fmt: skip

    table = read_table(path, COLUMNS)

    assert table.rows[0].values["code"] == "A3"
    assert table.rows[0].values["name"] == "Trường Đại học Cần Thơ, cơ sở 2"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "rong.xlsx", "Tệp rỗng"),
        (bytes(range(256)) * 8, "ngau-nhien.xlsx", "không phải bảng tính Excel"),
        (b"PK\x03\x04 not really a zip", "hong.xlsx", "không phải bảng tính Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "cu.xls", ".xls"),
        ("Tên đơn vị;Loại".encode("cp1258", "ignore"), "ds.csv", "UTF-8"),
        (b"\x00\x01\x02garbage", "ds.bin", "không phải bảng tính"),
    ],
)
def test_unreadable_files_are_refused_with_a_vietnamese_message(tmp_path, content, name, message):
    path = tmp_path / name
    path.write_bytes(content)

    with pytest.raises(ImportFileError, match=message):
        read_table(path, COLUMNS)


def test_a_sheet_without_the_required_columns_is_refused(tmp_path):
    path = write_workbook(tmp_path / "ds.xlsx", [["A1", "Sở Y tế"]], header=["Mã đơn vị", "Tên"])

    with pytest.raises(ImportFileError, match="thiếu cột bắt buộc: “Loại đơn vị”"):
        read_table(path, COLUMNS)


def test_a_sheet_without_any_header_is_refused(tmp_path):
    path = write_workbook(tmp_path / "ds.xlsx", [], header=["Họ và tên", "Ngày sinh"])

    with pytest.raises(ImportFileError, match="Không tìm thấy dòng tiêu đề"):
        read_table(path, COLUMNS)


def test_files_over_the_size_or_row_limits_are_refused(tmp_path, settings):
    path = write_workbook(tmp_path / "ds.xlsx", [unit_row(f"A{i}", "Sở") for i in range(5)])
    settings.IMPORT_MAX_ROWS = 4
    with pytest.raises(ImportFileError, match="quá nhiều dòng"):
        read_table(path, COLUMNS)
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(ImportFileError, match="Tệp quá lớn"):
        read_table(path, COLUMNS)
