"""Long tables in official PDFs (lists of hundreds or thousands of people).

WeasyPrint lays a table out in CSS at about 3 ms a cell, so a list of 1.122 people in
11 columns took 11–18 s. Here the letterhead before the table and the closing block
after it are still rendered by WeasyPrint from the document's template (one source for
the NĐ 30/2020 layout, `templates/pdf/base.html`), while the table pages are drawn with
fpdf2 in the same geometry and the same bundled fonts: bordered cells, text wrapped
inside its column, the header row repeated on every page, the page number centred in
the top margin from page 2 on. pypdf then lays the three parts on one another.

Rows are streamed: the table is written in parts of PAGES_PER_PART pages, each part handed
to pypdf as soon as it is full, so what stays in memory is the finished (compressed)
pages, not the rows or their layout.

The template (one extending templates/pdf/long_table.html) is rendered twice, with
`part` = "head" and `part` = "tail":
- head: the letterhead, title and subject, then an empty element `id="table-start"`
  where the table begins (its position and width are read from the layout);
- tail: with `table_offset` (pt) of blank space first, so that what follows lands under
  the table's last row, then whatever closes the document; its first page is laid over
  the table's last page, so `table_last_page` is that page's number (for
  `counter-reset`) and `table_rows` the number of rows drawn.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from .pdf import FONT_DIR, PAGE_MARGINS_MM, render_document, render_pdf
from .text import nfc

PT_PER_MM = 72 / 25.4
PT_PER_PX = 0.75  # WeasyPrint positions are CSS pixels (1/96 in)
PAGES_PER_PART = 500  # about 14.000 rows of 10 pt: bounds what fpdf2 holds
FAMILY = "CHQS Serif"
FONTS = {"": "LiberationSerif-Regular.ttf", "B": "LiberationSerif-Bold.ttf"}
# Liberation Serif's ascent and descent (hhea, per 1000 em): how the text sits in its line.
ASCENT, DESCENT = 0.891, 0.216


@dataclass(frozen=True)
class Column:
    title: str
    width: float  # relative (mm for a 250 mm wide table); scaled to the page's width
    align: str = "L"  # "L", "C" or "R"


class _Font:
    """Character widths of one bundled face, for wrapping text without fpdf2's layout."""

    def __init__(self, pdf: FPDF, style: str, size: float):
        pdf.set_font(FAMILY, style, size)
        self.style, self.size = style, size
        self.cw = pdf.current_font.cw  # per 1000 em, by code point
        self.space = self.width(" ")

    def width(self, text: str) -> float:
        cw = self.cw
        return sum(cw[ord(c)] for c in text) * self.size / 1000

    def wrap(self, text: str, room: float) -> list[str]:
        """`text` in lines no wider than `room` (pt): at spaces, inside a word only when
        the word alone is wider than the column."""
        if not text:
            return []
        if self.width(text) <= room:
            return [text]
        lines: list[str] = []
        line, used = "", 0.0
        for word in text.split():
            w = self.width(word)
            if line and used + self.space + w <= room:
                line, used = f"{line} {word}", used + self.space + w
                continue
            if line:
                lines.append(line)
            line, used = "", 0.0
            while w > room and len(word) > 1:  # break a word longer than the column
                cut = len(word) - 1
                while cut > 1 and self.width(word[:cut]) > room:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
                w = self.width(word)
            line, used = word, w
        if line:
            lines.append(line)
        return lines


