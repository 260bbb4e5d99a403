"""Where text lands on the pages of a generated PDF (read with pypdf, no poppler)."""

TOP_MARGIN_PT = 20 * 72 / 25.4


def pdf_fragments(page) -> list[tuple[float, float, str]]:
    """(x, y, text) of every piece of text on a pypdf page, in points from bottom left."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((x, y, text.strip()))

    page.extract_text(visitor_text=visit)
    return found


def top_margin_text(page) -> list[str]:
    """What is printed in the page's 20 mm top margin (its page number, if any)."""
    height = float(page.mediabox.height)
    return [text for _, y, text in pdf_fragments(page) if y > height - TOP_MARGIN_PT]
