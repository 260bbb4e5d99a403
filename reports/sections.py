"""Duty and training figures, read from the apps that keep those records.

Until the duty and training records land, both sections report zeros with the same
keys, so the JSON stays stable.
"""

from __future__ import annotations

import datetime as dt


def duty(agency_ids, start: dt.date, end: dt.date) -> dict:
    """Summary (turns, man-days, by kind, weekday/weekend) and per-agency turns and man-days."""
    return {
        "summary": {
            "turns": 0,
            "man_days": 0,
            "by_kind": [],
            "weekday_man_days": 0,
            "weekend_holiday_man_days": 0,
            "by_month": [],
        },
        "by_agency": {},
    }


def training(agency_ids, start: dt.date, end: dt.date) -> dict:
    """Summary (per audience and course, total) and per-agency quota and attended."""
    return {
        "summary": {
            "by_audience": [],
            "by_course": [],
            "total": {"quota": 0, "attended": 0, "rate": None, "rate_text": "—"},
            "short_of_days": 0,
        },
        "by_agency": {},
    }