class LongTable:
    """Draws rows onto A4 pages; `parts(rows)` yields the pages as PDF documents of at
    most PAGES_PER_PART pages. Afterwards `rows`, `last_page` and `end_y` (pt from the
    top of the last page, under the last row) say where the table ended."""

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        left: float,
        right: float,
        first_top: float,
        first_page: int = 1,
        landscape: bool = True,
        font_size: float = 10,
        line_height: float = 1.3,
        padding: tuple[float, float] = (0.5 * PT_PER_MM, 1 * PT_PER_MM),
        border: float = 0.5,
    ):
        self.columns = list(columns)
        self.landscape = landscape
        scale = (right - left) / sum(c.width for c in self.columns)
        self.xs = [left]
        for column in self.columns:
            self.xs.append(self.xs[-1] + column.width * scale)
        self.first_top, self.font_size = first_top, font_size
        self.leading = font_size * line_height
        self.pad_v, self.pad_h = padding
        self.border = border
        self.rows, self.last_page, self.end_y = 0, first_page, first_top
        height = 210 if landscape else 297
        self.top = PAGE_MARGINS_MM[0] * PT_PER_MM
        self.bottom = (height - PAGE_MARGINS_MM[2]) * PT_PER_MM

    # -- layout -----------------------------------------------------------------------
    def _layout(self, font: _Font, cells: Sequence[str]) -> tuple[list[list[str]], float]:
        lines = [  # NFC: no shaping here, so a letter and its marks must be one glyph
            font.wrap(nfc(text), self.xs[i + 1] - self.xs[i] - 2 * self.pad_h)
            for i, text in enumerate(cells)
        ]
        height = max(1, *(len(cell) for cell in lines)) * self.leading + 2 * self.pad_v
        return lines, height

    def _draw_row(
        self,
        pdf: FPDF,
        font: _Font,
        lines: list[list[str]],
        y: float,
        height: float,
        header: bool = False,
    ) -> None:
        pdf.set_font(FAMILY, font.style, font.size)
        pdf.line(self.xs[0], y, self.xs[-1], y)
        # Vertically centred like a CSS table cell; the baseline as Pango places it.
        first_baseline = (self.leading - (ASCENT + DESCENT) * font.size) / 2
        first_baseline += ASCENT * font.size
        for i, cell in enumerate(lines):
            if not cell:
                continue
            x0, x1 = self.xs[i] + self.pad_h, self.xs[i + 1] - self.pad_h
            baseline = y + (height - len(cell) * self.leading) / 2 + first_baseline
            align = "C" if header else self.columns[i].align
            for text in cell:
                if align == "L":
                    x = x0
                elif align == "R":
                    x = x1 - font.width(text)
                else:
                    x = (x0 + x1 - font.width(text)) / 2
                pdf.text(x, baseline, text)
                baseline += self.leading

    def _close_page(self, pdf: FPDF, top: float, y: float) -> None:
        pdf.line(self.xs[0], y, self.xs[-1], y)
        for x in self.xs:
            pdf.line(x, top, x, y)

    # -- drawing ----------------------------------------------------------------------
    def _new_document(self) -> tuple[FPDF, _Font, _Font]:
        pdf = FPDF(orientation="L" if self.landscape else "P", unit="pt", format="A4")
        pdf.set_auto_page_break(False)
        pdf.set_creator("CHQS")
        for style, file in FONTS.items():
            pdf.add_font(FAMILY, style, str(FONT_DIR / file))
        pdf.set_draw_color(0)
        pdf.set_text_color(0)
        pdf.set_line_width(self.border)
        return pdf, _Font(pdf, "", self.font_size), _Font(pdf, "B", self.font_size)

    def _page_number(self, pdf: FPDF, number: int) -> None:
        """As `@top-center` in base.html: 13 pt, centred in the 20 mm top margin."""
        pdf.set_font(FAMILY, "", 13)
        text = str(number)
        width = pdf.get_string_width(text)
        baseline = self.top / 2 + (ASCENT - DESCENT) / 2 * 13
        pdf.text((self.xs[0] + self.xs[-1] - width) / 2, baseline, text)

    def parts(self, rows: Iterable[Sequence[str]]) -> Iterator[bytes]:
        pdf, regular, bold = self._new_document()
        header, header_height = self._layout(bold, [c.title for c in self.columns])
        page, pages_in_part = self.last_page, 1
        pdf.add_page()
        top = y = self.first_top
        drawn = 0  # rows on this page; -1: no table on it (no room under the letterhead)
        if top + header_height + self.leading + 2 * self.pad_v > self.bottom:
            top = y = self.bottom
            drawn = -1
        else:
            self._draw_row(pdf, bold, header, y, header_height, header=True)
            y += header_height
        for cells in rows:
            lines, height = self._layout(regular, cells)
            if y + height > self.bottom and drawn != 0:  # a row is never split
                if drawn > 0:
                    self._close_page(pdf, top, y)
                if pages_in_part == PAGES_PER_PART:
                    yield bytes(pdf.output())
                    pdf, regular, bold = self._new_document()
                    pages_in_part = 0
                pdf.add_page()
                page, pages_in_part = page + 1, pages_in_part + 1
                self._page_number(pdf, page)
                top = y = self.top
                self._draw_row(pdf, bold, header, y, header_height, header=True)
                y += header_height
                drawn = 0
            self._draw_row(pdf, regular, lines, y, height)
            y += height
            drawn += 1
            self.rows += 1
        if drawn >= 0:
            self._close_page(pdf, top, y)
        self.last_page, self.end_y = page, y
        yield bytes(pdf.output())


def table_document(
    template_name: str,
    context: dict,
    columns: Sequence[Column],
    rows: Iterable[Sequence[str]],
    *,
    font_size: float = 10,
) -> bytes:
    """The document of `template_name` (see the module docstring for its two parts) with
    `rows` drawn as a table between them."""
    head = render_document(template_name, {**context, "part": "head"})
    left, top, right, _ = head.pages[-1].anchors["table-start"]
    table = LongTable(
        columns,
        left=left * PT_PER_PX,
        right=right * PT_PER_PX,
        first_top=top * PT_PER_PX,
        first_page=len(head.pages),
        landscape=context["doc"].landscape,
        font_size=font_size,
    )
    writer = PdfWriter()
    head_pdf = PdfReader(io.BytesIO(head.write_pdf()))
    for page in head_pdf.pages:
        writer.add_page(page)
    first = True
    for part in table.parts(rows):
        for page in PdfReader(io.BytesIO(part)).pages:
            if first:  # the table starts on the letterhead's page, under it
                writer.pages[-1].merge_page(page)
                first = False
            else:
                writer.add_page(page)
    tail = render_pdf(
        template_name,
        {
            **context,
            "part": "tail",
            "table_offset": round(table.end_y - table.top, 2),
            "table_last_page": table.last_page,
            "table_rows": table.rows,
        },
    )
    tail_pages = PdfReader(io.BytesIO(tail)).pages
    writer.pages[-1].merge_page(tail_pages[0])
    for page in tail_pages[1:]:
        writer.add_page(page)
    if head_pdf.metadata:
        writer.add_metadata(
            {k: v for k, v in head_pdf.metadata.items() if k in ("/Title", "/Creator")}
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
