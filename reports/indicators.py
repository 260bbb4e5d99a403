"""The figures of a periodic return: pure reads, (unit, period, as_of) → plain data.

Used alike by the HTML page, the PDF, the Excel workbook, the JSON and the frozen
snapshot of an approved return, so they can never disagree.

The subtree is taken **as the tree stood at the end of the period** (dated UnitLink):
an agency that moved from a district command to a commune command on 01/07/2025 counts
under the district for 2025-H1 and under the commune for 2025-H2. Headcounts are as of
`as_of`; movements (joined, left) are those dated inside the window.

Every figure is a SQL aggregate over the subtree (a recursive-CTE subquery), so the
number of queries is fixed whatever the number of agencies; the per-agency table is one
GROUP BY. `MEMBER_FILTERS` names the records behind each figure for the drill-down.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from chqs.text import format_rate, rate
from personnel.duty.models import DutyTurn
from personnel.filters import AGE_BANDS
from personnel.models import (
    BoardAppointment,
    Gender,
    Service,
    ServicePosition,
    ServiceStatus,
    StatusReason,
    add_years,
)
from personnel.rules import TERM_ENDING_DAYS
from units.models import (
    Board,
    BoardPositionKind,
    BoardStatus,
    ForceKind,
    Formation,
    FormationLevel,
    Unit,
)

from . import sections
from .periods import Period


@dataclass(frozen=True)
class Scope:
    """What a set of figures is about: a unit's subtree on the tree date, and the dates."""

    unit: Unit
    period: Period
    as_of: dt.date

    @property
    def tree_on(self) -> dt.date:
        return self.period.end

    @cached_property
    def _tree(self) -> list[tuple[int, bool]]:
        """(id, is agency) of the live units of the subtree as it stood on the tree date:
        read once, then passed to every query as a list (`__in_ids`: one array parameter
        on PostgreSQL, chqs.lookups). On PostgreSQL an IN over the recursive CTE was
        planned per row of the big tables (minutes at national scale)."""
        return list(
            Unit.objects.subtree(self.unit, on=self.tree_on)
            .active_on(self.tree_on)
            .values_list("id", "kind__is_agency")
        )

    def unit_ids(self) -> list[int]:
        return [pk for pk, _ in self._tree]

    def agency_ids(self) -> list[int]:
        return [pk for pk, is_agency in self._tree if is_agency]


def rate_dict(numerator: int, denominator: int) -> dict:
    value = rate(numerator, denominator)
    return {
        "rate": float(value) if value is not None else None,
        "rate_text": format_rate(numerator, denominator),
    }


# -- members ---------------------------------------------------------------------------


def age_band_q(band: str, as_of: dt.date, prefix: str = "person__") -> Q:
    """Age within the band (inclusive) on `as_of`, as a condition on the birth date."""
    if band == "khac":
        inside = Q()
        for key in AGE_BANDS:
            inside |= age_band_q(key, as_of, prefix)
        return ~inside
    low, high = AGE_BANDS[band]
    return Q(
        **{
            f"{prefix}birth_date__lte": add_years(as_of, -low),
            f"{prefix}birth_date__gt": add_years(as_of, -(high + 1)),
        }
    )


def serving(scope: Scope) -> QuerySet[Service]:
    """The service records of members serving on the as-of date in the subtree."""
    return Service.objects.serving_on(scope.as_of).filter(agency_id__in_ids=scope.agency_ids())


def joined(scope: Scope) -> QuerySet[Service]:
    """Records opened in the window, except the second half of a transfer."""
    start, end = scope.period.start, scope.period.end
    continuation = Service.objects.filter(
        person=OuterRef("person"),
        status=ServiceStatus.TRANSFERRED,
        ended_on=OuterRef("joined_on"),
    )
    return Service.objects.filter(
        agency_id__in_ids=scope.agency_ids(), joined_on__range=(start, end)
    ).exclude(Exists(continuation))


def left(scope: Scope) -> QuerySet[Service]:
    """Records closed in the window for a reason other than a transfer."""
    start, end = scope.period.start, scope.period.end
    return Service.objects.filter(
        agency_id__in_ids=scope.agency_ids(), ended_on__range=(start, end)
    ).exclude(status=ServiceStatus.TRANSFERRED)


def terms_ending(scope: Scope) -> QuerySet[Service]:
    return serving(scope).filter(
        status=ServiceStatus.SERVING,
        term_end__gt=scope.as_of,
        term_end__lte=scope.as_of + dt.timedelta(days=TERM_ENDING_DAYS),
    )


