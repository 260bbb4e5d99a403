"""The command tree's pages are cached per process (chqs.versions): a unit, board or
formation added by anyone is on everyone's next page."""

import pytest
from django.urls import reverse

from tests.personas import START
from units.models import Board, Formation, UnitKind
from units.services import unit_create

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def figure(html: str, name: str) -> str:
    return html.split(f'data-figure="{name}">')[1].split("<")[0]


def test_a_new_agency_is_on_the_next_home_tree_and_roster_filter(world, client_for):
    client = client_for(world.staff)
    home = client.get(reverse("home")).content.decode()
    agencies, without = figure(home, "agencies"), figure(home, "agencies_without_board")
    assert "Cơ quan mới" not in client.get(reverse("units:tree")).content.decode()
    assert "N1)" not in client.get(reverse("personnel:roster")).content.decode()
    client.get(reverse("home"))  # from the cache

    agency = unit_create(parent=world.commune1, valid_from=START, code="N1", name="Cơ quan mới",
                         kind=UnitKind.objects.get(code="agency"))  # fmt: skip

    home = client.get(reverse("home")).content.decode()
    assert int(figure(home, "agencies")) == int(agencies) + 1
    assert int(figure(home, "agencies_without_board")) == int(without) + 1
    assert "Cơ quan mới" in client.get(reverse("units:tree")).content.decode()
    assert "Cơ quan mới (N1)" in client.get(reverse("personnel:roster")).content.decode()

    Board.objects.create(unit=agency)
    home = client.get(reverse("home")).content.decode()
    assert figure(home, "agencies_without_board") == without


def test_a_new_formation_is_listed_on_the_next_roster_of_its_agency(world, client_for):
    client = client_for(world.clerk)  # Chi's own agency is A1: its formations are listed
    assert "Tổ mới" not in client.get(reverse("personnel:roster")).content.decode()
    Formation.objects.create(agency=world.agency1, code="TM", name="Tổ mới", level="to",
                             force_kind_id=1)  # fmt: skip
    assert "Tổ mới" in client.get(reverse("personnel:roster")).content.decode()
