import datetime as dt

import pytest

from chqs.imports import registry
from chqs.imports.columns import (
    Choice,
    Column,
    Option,
    ParseError,
    citizen_id,
    code,
    date,
    date_or_year,
    header_key,
    integer,
    phone,
    yes_no,
)

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
    with pytest.raises(registry.UnknownKind, match="Không có loại dữ liệu “nhan-vien”"):
        registry.get_kind("nhan-vien")


@pytest.mark.parametrize(
    "value",
    [
        " 15 / 07 / 2023 ",
        "15/07/2023 00:00",
        "ngày 15 tháng 7 năm 2023",
        "Ngày 15 tháng 07 năm 2023",
    ],
)
def test_dates_with_spaces_a_time_or_in_words_read_as_the_same_day(value):
    assert date(value) == JULY_15


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1990, (dt.date(1990, 1, 1), True)),
        (1990.0, (dt.date(1990, 1, 1), True)),
        ("1990", (dt.date(1990, 1, 1), True)),
        ("năm 1990", (dt.date(1990, 1, 1), True)),
        ("00/00/1990", (dt.date(1990, 1, 1), True)),
        ("xx/xx/1990", (dt.date(1990, 1, 1), True)),
        ("15/07/1990", (dt.date(1990, 7, 15), False)),
        (33069, (dt.date(1990, 7, 15), False)),
        (dt.datetime(1990, 7, 15), (dt.date(1990, 7, 15), False)),
    ],
)
def test_a_birth_date_may_be_a_year_alone_and_a_year_is_never_read_as_a_serial(value, expected):
    assert date_or_year(value) == expected


def test_a_month_and_year_without_the_day_is_refused_with_the_two_forms_allowed():
    with pytest.raises(ParseError, match="chỉ ghi năm"):
        date_or_year("07/1990")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("092090000123", "092090000123"),
        (92090000123, "092090000123"),
        (92090000123.0, "092090000123"),
        ("92090000123", "092090000123"),
        ("092 090 000 123", "092090000123"),
        ("092.090.000.123", "092090000123"),
        ("361234567", "361234567"),
        (61234567, "061234567"),
    ],
)
def test_a_citizen_id_gets_back_the_leading_zero_excel_dropped(value, expected):
    assert citizen_id(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [("12345", "đang có 5"), ("9.2090E+10", "số mũ"), ("0920A0000123", "chỉ gồm chữ số"),
     (9.5, "thập phân"), (True, "12 chữ số")],
)  # fmt: skip
def test_a_citizen_id_that_is_not_12_or_9_digits_is_refused(value, reason):
    with pytest.raises(ParseError, match=reason):
        citizen_id(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0912345678", "0912345678"), (912345678, "0912345678"), ("+84 912 345 678", "0912345678"),
     ("0084912345678", "0912345678"), ("84912345678", "0912345678"),
     ("(0292) 3812.345", "02923812345")],
)  # fmt: skip
def test_phone_numbers_are_kept_as_text_with_their_leading_zero(value, expected):
    assert phone(value) == expected


@pytest.mark.parametrize("value", ["12345", "09123456789012", "gọi sau"])
def test_a_phone_number_that_cannot_be_is_refused(value):
    with pytest.raises(ParseError):
        phone(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("x", True),
        ("X", True),
        ("Có", True),
        ("co", True),
        (1, True),
        ("✓", True),
        ("Không", False),
        ("0", False),
        ("-", False),
    ],
)
def test_a_tick_reads_as_yes_and_no_reads_as_no(value, expected):
    assert yes_no(value) is expected


def test_a_tick_column_refuses_anything_else():
    with pytest.raises(ParseError, match="“x” hoặc “Có”"):
        yes_no("có lẽ")


def test_a_column_matching_with_accents_tells_the_year_from_male():
    year = Column("birth_year", "Năm", accents=True)
    male = Column("male", "Nam", accents=True)

    assert year.matches("NĂM") and year.matches("năm ") and not year.matches("Nam")
    assert male.matches("NAM") and male.matches("Nam") and not male.matches("Năm")
