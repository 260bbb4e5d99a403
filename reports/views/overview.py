"""The higher command's view of a period: which units under it have submitted, been
approved or are late (deadline = window end + the rule's days for the period type),
the list of missing ones, and their approved figures beside the live ones."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import indicators
from ..models import ReturnState
from ..selectors import LABELS, returns_status
from .common import BadPeriod, bad_period, subject_of


@login_required
@require_GET
def status(request: HttpRequest, code: str, period: str) -> HttpResponse:
    try:
        subject = subject_of(request, code, period)
    except BadPeriod as exc:
        return bad_period(request, exc)
    data = returns_status(subject.unit, subject.period)
    live = indicators.compute(subject.unit, subject.period, subject.as_of)
    live_rows = {row["code"]: row for row in live["rows"]}
    consolidated = []
    for row in data["rows"]:
        ret = row["ret"]
        frozen = ret.snapshot if ret and ret.state == ReturnState.APPROVED else None
        now = live_rows.get(row["unit"].code)
        if frozen is None and now is None:
            continue
        consolidated.append(
            {
                "unit": row["unit"],
                "frozen_members": frozen["members"]["total"] if frozen else None,
                "live_members": now["members"] if now else None,
                "frozen_man_days": frozen["duty"]["man_days"] if frozen else None,
                "live_man_days": now["man_days"] if now else None,
            }
        )
    context = {"subject": subject, "data": data, "labels": LABELS, "consolidated": consolidated}
    return render(request, "reports/status.html", context)
