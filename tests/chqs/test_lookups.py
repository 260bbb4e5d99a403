"""`__in_ids`: the same rows as `__in`, for lists, tuples and sets of ids, an empty list
and a queryset, on SQLite and PostgreSQL (one array parameter there)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from units.models import Unit

pytestmark = pytest.mark.django_db


def codes(queryset) -> list[str]:
    return sorted(queryset.values_list("code", flat=True))


def test_in_ids_selects_what_in_selects(world):
    ids = [world.agency1.pk, world.commune2.pk, world.agency1.pk]
    for value in (ids, tuple(ids), set(ids)):
        assert codes(Unit.objects.filter(id__in_ids=value)) == ["A1", "X2"]
        same = codes(Unit.objects.filter(id__in=ids))
        assert codes(Unit.objects.filter(id__in_ids=value)) == same
    parents = Unit.objects.filter(code__in=["X1", "X2"])
    parent_ids = list(parents.values_list("id", flat=True))
    under = Unit.objects.filter(parent_links__parent_id__in_ids=parent_ids)
    assert codes(under) == ["A1", "A2"]
    assert codes(Unit.objects.filter(id__in_ids=parents)) == ["X1", "X2"]


def test_an_empty_list_selects_nothing_without_a_query(world):
    with CaptureQueriesContext(connection) as queries:
        assert list(Unit.objects.filter(id__in_ids=[])) == []
    assert len(queries) == 0


def test_many_ids_are_one_parameter_on_postgresql(world):
    ids = list(range(1, 5001)) + [world.agency2.pk]
    with CaptureQueriesContext(connection) as queries:
        assert codes(Unit.objects.filter(id__in_ids=ids, kind__is_agency=True)) == ["A1", "A2"]
    if connection.vendor == "postgresql":
        assert queries[0]["sql"].count("ANY(") == 1
