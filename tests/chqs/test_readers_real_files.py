"""Clerks' real files: title rows, merged two-row headers, group and totals rows, legacy
encodings, .xls/.ods/.csv. The columns below stand in for the people kind's (the reader
only finds and joins headings; which heading means what is the kind's business)."""

import datetime as dt

import openpyxl
import pytest
from openpyxl.styles import Font

from chqs.imports import engine, readers, registry
from chqs.imports.columns import Column
from chqs.imports.readers import ImportFileError, read_table, sheet_names
from chqs.legacy_encodings import TCVN3, UNICODE, VNI
from units.imports import COLUMNS as UNIT_COLUMNS

from .sheets import to_tcvn3, to_vni, unit_row, write_csv, write_ods, write_workbook, write_xls

PEOPLE = (
    Column("name", "Họ và tên", ("Họ tên",), required=True),
    Column("dob_male", "Ngày sinh Nam"),
    Column("dob_female", "Ngày sinh Nữ"),
    Column("dob", "Ngày sinh", ("Ngày, tháng, năm sinh",)),
    Column("dob_day", "Ngày, tháng, năm sinh Ngày"),
    Column("dob_month", "Ngày, tháng, năm sinh Tháng"),
    Column("dob_year", "Ngày, tháng, năm sinh Năm"),
    Column("cccd", "Số CCCD", ("CCCD/CMND", "Số CCCD/CMND", "Số định danh cá nhân")),
    Column("party_date", "Ngày vào Đảng", ("Đảng viên Ngày vào",)),
    Column("party_official", "Ngày chính thức", ("Đảng viên Chính thức",)),
    Column("squad", "Đơn vị", ("Tổ, đội",)),
)

# The layout of a real "danh sách trích ngang": two title rows, a two-row header with
# merged cells, a row of column numbers, group headings, a totals row and signatures.
TITLE = "DANH SÁCH TRÍCH NGANG LỰC LƯỢNG TỰ VỆ NĂM 2025"
ROWS = [
    ["BỘ CHQS THÀNH PHỐ CẦN THƠ", None, None, None, None, None, None],
    [TITLE, None, None, None, None, None, None],
    [None] * 7,
    ["STT", "Họ và tên", "Ngày sinh", None, "Số CCCD", "Đảng viên", None],
    [None, None, "Nam", "Nữ", None, "Ngày vào", "Chính thức"],
    ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"],
    ["I. PHÒNG HÀNH CHÍNH", None, None, None, None, None, None],
    [1, "NGUYỄN VĂN AN", dt.date(1990, 1, 2), None, 92090000123, dt.date(2015, 5, 19), None],
    [2, "Trần Thị Bé", None, dt.date(1995, 3, 4), "092095000456", None, None],
    [None, "Tổ 1", None, None, None, None, None],
    [3, "Lê Văn Cường", "12/08/1988", None, 92088000789, None, None],
    ["Cộng: 3 người", None, None, None, None, None, None],
    [None] * 7,
    [None, "Người lập biểu", None, None, "THỦ TRƯỞNG ĐƠN VỊ", None, None],
    [None, "(Ký, ghi rõ họ tên)", None, None, None, None, None],
]
MERGES = [(0, 0, 0, 6), (1, 1, 0, 6), (3, 4, 0, 0), (3, 4, 1, 1), (3, 3, 2, 3), (3, 4, 4, 4),
          (3, 3, 5, 6), (6, 6, 0, 6)]  # fmt: skip


def write_real_xlsx(path, rows=ROWS, merges=MERGES, sheet="Danh sách"):
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    for r0, r1, c0, c1 in merges:
        worksheet.merge_cells(start_row=r0 + 1, end_row=r1 + 1, start_column=c0 + 1,
                              end_column=c1 + 1)  # fmt: skip
    worksheet["A1"].font = Font(bold=True)
    workbook.save(path)
    return path


def write_real_ods(path, rows=ROWS, merges=MERGES, sheet="Danh sách"):
    # OpenDocument: spans across columns; what calamine does not report as merges.
    spans = {(r0, c0): c1 - c0 + 1 for r0, _r1, c0, c1 in merges if c1 > c0}
    return write_ods(path, rows, sheet=sheet, spans=spans)


