import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from units.models import Unit, UnitLink
from units.services import unit_dissolve, unit_move

pytestmark = pytest.mark.django_db

REFORM = dt.date(2025, 7, 1)


def codes(qs):
    return sorted(qs.values_list("code", flat=True))


def test_subtree_includes_the_root_and_everything_under_it(world):
    assert codes(Unit.objects.subtree(world.region1)) == ["A1", "R1", "X1"]
    assert codes(Unit.objects.subtree(world.province)) == [
        "A1", "A2", "P", "R1", "R2", "X1", "X2",
    ]  # fmt: skip


def test_a_move_keeps_the_old_tree_for_dates_before_it(world):
    unit_move(unit=world.agency1, new_parent=world.commune2, on=REFORM, decision="220/NĐ-CP")

    assert codes(Unit.objects.subtree(world.region1, on=dt.date(2023, 7, 15))) == [
        "A1", "R1", "X1",
    ]  # fmt: skip
    assert codes(Unit.objects.subtree(world.region1, on=REFORM)) == ["R1", "X1"]
    assert "A1" in codes(Unit.objects.subtree(world.region2, on=REFORM))
    links = list(world.agency1.parent_links.order_by("valid_from"))
    assert [(link.parent.code, link.valid_to) for link in links] == [("X1", REFORM), ("X2", None)]


def test_a_unit_before_its_first_link_is_in_no_subtree(world):
    assert codes(Unit.objects.subtree(world.province, on=dt.date(2019, 12, 31))) == ["P"]


def test_a_move_under_its_own_descendant_is_refused(world):
    with pytest.raises(ValidationError, match="vòng lặp"):
        unit_move(unit=world.region1, new_parent=world.agency1, on=REFORM)
    assert world.region1.parent_on() == world.province


def test_a_move_dated_before_the_current_link_is_refused(world):
    with pytest.raises(ValidationError, match="Ngày chuyển phải sau"):
        unit_move(unit=world.agency1, new_parent=world.commune2, on=dt.date(2019, 1, 1))


def test_a_unit_cannot_have_two_open_parent_links(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitLink.objects.create(unit=world.agency1, parent=world.commune2, valid_from=REFORM)


def test_dissolving_keeps_history_and_the_place_in_the_tree(world):
    unit_move(unit=world.agency1, new_parent=world.commune2, on=REFORM)
    unit_dissolve(unit=world.commune1, on=REFORM, reason="QĐ 2786/QĐ-BQP")

    world.commune1.refresh_from_db()
    assert world.commune1.is_dissolved(REFORM)
    assert not world.commune1.is_dissolved(dt.date(2025, 6, 30))
    assert "X1" in codes(Unit.objects.subtree(world.region1, on=REFORM))
    assert "X1" not in codes(Unit.objects.subtree(world.region1, on=REFORM).active_on(REFORM))
    assert world.commune1.history.count() == 2


def test_dissolving_a_unit_that_still_has_units_under_it_is_refused(world):
    with pytest.raises(ValidationError, match="Còn 1 đơn vị trực thuộc"):
        unit_dissolve(unit=world.commune1, on=REFORM, reason="")


@pytest.mark.parametrize("query", ["can tho", "CẦN THƠ", "Can  Tho", "cần thơ"])
def test_search_ignores_accents_case_and_spacing(world, query):
    assert codes(Unit.objects.search(query)) == ["A1", "A2", "P"]


def test_search_folds_the_letter_d_with_stroke(world):
    assert codes(Unit.objects.search("dien luc")) == ["A2"]
    assert codes(Unit.objects.search("điện lực")) == ["A2"]
