"""Long tables in official PDFs (chqs.pdf_table): drawn between the WeasyPrint letterhead
and closing of a template extending pdf/long_table.html."""

import datetime as dt
import io
import re
import unicodedata

import pytest
from pypdf import PdfReader

from chqs.pdf import Letterhead
from chqs.pdf_table import KEEP_WITH_CLOSING, Column, table_document
from tests.pdfs import top_margin_text

DOC = Letterhead(
    parent_body="BỘ CHQS THÀNH PHỐ CẦN THƠ",
    issuer="BAN CHQS SỞ Y TẾ",
    place="Cần Thơ",
    on=dt.date(2024, 2, 5),
    title="DANH SÁCH",
    subject="Cán bộ trực",
    signer_name="Nguyễn Thị Hồng",
)
COLUMNS = [Column("STT", 10, "R"), Column("Họ và tên", 60), Column("Ghi chú", 20, "C")]


def specimen(rows, doc=DOC, context=None) -> PdfReader:
    context = {"doc": doc, **(context or {})}
    pdf = table_document("pdf/_table_specimen.html", context, COLUMNS, rows)
    return PdfReader(io.BytesIO(pdf))


def lines(reader: PdfReader) -> list[str]:
    return [line for page in reader.pages for line in page.extract_text().splitlines()]


def test_a_portrait_table_sits_between_letterhead_and_signature():
    reader = specimen([[str(n), f"Đặng Văn Đảng {n}", "Phòng không"] for n in range(1, 4)])
    page = reader.pages[0]
    assert (round(page.mediabox.width), round(page.mediabox.height)) == (595, 842)
    text = " ".join(page.extract_text().split())
    assert text.index("Cần Thơ, ngày 05 tháng 02 năm 2024") < text.index("STT Họ và tên")
    assert "2 Đặng Văn Đảng 2 Phòng không" in text
    assert text.index("Đặng Văn Đảng 3") < text.index("Hết danh sách (3 dòng).")
    assert text.index("Hết danh sách") < text.index("Nguyễn Thị Hồng")


def test_a_word_wider_than_its_column_is_broken_inside_the_column():
    word = "Khoa" * 12  # no space to wrap at, wider than the 20 mm column
    reader = specimen([["1", "Lê Văn Tám", word]])
    pieces = [line.strip() for line in lines(reader) if line.strip() and line.strip() in word]
    assert len(pieces) >= 2 and "".join(pieces) == word


def test_decomposed_text_is_printed_composed():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hồng")
    text = " ".join(specimen([["1", decomposed, ""]]).pages[0].extract_text().split())
    assert "1 Nguyễn Thị Hồng" in text  # NFC in, NFC out: one glyph per letter


def test_a_table_written_in_several_parts_keeps_its_rows_and_page_numbers(monkeypatch):
    from chqs import pdf_table

    monkeypatch.setattr(pdf_table, "PAGES_PER_PART", 1)  # one fpdf2 document per page
    reader = specimen([[str(n), f"Trần Văn Số {n:03d}", ""] for n in range(1, 121)])
    texts = [" ".join(page.extract_text().split()) for page in reader.pages]
    table = [text for text in texts if "Trần Văn Số" in text]
    assert len(table) >= 3 and all("STT Họ và tên" in text for text in table)
    numbers = [top_margin_text(page) for page in reader.pages]
    assert numbers == [[]] + [[str(n)] for n in range(2, len(texts) + 1)]
    everything = " ".join(texts)
    assert all(everything.count(f"{n} Trần Văn Số {n:03d}") == 1 for n in range(1, 121))
    assert "Hết danh sách (120 dòng)." in everything


def row_numbers(page) -> list[int]:
    """The numbers of the specimen's rows ("Trần Văn Số 007") on a page."""
    return [int(n) for n in re.findall(r"Trần Văn Số (\d{3})", page.extract_text())]


def numbered(count: int) -> list[list[str]]:
    return [[str(n), f"Trần Văn Số {n:03d}", ""] for n in range(1, count + 1)]


def first_page_capacity() -> int:
    return len(row_numbers(specimen(numbered(80)).pages[0]))


def closing_page(reader: PdfReader):
    (page,) = [page for page in reader.pages if "Nguyễn Thị Hồng" in page.extract_text()]
    return page


@pytest.mark.parametrize("full_pages", [1, 2])
def test_the_signature_keeps_the_last_rows_when_the_table_fills_its_page(full_pages):
    per_page = first_page_capacity()
    if full_pages == 2:  # a continuation page holds more: no letterhead above
        per_page += len(row_numbers(specimen(numbered(per_page + 80)).pages[1]))
    reader = specimen(numbered(per_page))  # the last row at the foot of a page

    closing = closing_page(reader)
    assert row_numbers(closing)[-KEEP_WITH_CLOSING:] == list(
        range(per_page - KEEP_WITH_CLOSING + 1, per_page + 1)
    )
    text = " ".join(closing.extract_text().split())
    assert "STT Họ và tên" in text  # the moved rows under their header
    assert text.index(f"Trần Văn Số {per_page:03d}") < text.index("Hết danh sách")
    assert [n for page in reader.pages for n in row_numbers(page)] == list(
        range(1, per_page + 1)
    )  # every row once, in order
    assert reader.pages.index(closing) == len(reader.pages) - 1 == full_pages
    numbers = [top_margin_text(page) for page in reader.pages]
    assert numbers == [[]] + [[str(n)] for n in range(2, len(reader.pages) + 1)]


def test_near_a_page_foot_every_row_count_puts_rows_on_the_closing_page():
    capacity = first_page_capacity()
    for count in range(capacity - 6, capacity + 2):
        reader = specimen(numbered(count))
        on_closing = row_numbers(closing_page(reader))
        assert on_closing and on_closing[-1] == count, count
        assert sum(len(row_numbers(page)) for page in reader.pages) == count


def test_a_lone_row_under_the_letterhead_goes_with_the_closing_to_the_next_page():
    row_mm = (10 * 1.3 + 2 * 0.5 * 72 / 25.4) * 25.4 / 72  # one line of 10 pt and padding
    room = first_page_capacity() - 1  # rows' worth of space to fill above the table
    for slack in (0.5, 2, 3.5, 5):  # a spacer leaving room for exactly one row
        spacer = {"spacer_mm": round(room * row_mm - slack, 2)}
        if len(row_numbers(specimen(numbered(40), context=spacer).pages[0])) == 1:
            break
    else:
        pytest.fail("no spacer leaves room for exactly one row under the letterhead")

    reader = specimen(numbered(1), context=spacer)

    assert [row_numbers(page) for page in reader.pages] == [[], [1]]
    assert "STT" not in reader.pages[0].extract_text()  # no header without its rows
    assert closing_page(reader) == reader.pages[1]


def test_a_character_the_font_lacks_is_printed_as_a_question_mark_not_dropped(caplog):
    # Liberation has no CJK and no full-width or circled forms; BOM and word joiner
    # are invisible anyway.
    reader = specimen([["1", "Trần 山 Văn\ufeff\u2060Ba", "Ｃ ①"]])
    text = " ".join(reader.pages[0].extract_text().split())
    assert "1 Trần ? VănBa C 1" in text
    assert "山" in caplog.text