WRITERS = {
    "xlsx": write_real_xlsx,
    "xls": lambda path, **kw: write_xls(path, ROWS, merges=MERGES, **kw),
    "ods": write_real_ods,
}


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_a_real_list_is_read_below_its_titles_with_its_two_row_merged_header(tmp_path, fmt):
    path = WRITERS[fmt](tmp_path / f"trich-ngang.{fmt}")

    table = read_table(path, PEOPLE)

    assert (table.format, table.sheet, table.header_row, table.header_rows) == (
        fmt, "Danh sách", 4, 2,
    )  # fmt: skip
    assert [(h.letter, h.header, h.key) for h in table.headers] == [
        ("A", "STT", None),
        ("B", "Họ và tên", "name"),
        ("C", "Ngày sinh Nam", "dob_male"),
        ("D", "Ngày sinh Nữ", "dob_female"),
        ("E", "Số CCCD", "cccd"),
        ("F", "Đảng viên Ngày vào", "party_date"),
        ("G", "Đảng viên Chính thức", "party_official"),
    ]
    assert [row.number for row in table.rows] == [8, 9, 11]
    first, second, third = (row.values for row in table.rows)
    assert first["name"] == "NGUYỄN VĂN AN"
    assert first["dob_male"] == dt.date(1990, 1, 2)
    assert first["cccd"] == 92090000123 and isinstance(first["cccd"], int)
    assert first["party_date"] == dt.date(2015, 5, 19)
    assert second["dob_female"] == dt.date(1995, 3, 4) and second["cccd"] == "092095000456"
    assert third["dob_male"] == "12/08/1988"


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_numbers_group_totals_and_signature_rows_are_skipped_and_counted(tmp_path, fmt):
    table = read_table(WRITERS[fmt](tmp_path / f"trich-ngang.{fmt}"), PEOPLE)

    assert [(s.number, s.reason) for s in table.skipped] == [
        (6, "numbers"), (7, "group"), (10, "group"), (12, "total"), (13, "blank"),
        (14, "footer"), (15, "footer"),
    ]  # fmt: skip
    assert table.skipped[1].text == "I. PHÒNG HÀNH CHÍNH"
    counts = table.info()["skipped"]
    assert counts["group"] == {"label": "dòng tiêu đề nhóm", "count": 2}
    assert counts["total"]["count"] == 1


def test_a_split_date_header_is_joined_with_its_parent(tmp_path):
    rows = [
        ["Họ và tên", "Ngày, tháng, năm sinh", None, None, "CCCD/CMND"],
        [None, "Ngày", "Tháng", "Năm", None],
        ["Phạm Thị Dung", 5, 6, 1992, "092192000111"],
    ]
    path = write_real_xlsx(tmp_path / "ds.xlsx", rows, [(0, 1, 0, 0), (0, 0, 1, 3), (0, 1, 4, 4)])

    table = read_table(path, PEOPLE)

    assert table.positions == {"name": 0, "dob_day": 1, "dob_month": 2, "dob_year": 3, "cccd": 4}
    assert table.rows[0].values == {
        "name": "Phạm Thị Dung", "dob_day": 5, "dob_month": 6, "dob_year": 1992,
        "cccd": "092192000111",
    }  # fmt: skip


def test_a_two_row_header_without_merges_is_read_from_its_layout(tmp_path):
    # A CSV has no merged cells: "Ngày sinh" stands over "Nam" and, to its right, "Nữ".
    rows = [["Ngày sinh", None, "Họ và tên"], ["Nam", "Nữ", None], ["01/02/1990", None, "An"]]
    path = write_csv(tmp_path / "ds.csv", rows[1:], header=rows[0])

    table = read_table(path, PEOPLE)

    assert table.header_rows == 2
    assert table.positions == {"dob_male": 0, "dob_female": 1, "name": 2}


def test_a_stacked_header_cell_is_kept_as_written_for_the_matcher(tmp_path):
    path = write_workbook(
        tmp_path / "ds.xlsx", [["An", "092090000123"]], header=["Họ và tên\n(chữ in hoa)",
                                                                 "Số CCCD / CMND"]
    )  # fmt: skip

    table = read_table(path, PEOPLE)

    assert [(h.header, h.key) for h in table.headers] == [
        ("Họ và tên (chữ in hoa)", "name"), ("Số CCCD / CMND", "cccd"),
    ]  # fmt: skip


def test_a_row_with_only_an_upper_case_name_is_data_not_a_group_heading(tmp_path):
    path = write_workbook(
        tmp_path / "ds.xlsx",
        [[1, "NGUYỄN VĂN AN", None], [2, "Tô Văn Bình", None], ["II", "KHỐI SẢN XUẤT", None]],
        header=["STT", "Họ và tên", "Số CCCD"],
    )

    table = read_table(path, PEOPLE)

    assert [row.values["name"] for row in table.rows] == ["NGUYỄN VĂN AN", "Tô Văn Bình"]
    assert [(s.number, s.reason) for s in table.skipped] == [(4, "group")]


