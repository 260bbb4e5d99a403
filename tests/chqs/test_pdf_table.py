"""Long tables in official PDFs (chqs.pdf_table): drawn between the WeasyPrint letterhead
and closing of a template extending pdf/long_table.html."""

import datetime as dt
import io
import unicodedata

from pypdf import PdfReader

from chqs.pdf import Letterhead
from chqs.pdf_table import Column, table_document
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


def specimen(rows, doc=DOC) -> PdfReader:
    pdf = table_document("pdf/_table_specimen.html", {"doc": doc}, COLUMNS, rows)
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
