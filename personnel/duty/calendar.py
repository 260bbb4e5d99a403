"""The holiday calendar, computed from data: recurring rules (solar or lunar month/day,
an offset, a number of days; nationwide or per province) plus one-off dates
(compensatory days off, make-up working days). Two queries for any range."""

import datetime as dt

from django.db.models import Q

from .lunar import lunar_to_solar
from .models import CalendarKind, HolidayDate, HolidayRule


def _rule_start(rule: HolidayRule, year: int) -> dt.date | None:
    if rule.calendar == CalendarKind.LUNAR:
        base = lunar_to_solar(year, rule.month, rule.day)
    else:
        try:
            base = dt.date(year, rule.month, rule.day)
        except ValueError:
            return None
    return base + dt.timedelta(days=rule.offset) if base else None


def holidays(start: dt.date, end: dt.date, province_id: int | None = None) -> dict[dt.date, str]:
    """Days off in [start, end] → the holiday's name, for the nation and `province_id`."""
    where = Q(province__isnull=True)
    if province_id:
        where |= Q(province_id=province_id)
    found: dict[dt.date, str] = {}
    # A lunar holiday of year Y can fall in Gregorian Y only; Tết's eve rule (offset -1)
    # too. Looking one year either side keeps rules with large offsets correct.
    for rule in HolidayRule.objects.filter(where):
        for year in range(start.year - 1, end.year + 2):
            if year < rule.valid_from_year or (rule.valid_to_year and year > rule.valid_to_year):
                continue
            first = _rule_start(rule, year)
            if first is None:
                continue
            for i in range(rule.days):
                day = first + dt.timedelta(days=i)
                if start <= day <= end:
                    found.setdefault(day, rule.name)
    for one in HolidayDate.objects.filter(where, date__range=(start, end)):
        if one.is_day_off:
            found[one.date] = one.name
        else:
            found.pop(one.date, None)
    return dict(sorted(found.items()))


def is_weekend(day: dt.date) -> bool:
    return day.weekday() >= 5


def day_kind(day: dt.date, holiday_days) -> str:
    """ "holiday", "weekend" or "weekday" — the planner and the tallies count the first
    two together as weekend/holiday turns."""
    if day in holiday_days:
        return "holiday"
    return "weekend" if is_weekend(day) else "weekday"
