"""The per-person annex of a return (danh sách kèm theo): the official letterhead, one
bordered table row per member, the header on every page, page numbers at the top from
page 2 on, the total and the signature block at the end; built by the background task."""

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from chqs.pdf_table import KEEP_WITH_CLOSING, Column, LongTable
from chqs.text import nfc
from personnel.models import Person
from reports import services
from reports.annex import COLUMNS, annex_pdf
from reports.models import Return
from reports.periods import parse_period
from reports.tasks import DONE, build_annex
from tests.pdfs import pdf_fragments, top_margin_text
from units.models import ForceKind, Formation

from .helpers import member

D = dt.date
A4_LANDSCAPE = (842, 595)  # pt, rounded
HEADER = "STT Họ và tên Ngày sinh Giới tính Cơ quan, tổ chức Đơn vị tự vệ Chức vụ"


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path


def annex_return(world, unit=None) -> Return:
    ret = services.return_create(
        unit=unit or world.agency1,
        period=parse_period("2023-H1"),
        as_of=D(2023, 7, 15),
        user=world.staff,
    )
    return services.return_update(ret=ret, data={"signer_name": "Phạm Quốc Dũng"})


def page_text(page) -> str:
    return " ".join(page.extract_text().split())


def test_the_task_builds_the_annex_with_letterhead_rows_total_and_signature(world):
    kind = ForceKind.objects.get(code="phong-khong")
    air = Formation.objects.create(
        agency=world.agency1, code="PK1", name="Trung đội tự vệ phòng không", level="trung_doi",
        force_kind=kind,
    )  # fmt: skip
    member(world.agency1, air, name="Nguyễn Thị Hồng", gender="F", born=D(1992, 10, 10),
           party=D(2015, 5, 19), position="tieu-doi-truong")  # fmt: skip
    member(world.agency1, world.formation1, name="Trần Văn Đảng", youth=D(2010, 3, 26))
    member(world.agency1, world.formation1, name="Lê Văn Mới", joined_on=D(2023, 8, 1))
    ret = annex_return(world)

    assert build_annex.call(ret.pk) == DONE
    ret.refresh_from_db()
    assert (ret.annex_status, ret.annex_progress) == (DONE, 100)
    reader = PdfReader(io.BytesIO(ret.annex_file.open("rb").read()))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert (round(page.mediabox.width), round(page.mediabox.height)) == A4_LANDSCAPE
    text = page_text(page)
    for expected in (
        "SỞ Y TẾ THÀNH PHỐ CẦN THƠ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "DANH SÁCH",
        "Cán bộ, chiến sĩ tự vệ tính đến ngày 15/07/2023 (kèm theo Báo cáo số .../BC)",
        HEADER + " Thành phần Ngày vào Đảng viên Đoàn viên",
        # by given name: Đảng before Hồng
        "1 Trần Văn Đảng 01/05/1990 Nam Sở Y tế thành phố Cần Thơ Tiểu đội tự vệ 1 Chiến sĩ "
        "Tự vệ tại chỗ 15/01/2022 x",
        "2 Nguyễn Thị Hồng 10/10/1992 Nữ Sở Y tế thành phố Cần Thơ Trung đội tự vệ phòng "
        "không Tiểu đội trưởng Phòng không 15/01/2022 x",
        "Tổng cộng: 2 đồng chí.",
        "Nơi nhận:",
        "CHỈ HUY TRƯỞNG",
        "Phạm Quốc Dũng",
    ):
        assert expected in text, expected
    assert "Lê Văn Mới" not in text  # joined after the as-of date
    assert text.index("DANH SÁCH") < text.index("Trần Văn Đảng") < text.index("Tổng cộng")
    assert top_margin_text(page) == []  # no page number on page 1
    fonts = {str(font.get_object()["/BaseFont"]) for font in page["/Resources"]["/Font"].values()}
    assert fonts and all("CHQS-Serif" in f or "LiberationSerif" in f for f in fonts), fonts


def test_the_annex_lists_members_by_given_name_then_middle_then_family_name(world):
    for name in ("Dương Văn Đông", "Đặng Văn Dũng", "Trần Thị Bình", "Nguyễn Văn An",
                 "Lê Văn Bình", "Đỗ Thị Dung"):  # fmt: skip
        member(world.agency1, world.formation1, name=name)
    text = " ".join(
        page_text(p) for p in PdfReader(io.BytesIO(annex_pdf(annex_return(world)))).pages
    )

    listed = re.findall(r"(\d) (\D+?) 01/05/1990", text)
    assert listed == [
        ("1", "Nguyễn Văn An"),
        ("2", "Trần Thị Bình"),  # Thị before Văn
        ("3", "Lê Văn Bình"),
        ("4", "Đỗ Thị Dung"),  # Dung before Dũng: the tone decides only between them
        ("5", "Đặng Văn Dũng"),  # D before Đ: Dũng before Đông, Đặng after Dương
        ("6", "Dương Văn Đông"),
    ]


