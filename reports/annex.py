"""The per-person annex of a return (danh sách kèm theo): every member serving on the
as-of date in the subtree, on A4 landscape pages.

The letterhead and the closing block come from templates/reports/pdf/annex.html
(WeasyPrint, NĐ 30 layout); the list itself is drawn by chqs.pdf_table, since
WeasyPrint's ~3 ms a table cell made 1.122 people take 11–18 s. The rows come from one
streamed query and are drawn as they arrive; memory holds the finished pages only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

from chqs.pdf_table import Column, table_document
from chqs.text import format_int

from . import indicators
from .documents import letterhead
from .models import Return

PROGRESS_EVERY = 250  # rows between two progress reports

# Widths in mm of a 250 mm table, scaled to the page (A4 landscape: about 248 mm).
COLUMNS = [
    Column("STT", 11, "R"),
    Column("Họ và tên", 40),
    Column("Ngày sinh", 19.5, "C"),
    Column("Giới tính", 12, "C"),
    Column("Cơ quan, tổ chức", 42),
    Column("Đơn vị tự vệ", 28),
    Column("Chức vụ", 30),
    Column("Thành phần", 24),
    Column("Ngày vào", 19.5, "C"),
    Column("Đảng viên", 12, "C"),
    Column("Đoàn viên", 12, "C"),
]


def annex_rows(ret: Return) -> Iterator[list]:
    scope = indicators.Scope(ret.unit, ret.period, ret.as_of)
    records = (
        indicators.serving(scope)
        .order_by("agency__name", "person__sort_key", "id")
        .values_list(
            "person__full_name",
            "person__birth_date",
            "person__gender",
            "agency__name",
            "formation__name",
            "position__name",
            "force_kind__name",
            "joined_on",
            "person__party_joined_on",
            "person__youth_union_joined_on",
        )  # fmt: skip
    )
    for n, (
        name,
        born,
        gender,
        agency,
        formation,
        position,
        kind,
        joined,
        party,
        youth,
    ) in enumerate(records.iterator(chunk_size=2000), start=1):
        yield [
            format_int(n), name, f"{born:%d/%m/%Y}", "Nữ" if gender == "F" else "Nam", agency,
            formation or "", position, kind, f"{joined:%d/%m/%Y}",
            "x" if party and party <= ret.as_of else "",
            "x" if youth and youth <= ret.as_of else "",
        ]  # fmt: skip


def _reporting(
    rows: Iterator[list], total: int, progress: Callable[[int, int], None] | None
) -> Iterator[list]:
    done = 0
    for done, row in enumerate(rows, start=1):
        yield row
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, total)
    if progress and (done == 0 or done % PROGRESS_EVERY):
        progress(done, total)


def annex_pdf(ret: Return, progress: Callable[[int, int], None] | None = None) -> bytes:
    """The annex as one PDF; `progress(done, total)` every PROGRESS_EVERY rows and at
    the end."""
    total = indicators.serving(indicators.Scope(ret.unit, ret.period, ret.as_of)).count()
    doc = replace(
        letterhead(ret.unit, ret.period, ret),
        title="DANH SÁCH",
        subject=(
            "Cán bộ, chiến sĩ tự vệ tính đến ngày "
            f"{ret.as_of:%d/%m/%Y} (kèm theo Báo cáo số {ret.reference or '.../BC'})"
        ),
        landscape=True,
    )
    rows = _reporting(annex_rows(ret), total, progress)
    return table_document("reports/pdf/annex.html", {"doc": doc}, COLUMNS, rows)
