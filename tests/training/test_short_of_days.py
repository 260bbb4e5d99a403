"""Members short of their required training days, counted set-based in the database
(training.figures), give exactly what the person-by-person rule gives
(training.eligibility: people_facts and Rule.admits, then the attended days per
audience) on a varied small dataset: first year or not around the anniversary and a
29/02 joining, an earlier record before a transfer, postponed and ended records, kinds
and positions of every audience, Ban CHQS seats with and without a serving record,
partial, sufficient, absent, replaced and other-year attendance, and an audience with
a year range and one that requires no days."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum

from chqs.text import name_sort_key
from personnel.models import (
    AppointmentState,
    BoardAppointment,
    Person,
    Service,
    ServicePosition,
    ServiceStatus,
)
from reports.indicators import compute
from reports.periods import parse_period
from training.eligibility import audience_rules, people_facts
from training.figures import count_members_short_of_days, latest_start, members_short_of_days
from training.models import Audience, Nomination, NominationState
from units.models import BoardPositionKind, ForceKind, UnitKind
from units.services import unit_create

from . import factories as f

pytestmark = pytest.mark.django_db

D = dt.date


def person_by_person(unit_ids, year: int, on: dt.date) -> list[dict]:
    """The rule applied to one person at a time, in Python (the former implementation)."""
    people = Person.objects.filter(agency_id__in=unit_ids)
    facts = people_facts(people.values("id"), on)
    who = {
        pk: (name, agency_id)
        for pk, name, agency_id in people.filter(id__in=list(facts)).values_list(
            "id", "full_name", "agency_id"
        )
    }
    days = {
        (row["person_id"], row["course__audience_id"]): row["d"]
        for row in Nomination.objects.attended()
        .filter(course__starts_on__year=year, person_id__in=list(facts))
        .values("person_id", "course__audience_id")
        .annotate(d=Sum("days_attended"))
    }
    rows = []
    for rule in audience_rules():
        audience = rule.audience
        for person_id, person_facts in facts.items():
            if not rule.admits(person_facts, on):
                continue
            got = days.get((person_id, audience.pk)) or Decimal("0")
            if got < audience.required_days:
                rows.append(
                    {
                        "person_id": person_id,
                        "full_name": who[person_id][0],
                        "agency_id": who[person_id][1],
                        "audience": audience.code,
                        "audience_name": audience.name,
                        "required_days": audience.required_days,
                        "days": got,
                    }
                )
    # The list's order: by name the Vietnamese way, then person, then audience.
    rows.sort(key=lambda r: (name_sort_key(r["full_name"]), r["person_id"], r["audience"]))
    return rows


def closed(who, *, joined, ended, status=ServiceStatus.TRANSFERRED, force="tai-cho"):
    return Service.objects.create(
        person=who,
        agency=who.agency,
        position=ServicePosition.objects.get(code="chien-si"),
        force_kind=ForceKind.objects.get(code=force),
        joined_on=joined,
        term_end=joined + dt.timedelta(days=4 * 365),
        status=status,
        status_on=ended,
        ended_on=ended,
    )


SEATED = D(2021, 1, 1)


def seat(who, *, since=SEATED, ends=None, state=AppointmentState.CONFIRMED):
    return BoardAppointment.objects.create(
        board=who.agency.board,
        position=BoardPositionKind.objects.get(code="pho-chi-huy-truong"),
        person=who,
        starts_on=since,
        ends_on=ends,
        state=state,
    )


@pytest.fixture
def varied(world):
    w = world
    a1, a2 = w.agency1, w.agency2
    people = {}

    def member(name, agency=a1, **kw):
        people[name] = f.person(agency, name)
        if kw.pop("serving", True):
            f.member(people[name], **kw)
        return people[name]

    # Years of service around 31/12/2023 (first year until 30/12/2023 joinings).
    member("Tân binh tròn năm", joined=D(2023, 1, 1))  # year 1 on 31/12/2023
    member("Vừa tròn một năm", joined=D(2022, 12, 31))  # year 2 on 31/12/2023
    member("Một năm thiếu một ngày", joined=D(2023, 1, 2))
    member("Vào ngày nhuận", joined=D(2020, 2, 29), force="co-dong")
    member("Tân binh nhuận", joined=D(2024, 2, 29), force="phong-khong")
    member("Cơ động lâu năm", force="co-dong", joined=D(2018, 5, 1))
    member("Pháo binh mới", force="phao-binh", joined=D(2023, 7, 1))
    member("Tiểu đội trưởng", position="tieu-doi-truong", joined=D(2019, 1, 1))
    member("Khẩu đội trưởng cơ động", position="khau-doi-truong", force="co-dong")
    member("Đại đội trưởng", position="dai-doi-truong", joined=D(2017, 1, 1))
    member("Trung đội trưởng chưa học", position="trung-doi-truong", joined=D(2020, 1, 1))
    member("Năm thứ ba", joined=D(2021, 6, 1))
    member("Tại chỗ đủ ngày", joined=D(2019, 3, 1))
    member("Tại chỗ nửa ngày", joined=D(2019, 3, 1))
    member("Tại chỗ vắng", joined=D(2019, 3, 1))
    member("Tại chỗ bị thay", joined=D(2019, 3, 1))
    member("Tại chỗ học năm trước", joined=D(2019, 3, 1))
    member("Tại chỗ học lớp khác", joined=D(2019, 3, 1))
    member("Cơ quan khác", agency=a2, joined=D(2019, 3, 1))
    member("Cơ quan khác mới", agency=a2, force="co-dong", joined=D(2023, 6, 1))
    # A transfer: the serving record is recent, the first one is not.
    moved = member("Chuyển đến", joined=D(2023, 9, 1))
    closed(moved, joined=D(2018, 4, 1), ended=D(2023, 9, 1))
    moved_rookie = member("Chuyển đến vẫn năm đầu", joined=D(2023, 10, 1))
    closed(moved_rookie, joined=D(2023, 2, 1), ended=D(2023, 10, 1))
    # An old record left open and postponed, and a later closed one still running on the
    # day: the first joining date is the postponed record's.
    overlapping = member("Hoãn từ trước, đang phục vụ", serving=False)
    closed(overlapping, joined=D(2023, 6, 1), ended=D(2026, 1, 1), status=ServiceStatus.COMPLETED)
    f.member(overlapping, joined=D(2018, 1, 1))
    Service.objects.filter(person=overlapping, ended_on__isnull=True).update(
        status=ServiceStatus.POSTPONED, status_on=D(2019, 1, 1)
    )
    # Staff list of one agency, serving record with the other: counted for the staff list.
    listed = f.person(a1, "Biên chế A1, phục vụ A2")
    people[listed.full_name] = listed
    Service.objects.create(
        person=listed, agency=a2, position=ServicePosition.objects.get(code="chien-si"),
        force_kind=ForceKind.objects.get(code="tai-cho"), joined_on=D(2020, 1, 1),
        term_end=D(2026, 1, 1),
    )  # fmt: skip
    # Not serving on the day: ended, postponed, not yet joined.
    ended = member("Đã thôi", serving=False)
    closed(ended, joined=D(2019, 1, 1), ended=D(2023, 6, 30), status=ServiceStatus.COMPLETED)
    postponed = member("Tạm hoãn", joined=D(2019, 1, 1))
    Service.objects.filter(person=postponed).update(
        status=ServiceStatus.POSTPONED, status_on=D(2023, 8, 1)
    )
    member("Vào sau ngày tính", joined=D(2024, 3, 1))
    member("Không tham gia", serving=False)
    # Ban CHQS seats: serving or not, ended, only proposed.
    seat(member("Chỉ huy trưởng không tham gia tự vệ", serving=False))
    seat(member("Phó chỉ huy tại chỗ", joined=D(2019, 3, 1)))
    seat(member("Ủy viên hết nhiệm kỳ", serving=False), ends=D(2023, 6, 1))
    seat(member("Đề nghị bổ nhiệm", serving=False), state=AppointmentState.PROPOSED)
    seat(member("Chỉ huy cơ quan khác", agency=a2, serving=False))

    # An audience with a year range and positions and kinds, one with no required days.
    ranged = Audience.objects.create(
        code="mid-term", name="Tự vệ năm thứ hai, thứ ba", required_days=3, min_year=2,
        max_year=3, order=60,
    )  # fmt: skip
    ranged.force_kinds.set(ForceKind.objects.filter(code__in=["tai-cho", "co-dong"]))
    ranged.positions.set(ServicePosition.objects.filter(code__in=["chien-si"]))
    Audience.objects.create(code="none-needed", name="Không yêu cầu", required_days=0, order=70)

    p = people
    for year in (2023, 2024):
        in_place = f.course(a1, f"HL-TC-{year}", "in-place", D(year, 5, 8), days=7)
        mobile = f.course(a2, f"HL-CD-{year}", "mobile", D(year, 5, 15), days=12)
        rookies = f.course(a1, f"HL-N1-{year}", "first-year", D(year, 10, 2), days=15)
        leaders = f.course(w.region1, f"TH-DV-{year}", "unit-leader", D(year, 4, 10), days=5)
        board = f.course(w.province, f"TH-CB-{year}", "board-cadre", D(year, 3, 6), days=7)
        mid = f.course(a1, f"HL-GK-{year}", "mid-term", D(year, 6, 5), days=3)
        f.attend(in_place, [p["Tại chỗ đủ ngày"], p["Phó chỉ huy tại chỗ"], p["Chuyển đến"]], 3)
        f.attend(in_place, [p["Tại chỗ nửa ngày"]], 1, days=Decimal("6.5"))
        f.attend(in_place, [p["Tại chỗ vắng"]], 0)
        f.attend(mobile, [p["Cơ động lâu năm"], p["Vào ngày nhuận"]], 1, days=Decimal("11.5"))
        f.attend(rookies, [p["Tân binh tròn năm"]], 1, days=Decimal("15"))
        f.attend(rookies, [p["Một năm thiếu một ngày"], p["Pháo binh mới"]], 2, days=Decimal("9"))
        f.attend(leaders, [p["Tiểu đội trưởng"], p["Khẩu đội trưởng cơ động"]], 2)
        f.attend(board, [p["Chỉ huy trưởng không tham gia tự vệ"], p["Đại đội trưởng"]], 1)
        f.attend(mid, [p["Tại chỗ học lớp khác"], p["Vừa tròn một năm"]], 2)
        if year == 2023:
            f.attend(in_place, [p["Tại chỗ học năm trước"]], 1)
    # Attended, but the nomination was replaced by a substitute's: it does not count.
    makeup = f.course(a1, "HL-TC-THAY", "in-place", D(2023, 8, 1), days=7)
    f.attend(makeup, [p["Tại chỗ bị thay"]], 1)
    Nomination.objects.filter(person=p["Tại chỗ bị thay"]).update(state=NominationState.REPLACED)
    return w


ON_DAYS = [
    (2023, None),  # 31/12/2023
    (2023, D(2023, 12, 14)),  # a return's as-of day
    (2024, D(2024, 2, 28)),
    (2024, D(2024, 2, 29)),
    (2025, D(2025, 2, 28)),
    (2024, None),
]


@pytest.mark.parametrize(("year", "on"), ON_DAYS)
def test_set_based_rows_equal_the_person_by_person_rule(varied, year, on):
    ids = [varied.agency1.pk]
    expected = person_by_person(ids, year, on or D(year, 12, 31))

    assert members_short_of_days(ids, year, on=on) == expected
    assert count_members_short_of_days(ids, year, on=on) == len({r["person_id"] for r in expected})


@pytest.mark.parametrize(("year", "on"), ON_DAYS[:3])
def test_set_based_figures_equal_the_rule_over_both_agencies(varied, year, on):
    ids = [varied.agency1.pk, varied.agency2.pk]
    expected = person_by_person(ids, year, on or D(year, 12, 31))

    assert members_short_of_days(ids, year, on=on) == expected
    assert count_members_short_of_days(ids, year, on=on) == len({r["person_id"] for r in expected})


def test_the_dataset_exercises_every_audience_and_both_outcomes(varied):
    """Guard for the two tests above: the rule finds people short in every audience
    that requires days, and people who qualify but have done enough."""
    ids = [varied.agency1.pk, varied.agency2.pk]
    short = person_by_person(ids, 2023, D(2023, 12, 31))
    assert {r["audience"] for r in short} == {
        "board-cadre", "unit-leader", "first-year", "mobile", "in-place", "mid-term",
    }  # fmt: skip
    names = {r["full_name"] for r in short}
    for done in ("Tại chỗ đủ ngày", "Tân binh tròn năm", "Chuyển đến"):
        assert done not in names
    for short_one in ("Tại chỗ nửa ngày", "Tại chỗ vắng", "Tại chỗ bị thay", "Vào ngày nhuận"):
        assert short_one in names


def test_the_anniversary_bounds_follow_add_years():
    from training.eligibility import Facts

    for on in (D(2024, 2, 28), D(2024, 2, 29), D(2025, 2, 28), D(2025, 3, 1), D(2023, 12, 31)):
        for years in (0, 1, 2, 3):
            bound = latest_start(on, years)
            for offset in range(-3, 4):
                first = bound + dt.timedelta(days=offset)
                year = Facts(person_id=1, first_joined_on=first).service_year(on)
                assert (year is not None and year > years) == (first <= bound), (on, years, first)


def test_the_return_counts_them_for_the_province(varied):
    figures = compute(varied.province, parse_period("2023"))
    as_of = D(2023, 12, 14)  # TT 58 year window ends 14/12
    expected = person_by_person([varied.agency1.pk, varied.agency2.pk], 2023, as_of)

    assert figures["training"]["short_of_days"] == len({r["person_id"] for r in expected})
    assert figures["training"]["short_of_days"] > 0


def test_a_subtree_above_a_hundred_agencies_has_the_figure(world):
    kind = UnitKind.objects.get(code="agency")
    for n in range(101):
        agency = unit_create(
            parent=world.commune1, valid_from=D(2020, 1, 1), code=f"N{n:03d}",
            name=f"Cơ quan {n:03d}", kind=kind,
        )  # fmt: skip
        f.member(f.person(agency, f"Chiến sĩ {n:03d}"), joined=D(2019, 3, 1))

    figures = compute(world.province, parse_period("2023"))

    assert figures["agencies"]["total"] == 103
    assert figures["training"]["short_of_days"] == 101


def test_no_agencies_no_one_short(varied):
    assert members_short_of_days([], 2023) == []
    assert count_members_short_of_days([], 2023) == 0
