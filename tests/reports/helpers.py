"""Small builders for report tests: people who join through the personnel services;
where text lands on a PDF page."""

import datetime as dt
import itertools

from personnel.models import Person, ServicePosition
from personnel.services import service_open
from units.models import Formation, Unit

_cccd = itertools.count(1)


def member(
    agency: Unit,
    formation: Formation | None = None,
    *,
    joined_on: dt.date = dt.date(2022, 1, 15),
    gender: str = "M",
    born: dt.date = dt.date(1990, 5, 1),
    party: dt.date | None = None,
    youth: dt.date | None = None,
    position: str = "chien-si",
    name: str = "Nguyễn Văn Tự",
) -> Person:
    person = Person.objects.create(
        agency=agency,
        full_name=name,
        birth_date=born,
        gender=gender,
        cccd=f"0{next(_cccd):011d}",
        party_joined_on=party,
        youth_union_joined_on=youth,
    )
    formation = formation or agency.formations.first()
    service_open(
        person=person,
        joined_on=joined_on,
        position=ServicePosition.objects.get(code=position),
        formation=formation,
    )
    return person


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
