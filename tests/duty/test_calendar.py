"""The holiday calendar: data rules, lunar holidays computed, one-off days."""

import datetime as dt

import pytest
from holidays.calendars.chinese import VIETNAMESE_CALENDAR, _ChineseLunisolar

from personnel.duty.calendar import holidays
from personnel.duty.lunar import lunar_new_year, lunar_to_solar
from personnel.duty.models import CalendarKind, HolidayDate, HolidayRule

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("year", "tet", "gio_to"),
    [
        (2024, dt.date(2024, 2, 10), dt.date(2024, 4, 18)),
        (2025, dt.date(2025, 1, 29), dt.date(2025, 4, 7)),
    ],
)
def test_tet_and_gio_to_fall_on_their_lunar_dates(year, tet, gio_to):
    days = holidays(dt.date(year, 1, 1), dt.date(year, 12, 31))

    assert days[tet] == "Tết Nguyên Đán"
    assert days[gio_to] == "Giỗ Tổ Hùng Vương"


def test_the_lunar_calendar_agrees_with_the_holidays_package_for_a_century():
    # An independent source (python-holidays' Vietnamese tables) for 1950–2099.
    table = _ChineseLunisolar(VIETNAMESE_CALENDAR)
    for year in range(1950, 2100):
        assert lunar_new_year(year) == table.lunar_new_year_date(year)[0], year
        assert lunar_to_solar(year, 3, 10) == table.hung_kings_date(year)[0], year


def test_tet_1985_follows_vietnam_not_china():
    # UTC+7 vs UTC+8: Vietnam celebrated Tết on 21/01/1985, China on 20/02/1985.
    assert lunar_new_year(1985) == dt.date(1985, 1, 21)


def test_a_leap_month_is_asked_for_explicitly():
    # 2023 had a leap 2nd month (22/03/2023–19/04/2023).
    assert lunar_to_solar(2023, 2, 1, leap=True) == dt.date(2023, 3, 22)
    assert lunar_to_solar(2023, 3, 1) == dt.date(2023, 4, 20)
    assert lunar_to_solar(2024, 2, 1, leap=True) is None


def test_tet_2024_with_compensatory_days_runs_from_8_to_14_february():
    days = holidays(dt.date(2024, 2, 1), dt.date(2024, 2, 29))

    assert list(days) == [dt.date(2024, 2, d) for d in range(8, 15)]


def test_a_make_up_working_day_is_not_a_holiday_and_a_swapped_day_is():
    days = holidays(dt.date(2024, 4, 1), dt.date(2024, 5, 31))

    assert dt.date(2024, 4, 29) in days
    assert dt.date(2024, 5, 4) not in days


def test_a_province_adds_its_own_holiday_and_others_do_not_see_it(world):
    HolidayRule.objects.create(
        name="Giỗ Tổ nghề (địa phương)",
        calendar=CalendarKind.LUNAR,
        month=7,
        day=15,
        province=world.province,
    )
    HolidayDate.objects.create(date=dt.date(2024, 6, 3), name="Nghỉ bù", province=world.province)

    mine = holidays(dt.date(2024, 1, 1), dt.date(2024, 12, 31), world.province.pk)
    national = holidays(dt.date(2024, 1, 1), dt.date(2024, 12, 31))

    assert mine[dt.date(2024, 8, 18)] == "Giỗ Tổ nghề (địa phương)"  # 15/7 âm lịch 2024
    assert dt.date(2024, 6, 3) in mine
    assert dt.date(2024, 8, 18) not in national and dt.date(2024, 6, 3) not in national


def test_a_rule_applies_only_in_its_years():
    HolidayRule.objects.filter(name="Giỗ Tổ Hùng Vương").update(valid_to_year=2024)

    assert dt.date(2025, 4, 7) not in holidays(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
