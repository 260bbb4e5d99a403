"""Hours counted apart (pure arithmetic, no queries): the part of a crew member's service
that falls at night (22:00–06:00) and the part that falls on weekends and days off.

Everything is reckoned in Vietnam's time (settings.TIME_ZONE, Asia/Ho_Chi_Minh). The
model stores how many hours a member actually served, not when: a member who served
part of a turn is taken to have served from the turn's start for those hours (never
past its end). Holiday man-days are the member's `days_served` shared out by hours:
days_served × holiday hours ÷ hours served, so they never exceed the man-days and a
three-day turn with one whole day of Tết gives one holiday man-day whatever the
province's rounding rule.
"""

import datetime as dt
from collections.abc import Container
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from .calendar import is_weekend

NIGHT_STARTS, NIGHT_ENDS = dt.time(22), dt.time(6)
ONE_DAY = dt.timedelta(days=1)


def _hours(delta: dt.timedelta) -> Decimal:
    return (Decimal(delta.total_seconds()) / 3600).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _local(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=timezone.get_default_timezone())


def _overlap(start, end, a, b) -> dt.timedelta:
    return max(min(end, b) - max(start, a), dt.timedelta(0))


def served_period(
    starts_at: dt.datetime, ends_at: dt.datetime, hours: Decimal
) -> tuple[dt.datetime, dt.datetime]:
    """When a member who served `hours` of the turn [starts_at, ends_at) was on duty."""
    served = dt.timedelta(seconds=float(max(Decimal(hours), Decimal(0)) * 3600))
    return starts_at, min(ends_at, starts_at + served)


def local_dates(start: dt.datetime, end: dt.datetime) -> tuple[dt.date, dt.date]:
    """The first and last local dates [start, end) touches (for the holiday calendar)."""
    last = timezone.localtime(end) - dt.timedelta(microseconds=1) if end > start else end
    return timezone.localdate(start), timezone.localdate(last)


def night_hours(start: dt.datetime, end: dt.datetime) -> Decimal:
    """Hours of [start, end) between 22:00 and 06:00 local time (18:00→06:00 = 8)."""
    total = dt.timedelta(0)
    day, last = local_dates(start, end)
    day -= ONE_DAY  # the night that began the evening before `start`
    while day <= last:
        total += _overlap(start, end, _local(day, NIGHT_STARTS), _local(day + ONE_DAY, NIGHT_ENDS))
        day += ONE_DAY
    return _hours(total)


def hours_on_days(start: dt.datetime, end: dt.datetime, days: Container[dt.date]) -> Decimal:
    """Hours of [start, end) that fall on the local dates in `days`."""
    total = dt.timedelta(0)
    day, last = local_dates(start, end)
    while day <= last:
        if day in days:
            total += _overlap(start, end, _local(day, dt.time()), _local(day + ONE_DAY, dt.time()))
        day += ONE_DAY
    return _hours(total)


def off_days(first: dt.date, last: dt.date, holiday_days: Container[dt.date]) -> set[dt.date]:
    """Weekends and days off of the holiday calendar from `first` to `last`."""
    out, day = set(), first
    while day <= last:
        if is_weekend(day) or day in holiday_days:
            out.add(day)
        day += ONE_DAY
    return out


def apart(
    *,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    hours: Decimal,
    days_served: Decimal,
    absent: bool,
    days_off: Container[dt.date],
) -> tuple[Decimal, Decimal, Decimal]:
    """(night hours, weekend/holiday hours, weekend/holiday man-days) of one crew row;
    zeros when absent. `days_off` holds the weekends and holidays (see off_days)."""
    zero = Decimal(0)
    if absent or Decimal(hours) <= 0:
        return zero.quantize(Decimal("0.01")), zero.quantize(Decimal("0.01")), zero
    start, end = served_period(starts_at, ends_at, hours)
    served = _hours(end - start)
    holiday = hours_on_days(start, end, days_off)
    share = Decimal(days_served) * holiday / served if served else zero
    return night_hours(start, end), holiday, share.quantize(Decimal("0.001"), ROUND_HALF_UP)
