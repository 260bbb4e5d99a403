"""seed_demo's reports step: the demo province's returns carry a place and date line."""

import datetime as dt
from dataclasses import replace

import pytest

from reports.demo import PLACE, build_reporting_rule
from reports.documents import letterhead
from reports.periods import parse_period
from units.models import Unit

pytestmark = pytest.mark.django_db


def test_the_demo_province_returns_are_dated_at_can_tho_and_seeding_twice_adds_nothing(world):
    Unit.objects.filter(pk=world.province.pk).update(code="CT")
    province = Unit.objects.get(pk=world.province.pk)

    assert build_reporting_rule() == [("Quy định kỳ báo cáo", 1, 0, 0)]
    assert build_reporting_rule() == [("Quy định kỳ báo cáo", 0, 0, 1)]

    doc = replace(letterhead(province, parse_period("2026-H2")), on=dt.date(2026, 12, 5))
    assert doc.place_date == f"{PLACE}, ngày 05 tháng 12 năm 2026"
