import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings

from personnel.models import BoardAppointment, Person, Service
from units.models import Board

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 1)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Seed once for the module, rolled back at the end (each test has its own savepoint)."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        call_command("seed_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def test_the_demo_province_has_about_1100_members_of_whom_about_15_percent_women(demo):
    serving = Service.objects.serving_on(DAY)
    members = serving.count()
    women = serving.filter(person__gender="F").count()

    assert 1000 <= members <= 1200
    assert 0.12 <= women / members <= 0.18
    assert 0.2 <= serving.filter(person__party_joined_on__isnull=False).count() / members <= 0.5


def test_every_member_is_within_the_age_limits_on_joining(demo):
    for service in Service.objects.select_related("person")[:300]:
        age = service.person.age_on(service.joined_on)
        assert 18 <= age <= (45 if service.person.gender == "M" else 40)


def test_most_board_seats_are_filled_and_some_are_left_vacant(demo):
    boards = list(Board.objects.filter(status="active", unit__kind__is_agency=True))
    complete = sum(board.is_complete() for board in boards)

    assert 0.5 * len(boards) <= complete < len(boards)


def test_running_the_demo_twice_adds_no_person(demo):
    counts = (Person.objects.count(), Service.objects.count(), BoardAppointment.objects.count())
    history = Person.history.count()
    call_command("seed_demo", stdout=StringIO())

    assert (Person.objects.count(), Service.objects.count(), BoardAppointment.objects.count()) == (
        counts
    )
    assert Person.history.count() == history


def test_demo_people_can_be_found_by_a_name_typed_without_accents(demo):
    person = Person.objects.filter(full_name__startswith="Nguyễn").first()
    words = person.full_name.split()
    from chqs.text import fold

    assert person in Person.objects.search(fold(f"{words[0]} {words[-1]}"))
