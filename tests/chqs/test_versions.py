"""Per-process caches keyed by data versions (chqs.versions): a committed change is seen
by every user on their next request; a change that no cached value reads keeps them."""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse

from chqs import versions
from chqs.models import DataVersion
from personnel.forms import person_version
from personnel.models import Person, Service
from tests.personnel.test_pages_person import person_form
from tests.reports.helpers import member

transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def figures_version() -> int:
    return DataVersion.objects.get(name=versions.FIGURES).number


def women_on_dashboard(client) -> str:
    html = client.get(reverse("home")).content.decode()
    return html.split('data-figure="dashboard-members">')[1].split("</div></div>")[0]


@transactional
def test_an_edit_by_one_user_is_on_the_next_dashboard_of_another(world, client_for, client):
    person = member(world.agency1, world.formation1, joined_on=dt.date(2020, 3, 1))
    commander = client_for(world.commander)
    assert "(0 nữ)" in women_on_dashboard(commander)
    assert "(0 nữ)" in women_on_dashboard(commander)  # from the cache

    editor = type(client)()
    editor.force_login(world.staff)
    data = person_form(world, full_name=person.full_name, gender="F", cccd=person.cccd,
                       birth_date="01/05/1990", version=person_version(person))  # fmt: skip
    assert editor.post(reverse("personnel:person_edit", args=[person.pk]), data).status_code == 302

    assert Person.objects.get(pk=person.pk).gender == "F"
    assert "(1 nữ)" in women_on_dashboard(commander)


@transactional
def test_a_phone_number_correction_bumps_no_version_and_a_birth_date_does(world):
    person = member(world.agency1, world.formation1)
    person = Person.objects.get(pk=person.pk)
    before = figures_version()
    person.phone = "0912345678"
    person.residence = "Số 5 hẻm 3, phường Cái Khế"
    person.save()
    assert figures_version() == before

    person.birth_date = dt.date(1991, 5, 1)
    person.save()
    assert figures_version() == before + 1


@transactional
def test_a_new_sort_key_bumps_the_version_even_when_the_name_is_the_same(world):
    # The roster's cached page ids are in sort-key order: a key written again (a person
    # whose stored key is stale, say after the order's rule changed) must renew them.
    person = member(world.agency1, world.formation1)
    Person.objects.filter(pk=person.pk).update(sort_key="")
    person = Person.objects.get(pk=person.pk)
    before = figures_version()
    person.phone = "0912345678"
    person.save()
    assert Person.objects.get(pk=person.pk).sort_key != ""
    assert figures_version() == before + 1


@transactional
def test_a_phone_number_saved_through_the_edit_form_bumps_no_version(world, client_for):
    person = Person.objects.create(
        agency=world.agency1, full_name="Phan Thị Hồng Nhung", birth_date=dt.date(1995, 9, 2),
        gender="F", cccd="001195012345", youth_union_joined_on=dt.date(2010, 3, 26),
    )  # fmt: skip
    before = figures_version()
    data = person_form(world, phone="0987654321", version=person_version(person))
    editor = client_for(world.staff)
    assert editor.post(reverse("personnel:person_edit", args=[person.pk]), data).status_code == 302

    assert Person.objects.get(pk=person.pk).phone == "0987654321"
    assert figures_version() == before


@transactional
def test_bulk_writes_bump_the_version_once_when_they_commit_and_never_when_rolled_back(world):
    member(world.agency1, world.formation1)
    member(world.agency1, world.formation1, name="Trần Văn Nam")
    before = figures_version()
    with transaction.atomic():
        Person.objects.update(gender="F")
        Service.objects.update(decision="01/QĐ")
        assert figures_version() == before  # not before the commit
    assert figures_version() == before + 1

    with pytest.raises(RuntimeError), transaction.atomic():
        Person.objects.update(gender="M")
        raise RuntimeError
    assert figures_version() == before + 1
    assert set(Person.objects.values_list("gender", flat=True)) == {"F"}


@pytest.mark.django_db
def test_a_transaction_that_wrote_reads_its_own_changes_not_the_cache(world):
    computed = []

    def compute():
        computed.append(1)
        return Person.objects.count()

    # pytest-django runs this test inside one transaction that never commits: the
    # people made by `world`'s services are pending, so nothing is cached.
    member(world.agency1, world.formation1)
    assert versions.cached(["t"], [versions.FIGURES], compute) == 1
    member(world.agency1, world.formation1, name="Trần Văn Nam")
    assert versions.cached(["t"], [versions.FIGURES], compute) == 2
    assert len(computed) == 2


def test_every_table_of_the_data_apps_is_watched_except_users_and_history():
    watched = versions.tables()
    assert watched["personnel_person"] == (versions.FIGURES,)
    assert watched["units_unit"] == (versions.UNITS, versions.FIGURES)
    assert "training_audience_positions" in watched  # an m2m table
    assert "units_user" not in watched
    assert not [t for t in watched if "historical" in t]
    assert not [t for t in watched if t.startswith(("chqs_", "django_", "axes_", "auth_"))]
