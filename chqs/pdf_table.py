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

The signature never stands alone: each page's rows are laid out before they are drawn,
so when the tail does not fit under the last row (it would begin a page of its own),
the last KEEP_WITH_CLOSING rows go onto a new page and the tail follows them there.

fpdf2 drops a character its font lacks without a word; here such a character is printed
as its compatibility form when the font has that ("ﬁ" → "fi"), otherwise as "?", so a
name is never shortened silently (every Vietnamese letter is in the bundled fonts).
"""

from __future__ import annotations

import io
import logging
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from .pdf import FONT_DIR, PAGE_MARGINS_MM, render_document
from .text import nfc

PT_PER_MM = 72 / 25.4
PT_PER_PX = 0.75  # WeasyPrint positions are CSS pixels (1/96 in)
PAGES_PER_PART = 500  # about 14.000 rows of 10 pt: bounds what fpdf2 holds
KEEP_WITH_CLOSING = 3  # rows moved onto the closing's page rather than leave it alone
FAMILY = "CHQS Serif"
FONTS = {"": "LiberationSerif-Regular.ttf", "B": "LiberationSerif-Bold.ttf"}
# Liberation Serif's ascent and descent (hhea, per 1000 em): how the text sits in its line.
ASCENT, DESCENT = 0.891, 0.216

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Column:
    title: str
    width: float  # relative (mm for a 250 mm wide table); scaled to the page's width
    align: str = "L"  # "L", "C" or "R"


class _Font:
    """Character widths of one bundled face, for wrapping text without fpdf2's layout."""

    def __init__(self, pdf: FPDF, style: str, size: float, replaced: set[str]):
        pdf.set_font(FAMILY, style, size)
        self.style, self.size = style, size
        self.cw = pdf.current_font.cw  # per 1000 em, by code point
        self.glyphs = frozenset(map(chr, pdf.current_font.cmap))
        self.replaced = replaced  # characters printed otherwise, for the log
        self.space = self.width(" ")

    def printable(self, text: str) -> str:
        """`text` as this face can print it (fpdf2 would silently drop what it lacks):
        spacing and control characters as spaces, invisible format characters left out,
        any other missing one as its compatibility form if the face has it, else "?"."""
        if set(text) <= self.glyphs:
            return text
        out = []
        for c in text:
            if c in self.glyphs:
                out.append(c)
                continue
            category = unicodedata.category(c)
            if c.isspace() or category == "Cc":
                out.append(" ")
                continue
            if category == "Cf":  # zero-width space, joiners, BOM: nothing to see
                continue
            compatible = unicodedata.normalize("NFKC", c)
            out.append(compatible if compatible and set(compatible) <= self.glyphs else "?")
            self.replaced.add(c)
        return "".join(out)

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
        self.replaced: set[str] = set()
        height = 210 if landscape else 297
        self.top = PAGE_MARGINS_MM[0] * PT_PER_MM
        self.bottom = (height - PAGE_MARGINS_MM[2]) * PT_PER_MM

    # -- layout -----------------------------------------------------------------------
    def _layout(self, font: _Font, cells: Sequence[str]) -> tuple[list[list[str]], float]:
        lines = [  # NFC: no shaping here, so a letter and its marks must be one glyph
            font.wrap(font.printable(nfc(text)), self.xs[i + 1] - self.xs[i] - 2 * self.pad_h)
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
        return (
            pdf,
            _Font(pdf, "", self.font_size, self.replaced),
            _Font(pdf, "B", self.font_size, self.replaced),
        )

    def _page_number(self, pdf: FPDF, number: int) -> None:
        """As `@top-center` in base.html: 13 pt, centred in the 20 mm top margin."""
        pdf.set_font(FAMILY, "", 13)
        text = str(number)
        width = pdf.get_string_width(text)
        baseline = self.top / 2 + (ASCENT - DESCENT) / 2 * 13
        pdf.text((self.xs[0] + self.xs[-1] - width) / 2, baseline, text)

    def _draw_page(
        self,
        pdf: FPDF,
        fonts: tuple[_Font, _Font],
        header: tuple[list[list[str]], float],
        top: float,
        rows: Sequence[tuple[list[list[str]], float]],
    ) -> float:
        """The header row and `rows` from `top` down, bordered; the y under the last."""
        regular, bold = fonts
        self._draw_row(pdf, bold, header[0], top, header[1], header=True)
        y = top + header[1]
        for lines, height in rows:
            self._draw_row(pdf, regular, lines, y, height)
            y += height
        self._close_page(pdf, top, y)
        return y

    def parts(
        self,
        rows: Iterable[Sequence[str]],
        tail_fits: Callable[[float, int], bool] | None = None,
    ) -> Iterator[bytes]:
        """The table's pages, in documents of at most PAGES_PER_PART pages.

        A page's rows are laid out first and drawn when the page is full, so the last
        page is still open when the rows run out: `tail_fits(end_y, last_page)` then
        says whether what follows the table fits under its last row; if not, the last
        KEEP_WITH_CLOSING rows (one row at least stays behind) move onto a new page, or,
        when the letterhead's page holds a single row, the table starts on the next.
        """
        pdf, regular, bold = self._new_document()
        fonts = (regular, bold)
        header = self._layout(bold, [c.title for c in self.columns])
        header_height = header[1]
        first_page = page = self.last_page
        pages_in_part = 1
        pdf.add_page()
        top = self.first_top
        # No table under the letterhead when not even the header and one line fit there.
        table_here = top + header_height + self.leading + 2 * self.pad_v <= self.bottom
        y = top + header_height if table_here else self.bottom
        laid: list[tuple[list[list[str]], float]] = []  # this page's rows, not yet drawn

        def next_page() -> Iterator[bytes]:
            nonlocal pdf, regular, bold, fonts, page, pages_in_part, top, table_here, y
            if pages_in_part == PAGES_PER_PART:
                yield bytes(pdf.output())
                pdf, regular, bold = self._new_document()
                fonts, pages_in_part = (regular, bold), 0
            pdf.add_page()
            page, pages_in_part = page + 1, pages_in_part + 1
            self._page_number(pdf, page)
            top, table_here = self.top, True
            y = top + header_height

        for cells in rows:
            lines, height = self._layout(regular, cells)
            if y + height > self.bottom and (laid or not table_here):  # never split a row
                if table_here:
                    self._draw_page(pdf, fonts, header, top, laid)
                yield from next_page()
                laid = []
            laid.append((lines, height))
            y += height
            self.rows += 1
        if laid and tail_fits is not None and not tail_fits(y, page):
            keep = min(KEEP_WITH_CLOSING, len(laid) - 1)
            if keep:  # the closing page gets the last rows
                self._draw_page(pdf, fonts, header, top, laid[:-keep])
                laid = laid[-keep:]
                yield from next_page()
            elif page == first_page and table_here:  # one row under the letterhead
                yield from next_page()
            y = top + header_height + sum(height for _, height in laid)
        if table_here:
            y = self._draw_page(pdf, fonts, header, top, laid)
        self.last_page, self.end_y = page, y
        if self.replaced:
            logger.warning(
                "Characters the font lacks, printed otherwise: %s", sorted(self.replaced)
            )
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
    tails: dict[tuple[float, int], object] = {}

    def tail_at(end_y: float, last_page: int):
        """The tail laid out under a table ending at `end_y` on page `last_page`."""
        key = (round(end_y - table.top, 2), last_page)
        if key not in tails:
            tails[key] = render_document(
                template_name,
                {
                    **context,
                    "part": "tail",
                    "table_offset": key[0],
                    "table_last_page": last_page,
                    "table_rows": table.rows,
                },
            )
        return tails[key]

    def tail_fits(end_y: float, last_page: int) -> bool:
        return len(tail_at(end_y, last_page).pages) == 1

    first = True
    for part in table.parts(rows, tail_fits):
        for page in PdfReader(io.BytesIO(part)).pages:
            if first:  # the table starts on the letterhead's page, under it
                writer.pages[-1].merge_page(page)
                first = False
            else:
                writer.add_page(page)
    tail = tail_at(table.end_y, table.last_page).write_pdf()
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
