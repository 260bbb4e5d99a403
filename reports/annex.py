"""The per-person annex of a return (danh sách kèm theo): every member serving on the
as-of date in the subtree, on A4 landscape pages.

WeasyPrint holds a whole document in memory and slows down sharply on long tables, so
the list is rendered in chunks of CHUNK rows — each chunk a small document whose page
numbers continue the previous one — and the chunks are merged with pypdf. Memory is
bounded by one chunk, whatever the number of people; the database is read in one
streamed query.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import replace

from pypdf import PdfReader, PdfWriter

from chqs.pdf import render_pdf
from chqs.text import format_int

from . import indicators
from .documents import letterhead
from .models import Return

CHUNK = 250


def annex_rows(ret: Return) -> Iterator[list]:
    scope = indicators.Scope(ret.unit, ret.period, ret.as_of)
    records = (
        indicators.serving(scope)
        .order_by("agency__name", "person__full_name", "id")
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


def _chunks(rows: Iterator[list], size: int) -> Iterator[list[list]]:
    chunk: list[list] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def annex_pdf(ret: Return, progress: Callable[[int, int], None] | None = None) -> bytes:
    """The annex as one PDF; `progress(done, total)` after each chunk."""
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
    writer = PdfWriter()
    pages, done = 0, 0
    for chunk in _chunks(annex_rows(ret), CHUNK):
        done += len(chunk)
        pdf = render_pdf(
            "reports/pdf/annex.html",
            {
                "doc": doc,
                "rows": chunk,
                "first_chunk": pages == 0,
                "last_chunk": done >= total,
                "first_page": pages + 1,
                "total": format_int(total),
            },
        )
        reader = PdfReader(io.BytesIO(pdf))
        for page in reader.pages:
            writer.add_page(page)
        pages += len(reader.pages)
        if progress:
            progress(done, total)
    if pages == 0:
        pdf = render_pdf(
            "reports/pdf/annex.html",
            {"doc": doc, "rows": [], "first_chunk": True, "last_chunk": True, "first_page": 1,
             "total": "0"},
        )  # fmt: skip
        return pdf
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
