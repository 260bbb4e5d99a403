"""Properties of the rota planner (pure: no database)."""

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

import pytest

from personnel.duty.planner import Member, Rules, Slot, plan

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TET = {dt.date(2024, 2, d) for d in range(8, 15)}


def slots(days: int, crew: int, *, rest_hours=24, shift=24, start=dt.date(2024, 1, 1)):
    out = []
    for i in range(days):
        day = start + dt.timedelta(days=i)
        at = dt.datetime.combine(day, dt.time(7, 30), TZ)
        out.append(
            Slot(
                key=day.isoformat(),
                day=day,
                starts_at=at,
                ends_at=at + dt.timedelta(hours=shift),
                kind_id=1,
                crew_size=crew,
                min_rest=dt.timedelta(hours=rest_hours),
                weekend_holiday=day.weekday() >= 5 or day in TET,
            )
        )
    return out


def members(n: int, **extra) -> list[Member]:
    return [
        Member(pk=i + 1, name=f"Người {i:03d}", serving=[(dt.date(2020, 1, 1), None)], **extra)
        for i in range(n)
    ]


def tallies(rota):
    total, weekend = Counter(), Counter()
    for p in rota:
        for pick in p.picks:
            total[pick.pk] += 1
            weekend[pick.pk] += p.slot.weekend_holiday
    return total, weekend


def spread(counter, pks) -> int:
    values = [counter[pk] for pk in pks]
    return max(values) - min(values)


@pytest.mark.parametrize(
    ("n", "crew", "days"),
    [(5, 1, 60), (12, 2, 90), (20, 3, 365), (31, 5, 180), (9, 2, 366)],
)
def test_turn_and_weekend_counts_differ_by_at_most_one(n, crew, days):
    people = members(n)
    rota = plan(slots(days, crew), people)

    total, weekend = tallies(rota)
    assert all(p.shortfall == 0 for p in rota)
    assert spread(total, [m.pk for m in people]) <= 1
    assert spread(weekend, [m.pk for m in people]) <= 1


def test_nobody_stands_two_overlapping_turns_or_without_rest():
    rota = plan(slots(120, 3, rest_hours=48, shift=36), members(15))

    by_person: dict[int, list] = {}
    for p in rota:
        for pick in p.picks:
            by_person.setdefault(pick.pk, []).append((p.slot.starts_at, p.slot.ends_at))
    for intervals in by_person.values():
        intervals.sort()
        for (_, end), (start, _) in zip(intervals, intervals[1:], strict=False):
            assert start - end >= dt.timedelta(hours=48)


def test_the_same_input_gives_the_same_rota():
    first = plan(slots(90, 3), members(17))
    again = plan(slots(90, 3), list(reversed(members(17))))

    assert [[x.pk for x in p.picks] for p in first] == [[x.pk for x in p.picks] for p in again]


def test_an_unavailable_member_is_skipped_with_the_reason_and_the_others_stay_fair():
    people = members(8)
    away = people[0]
    away.unavailable = {dt.date(2024, 1, 1) + dt.timedelta(days=i): "Nghỉ phép" for i in range(30)}
    rota = plan(slots(60, 2), people)

    total, _ = tallies(rota)
    for p in rota[:30]:
        assert away.pk not in [x.pk for x in p.picks]
        assert (away.name, "vắng mặt: Nghỉ phép") in p.skipped
    assert spread(total, [m.pk for m in people[1:]]) <= 1


def test_members_already_on_another_turn_or_not_serving_are_not_picked():
    people = members(6)
    busy_from = dt.datetime(2024, 1, 3, 0, 0, tzinfo=TZ)
    people[0].busy = [(busy_from, busy_from + dt.timedelta(days=3))]
    people[1].serving = [(dt.date(2024, 1, 10), None)]
    rota = plan(slots(12, 2, rest_hours=0), people)

    for p in rota:
        picked = {x.pk for x in p.picks}
        if dt.date(2024, 1, 2) <= p.slot.day <= dt.date(2024, 1, 5):
            assert people[0].pk not in picked
        if p.slot.day < dt.date(2024, 1, 10):
            assert people[1].pk not in picked
    skipped = dict(rota[3].skipped)
    assert skipped[people[0].name] == "đang trực lượt khác cùng thời gian"
    assert skipped[people[1].name] == "không trong lực lượng tự vệ vào ngày này"


def test_history_counts_carry_over_so_the_least_used_go_first():
    people = members(4)
    people[0].turns = people[1].turns = 5
    rota = plan(slots(2, 2, rest_hours=0), people)

    assert {x.pk for x in rota[0].picks} == {people[2].pk, people[3].pk}


def test_longest_since_last_duty_goes_next_among_equals():
    people = members(3)
    people[0].turns = people[1].turns = people[2].turns = 1
    people[0].busy = [(dt.datetime(2023, 12, 20, tzinfo=TZ), dt.datetime(2023, 12, 21, tzinfo=TZ))]
    people[1].busy = [(dt.datetime(2023, 12, 10, tzinfo=TZ), dt.datetime(2023, 12, 11, tzinfo=TZ))]
    people[2].busy = [(dt.datetime(2023, 12, 15, tzinfo=TZ), dt.datetime(2023, 12, 16, tzinfo=TZ))]
    rota = plan(slots(1, 1, start=dt.date(2024, 1, 2)), people)

    assert rota[0].picks[0].pk == people[1].pk
    assert "lần trực gần nhất: 11/12/2023" in rota[0].picks[0].reason


def test_a_leader_is_officer_in_charge_when_required():
    people = members(10)
    for m in people[7:]:
        m.is_leader = True
    rota = plan(slots(30, 3, rest_hours=0), people, Rules(require_leader=True))

    for p in rota:
        officers = [x for x in p.picks if x.is_officer]
        assert len(officers) == 1 and officers[0].pk in {m.pk for m in people[7:]}


def test_a_gender_rule_keeps_others_off_the_turn():
    people = members(6)
    for m in people[:3]:
        m.gender = "F"
    for m in people[3:]:
        m.gender = "M"
    rota = plan(slots(10, 2, rest_hours=0), people, Rules(allowed_gender="M"))

    assert {x.pk for p in rota for x in p.picks} == {m.pk for m in people[3:]}


def test_too_few_members_leave_a_shortfall_instead_of_breaking_rest():
    rota = plan(slots(4, 2, rest_hours=48), members(3))

    assert sum(p.shortfall for p in rota) > 0
