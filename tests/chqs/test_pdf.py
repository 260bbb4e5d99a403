"""The official layout (NĐ 30/2020) every printable page extends."""

import datetime as dt
import io

from pypdf import PdfReader

from chqs.pdf import Letterhead, official_date, render_pdf


def test_official_date_pads_day_below_ten_and_january_february():
    assert official_date("Cần Thơ", dt.date(2023, 7, 15)) == "Cần Thơ, ngày 15 tháng 7 năm 2023"
    assert official_date("Cần Thơ", dt.date(2024, 2, 5)) == "Cần Thơ, ngày 05 tháng 02 năm 2024"
    assert official_date("Hà Nội", dt.date(2024, 12, 9)) == "Hà Nội, ngày 09 tháng 12 năm 2024"


def test_specimen_renders_header_body_and_signature_in_vietnamese():
    doc = Letterhead(
        parent_body="Bộ CHQS tỉnh Cần Thơ",
        issuer="Ban Chỉ huy Quân sự Sở Y tế",
        number="05/BC-BCHQS",
        place="Cần Thơ",
        on=dt.date(2023, 7, 15),
        title="Báo cáo",
        subject="Kết quả công tác 6 tháng đầu năm 2023",
        recipients=["Bộ CHQS tỉnh", "Lưu: VT, TM"],
        signer_title="KT. CHỈ HUY TRƯỞNG",
        signer_subtitle="PHÓ CHỈ HUY TRƯỞNG",
        signer_name="Nguyễn Văn Bình",
    )
    pdf = render_pdf("pdf/_specimen.html", {"doc": doc})
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 05/BC-BCHQS",
        "Cần Thơ, ngày 15 tháng 7 năm 2023",
        "BÁO CÁO",
        "1.122 đồng chí tự vệ",
        "95,87%",
        "Nơi nhận:",
        "KT. CHỈ HUY TRƯỞNG",
        "Nguyễn Văn Bình",
    ):
        assert expected in text, expected
    # The bundled font is embedded (not a system fallback such as DejaVu Sans).
    fonts = {
        str(font.get_object().get("/BaseFont"))
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all("CHQS-Serif" in name for name in fonts), fonts
