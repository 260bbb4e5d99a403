"""Reads for the report pages: the reporting rule that applies, periods in that rule."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from units.models import BoardStatus, Unit, today

from .models import DEFAULT_RULE, ReportingRule, Return, ReturnState
from .periods import Period, parse_period


def rule_for(unit: Unit, on: dt.date | None = None) -> ReportingRule:
    """The rule of the unit or of the nearest unit above it; TT 58 defaults otherwise."""
    chain = [unit, *reversed(unit.ancestors(on))]
    rules = {r.unit_id: r for r in ReportingRule.objects.filter(unit__in=chain)}
    for node in chain:
        if node.pk in rules:
            return rules[node.pk]
    return DEFAULT_RULE


def period_for(unit: Unit, label: str) -> Period:
    """Parse a label with the window of the unit's province (PeriodError if invalid)."""
    return parse_period(label, cutoff_day=rule_for(unit).cutoff_day)


def place_for(unit: Unit) -> str:
    return rule_for(unit).place


def returns_of(unit: Unit, label: str) -> list[Return]:
    """Every version of the unit's return for a period, newest first."""
    return list(Return.objects.filter(unit=unit, period_label=label).order_by("-version"))


def versions_of(ret: Return) -> list[Return]:
    return returns_of(ret.unit, ret.period_label)


APPROVED, SUBMITTED, IN_PROGRESS, MISSING = "approved", "submitted", "in_progress", "missing"
LABELS = {
    APPROVED: "Đã phê duyệt",
    SUBMITTED: "Đã trình, chờ phê duyệt",
    IN_PROGRESS: "Đang soạn / bị trả lại",
    MISSING: "Chưa lập",
}


def returns_status(root: Unit, period, *, on: dt.date | None = None) -> dict:
    """Every reporting unit under `root` (the tree at the period's end; agencies with a
    board and military commands) with its latest return, status and lateness."""
    on = on or today()
    deadline = period.end + dt.timedelta(days=rule_for(root).deadline_days(period.kind))
    tree = Unit.objects.subtree(root, on=period.end).active_on(period.end).values("id")
    units = list(
        Unit.objects.filter(id__in=tree)
        .exclude(pk=root.pk)
        # Who reports: a military command, or an agency whose Ban CHQS is active.
        .filter(Q(kind__is_agency=False) | Q(board__status=BoardStatus.ACTIVE))
        .select_related("kind")
        .order_by("kind__order", "name")
    )
    latest: dict[int, Return] = {}
    for ret in Return.objects.current().filter(
        unit__in=[u.pk for u in units], period_label=period.label
    ):
        latest[ret.unit_id] = ret
    rows, counts = [], {key: 0 for key in LABELS}
    late_count = 0
    for unit in units:
        ret = latest.get(unit.pk)
        if ret is None:
            status = MISSING
        elif ret.state == ReturnState.APPROVED:
            status = APPROVED
        elif ret.state == ReturnState.SUBMITTED:
            status = SUBMITTED
        else:
            status = IN_PROGRESS
        # Late: submitted after the deadline, or still not submitted once it has passed.
        sent = timezone.localdate(ret.submitted_at) if ret and ret.submitted_at else None
        late = (sent or on) > deadline
        counts[status] += 1
        late_count += late
        rows.append({"unit": unit, "ret": ret, "status": status, "label": LABELS[status],
                     "late": late})  # fmt: skip
    return {
        "rows": rows,
        "counts": counts,
        "count_items": [(key, LABELS[key], n) for key, n in counts.items()],
        "late": late_count,
        "deadline": deadline,
        "missing": [r for r in rows if r["status"] in (MISSING, IN_PROGRESS)],
    }