def test_a_long_annex_repeats_the_header_and_numbers_its_pages_at_the_top(world):
    for n in range(70):
        member(world.agency1, world.formation1, name=f"Nguyễn Văn Số {n + 1:02d}")
    calls = []
    pdf = annex_pdf(annex_return(world), lambda done, total: calls.append((done, total)))

    reader = PdfReader(io.BytesIO(pdf))
    pages = reader.pages
    assert len(pages) >= 3
    assert calls == [(70, 70)]
    assert top_margin_text(pages[0]) == []
    for number, page in enumerate(pages[1:], start=2):
        assert top_margin_text(page) == [str(number)]
        (x, _, _), *_ = [f for f in pdf_fragments(page) if f[2] == str(number)]
        assert abs(x - float(page.mediabox.width) / 2) < 20  # centred
    texts = [page_text(page) for page in pages]
    table_pages = [t for t in texts if "Nguyễn Văn Số" in t]
    assert all(HEADER in t for t in table_pages)
    everything = " ".join(texts)
    for n in range(70):  # every row once, in order, numbered
        assert everything.count(f"Nguyễn Văn Số {n + 1:02d} ") == 1
        assert f"{n + 1} Nguyễn Văn Số {n + 1:02d} 01/05/1990 Nam" in everything
    assert "Tổng cộng: 70 đồng chí." in texts[-1] or "Tổng cộng: 70 đồng chí." in texts[-2]
    assert "CHỈ HUY TRƯỞNG" in texts[-1]


def test_long_names_wrap_inside_their_column(world):
    long_name = "Tôn Nữ Công Tằng Huyền Tôn Nữ Thị Hồng Nhung"
    member(world.agency1, world.formation1, name=long_name, gender="F")
    page = PdfReader(io.BytesIO(annex_pdf(annex_return(world)))).pages[0]
    assert long_name in page_text(page)
    pieces = [  # the name's lines (not the gender cell "Nữ")
        (x, y, text) for x, y, text in pdf_fragments(page) if text in long_name and " " in text
    ]
    lines = {round(y) for _, y, _ in pieces}
    starts = {round(x) for x, _, _ in pieces}
    assert len(lines) >= 2 and len(starts) == 1  # several lines, all at the column's left


def test_an_annex_without_members_still_has_its_table_header_and_a_zero_total(world):
    Person.objects.all().delete()
    reader = PdfReader(io.BytesIO(annex_pdf(annex_return(world))))
    text = " ".join(page_text(page) for page in reader.pages)
    assert len(reader.pages) == 1
    assert HEADER in text
    assert "Tổng cộng: 0 đồng chí." in text


# -- page breaks and glyphs (branch letterhead) --------------------------------------


def numbered_rows(page) -> list[int]:
    return [int(n) for n in re.findall(r"Nguyễn Văn Số (\d{3})", page.extract_text())]


def test_an_annex_ending_at_a_page_foot_keeps_its_last_rows_with_the_signature(world):
    for n in range(40):
        member(world.agency1, world.formation1, name=f"Nguyễn Văn Số {n + 1:03d}")
    ret = annex_return(world)
    capacity = len(numbered_rows(PdfReader(io.BytesIO(annex_pdf(ret))).pages[0]))
    assert 5 < capacity < 40
    Person.objects.filter(full_name__gt=f"Nguyễn Văn Số {capacity:03d}").delete()

    reader = PdfReader(io.BytesIO(annex_pdf(ret)))  # the last row at the first page's foot

    (closing,) = [page for page in reader.pages if "CHỈ HUY TRƯỞNG" in page.extract_text()]
    assert numbered_rows(closing)[-KEEP_WITH_CLOSING:] == list(
        range(capacity - KEEP_WITH_CLOSING + 1, capacity + 1)
    )
    assert HEADER in page_text(closing)
    assert f"Tổng cộng: {capacity} đồng chí." in page_text(closing)
    rows = [n for page in reader.pages for n in numbered_rows(page)]
    assert rows == list(range(1, capacity + 1))


VOWELS = "aăâeêioôơuưy"
TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # ngang sắc huyền hỏi ngã nặng
LETTERS = {nfc(v + t) for v in VOWELS + VOWELS.upper() for t in TONES} | set("đĐ")


def syllables() -> list[str]:
    """One syllable for each vowel with each tone, in lower and in upper case:
    "đang đáng đàng đảng đãng đạng", … "ĐỴNG"."""
    words = [nfc(f"đ{v}{t}ng") for v in VOWELS for t in TONES]
    return words + [word.upper() for word in words]


def printed_cells(columns, rows) -> str:
    """The table's text as extracted from its pages, without the header of each page
    (checked to be there, as given), the page numbers and any white space."""
    table = LongTable(columns, left=85, right=800, first_top=60)
    header = "".join("".join(column.title for column in columns).split())
    printed = ""
    for part in table.parts(rows):
        for page in PdfReader(io.BytesIO(part)).pages:
            text = "".join(page.extract_text().split())
            text = text.removeprefix("".join(top_margin_text(page)))
            assert text.startswith(header)
            printed += text.removeprefix(header)
    return printed


def test_every_vietnamese_letter_and_tone_prints_in_every_column():
    words = syllables()
    assert set("".join(words)) >= LETTERS
    rows = [[word] * len(COLUMNS) for word in words]  # STT and dates too: all of them

    assert printed_cells(COLUMNS, rows) == "".join(word * len(COLUMNS) for word in words)


def test_every_vietnamese_letter_and_tone_prints_in_the_bold_header():
    words = syllables()
    # One column a tone, each title holding that tone's every vowel in both cases.
    titles = [" ".join(words[i :: len(TONES)]) for i in range(len(TONES))]
    assert set("".join(titles)) >= LETTERS

    assert printed_cells([Column(title, 1) for title in titles], [["x"] * len(TONES)]) == (
        "x" * len(TONES)
    )
