"""List and tree pages cost a fixed number of queries, whatever the size of the tree."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.personas import START
from units.models import Board, Formation, UnitKind
from units.services import unit_create

pytestmark = pytest.mark.django_db


def add_agencies(world, n):
    kind = UnitKind.objects.get(code="agency")
    for i in range(n):
        agency = unit_create(
            parent=world.commune1, valid_from=START, code=f"N{i}", name=f"Cơ quan {i}", kind=kind
        )
        Board.objects.create(unit=agency)
        Formation.objects.create(
            agency=agency, code="TD", name="Tiểu đội", level="tieu_doi", force_kind_id=1
        )


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("url_name", ["home", "units:tree", "units:list"])
def test_page_cost_does_not_grow_with_the_number_of_agencies(world, client_for, url_name):
    client = client_for(world.staff)
    url = reverse(url_name)
    before = queries(client, url)
    add_agencies(world, 12)
    after = queries(client, url)

    assert after == before


def test_the_unit_page_cost_does_not_grow_with_its_formations_or_history(world, client_for):
    client = client_for(world.staff)
    url = reverse("units:detail", args=["A1"])
    before = queries(client, url)
    for i in range(8):
        Formation.objects.create(
            agency=world.agency1, code=f"T{i}", name=f"Tổ {i}", level="to", force_kind_id=1
        )
        world.agency1.staff_count = 100 + i
        world.agency1.save()
    after = queries(client, url)

    assert after == before
