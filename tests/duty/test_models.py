"""Duty records: man-day arithmetic, the period a turn belongs to, and the tallies the
periodic returns read (duty_figures)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from personnel.duty.figures import duty_figures
from personnel.duty.models import (
    AbsenceReason,
    DutyPolicy,
    DutyTurn,
    Rounding,
    days_for_hours,
)
from personnel.duty.services import attendance_record, turn_save
from tests.duty.conftest import at, make_members

D = Decimal


@pytest.mark.parametrize(
    ("hours", "rounding", "days"),
    [
        (12, Rounding.HALF, "0.5"),
        (12, Rounding.WHOLE, "1"),
        (12, Rounding.EXACT, "0.5"),
        (8, Rounding.EXACT, "0.333"),
        (13, Rounding.HALF, "1"),
        (24, Rounding.HALF, "1"),
        (36, Rounding.HALF, "1.5"),
        (36, Rounding.WHOLE, "2"),
        (96, Rounding.WHOLE, "4"),
        (0, Rounding.WHOLE, "0"),
    ],
)
def test_days_served_follow_the_rounding_rule(hours, rounding, days):
    assert days_for_hours(D(hours), rounding) == D(days)


def test_a_night_shift_across_midnight_counts_its_hours_not_its_dates(world, members, make_turn):
    turn = make_turn(dt.date(2024, 3, 4), members[:3], kind="tuan-tra-canh-gac", hours=12, hour=19)

    assert turn.starts_on == dt.date(2024, 3, 4)
    assert [a.days_served for a in turn.assignments.all()] == [D("0.5")] * 3
    assert turn.man_days == D("1.5")


def test_the_province_rule_makes_a_12_hour_shift_a_whole_day(world, members, make_turn):
    DutyPolicy.objects.create(province=world.province, rounding=Rounding.WHOLE)
    turn = make_turn(dt.date(2024, 3, 4), members[:3], kind="tuan-tra-canh-gac", hours=12, hour=19)

    assert turn.man_days == D("3")


def test_an_absent_member_counts_nothing_and_the_stand_in_counts_the_turn(
    world, members, make_turn
):
    turn = make_turn(dt.date(2024, 3, 4), members[:3], hours=36)
    first = turn.assignments.get(person=members[1])

    attendance_record(
        assignment=first, absent=True, reason=AbsenceReason.SICK, replaced_by=members[5]
    )

    turn.refresh_from_db()
    first.refresh_from_db()
    assert first.days_served == 0
    assert first.replaced_by.person == members[5]
    assert turn.man_days == D("4.5")  # 3 people × 1,5 days, one replaced


def test_partial_hours_count_partial_days(world, members, make_turn):
    turn = make_turn(dt.date(2024, 3, 4), members[:2], hours=24)
    attendance_record(assignment=turn.assignments.get(person=members[1]), absent=False, hours=D(10))

    turn.refresh_from_db()
    assert turn.man_days == D("1.5")


def test_a_turn_belongs_to_the_period_of_its_local_start_date(world, members, make_turn):
    late = make_turn(dt.date(2024, 1, 31), members[:2], hour=23, hours=8)
    early = make_turn(dt.date(2024, 2, 1), members[2:4], hour=0, hours=8)

    january = DutyTurn.objects.published().in_period(dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    february = DutyTurn.objects.published().in_period(dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert list(january) == [late]
    assert list(february) == [early]
    # 00:00 local on 01/02 is still 31/01 in UTC: the local date decides.
    assert early.starts_at.astimezone(dt.UTC).date() == dt.date(2024, 1, 31)


def test_drafts_are_not_published(world, members, make_turn):
    make_turn(dt.date(2024, 3, 4), members[:2], publish=False)

    assert not DutyTurn.objects.published().exists()


def test_the_same_person_cannot_stand_two_overlapping_turns(world, members, make_turn, kinds):
    make_turn(dt.date(2024, 3, 4), members[:2], hours=24)

    with pytest.raises(ValidationError) as refused:
        turn_save(
            unit=world.agency1,
            kind=kinds["tuan-tra-canh-gac"],
            starts_at=at(dt.date(2024, 3, 4), 19),
            ends_at=at(dt.date(2024, 3, 5), 7),
            crew=[members[1], members[2]],
        )
    assert "trùng thời gian" in " ".join(refused.value.messages)
    assert members[1].full_name in " ".join(refused.value.messages)


def test_a_member_not_serving_on_the_day_is_refused(world, kinds):
    late_joiner = make_members(world.agency1, 1, joined_on=dt.date(2024, 6, 1))[0]

    with pytest.raises(ValidationError) as refused:
        turn_save(
            unit=world.agency1,
            kind=kinds["san-sang-chien-dau"],
            starts_at=at(dt.date(2024, 3, 4)),
            ends_at=at(dt.date(2024, 3, 5)),
            crew=[late_joiner],
        )
    assert "không trong lực lượng tự vệ vào ngày 04/03/2024" in refused.value.messages[0]


def test_a_person_of_another_subtree_is_refused(world, kinds):
    stranger = make_members(world.agency2, 1)[0]

    with pytest.raises(ValidationError) as refused:
        turn_save(
            unit=world.agency1,
            kind=kinds["san-sang-chien-dau"],
            starts_at=at(dt.date(2024, 3, 4)),
            ends_at=at(dt.date(2024, 3, 5)),
            crew=[stranger],
        )
    assert "không thuộc đơn vị" in refused.value.messages[0]


def test_a_short_rest_is_a_warning_not_a_refusal(world, members, make_turn, kinds):
    make_turn(dt.date(2024, 3, 4), members[:2], hours=24)  # rest 48 h for this kind

    _, warnings = turn_save(
        unit=world.agency1,
        kind=kinds["san-sang-chien-dau"],
        starts_at=at(dt.date(2024, 3, 6)),
        ends_at=at(dt.date(2024, 3, 7)),
        crew=[members[1]],
    )
    assert warnings and "chưa nghỉ đủ 48 giờ" in warnings[0]


def test_figures_count_published_turns_by_kind_unit_month_and_day_kind(world, members, make_turn):
    make_turn(dt.date(2024, 2, 10), members[:3])  # Tết (Saturday too)
    make_turn(dt.date(2024, 4, 18), members[3:6])  # Giỗ Tổ, a Thursday
    make_turn(dt.date(2024, 4, 16), members[6:9], kind="tuan-tra-canh-gac", hours=12, hour=19)
    make_turn(dt.date(2024, 4, 22), members[:4], publish=False)  # a draft: not counted
    other = make_members(world.agency2, 2)
    make_turn(dt.date(2024, 3, 1), other, unit=world.agency2)

    figures = duty_figures([world.agency1.pk], dt.date(2024, 1, 1), dt.date(2024, 6, 30))

    assert figures["turns"] == 3
    assert figures["man_days"] == D("7.5")
    assert figures["by_kind"] == [
        {"code": "san-sang-chien-dau", "name": "Trực sẵn sàng chiến đấu", "turns": 2,
         "man_days": D("6")},
        {"code": "tuan-tra-canh-gac", "name": "Tuần tra canh gác", "turns": 1,
         "man_days": D("1.5")},
    ]  # fmt: skip
    assert figures["weekday_turns"] == 1
    assert figures["weekend_holiday_turns"] == 2
    assert figures["by_unit"] == {world.agency1.pk: {"turns": 3, "man_days": D("7.5")}}
    assert figures["by_month"] == {"2024-02": D("3"), "2024-04": D("4.5")}


def test_figures_of_nothing_are_zero(world):
    figures = duty_figures([world.agency1.pk], dt.date(2024, 1, 1), dt.date(2024, 6, 30))

    assert figures["turns"] == 0
    assert figures["man_days"] == 0
    assert figures["by_kind"] == [] and figures["by_unit"] == {} and figures["by_month"] == {}


def test_figures_take_the_same_number_of_queries_for_one_turn_or_many(world, members, make_turn):
    def queries() -> int:
        ids = [world.agency1.pk, world.agency2.pk]
        with CaptureQueriesContext(connection) as ctx:
            duty_figures(ids, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
        return len(ctx)

    make_turn(dt.date(2024, 1, 2), members[:2])
    one = queries()
    for i in range(8):
        make_turn(dt.date(2024, 2, 1) + dt.timedelta(days=3 * i), members[2 + i % 6 :][:2])
    make_turn(dt.date(2024, 3, 1), make_members(world.agency2, 2), unit=world.agency2)

    assert queries() == one == 4


def test_seed_002_forty_eight_four_day_patrols_of_46_people_make_8832_man_days(world, kinds):
    crew = make_members(world.agency1, 46)
    for i in range(48):
        turn_save(
            unit=world.agency1,
            kind=kinds["tuan-tra-canh-gac"],
            starts_at=at(dt.date(2024, 1, 1) + dt.timedelta(days=5 * i)),
            ends_at=at(dt.date(2024, 1, 5) + dt.timedelta(days=5 * i)),
            crew=crew,
            state="published",
        )

    figures = duty_figures([world.agency1.pk], dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert (figures["turns"], figures["man_days"]) == (48, D("8832"))


def test_putting_on_someone_far_above_the_mean_is_a_fairness_warning(
    world, members, make_turn, kinds
):
    for i in range(4):
        make_turn(dt.date(2024, 3, 1) + dt.timedelta(days=3 * i), [members[0]])

    _, warnings = turn_save(
        unit=world.agency1,
        kind=kinds["san-sang-chien-dau"],
        starts_at=at(dt.date(2024, 4, 1)),
        ends_at=at(dt.date(2024, 4, 2)),
        crew=[members[0], members[1]],
    )

    assert warnings == [
        f"{members[0].full_name} đã trực 4 lượt trong năm 2024, nhiều hơn mức bình quân "
        "của đơn vị (0,4 lượt): cân nhắc chọn người khác."
    ]
