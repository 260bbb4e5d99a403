"""seed_demo's training step: the 2026 plans with courses, quotas, nominations of people
who qualify, attendance and results; run twice, it adds nothing."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings

from training.eligibility import audience_rules, people_facts
from training.figures import training_figures
from training.models import Course, Nomination, Quota
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


def test_the_demo_has_a_year_of_training_with_plausible_rates(demo):
    assert Course.objects.filter(starts_on__year=2026).count() >= 40
    agencies = Unit.objects.agencies()
    figures = training_figures(agencies, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    total = figures["total"]
    assert total["quota"] > 1000
    assert 70 <= total["rate"] <= 100
    assert {row["audience"] for row in figures["by_audience"] if row["attended"]} == {
        "board-cadre", "unit-leader", "first-year", "mobile", "in-place",
    }  # fmt: skip
    assert 0 < figures["by_kind"]["cadre"]["good_rate"] < 100


def test_the_demo_nominates_only_people_who_qualify(demo):
    course = Course.objects.get(code="TH-CB-2026")
    rule = next(r for r in audience_rules() if r.audience == course.audience)
    nominated = list(Nomination.objects.filter(course=course).values_list("person_id", flat=True))
    facts = people_facts(nominated, course.starts_on)

    assert nominated
    assert all(rule.admits(facts[pk], course.starts_on) for pk in nominated)


def test_seeding_again_adds_no_training(demo):
    before = (Course.objects.count(), Quota.objects.count(), Nomination.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Course.objects.count(), Quota.objects.count(), Nomination.objects.count()) == before