def test_a_unit_cell_merged_down_beside_several_people_belongs_to_each(tmp_path):
    rows = [
        ["Họ và tên", "Đơn vị"],
        ["An", "Tổ 1"],
        ["Bình", None],
        ["Chi", None],
        ["Dũng", "Tổ 2"],
    ]
    path = write_real_xlsx(tmp_path / "ds.xlsx", rows, [(1, 3, 1, 1)])

    table = read_table(path, PEOPLE)

    assert [row.values["squad"] for row in table.rows] == ["Tổ 1", "Tổ 1", "Tổ 1", "Tổ 2"]


@pytest.mark.parametrize(("encoder", "encoding"), [(to_tcvn3, TCVN3), (to_vni, VNI)])
def test_a_list_typed_in_a_legacy_encoding_is_converted_to_unicode(tmp_path, encoder, encoding):
    rows = [[encoder(text) if isinstance(text, str) else text for text in row] for row in ROWS]
    path = write_real_xlsx(tmp_path / "cu.xlsx", rows)

    table = read_table(path, PEOPLE)

    assert table.encoding == encoding
    assert table.info()["encoding_label"] in ("TCVN3 (ABC)", "VNI-Windows")
    assert table.positions["name"] == 1 and table.positions["party_date"] == 5
    names = [row.values["name"] for row in table.rows]
    assert names == ["NGUYỄN VĂN AN", "Trần Thị Bé", "Lê Văn Cường"]
    assert table.skipped[1].text == "I. PHÒNG HÀNH CHÍNH"


def test_a_unicode_file_is_reported_as_unicode_and_left_in_nfc(tmp_path):
    decomposed = "Nguye\u0302\u0303n Va\u0306n An"  # NFD, as some Mac programs save
    path = write_workbook(tmp_path / "ds.xlsx", [[decomposed]], header=["Họ và tên"])

    table = read_table(path, PEOPLE)

    assert table.encoding == UNICODE and table.info()["encoding_label"] == ""
    assert table.rows[0].values["name"] == "Nguyễn Văn An"


def test_a_csv_with_bom_semicolons_titles_and_totals_is_read(tmp_path):
    path = write_csv(
        tmp_path / "ds.csv",
        [["", "", ""], ["Họ và tên", "Ngày sinh", "Số CCCD"], ["Nguyễn Văn An", "02/01/1990",
         "092090000123"], ["Tổng cộng", "", ""]],
        header=[TITLE, "", ""],
    )  # fmt: skip

    table = read_table(path, PEOPLE)

    assert (table.format, table.header_row, table.delimiter) == ("csv", 3, ";")
    assert table.rows[0].values == {"name": "Nguyễn Văn An", "dob": "02/01/1990",
                                    "cccd": "092090000123"}  # fmt: skip
    assert [(s.number, s.reason) for s in table.skipped] == [(5, "total")]


def test_a_csv_saved_in_the_ansi_code_page_with_tcvn3_text_is_converted(tmp_path):
    text = f"{to_tcvn3('Họ và tên')},{to_tcvn3('Số CCCD')}\r\n{to_tcvn3('Nguyễn Văn An')},1\r\n"
    path = tmp_path / "ds.csv"
    path.write_bytes(text.encode("latin-1"))

    table = read_table(path, PEOPLE)

    assert table.encoding == TCVN3 and table.rows[0].values["name"] == "Nguyễn Văn An"


def test_the_sheet_names_are_listed_and_the_first_sheet_with_a_header_is_the_default(tmp_path):
    path = tmp_path / "nhieu-trang.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "Hướng dẫn"
    workbook.active.append(["Điền danh sách ở trang sau"])
    hidden = workbook.create_sheet("Ẩn")
    hidden.sheet_state = "hidden"
    for name, person in (("Tổ 1", "An"), ("Tổ 2", "Bình")):
        sheet = workbook.create_sheet(name)
        sheet.append(["Họ và tên", "Số CCCD"])
        sheet.append([person, "092090000123"])
    workbook.save(path)

    assert sheet_names(path) == ["Hướng dẫn", "Tổ 1", "Tổ 2"]
    assert read_table(path, PEOPLE).sheet == "Tổ 1"
    assert read_table(path, PEOPLE, sheet="Tổ 2").rows[0].values["name"] == "Bình"
    assert read_table(path, PEOPLE).sheets == ["Hướng dẫn", "Tổ 1", "Tổ 2"]


def test_sheet_names_of_xls_ods_and_csv(tmp_path):
    xls = write_xls(tmp_path / "a.xls", [["Họ và tên"]], extra_sheets=["Bìa"])
    ods = write_ods(tmp_path / "a.ods", [["Họ và tên"]], sheet="Tổ 3")
    csv_file = write_csv(tmp_path / "a.csv", [], header=["Họ và tên"])

    assert sheet_names(xls) == ["Bìa", "Danh sách"]
    assert sheet_names(ods) == ["Tổ 3"]
    assert sheet_names(csv_file) == ["CSV"]


