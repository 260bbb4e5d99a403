import pytest

from chqs.legacy_encodings import TCVN3, UNICODE, VNI, decode, detect
from chqs.text import fold, title_case_name


@pytest.mark.parametrize(
    ("typed", "encoding", "unicode"),
    [
        ("NguyÔn V¨n An", TCVN3, "Nguyễn Văn An"),
        ("TrÇn ThÞ Mü H¹nh", TCVN3, "Trần Thị Mỹ Hạnh"),
        ("§inh C«ng Tr\xadêng", TCVN3, "Đinh Công Trường"),
        ("NGUYÔN V¡N B×NH", TCVN3, "NGUYỄN VĂN BÌNH"),
        ("Së Y tÕ thµnh phè CÇn Th¬", TCVN3, "Sở Y tế thành phố Cần Thơ"),
        ("Nguyeãn Vaên An", VNI, "Nguyễn Văn An"),
        ("Traàn Thò Myõ Haïnh", VNI, "Trần Thị Mỹ Hạnh"),
        ("Ñinh Coâng Tröôøng", VNI, "Đinh Công Trường"),
        ("NGUYEÃN VAÊN BÌNH", VNI, "NGUYỄN VĂN BÌNH"),
        ("Vieät Nam", VNI, "Việt Nam"),
        ("Nguyễn Văn An", UNICODE, "Nguyễn Văn An"),
        ("Hoàng Hà", UNICODE, "Hoàng Hà"),
        ("José", UNICODE, "José"),
    ],
)
def test_legacy_vietnamese_encodings_are_detected_and_converted(typed, encoding, unicode):
    assert detect([typed]) == encoding
    assert decode(typed, encoding) == unicode


def test_a_file_is_judged_as_a_whole_and_unicode_rows_in_it_are_left_alone():
    cells = ["NguyÔn V¨n An", "Lª ThÞ Hoa", "Phạm Văn Đồng", "Kinh", "12/12"]

    encoding = detect(cells)
    assert encoding == TCVN3
    assert [decode(c, encoding) for c in cells] == [
        "Nguyễn Văn An",
        "Lê Thị Hoa",
        "Phạm Văn Đồng",
        "Kinh",
        "12/12",
    ]


def test_decomposed_input_comes_out_nfc():
    decomposed = "Nguye\u0302\u0303n"
    assert decode(decomposed, UNICODE) == "Nguyễn"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("NGUYỄN VĂN AN", "Nguyễn Văn An"),
        ("đỗ  thị   ánh", "Đỗ Thị Ánh"),
        ("Nguyễn Thị Kim Chi", "Nguyễn Thị Kim Chi"),
        ("ĐINH CÔNG TRƯỜNG", "Đinh Công Trường"),
    ],
)
def test_upper_case_names_are_title_cased_the_vietnamese_way(typed, expected):
    assert title_case_name(typed) == expected


def test_fold_removes_accents_case_and_extra_spaces():
    assert fold("  Cần  THƠ ") == "can tho"
    assert fold("Đường") == "duong"
