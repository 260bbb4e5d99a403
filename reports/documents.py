"""The return as an official document (NĐ 30/2020 layout via chqs.pdf): letterhead,
numbered sections of text and figures, tables on landscape pages, charts."""

from __future__ import annotations

import datetime as dt

from chqs.pdf import Letterhead, render_pdf
from units.models import Unit, today

from .charts import report_charts
from .models import Return, SigningForm
from .periods import Period
from .selectors import place_for
from .tables import build_tables

SUBJECT = "Kết quả thực hiện công tác quốc phòng, quân sự {title}"
TEXT_SECTIONS = (
    ("situation", "Đặc điểm tình hình"),
    ("leadership", "Kết quả lãnh đạo, chỉ đạo"),
    ("shortcomings", "Hạn chế, nguyên nhân"),
    ("next_tasks", "Phương hướng nhiệm vụ kỳ tới"),
    ("proposals", "Kiến nghị, đề xuất"),
)
DEFAULT_RECIPIENTS = ["Cơ quan quân sự cấp trên", "Lưu: VT"]


def letterhead(unit: Unit, period: Period, ret: Return | None = None) -> Letterhead:
    """Header and signature blocks. An agency's board signs under the agency's name; a
    military command under its parent command as the tree stood at the period's end, or,
    a top unit (a province command), under the superior body named on it (QUÂN KHU 9)."""
    if unit.is_agency:
        parent_body, issuer = unit.name, "Ban Chỉ huy quân sự"
    else:
        parent_body, issuer = unit.superior_body_on(period.end), unit.name
    deputy = ret is not None and ret.signing_form == SigningForm.DEPUTY
    return Letterhead(
        parent_body=parent_body.upper(),
        issuer=issuer.upper(),
        number=ret.reference if ret else "",
        place=(ret.place if ret and ret.place else place_for(unit)),
        on=(ret.issued_on if ret and ret.issued_on else today()),
        title="BÁO CÁO",
        subject=SUBJECT.format(title=period.title),
        recipients=(ret.recipient_lines() if ret else []) or DEFAULT_RECIPIENTS,
        signer_title="KT. CHỈ HUY TRƯỞNG" if deputy else "CHỈ HUY TRƯỞNG",
        signer_subtitle="PHÓ CHỈ HUY TRƯỞNG" if deputy else "",
        signer_name=ret.signer_name if ret else "",
    )


def texts_of(ret: Return | None) -> list[tuple[str, str]]:
    if ret is None:
        return []
    return [(title, getattr(ret, key)) for key, title in TEXT_SECTIONS]


def return_pdf(figures: dict, doc: Letterhead, ret: Return | None = None) -> bytes:
    """The return (or, without one, the figures alone under a blank number) as PDF."""
    as_of = dt.date.fromisoformat(figures["period"]["as_of"])
    context = {
        "doc": doc,
        "f": figures,
        "as_of": as_of,
        "texts": {key: getattr(ret, key) for key, _ in TEXT_SECTIONS} if ret else {},
        "tables": build_tables(figures),
        "charts": report_charts(figures),
    }
    return render_pdf("reports/pdf/return.html", context)