def test_the_clerk_can_correct_the_column_mapping(tmp_path):
    path = write_workbook(
        tmp_path / "ds.xlsx", [["An", "02/01/1990", "Tổ 1"]], header=["Họ và tên", "NS", "Tổ"]
    )

    assert read_table(path, PEOPLE).positions == {"name": 0}
    table = read_table(path, PEOPLE, mapping={1: "dob", 2: "squad"})

    assert table.positions == {"name": 0, "dob": 1, "squad": 2}
    assert [(h.header, h.key, h.overridden) for h in table.headers] == [
        ("Họ và tên", "name", False), ("NS", "dob", True), ("Tổ", "squad", True),
    ]  # fmt: skip
    # A column can also be set aside: then a required one may go missing.
    with pytest.raises(ImportFileError, match="thiếu cột bắt buộc: “Họ và tên”"):
        read_table(path, PEOPLE, mapping={0: ""})


def test_options_set_above_the_engine_reach_the_reader_and_the_table_comes_back(tmp_path, db):
    from units.imports import SystemScope

    path = write_workbook(
        tmp_path / "dv.xlsx",
        [unit_row("A3", "Trường ĐH", parent="X1"), ["Tổng cộng", None, None]],
        above=[["DANH SÁCH ĐƠN VỊ"]],
    )
    calls = []
    with readers.reading(progress=lambda *args: calls.append(args)) as options:
        result = engine.preview(registry.get_kind("units"), path, scope=SystemScope())

    assert result.header_row == 2
    assert options.table is not None and options.table.header_row == 2
    assert [(s.number, s.reason) for s in options.table.skipped] == [(4, "total")]
    assert calls[-1][0] == "reading"


def test_a_formula_in_an_unused_column_is_ignored_with_a_warning(tmp_path):
    path = tmp_path / "ds.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["STT", "Họ và tên"])
    sheet.append([1, "An"])
    sheet.append(["=A2+1", "Bình"])
    workbook.save(path)

    table = read_table(path, PEOPLE)

    assert [row.values["name"] for row in table.rows] == ["An", "Bình"]
    assert table.warnings == ["Các ô công thức ở cột không dùng (A) được bỏ qua, không đọc."]


def test_the_units_kind_reads_a_list_with_titles_groups_and_totals(tmp_path):
    path = write_workbook(
        tmp_path / "dv.xlsx",
        [["I. KHỐI CƠ QUAN NHÀ NƯỚC"] + [None] * 9,
         unit_row("A3", "Trường Đại học Cần Thơ", parent="X1"),
         unit_row("A4", "Công ty Điện lực", parent="X1"),
         ["Cộng: 2 đơn vị"] + [None] * 9],
        above=[["BỘ CHQS THÀNH PHỐ CẦN THƠ"], ["DANH SÁCH ĐƠN VỊ"], []],
    )  # fmt: skip

    table = read_table(path, UNIT_COLUMNS)

    assert [row.values["code"] for row in table.rows] == ["A3", "A4"]
    assert [(s.number, s.reason) for s in table.skipped] == [(5, "group"), (8, "total")]


@pytest.mark.parametrize(("fmt", "wrong"), [("xlsx", "xls"), ("xls", "xlsx"), ("ods", "xlsx")])
def test_a_workbook_saved_under_the_wrong_extension_is_read_by_its_content(tmp_path, fmt, wrong):
    path = WRITERS[fmt](tmp_path / f"trich-ngang.{fmt}")
    renamed = path.rename(tmp_path / f"trich-ngang.{wrong}")

    table = read_table(renamed, PEOPLE)

    assert table.format == fmt and [row.number for row in table.rows] == [8, 9, 11]


def test_a_row_with_only_its_number_is_blank_even_when_the_number_column_is_read(tmp_path):
    # Clerks' templates come pre-numbered: "STT" filled on rows nobody wrote in yet.
    columns = (Column("stt", "STT", informative=True), *PEOPLE)
    path = write_workbook(
        tmp_path / "ds.xlsx",
        [[1, "An", None], ["II", "KHỐI SẢN XUẤT", None], [2, None, None], [3, None, None]],
        header=["STT", "Họ và tên", "Số CCCD"],
    )

    table = read_table(path, columns)

    assert [row.values for row in table.rows] == [{"stt": 1, "name": "An", "cccd": None}]
    assert [(s.number, s.reason) for s in table.skipped] == [(3, "group")]  # trailing blanks
