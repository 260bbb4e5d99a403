"""PDF documents in the administrative layout of Nghị định 30/2020/NĐ-CP, Phụ lục I.

Every printable page of the product (rotas, attendance lists, periodic returns) extends
`templates/pdf/base.html` and is rendered by `render_pdf`. Fonts are the Liberation Serif
files bundled under static/fonts (metric-compatible with Times New Roman, full Vietnamese);
nothing is fetched from the network: the URL fetcher allows only file: and data: URLs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts" / "liberation"
# Top, right, bottom, left (NĐ 30: 20–25, 15–20, 20–25, 30–35 mm); used by base.html's
# @page and by the table pages of chqs.pdf_table.
PAGE_MARGINS_MM = (20, 15, 20, 30)


def official_date(place: str, on: dt.date) -> str:
    """ "Cần Thơ, ngày 05 tháng 02 năm 2024": day < 10 and months 1–2 zero-padded (NĐ 30)."""
    day = f"{on.day:02d}" if on.day < 10 else str(on.day)
    month = f"{on.month:02d}" if on.month <= 2 else str(on.month)
    return f"{place}, ngày {day} tháng {month} năm {on.year}"


@dataclass
class Letterhead:
    """What the header, title and signature blocks of an official document say."""

    parent_body: str  # "BỘ CHQS TỈNH CẦN THƠ" (upper case, not bold)
    issuer: str  # "BAN CHỈ HUY QUÂN SỰ" (upper case, bold)
    number: str = ""  # "05/BC-BCHQS"; empty prints "Số:      /"
    place: str = ""
    on: dt.date | None = None
    title: str = ""  # "BÁO CÁO", "DANH SÁCH", "LỊCH TRỰC"
    subject: str = ""
    recipients: list[str] = field(default_factory=list)  # "Nơi nhận:" lines
    signer_title: str = "CHỈ HUY TRƯỞNG"  # or "KT. CHỈ HUY TRƯỞNG"
    signer_subtitle: str = ""  # "PHÓ CHỈ HUY TRƯỞNG" under a "KT." line
    signer_name: str = ""
    landscape: bool = False

    @property
    def place_date(self) -> str:
        if not (self.place and self.on):
            return ""
        return official_date(self.place, self.on)


def render_document(template_name: str, context: dict):
    """Lay out a template that extends pdf/base.html: a WeasyPrint Document, whose pages
    tell where things are (`page.anchors`) and which `write_pdf()` turns into bytes.

    The context should hold `doc` (a Letterhead) for the header and signature blocks.
    """
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    margins = " ".join(f"{mm}mm" for mm in PAGE_MARGINS_MM)
    context = {"font_dir": FONT_DIR.as_uri(), "page_margins": margins, **context}
    html = render_to_string(template_name, context)
    document = HTML(
        string=html,
        base_url=str(settings.BASE_DIR),
        url_fetcher=URLFetcher(allowed_protocols={"file", "data"}),
    )
    return document.render(font_config=FontConfiguration())


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a template that extends pdf/base.html to PDF bytes."""
    return render_document(template_name, context).write_pdf()
