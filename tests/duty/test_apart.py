"""Night hours (22:00–06:00) and weekend/holiday man-days counted apart, per crew row,
per turn and in the tallies; shown where the kind of duty counts them apart."""

import datetime as dt
import io

from django.urls import reverse
from openpyxl import load_workbook

from personnel.duty.apart import hours_on_days, night_hours
from personnel.duty.figures import duty_figures
from personnel.duty.models import DutyKind, DutyTurn
from personnel.duty.services import attendance_record, turn_recount
from tests.duty.conftest import MONTH, D, at


def test_a_turn_from_18_to_06_holds_eight_night_hours():
    start = at(dt.date(2024, 3, 4), 18, 0)

    assert night_hours(start, start + dt.timedelta(hours=12)) == D("8")
    assert night_hours(at(dt.date(2024, 3, 4), 7, 30), at(dt.date(2024, 3, 4), 19, 30)) == 0
    assert night_hours(at(dt.date(2024, 3, 4), 5, 0), at(dt.date(2024, 3, 4), 23, 0)) == 2
    three_days = at(dt.date(2024, 3, 4), 7, 30)
    assert night_hours(three_days, three_days + dt.timedelta(days=3)) == 24


def test_hours_on_days_cut_at_local_midnight():
    start = at(dt.date(2024, 3, 1), 7, 30)  # Friday → Saturday 07:30
    saturday = {dt.date(2024, 3, 2)}

    assert hours_on_days(start, start + dt.timedelta(days=1), saturday) == D("7.5")
    assert hours_on_days(start, start + dt.timedelta(hours=16), saturday) == 0
    assert hours_on_days(start, start + dt.timedelta(hours=17), saturday) == D("0.5")


def test_a_patrol_from_18_to_06_stores_eight_night_hours_a_member(members, make_turn):
    turn = make_turn(
        dt.date(2024, 3, 5), members[:3], kind="tuan-tra-canh-gac", hours=12, hour=18, minute=0
    )

    rows = list(turn.assignments.all())
    assert [r.night_hours for r in rows] == [D("8")] * 3
    assert [r.holiday_hours for r in rows] == [0, 0, 0]  # Tuesday → Wednesday
    turn.refresh_from_db()
    assert (turn.night_hours, turn.holiday_man_days, turn.man_days) == (D("24"), 0, D("1.5"))


def test_a_three_day_turn_across_tet_counts_the_days_off_apart(members, make_turn):
    # 07:30 06/02/2024 (Tuesday) → 07:30 09/02/2024: 08/02 is a compensatory Tết day off
    # (one-off date), 09/02 the eve of Tết Nguyên Đán (lunar rule 1/1, from the day before).
    turn = make_turn(dt.date(2024, 2, 6), members[:2], hours=72)

    row = turn.assignments.first()
    assert row.days_served == 3
    assert row.holiday_hours == D("31.5")  # all of 08/02 and 00:00–07:30 on 09/02
    assert row.holiday_days == D("1.313")  # 3 × 31,5 ÷ 72
    assert row.night_hours == 24
    turn.refresh_from_db()
    assert turn.holiday_man_days == D("2.626") and turn.night_hours == 48


def test_one_whole_day_of_new_year_in_a_three_day_turn_is_one_holiday_man_day(members, make_turn):
    turn = make_turn(dt.date(2024, 12, 31), members[:1], hours=72)  # Tue → Fri, 01/01 off

    row = turn.assignments.get()
    assert (row.holiday_hours, row.holiday_days) == (D("24"), D("1"))


def test_an_absent_member_counts_nothing_apart_and_a_partial_one_from_the_start(members, make_turn):
    turn = make_turn(
        dt.date(2024, 3, 9), members[:3], kind="tuan-tra-canh-gac", hours=12, hour=18, minute=0
    )
    officer, absent, partial = turn.assignments.order_by("-is_officer", "pk")

    attendance_record(assignment=absent, absent=True, reason="sick")
    attendance_record(assignment=partial, absent=False, hours=D(6))  # 18:00–24:00 Saturday

    absent.refresh_from_db()
    partial.refresh_from_db()
    assert (absent.night_hours, absent.holiday_hours, absent.holiday_days) == (0, 0, 0)
    assert (partial.night_hours, partial.holiday_hours) == (D("2"), D("6"))
    assert partial.days_served == D("0.5") and partial.holiday_days == D("0.5")
    assert officer.night_hours == 8 and officer.holiday_hours == 12  # Sat 18:00 → Sun 06:00
    turn.refresh_from_db()
    assert turn.night_hours == 10
    assert turn.holiday_man_days == D("1")  # 0,5 each: both served on the weekend only


