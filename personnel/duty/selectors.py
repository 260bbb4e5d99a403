"""Reads for the duty pages: the month calendar, a person's ledger, people who may be
put on a turn. Each a fixed number of queries."""

import calendar as pycal
import datetime as dt
from collections import defaultdict

from django.db.models import Max, Prefetch, Q

from units.models import Unit, today

from ..models import Person, Service
from .calendar import holidays, is_weekend
from .models import DutyAssignment, DutyKind, DutyTurn, Unavailability
from .planner import WEEKDAYS


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    return first, first.replace(day=pycal.monthrange(first.year, first.month)[1])


def parse_month(text: str | None, default: dt.date) -> dt.date:
    """ "2024-03" or "03/2024" → 01/03/2024; anything else → the month of `default`."""
    for fmt in ("%Y-%m", "%m/%Y"):
        try:
            return dt.datetime.strptime(text or "", fmt).date()
        except ValueError:
            continue
    return default.replace(day=1)


def with_crew(turns):
    """Turns with kind, officer, unit and crew names: two queries, only the columns the
    calendar, the lists and the rota show (a month is 150 turns and 600 crew rows)."""
    crew = (
        DutyAssignment.objects.select_related("person")
        .only(
            "turn_id", "person__full_name", "is_officer", "absent", "absence_reason",
            "days_served", "hours", "night_hours", "holiday_days",
        )
        .order_by("-is_officer", "person__sort_key", "pk")
    )  # fmt: skip
    return (
        turns.select_related("kind", "officer", "unit")
        .only(
            "starts_at", "ends_at", "starts_on", "place", "state", "man_days", "unit_id",
            "kind_id", "officer_id", "kind__name", "kind__order", "kind__code",
            "officer__full_name", "unit__code", "unit__name", "unit__short_name",
            "night_hours", "holiday_man_days", "kind__night_apart", "kind__holiday_apart",
        )
        .prefetch_related(Prefetch("assignments", queryset=crew))
    )  # fmt: skip


def month_turns(unit_ids, month: dt.date):
    first, last = month_bounds(month)
    return list(with_crew(DutyTurn.objects.for_units(unit_ids).in_period(first, last)))


def month_calendar(turns: list[DutyTurn], month: dt.date, province_id=None) -> dict:
    """Weeks (Monday first) of day cells {day, in_month, turns, holiday, weekend}."""
    first, last = month_bounds(month)
    days_off = holidays(first, last, province_id)
    by_day = defaultdict(list)
    for turn in turns:
        by_day[turn.starts_on].append(turn)
        # Joined here, not in the template: a month shows ~600 names.
        turn.crew_names = ", ".join(
            a.person.full_name + (" (vắng)" if a.absent else "")
            for a in turn.assignments.all()
            if not a.is_officer
        )
    weeks = []
    for week in pycal.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        weeks.append(
            [
                {
                    "day": day,
                    "in_month": day.month == first.month,
                    "turns": by_day.get(day, []),
                    "holiday": days_off.get(day, ""),
                    "weekend": is_weekend(day),
                }
                for day in week
            ]
        )
    return {"weeks": weeks, "holidays": days_off, "first": first, "last": last}


def rota_rows(turns: list[DutyTurn], days_off: dict) -> list[dict]:
    """One row per turn for the printed and Excel rota."""
    rows = []
    for turn in turns:
        crew = [a for a in turn.assignments.all() if not a.is_officer]
        rows.append(
            {
                "turn": turn,
                "day": turn.starts_on,
                "weekday": WEEKDAYS[turn.starts_on.weekday()],
                "holiday": days_off.get(turn.starts_on, ""),
                "officer": turn.officer.full_name if turn.officer else "",
                "crew": ", ".join(a.person.full_name for a in crew),
            }
        )
    return rows


