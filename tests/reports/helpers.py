"""Small builders for report tests: people who join through the personnel services."""

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