def test_figures_count_apart_only_the_kinds_that_say_so(world, members, make_turn, kinds):
    make_turn(
        dt.date(2024, 3, 5), members[:2], kind="tuan-tra-canh-gac", hours=12, hour=18, minute=0
    )
    make_turn(dt.date(2024, 3, 9), members[2:4])  # Saturday 07:30 → Sunday 07:30
    make_turn(dt.date(2024, 3, 12), members[4:6], kind="phong-chong-thien-tai", hours=24, hour=7)
    make_turn(dt.date(2024, 3, 16), members[6:8], kind="bao-ve-su-kien", hours=12, hour=6)
    DutyKind.objects.filter(code="bao-ve-su-kien").update(holiday_apart=False)

    figures = duty_figures([world.agency1.pk], dt.date(2024, 3, 1), dt.date(2024, 3, 31))

    # Night: the patrol 2 × 8 and the Saturday readiness duty 2 × 8; the disaster duty's
    # 2 × 7 is not counted apart (night_apart off for that kind).
    assert figures["night_hours"] == D("32")
    # Weekend: the Saturday turn 2 × 1; the event duty (Saturday) no longer counts apart.
    assert figures["holiday_man_days"] == D("2")
    assert figures["man_days"] == D("6")  # existing keys unchanged
    assert set(figures) >= {"turns", "by_kind", "by_unit", "by_month", "weekday_turns"}


def test_planned_turns_store_what_a_recount_would(world, planned):
    turns = list(DutyTurn.objects.order_by("starts_at"))
    stored = {t.pk: (t.night_hours, t.holiday_man_days) for t in turns}
    rows = {a.pk: (a.night_hours, a.holiday_hours, a.holiday_days) for t in turns
            for a in t.assignments.all()}  # fmt: skip

    for turn in turns:
        turn_recount(turn=turn)

    assert stored == {t.pk: (t.night_hours, t.holiday_man_days) for t in turns}
    assert rows == {
        a.pk: (a.night_hours, a.holiday_hours, a.holiday_days)
        for t in DutyTurn.objects.all()
        for a in t.assignments.all()
    }
    friday = turns[0]  # 07:30 01/03/2024 → 07:30 Saturday
    assert (friday.night_hours, friday.holiday_man_days) == (D("16"), D("0.626"))
    assert turns[1].holiday_man_days == D("2")  # Saturday → Sunday


def test_the_turn_page_shows_what_the_kind_counts_apart(world, members, make_turn, client_for):
    patrol = make_turn(
        dt.date(2024, 3, 9), members[:2], kind="tuan-tra-canh-gac", hours=12, hour=18
    )
    disaster = make_turn(
        dt.date(2024, 3, 12), members[2:4], kind="phong-chong-thien-tai", hours=24, hour=7
    )
    client = client_for(world.staff)

    page = client.get(reverse("duty:turn", kwargs={"pk": patrol.pk})).content.decode()
    assert "Giờ trực đêm (22:00–06:00)</dt>" in page
    assert '<dd class="col-sm-9" id="night-hours">16 giờ</dd>' in page
    assert '<dd class="col-sm-9" id="holiday-man-days">1</dd>' in page

    other = client.get(reverse("duty:turn", kwargs={"pk": disaster.pk})).content.decode()
    assert "Giờ trực đêm" not in other and "Giờ đêm" not in other
    assert 'id="holiday-man-days">0</dd>' in other


def test_the_ledger_shows_night_hours_and_holiday_man_days(world, members, make_turn, client_for):
    person = members[0]
    make_turn(dt.date(2024, 3, 9), [person], kind="tuan-tra-canh-gac", hours=12, hour=18, minute=0)
    make_turn(dt.date(2024, 2, 6), [person], hours=72)  # across Tết: 1,313
    make_turn(dt.date(2024, 3, 16), [person], kind="phong-chong-thien-tai", hours=24, hour=7)

    page = client_for(world.staff).get(
        reverse("duty:ledger", kwargs={"pk": person.pk}) + "?nam=2024"
    )

    text = page.content.decode()
    ledger = page.context["ledger"]
    assert ledger["night_hours"] == 8 + 24  # the disaster duty's nights are not apart
    assert ledger["holiday_days"] == D("0.5") + D("1.313") + D("1")
    assert '<div class="fs-4" id="night-hours">32</div>' in text
    assert '<div class="fs-4" id="holiday-man-days">2,813</div>' in text


def test_tallies_and_the_excel_rota_show_the_figures_apart(world, planned, client_for):
    planned.post(reverse("duty:publish", kwargs={"code": "A1"}), {"thang": MONTH})

    page = client_for(world.commander).get(
        reverse("duty:tallies") + "?tu=01/01/2024&den=30/06/2024"
    )
    text = page.content.decode()
    # 31 turns × 2 members × 8 night hours; weekends of March 2024 (five Fri/Sat/Sun runs:
    # 0,313 + 1 + 0,688 a member) × 2 members.
    assert "<strong>496</strong> giờ trực đêm (22:00–06:00)" in text
    assert "<strong>20,01</strong> ngày công cuối tuần, ngày lễ" in text

    response = planned.get(reverse("duty:month_xlsx", kwargs={"code": "A1"}) + f"?thang={MONTH}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [sheet[f"{c}2"].value for c in "IJK"] == [
        "Ngày công", "Giờ trực đêm (22:00–06:00)", "Ngày công cuối tuần, ngày lễ",
    ]  # fmt: skip
    first = next(sheet.iter_rows(min_row=3, values_only=True))
    assert first[8:11] == (2, 16, 0.626)