def member_q(metric: str, value: str, as_of: dt.date) -> Q:
    """The condition on a serving record behind one figure (the drill-down)."""
    if metric == "female":
        return Q(person__gender=Gender.FEMALE)
    if metric == "party":
        return Q(person__party_joined_on__lte=as_of)
    if metric == "youth_union":
        return Q(person__youth_union_joined_on__lte=as_of)
    if metric == "kind":
        return Q(force_kind__code=value)
    if metric == "position":
        return Q(position__code=value)
    if metric == "age":
        return age_band_q(value, as_of)
    return Q()


def duty_turns(scope: Scope) -> QuerySet[DutyTurn]:
    """The published duty turns behind the duty figures: started in the window, run by
    a unit of the subtree (personnel.duty.figures counts the same)."""
    return (
        DutyTurn.objects.published()
        .in_period(scope.period.start, scope.period.end)
        .filter(unit_id__in_ids=scope.unit_ids())
    )


# Figures drilled down to lists of service records (the reports:records view).
RECORD_SETS = {"members": serving, "joined": joined, "left": left, "terms_ending": terms_ending}


def _strength(scope: Scope) -> list[dict]:
    """One scan of the serving records: counts grouped by (agency, kind of force,
    position), each with women, Party, Youth Union, age bands and terms ending. Every
    strength figure — totals, by kind, by position, per agency — is a sum of these."""
    as_of = scope.as_of
    ending = Q(
        status=ServiceStatus.SERVING,
        term_end__gt=as_of,
        term_end__lte=as_of + dt.timedelta(days=TERM_ENDING_DAYS),
    )
    return list(
        serving(scope)
        .values("agency_id", "force_kind_id", "position_id")
        .annotate(
            total=Count("id"),
            female=Count("id", filter=member_q("female", "", as_of)),
            party=Count("id", filter=member_q("party", "", as_of)),
            youth_union=Count("id", filter=member_q("youth_union", "", as_of)),
            terms_ending=Count("id", filter=ending),
            **{f"age_{band}": Count("id", filter=age_band_q(band, as_of)) for band in AGE_BANDS},
            age_khac=Count("id", filter=age_band_q("khac", as_of)),
        )
        .order_by()
    )


def _sum(rows: list[dict], key: str) -> int:
    return sum(row[key] for row in rows)


def _members(scope: Scope, strength: list[dict]) -> dict:
    by_kind: dict[int, int] = defaultdict(int)
    by_position: dict[int, int] = defaultdict(int)
    for row in strength:
        by_kind[row["force_kind_id"]] += row["total"]
        by_position[row["position_id"]] += row["total"]
    bands = [*AGE_BANDS, "khac"]
    band_names = {key: f"{lo}–{hi}" for key, (lo, hi) in AGE_BANDS.items()} | {
        "khac": "Ngoài 18–50"
    }
    left_by = dict(left(scope).values_list("status_reason_id").annotate(n=Count("id")).order_by())
    reasons = {r.pk: r for r in StatusReason.objects.filter(pk__in=[k for k in left_by if k])}
    return {
        "total": _sum(strength, "total"),
        "female": _sum(strength, "female"),
        "party": _sum(strength, "party"),
        "youth_union": _sum(strength, "youth_union"),
        "by_kind": [
            {"code": k.code, "name": k.name, "count": by_kind.get(k.pk, 0)}
            for k in ForceKind.objects.all()
        ],
        "by_age_band": [
            {"band": b, "name": band_names[b], "count": _sum(strength, f"age_{b}")} for b in bands
        ],
        "by_position": [
            {"code": p.code, "name": p.name, "count": by_position.get(p.pk, 0)}
            for p in ServicePosition.objects.all()
            if by_position.get(p.pk)
        ],
        "joined": joined(scope).count(),
        "left": sum(left_by.values()),
        "left_by_reason": [
            {
                "code": reasons[pk].code if pk in reasons else "",
                "name": reasons[pk].name if pk in reasons else "Không rõ lý do",
                "count": n,
            }
            for pk, n in sorted(left_by.items(), key=lambda item: -item[1])
        ],
        "terms_ending": _sum(strength, "terms_ending"),
    }


# -- organisation ----------------------------------------------------------------------


