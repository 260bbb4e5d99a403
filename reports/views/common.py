"""What every report view does first: the unit from the scope (404 outside it), the
period in that unit's reporting rule and the as-of date (a bad one is explained)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.shortcuts import render

from units.models import Unit

from ..periods import Period, PeriodError, parse_as_of
from ..selectors import period_for


@dataclass
class Subject:
    unit: Unit
    period: Period
    as_of: dt.date


class BadPeriod(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def subject_of(request, code: str, label: str) -> Subject:
    unit = request.scope.get_unit(code)
    try:
        period = period_for(unit, label)
        as_of = parse_as_of(request.GET.get("ngay"), period)
    except PeriodError as exc:
        raise BadPeriod(str(exc)) from None
    return Subject(unit, period, as_of)


def bad_period(request, exc: BadPeriod):
    return render(request, "reports/bad_period.html", {"message": exc.message}, status=400)
