"""Duty and training sections of a return, read through the functions the duty and
training apps keep for this (personnel.duty.figures, training.figures) and shaped into
the return's JSON: counts as integers, man-days as numbers, rates as a number and as
Vietnamese text ("95,87%")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from chqs.text import format_percent
from personnel.duty.figures import duty_figures
from training.figures import count_members_short_of_days, training_figures
from training.models import Audience


def number(value) -> int | float:
    """Decimal man-days → 8832 (whole) or 12.5 (half days), JSON-ready."""
    value = Decimal(value or 0)
    return int(value) if value == value.to_integral_value() else float(value)


def _rate(value: Decimal | None) -> dict:
    return {
        "rate": float(value) if value is not None else None,
        "rate_text": format_percent(value) if value is not None else "—",
    }


def duty(unit_ids: list[int], start: dt.date, end: dt.date, province_id: int | None) -> dict:
    """{"summary": JSON section, "by_agency": {unit id: {turns, man_days}}}."""
    f = duty_figures(unit_ids, start, end, province_id=province_id)
    return {
        "summary": {
            "turns": f["turns"],
            "man_days": number(f["man_days"]),
            "by_kind": [{**k, "man_days": number(k["man_days"])} for k in f["by_kind"]],
            "weekday_turns": f["weekday_turns"],
            "weekend_holiday_turns": f["weekend_holiday_turns"],
            "by_month": [
                {"month": f"{month[5:]}/{month[:4]}", "man_days": number(days)}
                for month, days in sorted(f["by_month"].items())
            ],
        },
        "by_agency": {
            pk: {"turns": row["turns"], "man_days": number(row["man_days"])}
            for pk, row in f["by_unit"].items()
        },
    }


def _counts(row: dict) -> dict:
    return {
        "quota": row["quota"],
        "attended": row["attended"],
        **_rate(row["rate"]),
        "passed": row["passed"],
        "good_or_excellent": row["good_or_excellent"],
        "pass_rate": float(row["pass_rate"]) if row["pass_rate"] is not None else None,
        "good_rate": float(row["good_rate"]) if row["good_rate"] is not None else None,
    }


def training(
    agency_ids, start: dt.date, end: dt.date, as_of: dt.date, *, short_of_days: bool = True
) -> dict:
    """{"summary": JSON section, "by_agency": {unit id: {quota, attended}}}: per
    audience and course (those with a quota or a trainee), cadres vs troops, the total,
    and how many members are short of their required days in the period's year (one
    aggregate query in the database, for any subtree up to the national one; null when
    not asked for: `short_of_days=False`)."""
    f = training_figures(agency_ids, start, end)
    short = count_members_short_of_days(agency_ids, end.year, on=as_of) if short_of_days else None
    cadre = set(Audience.objects.filter(is_cadre=True).values_list("code", flat=True))
    return {
        "summary": {
            "by_audience": [
                {
                    "audience": a["audience"],
                    "name": a["name"],
                    "cadre": a["audience"] in cadre,
                    **_counts(a),
                }
                for a in f["by_audience"]
                if a["quota"] or a["attended"]
            ],
            "by_kind": {kind: _counts(row) for kind, row in f["by_kind"].items()},
            "by_course": [
                {
                    "code": c["code"],
                    "name": c["name"],
                    "starts_on": c["starts_on"].isoformat(),
                    **_counts(c),
                }
                for c in f["by_course"]
            ],  # fmt: skip
            "total": _counts(f["total"]),
            "short_of_days": short,
        },
        "by_agency": {
            pk: {"quota": row["quota"], "attended": row["attended"]}
            for pk, row in f["by_unit"].items()
        },
    }
