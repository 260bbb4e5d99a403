"""“Quá tuổi”: members still serving past the age limit of Luật DQTV Điều 8 (men to the
end of 45, women to the end of 40; volunteers 50 / 45), next to “sắp hết thời hạn”."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from personnel.models import Service, add_years
from personnel.rules import over_age
from tests.personnel.test_pages import enlist, make_person, roster
from units.models import today

pytestmark = pytest.mark.django_db


def member(agency, formation, name, *, age: int, gender="M", volunteer=False, joined_years=3):
    """Someone of `age` today who joined `joined_years` ago (within the age then)."""
    day = today()
    born = add_years(day, -age) - dt.timedelta(days=10)
    person = make_person(agency, name, born=born, gender=gender)
    enlist(person, formation, joined=add_years(day, -joined_years), volunteer=volunteer)
    return person


@pytest.fixture
def members(world):
    a1, f1 = world.agency1, world.formation1
    return {
        "over": member(a1, f1, "Nam Quá Tuổi", age=47),
        "volunteer": member(a1, f1, "Nam Tình Nguyện", age=47, volunteer=True),
        "woman": member(a1, f1, "Nữ Quá Tuổi", age=42, gender="F"),
        "woman_volunteer": member(a1, f1, "Nữ Tình Nguyện", age=42, gender="F", volunteer=True),
        "young": member(a1, f1, "Nam Trong Tuổi", age=40),
        "eve": member(a1, f1, "Nam Đúng Hạn", age=45),  # to the end of 45: still in age
        "elsewhere": member(world.agency2, world.formation2, "Nam Quá Tuổi A2", age=48),
    }


def test_the_age_limit_rule_for_many_people_matches_the_one_for_one(world, members):
    past = set(
        over_age(Service.objects.open(), today()).values_list("person__full_name", flat=True)
    )
    assert past == {"Nam Quá Tuổi", "Nữ Quá Tuổi", "Nam Quá Tuổi A2"}


def test_the_over_age_filter_lists_only_members_past_the_limit(world, client_for, members):
    page = roster(client_for(world.clerk), qua_tuoi="1")

    assert "Nam Quá Tuổi" in page and "Nữ Quá Tuổi" in page
    for name in ("Nam Tình Nguyện", "Nữ Tình Nguyện", "Nam Trong Tuổi", "Nam Đúng Hạn"):
        assert name not in page
    assert "Nam Quá Tuổi A2" not in page  # another agency, out of the clerk's scope
    assert page.count('badge text-bg-danger">Quá tuổi') == 2


def test_the_over_age_list_of_the_whole_scope_counts_each_agency(world, client_for, members):
    page = roster(client_for(world.admin), qua_tuoi="1")

    assert "Theo cơ quan, tổ chức" in page
    assert "qua_tuoi=1&amp;don_vi=A1" in page and "2 người" in page
    assert "qua_tuoi=1&amp;don_vi=A2" in page and "1 người" in page
    # One agency's own list needs no summary.
    assert "Theo cơ quan, tổ chức" not in roster(client_for(world.admin), qua_tuoi="1", don_vi="A1")


def test_the_roster_offers_both_lists_next_to_each_other(world, client_for, members):
    page = roster(client_for(world.staff), don_vi="A1")
    soon = page.index("Sắp hết thời hạn (90 ngày)")
    assert 0 < page.index('qua_tuoi=1">Quá tuổi</a>') - soon < 300


def test_the_summary_costs_one_query_whatever_the_agencies(world, client_for, members):
    client = client_for(world.admin)

    def count(**params) -> int:
        with CaptureQueriesContext(connection) as queries:
            roster(client, **params)
        return len(queries)

    with_two = count(qua_tuoi="1")
    member(world.agency2, world.formation2, "Nam Quá Tuổi Khác", age=49, joined_years=5)
    assert count(qua_tuoi="1") == with_two
