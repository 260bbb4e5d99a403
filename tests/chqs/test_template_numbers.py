"""Numbers that a machine reads back (page numbers in links) are never written with the
Vietnamese thousands separator: USE_THOUSAND_SEPARATOR turns page 1500 into "1.500",
which the paginator does not understand."""

import re
from pathlib import Path

from django.conf import settings
from django.core.paginator import Paginator
from django.template.loader import render_to_string

TEMPLATES = Path(settings.BASE_DIR) / "templates"
RAW_PAGE_NUMBER = re.compile(r"(?<![\w])(?:page|trang)=\{\{\s*[\w.]+\s*\}\}")


def test_no_template_writes_a_localized_page_number_into_a_link():
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        for match in RAW_PAGE_NUMBER.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_shared_pagination_links_to_page_1501_not_1_501():
    page = Paginator(range(200_000), 100).page(1500)
    html = render_to_string("reports/_pagination.html", {"page": page, "query": "x=1"})

    assert "page=1501" in html and "page=1499" in html
    assert "Trang 1.500/2.000" in html  # what a person reads keeps the Vietnamese form
