"""seed_demo's six months of duty turns."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings

from personnel.duty.demo import build_duty
from personnel.duty.figures import duty_figures
from personnel.duty.models import DutyAssignment, DutyTurn, TurnState
from units.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        call_command("seed_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def test_six_months_of_published_turns_fill_every_month(demo):
    ids = Unit.objects.values_list("id", flat=True)
    figures = duty_figures(ids, dt.date(2026, 5, 1), dt.date(2026, 10, 31))

    assert figures["turns"] > 1000
    assert sorted(figures["by_month"]) == [f"2026-{m:02d}" for m in range(5, 11)]
    assert figures["weekend_holiday_turns"] > figures["weekday_turns"] > 0
    assert not DutyTurn.objects.exclude(state=TurnState.PUBLISHED).exists()
    assert DutyAssignment.objects.filter(absent=True).exists()


def test_seeding_again_adds_no_turn(demo):
    before = DutyTurn.objects.count()

    rows = build_duty()

    assert DutyTurn.objects.count() == before
    assert rows[0][1] == 0 and rows[0][3] == before
