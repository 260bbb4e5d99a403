"""Vietnamese lunisolar calendar: lunar (month, day) of a year → Gregorian date.

The astronomical algorithm published by Hồ Ngọc Đức ("Âm lịch Việt Nam", 2004), the one
used by Vietnamese calendars: new moons and solar terms (Jean Meeus' series) computed for
the meridian UTC+7, the month holding the winter solstice is month 11, and a 13-month
year's leap month is the first one without a major solar term. Vietnam's calendar
differs from China's (UTC+8) in some years — e.g. Tết 1985 —, so no Chinese table is used.
Pure arithmetic, no data file: any year 1800–2199 works offline.
"""

import datetime as dt
import math

TZ_HOURS = 7.0
_JDN_OFFSET = 1721425  # date.toordinal() + this = Julian day number
_SYNODIC = 29.530588853


def _jdn(day: dt.date) -> int:
    return day.toordinal() + _JDN_OFFSET


def _date(jdn: int) -> dt.date:
    return dt.date.fromordinal(jdn - _JDN_OFFSET)


def _new_moon(k: int) -> float:
    """Julian date (UT) of the k-th new moon after 1900-01-01 13:52 UT."""
    t = k / 1236.85
    t2, t3 = t * t, t * t * t
    dr = math.pi / 180
    jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
    jd1 += 0.00033 * math.sin((166.56 + 132.87 * t - 0.009173 * t2) * dr)
    m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3
    mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3
    f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3
    c1 = (0.1734 - 0.000393 * t) * math.sin(m * dr) + 0.0021 * math.sin(2 * dr * m)
    c1 += -0.4068 * math.sin(mpr * dr) + 0.0161 * math.sin(dr * 2 * mpr)
    c1 += -0.0004 * math.sin(dr * 3 * mpr)
    c1 += 0.0104 * math.sin(dr * 2 * f) - 0.0051 * math.sin(dr * (m + mpr))
    c1 += -0.0074 * math.sin(dr * (m - mpr)) + 0.0004 * math.sin(dr * (2 * f + m))
    c1 += -0.0004 * math.sin(dr * (2 * f - m)) - 0.0006 * math.sin(dr * (2 * f + mpr))
    c1 += 0.0010 * math.sin(dr * (2 * f - mpr)) + 0.0005 * math.sin(dr * (2 * mpr + m))
    if t < -11:
        delta_t = 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    else:
        delta_t = -0.000278 + 0.000265 * t + 0.000262 * t2
    return jd1 + c1 - delta_t


def _new_moon_day(k: int) -> int:
    return math.floor(_new_moon(k) + 0.5 + TZ_HOURS / 24)


def _sun_longitude_sector(jdn: int) -> int:
    """Which of the 12 major solar-term sectors (0–11) the sun is in at local midnight."""
    t = (jdn - 0.5 - TZ_HOURS / 24 - 2451545.0) / 36525
    t2 = t * t
    dr = math.pi / 180
    m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2
    l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2
    dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * math.sin(dr * m)
    dl += (0.019993 - 0.000101 * t) * math.sin(dr * 2 * m) + 0.000290 * math.sin(dr * 3 * m)
    longitude = (l0 + dl) * dr
    longitude -= math.pi * 2 * math.floor(longitude / (math.pi * 2))
    return math.floor(longitude / math.pi * 6)


def _month11(year: int) -> int:
    """Julian day of the first day of lunar month 11 (the solstice month) of `year`."""
    off = _jdn(dt.date(year, 12, 31)) - 2415021
    k = math.floor(off / _SYNODIC)
    start = _new_moon_day(k)
    if _sun_longitude_sector(start) >= 9:
        start = _new_moon_day(k - 1)
    return start


def _leap_month_offset(a11: int) -> int:
    k = math.floor((a11 - 2415021.076998695) / _SYNODIC + 0.5)
    i = 1
    arc = _sun_longitude_sector(_new_moon_day(k + i))
    while True:
        last = arc
        i += 1
        arc = _sun_longitude_sector(_new_moon_day(k + i))
        if arc == last or i >= 14:
            break
    return i - 1


def lunar_to_solar(year: int, month: int, day: int, leap: bool = False) -> dt.date | None:
    """The Gregorian date of lunar `day`/`month` of lunar `year` (the year Tết opens).

    None when `leap` asks for a leap month the year does not have. Day 30 of a 29-day
    month gives the first day of the next month, as calendars fold it.
    """
    if month < 11:
        a11, b11 = _month11(year - 1), _month11(year)
    else:
        a11, b11 = _month11(year), _month11(year + 1)
    k = math.floor(0.5 + (a11 - 2415021.076998695) / _SYNODIC)
    off = (month - 11) % 12
    if b11 - a11 > 365:
        leap_off = _leap_month_offset(a11)
        leap_month = (leap_off - 2) % 12
        if leap and month != leap_month:
            return None
        if leap or off >= leap_off:
            off += 1
    elif leap:
        return None
    return _date(_new_moon_day(k + off) + day - 1)


def lunar_new_year(year: int) -> dt.date:
    """Tết Nguyên Đán (1/1 âm lịch) of Gregorian `year`."""
    return lunar_to_solar(year, 1, 1)  # type: ignore[return-value]
