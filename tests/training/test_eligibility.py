"""Who qualifies for each audience: position, kind of force, year of service from the
first joining date, and seats on the Ban CHQS (Luật DQTV Điều 28, TT 69/2020)."""

import datetime as dt

import pytest

from training.eligibility import audience_rules, people_facts

from . import factories as f

pytestmark = pytest.mark.django_db
ON = dt.date(2023, 6, 1)


def audiences_of(person, on=ON) -> list[str]:
    facts = people_facts([person.pk], on).get(person.pk)
    if facts is None:
        return []
    return [r.audience.code for r in audience_rules() if r.admits(facts, on)]


def refusal(person, code, on=ON) -> str:
    facts = people_facts([person.pk], on)[person.pk]
    rule = next(r for r in audience_rules() if r.audience.code == code)
    return rule.refusal(facts, on)


def test_a_member_in_the_first_year_is_first_year_whatever_the_force(world):
    who = f.person(world.agency1, "Lê Văn Mới")
    f.member(who, force="co-dong", joined=dt.date(2022, 6, 2))
    assert audiences_of(who) == ["first-year"]


def test_from_the_second_year_the_kind_of_force_decides(world):
    in_place = f.person(world.agency1, "Trần Văn Tại Chỗ")
    f.member(in_place, force="tai-cho", joined=dt.date(2022, 6, 1))
    mobile = f.person(world.agency1, "Trần Văn Cơ Động")
    f.member(mobile, force="phong-khong", joined=dt.date(2021, 1, 1))

    assert audiences_of(in_place) == ["in-place"]
    assert audiences_of(mobile) == ["mobile"]
    assert "năm thứ 2" in refusal(in_place, "first-year")


def test_the_year_of_service_counts_from_the_first_joining_even_after_a_transfer(world):
    who = f.person(world.agency1, "Ngô Văn Chuyển")
    old = f.member(who, joined=dt.date(2021, 2, 1))
    old.ended_on = dt.date(2023, 1, 10)
    old.save()
    f.member(who, joined=dt.date(2023, 1, 10))

    assert audiences_of(who) == ["in-place"]


def test_squad_and_platoon_leaders_are_unit_leaders(world):
    squad = f.person(world.agency1, "Đỗ Văn Tiểu Đội")
    f.member(squad, position="tieu-doi-truong", joined=dt.date(2020, 1, 1))

    assert audiences_of(squad) == ["unit-leader", "in-place"]
    private = f.person(world.agency1, "Đỗ Văn Chiến Sĩ")
    f.member(private, joined=dt.date(2020, 1, 1))
    assert "Chiến sĩ" in refusal(private, "unit-leader")


def test_board_seat_holders_and_company_commanders_are_board_cadres(world):
    head = f.person(world.agency1, "Nguyễn Văn Trưởng")  # holds a seat, not a member
    f.seat(head)
    company = f.person(world.agency1, "Bùi Văn Đại Đội")
    f.member(company, position="dai-doi-truong", force="co-dong", joined=dt.date(2019, 1, 1))

    assert audiences_of(head) == ["board-cadre"]
    assert audiences_of(company) == ["board-cadre", "mobile"]


def test_someone_neither_serving_nor_on_the_board_qualifies_for_nothing(world):
    staff = f.person(world.agency1, "Hồ Thị Nhân Viên", gender="F")
    postponed = f.person(world.agency1, "Hồ Văn Tạm Hoãn")
    service = f.member(postponed, joined=dt.date(2020, 1, 1))
    service.status, service.status_on = "postponed", dt.date(2023, 1, 1)
    service.save()
    facts = people_facts([staff.pk, postponed.pk], ON)

    assert facts == {}
    assert audiences_of(staff) == audiences_of(postponed) == []
