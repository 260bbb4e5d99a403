import datetime as dt

import pytest

from chqs.imports import registry
from chqs.imports.columns import Choice, Column, Option, ParseError, code, date, header_key, integer

JULY_15 = dt.date(2023, 7, 15)


@pytest.mark.parametrize(
    "value",
    [
        JULY_15,
        dt.datetime(2023, 7, 15, 0, 0),
        45122,
        45122.0,
        45122.75,
        "45122",
        "15/07/2023",
        "15/7/2023",
        "15-07-2023",
        "15.07.2023",
        "2023-07-15",
        "2023-7-15",
        "2023-07-15 00:00:00",
        " 15/07/2023 ",
    ],
)
def test_every_date_form_found_in_real_files_reads_as_the_same_day(value):
    assert date(value) == JULY_15


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("31/02/2023", "không tồn tại"),
        ("15/07/23", "dd/mm/yyyy"),
        ("hôm qua", "dd/mm/yyyy"),
        ("07/15/2023", "không tồn tại"),
        (12, "không phải ngày"),
        ("01/01/1800", "1900"),
    ],
)
def test_a_bad_date_is_refused_with_a_vietnamese_reason(value, reason):
    with pytest.raises(ParseError, match=reason):
        date(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(120, 120), (120.0, 120), ("120", 120), ("1.122", 1122), ("1,122", 1122), ("1 122", 1122)],
)
def test_whole_numbers_are_read_with_vietnamese_thousands_separators(value, expected):
    assert integer(value) == expected


@pytest.mark.parametrize("value", ["mười", "12,5", 12.5, "-3", True])
def test_a_non_numeric_or_negative_head_count_is_refused(value):
    with pytest.raises(ParseError):
        integer(value)


def test_a_code_typed_as_a_number_loses_its_decimal_point_and_spaces_are_refused():
    assert code(12.0) == "12"
    assert code("  SYT-CT ") == "SYT-CT"
    with pytest.raises(ParseError, match="dấu cách"):
        code("SYT CT")


@pytest.mark.parametrize(
    "heading",
    ["Mã đơn vị cấp trên", "MA DON VI CAP TREN", "mã  đơn vị (cấp trên)", "Mã_đơn_vị_cấp_trên:"],
)
def test_headers_match_whatever_their_case_accents_spaces_and_punctuation(heading):
    column = Column("parent", "Mã đơn vị cấp trên", synonyms=("Trực thuộc",))
    assert column.matches(heading)
    assert column.matches("TRUC THUOC")
    assert not column.matches("Mã đơn vị")


def test_header_keys_fold_the_letter_d_with_stroke():
    assert header_key("Địa chỉ") == header_key("dia chi") == "diachi"


def test_a_choice_accepts_the_code_the_label_or_an_alias_and_lists_the_options_otherwise():
    options = [Option("agency", "Cơ quan, tổ chức"), Option("xa", "Cấp xã", ("phường",))]
    parse = Choice(lambda: options, "loại đơn vị").bind()

    assert parse("agency") == "agency"
    assert parse("co quan to chuc") == "agency"
    assert parse("CƠ QUAN, TỔ CHỨC") == "agency"
    assert parse("Phường") == "xa"
    with pytest.raises(ParseError, match="Cơ quan, tổ chức, Cấp xã"):
        parse("Bệnh viện")


def test_the_registry_refuses_a_second_kind_with_the_same_code(db):
    units = registry.get_kind("units")
    with pytest.raises(Exception, match="registered twice"):
        registry.register(registry.Kind(**{**vars(units), "title": "Bản sao"}))
    assert registry.get_kind("units") is units


def test_an_unknown_kind_is_named_in_vietnamese():
    with pytest.raises(registry.UnknownKind, match="Không có loại dữ liệu “people”"):
        registry.get_kind("people")