def rota_grid(turns: list[DutyTurn], month: dt.date, days_off: dict) -> dict:
    """The printed month: one row per day, one column per kind of duty that occurs;
    a cell lists that day's turns of the kind (officer first). Fits a month on a page."""
    first, last = month_bounds(month)
    kinds = sorted({t.kind for t in turns}, key=lambda k: (k.order, k.name))
    cells: dict[tuple, list] = defaultdict(list)
    for turn in turns:
        cells[(turn.starts_on, turn.kind_id)].append(turn)
    rows = []
    day = first
    while day <= last:
        rows.append(
            {
                "day": day,
                "weekday": WEEKDAYS[day.weekday()],
                "holiday": days_off.get(day, ""),
                "off": day in days_off or is_weekend(day),
                "cells": [cells.get((day, k.pk), []) for k in kinds],
            }
        )
        day += dt.timedelta(days=1)
    return {"kinds": kinds, "rows": rows}


def people_for(unit: Unit, on: dt.date):
    """People of the unit's subtree serving on `on` (who may stand a turn that day)."""
    ids = Unit.objects.subtree(unit, on=on).values("id")
    serving = Service.objects.serving_on(on).filter(agency_id__in=ids).values("person_id")
    people = Person.objects.filter(pk__in=serving).select_related("agency")
    return people.order_by("sort_key", "pk")


def ledger(person: Person, year: int) -> dict:
    """A person's duty ledger for `year`: turns by kind, weekday vs weekend/holiday,
    night hours and weekend/holiday man-days (of the kinds that count them apart),
    days since the last duty of each kind, absences and unavailable dates."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = list(
        DutyAssignment.objects.filter(person=person, turn__starts_on__range=(start, end))
        .select_related("turn__kind", "turn__unit")
        .order_by("-turn__starts_at")
    )
    days_off = holidays(start, end)
    by_kind: dict[int, dict] = {}
    weekday = weekend = absences = 0
    man_days = night_hours = holiday_days = 0
    for row in rows:
        turn = row.turn
        if turn.state != "published":
            continue
        if row.absent:
            absences += 1
            continue
        entry = by_kind.setdefault(
            turn.kind_id,
            {"kind": turn.kind, "turns": 0, "man_days": 0, "night_hours": 0,
             "holiday_days": 0, "last": None},
        )  # fmt: skip
        entry["turns"] += 1
        entry["man_days"] += row.days_served
        man_days += row.days_served
        # Counted apart only where the kind says so.
        if turn.kind.night_apart:
            entry["night_hours"] += row.night_hours
            night_hours += row.night_hours
        if turn.kind.holiday_apart:
            entry["holiday_days"] += row.holiday_days
            holiday_days += row.holiday_days
        entry["last"] = max(entry["last"] or turn.starts_on, turn.starts_on)
        if turn.starts_on in days_off or is_weekend(turn.starts_on):
            weekend += 1
        else:
            weekday += 1
    # Days since the last duty of each kind: over every year, not only this one.
    last_by_kind = dict(
        DutyAssignment.objects.filter(person=person, absent=False, turn__state="published")
        .values_list("turn__kind_id")
        .annotate(last=Max("turn__starts_on"))
    )
    kinds = DutyKind.objects.filter(pk__in=last_by_kind)
    since = [
        {"kind": k, "last": last_by_kind[k.pk], "days": (today() - last_by_kind[k.pk]).days}
        for k in kinds
    ]
    return {
        "rows": rows,
        "days_off": days_off,
        "by_kind": sorted(by_kind.values(), key=lambda e: (e["kind"].order, e["kind"].name)),
        "weekday": weekday,
        "weekend": weekend,
        "absences": absences,
        "man_days": man_days,
        "night_hours": night_hours,
        "holiday_days": holiday_days,
        "since": since,
        "unavailable": list(
            Unavailability.objects.filter(person=person).filter(
                Q(ends_on__gte=start) & Q(starts_on__lte=end)
            )
        ),
    }