def _boards(scope: Scope) -> tuple[dict, dict[int, dict]]:
    """Boards established by the as-of date, complete ones and vacant seats by kind;
    also each agency's own (has board, vacant seats) for the per-agency table."""
    as_of = scope.as_of
    boards = dict(
        Board.objects.filter(unit_id__in_ids=scope.agency_ids(), status=BoardStatus.ACTIVE)
        .filter(Q(decision_date__isnull=True) | Q(decision_date__lte=as_of))
        .values_list("id", "unit_id")
    )
    held: dict[tuple[int, int], int] = defaultdict(int)
    for board_id, position_id, n in (
        BoardAppointment.objects.current(as_of)
        .filter(board_id__in_ids=list(boards))
        .values_list("board_id", "position_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        held[board_id, position_id] = n
    kinds = list(BoardPositionKind.objects.all())
    vacant_by_kind = {k.pk: 0 for k in kinds}
    per_agency: dict[int, dict] = {}
    complete = 0
    for board_id, unit_id in boards.items():
        vacant = 0
        for kind in kinds:
            missing = max(kind.min_count - held[board_id, kind.pk], 0)
            vacant_by_kind[kind.pk] += missing
            vacant += missing
        complete += vacant == 0
        per_agency[unit_id] = {"board": True, "vacant": vacant}
    return {
        "total": len(boards),
        "complete": complete,
        "vacant_positions": sum(vacant_by_kind.values()),
        "vacant_by_position": [
            {"code": k.code, "name": k.name, "vacant": vacant_by_kind[k.pk]} for k in kinds
        ],
    }, per_agency


def _formations(scope: Scope) -> dict:
    as_of = scope.as_of
    live = Formation.objects.filter(agency_id__in_ids=scope.agency_ids()).filter(
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=as_of)
    )
    pairs = list(live.values_list("level", "force_kind_id").annotate(n=Count("id")).order_by())
    by_level: dict[str, int] = defaultdict(int)
    by_kind: dict[int, int] = defaultdict(int)
    for level, kind_id, n in pairs:
        by_level[level] += n
        by_kind[kind_id] += n
    return {
        "total": sum(by_level.values()),
        "by_level": [
            {"code": value, "name": label, "count": by_level[value]}
            for value, label in FormationLevel.choices
            if by_level.get(value)
        ],
        "by_kind": [
            {"code": k.code, "name": k.name, "count": by_kind[k.pk]}
            for k in ForceKind.objects.filter(pk__in=list(by_kind))
        ],
    }


# -- per agency ------------------------------------------------------------------------


def _rows(
    agencies: list[dict], strength: list[dict], boards: dict[int, dict], duty, training
) -> list:
    counts: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    for row in strength:
        c = counts[row["agency_id"]]
        c["members"] += row["total"]
        for key in ("female", "party", "youth_union"):
            c[key] += row[key]
    rows = []
    for agency in agencies:
        c = counts.get(agency["id"], {})
        board = boards.get(agency["id"], {"board": False, "vacant": None})
        d = duty.get(agency["id"], {}) if duty else {}
        t = training.get(agency["id"], {}) if training else {}
        rows.append(
            {
                "code": agency["code"],
                "name": agency["name"],
                "board": board["board"],
                "vacant_positions": board["vacant"],
                "staff": agency["staff_count"] or 0,
                "members": c.get("members", 0),
                "female": c.get("female", 0),
                "party": c.get("party", 0),
                "youth_union": c.get("youth_union", 0),
                "duty_turns": d.get("turns", 0),
                "man_days": d.get("man_days", 0),
                "training_quota": t.get("quota", 0),
                "training_attended": t.get("attended", 0),
                **rate_dict(t.get("attended", 0), t.get("quota", 0)),
            }
        )
    return rows


def compute(
    unit: Unit, period: Period, as_of: dt.date | None = None, *, short_of_days: bool = True
) -> dict:
    """Every figure of the return of `unit` for `period`, as of `as_of` (default: the
    window's last day), as JSON-ready data with stable keys (README: "Báo cáo định kỳ —
    JSON"). `short_of_days=False` leaves out the costliest single figure (members short
    of training days: null), for pages that do not show it (the dashboard)."""
    scope = Scope(unit, period, as_of or period.end)
    agencies = list(
        Unit.objects.filter(id__in_ids=scope.agency_ids())
        .order_by("name", "code")
        .values("id", "code", "name", "staff_count")
    )
    boards, board_rows = _boards(scope)
    strength = _strength(scope)
    members = _members(scope, strength)
    staff = sum(a["staff_count"] or 0 for a in agencies)
    unit_ids = scope.unit_ids()
    ancestors = unit.ancestors(period.end)
    province_id = ancestors[0].pk if ancestors else unit.pk
    duty = sections.duty(unit_ids, period.start, period.end, province_id)
    training = sections.training(
        [a["id"] for a in agencies], period.start, period.end, scope.as_of,
        short_of_days=short_of_days,
    )  # fmt: skip
    return {
        "unit": {"code": unit.code, "name": unit.name},
        "period": {**period.as_dict(scope.as_of), "title": period.title},
        "agencies": {"total": len(agencies), "with_board": boards["total"]},
        "boards": boards,
        "formations": _formations(scope),
        "members": members,
        "staff_share": {
            "members": members["total"],
            "staff": staff,
            **rate_dict(members["total"], staff),
        },
        "duty": duty["summary"],
        "training": training["summary"],
        "rows": _rows(agencies, strength, board_rows, duty["by_agency"], training["by_agency"]),
    }
