"""Duty tallies for pages and the periodic returns (selectors: reads only).

What counts: PUBLISHED turns run by one of `unit_ids` whose local start date lies in
[start, end] (`DutyTurn.objects.published().in_period(start, end)`); drafts never count.

Man-days (*ngày công*) of a turn = the sum over its crew of the days each served;
a member's days are the hours they served turned into days by the province's rounding
rule (`DutyPolicy.rounding`, default HALF: whole days of 24 h count 1 each, the rest
counts 0,5 up to 12 h and 1 beyond; EXACT: hours/24; WHOLE: any part = 1), an absent
member counts 0. Each member's days and each turn's total are stored when the crew
changes (services.turn_recount), so these tallies are plain sums. Seed 002: 48 turns =
8.832 man-days, i.e. large crews over several days (48 four-day turns of 46 people).

Night hours and weekend/holiday man-days are stored per crew row and per turn like
man-days (duty.apart: the hours served between 22:00 and 06:00 local time, and the
share of the days served that falls on a Saturday, a Sunday or a day off).

A turn is a weekend/holiday turn when it starts on a Saturday, a Sunday or a day off of
the holiday calendar (duty.calendar, nationwide + `province_id`).

Queries: four, whatever the number of turns or units (two aggregates — by kind and
day, by unit — and two for the holiday calendar).
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Sum

from .calendar import holidays, is_weekend
from .models import DutyTurn

KIND_FIELDS = ("code", "name", "order", "night_apart", "holiday_apart")


def duty_figures(unit_ids, start: dt.date, end: dt.date, *, province_id: int | None = None) -> dict:
    """{"turns", "man_days", "by_kind": [{"code", "name", "turns", "man_days"}],
    "weekday_turns", "weekend_holiday_turns", "by_unit": {unit_id: {"turns", "man_days"}},
    "by_month": {"YYYY-MM": man_days}, "night_hours", "holiday_man_days"} for the
    published turns of `unit_ids` in the period. Empty breakdowns when nothing counts;
    man-days and hours are Decimal. `night_hours` (served 22:00–06:00) and
    `holiday_man_days` (man-days on weekends and holidays) sum only the turns whose kind
    counts them apart (`DutyKind.night_apart`, `holiday_apart`); 0 when none does."""
    turns = DutyTurn.objects.published().in_period(start, end).for_units(list(unit_ids))
    zero = Decimal(0)

    # One scan grouped by (kind, first day) gives both the by-kind figures and the
    # by-day ones (weekday or weekend/holiday, by month): a few rows per day of the window.
    kinds: dict[tuple, dict] = {}
    days: dict[dt.date, dict] = {}
    night = holiday = zero
    for row in (
        turns.values(*(f"kind__{field}" for field in KIND_FIELDS), "starts_on")
        .annotate(turns=Count("id"), man_days=Sum("man_days"), night=Sum("night_hours"),
                  holiday=Sum("holiday_man_days"))
        .order_by("kind__order", "kind__name", "kind__code", "starts_on")
    ):  # fmt: skip
        man_days = row["man_days"] or zero
        key = tuple(row[f"kind__{field}"] for field in KIND_FIELDS)
        kind = kinds.setdefault(key, {"code": key[0], "name": key[1], "turns": 0, "man_days": zero})
        kind["turns"] += row["turns"]
        kind["man_days"] += man_days
        day = days.setdefault(row["starts_on"], {"turns": 0, "man_days": zero})
        day["turns"] += row["turns"]
        day["man_days"] += man_days
        # Counted apart only for the kinds that say so (DutyKind.night_apart/holiday_apart).
        night += (row["night"] or zero) if row["kind__night_apart"] else zero
        holiday += (row["holiday"] or zero) if row["kind__holiday_apart"] else zero
    by_kind = list(kinds.values())
    by_unit = {
        row["unit_id"]: {"turns": row["turns"], "man_days": row["man_days"] or zero}
        for row in turns.values("unit_id")
        .annotate(turns=Count("id"), man_days=Sum("man_days"))
        .order_by("unit_id")
    }
    days_off = holidays(start, end, province_id)
    weekday = weekend = 0
    by_month: dict[str, Decimal] = defaultdict(Decimal)
    for day, row in sorted(days.items()):
        if day in days_off or is_weekend(day):
            weekend += row["turns"]
        else:
            weekday += row["turns"]
        by_month[f"{day:%Y-%m}"] += row["man_days"]
    return {
        "turns": weekday + weekend,
        "man_days": sum((k["man_days"] for k in by_kind), zero),
        "by_kind": by_kind,
        "weekday_turns": weekday,
        "weekend_holiday_turns": weekend,
        "by_unit": by_unit,
        "by_month": dict(by_month),
        "night_hours": night,
        "holiday_man_days": holiday,
    }
