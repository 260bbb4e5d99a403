"""The planner's database side: load what the pure planner needs (planner.py), and save
its proposal as draft turns. A fixed number of queries whatever the size of the unit."""

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from units.models import Unit

from ..models import BoardAppointment, Service, ServiceStatus
from .apart import apart, local_dates, off_days
from .calendar import holidays, is_weekend
from .models import (
    DutyAssignment,
    DutyKind,
    DutyPlan,
    DutyTurn,
    TurnState,
    Unavailability,
    days_for_hours,
)
from .planner import WEEKDAYS, Member, Planned, Rules, Slot, plan
from .services import province_of, recount_rules

# How far around the range other turns matter (rest gaps longer than this are unusual).
MARGIN = dt.timedelta(days=4)
SKIPPED_KEPT = 12  # explanations kept per turn (the first ones: the next in line)


class Pattern:
    DAILY = "daily"
    WEEKENDS = "weekends"
    DATES = "dates"
    CHOICES = [
        (DAILY, "Hằng ngày"),
        (WEEKENDS, "Chỉ thứ Bảy, Chủ nhật và ngày lễ"),
        (DATES, "Theo danh sách ngày"),
    ]


@dataclass
class Request:
    """What the staff officer asks for."""

    unit: Unit
    kinds: list[DutyKind]
    starts_on: dt.date
    ends_on: dt.date
    pattern: str = Pattern.DAILY
    dates: list[dt.date] = field(default_factory=list)
    crew_size: int | None = None  # None: each kind's own
    require_leader: bool = False
    allowed_gender: str = ""
    place: str = ""

    def params(self) -> dict:
        return {
            "kinds": [k.code for k in self.kinds],
            "pattern": self.pattern,
            "dates": [d.isoformat() for d in self.dates],
            "crew_size": self.crew_size,
            "require_leader": self.require_leader,
            "allowed_gender": self.allowed_gender,
            "place": self.place,
        }


def slot_key(day: dt.date, kind_id: int) -> str:
    return f"{day.isoformat()}/{kind_id}"


def build_slots(req: Request, days_off: dict[dt.date, str]) -> list[Slot]:
    wanted = set(req.dates)
    slots = []
    day = req.starts_on
    while day <= req.ends_on:
        off = day in days_off or is_weekend(day)
        take = (
            req.pattern == Pattern.DAILY
            or (req.pattern == Pattern.WEEKENDS and off)
            or (req.pattern == Pattern.DATES and day in wanted)
        )
        if take:
            for kind in req.kinds:
                start = timezone.make_aware(dt.datetime.combine(day, kind.start_time))
                slots.append(
                    Slot(
                        key=slot_key(day, kind.pk),
                        day=day,
                        starts_at=start,
                        ends_at=start + dt.timedelta(hours=kind.shift_hours),
                        kind_id=kind.pk,
                        crew_size=req.crew_size or kind.crew_size,
                        min_rest=dt.timedelta(hours=kind.min_rest_hours),
                        weekend_holiday=off,
                        label=days_off.get(day) or WEEKDAYS[day.weekday()],
                    )
                )
        day += dt.timedelta(days=1)
    return slots


def replaced_drafts(req: Request):
    """Draft turns the new plan replaces: same unit, same kinds, in the range."""
    return DutyTurn.objects.filter(
        unit=req.unit, kind__in=req.kinds, state=TurnState.DRAFT
    ).in_period(req.starts_on, req.ends_on)


def load_members(req: Request, unit_ids, days_off: dict[dt.date, str]) -> list[Member]:
    """Everyone serving in the unit's subtree at some point of the range, with their
    stretches of service, unavailability, other turns and this year's counts so far."""
    start, end = req.starts_on, req.ends_on
    services = (
        Service.objects.filter(agency_id__in=unit_ids, joined_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=start))
        .select_related("person", "position")
    )
    members: dict[int, Member] = {}
    for s in services:
        until = s.ended_on
        if s.status == ServiceStatus.POSTPONED and s.status_on:
            until = min(until, s.status_on) if until else s.status_on
        m = members.get(s.person_id)
        if m is None:
            p = s.person
            m = members[p.pk] = Member(pk=p.pk, name=p.full_name, serving=[], gender=p.gender)
        m.serving.append((s.joined_on, until))
        m.is_leader = m.is_leader or s.position.is_leader
    ids = list(members)
    board = BoardAppointment.objects.current(start).filter(person_id__in=ids)
    for pk in board.values_list("person_id", flat=True):
        members[pk].is_leader = True
    labels = dict(Unavailability._meta.get_field("reason").choices)
    for u in Unavailability.objects.filter(person_id__in=ids).overlapping(start, end):
        day = max(u.starts_on, start)
        while day <= min(u.ends_on, end):
            members[u.person_id].unavailable[day] = labels[u.reason]
            day += dt.timedelta(days=1)
    lo = timezone.make_aware(dt.datetime.combine(start, dt.time())) - MARGIN
    hi = timezone.make_aware(dt.datetime.combine(end, dt.time())) + MARGIN
    replaced = replaced_drafts(req).values("pk")
    others = (
        DutyAssignment.objects.filter(person_id__in=ids, absent=False)
        .filter(turn__starts_at__lt=hi, turn__ends_at__gt=lo)
        .exclude(turn__in=replaced)
        .values_list("person_id", "turn__starts_at", "turn__ends_at")
    )
    for pk, s_at, e_at in others:
        members[pk].busy.append((s_at, e_at))
    year_start = dt.date(start.year, 1, 1)
    counted = holidays(year_start, start, province_id=None) | days_off
    history = (
        DutyAssignment.objects.filter(person_id__in=ids, absent=False)
        .filter(turn__state=TurnState.PUBLISHED, turn__starts_on__gte=year_start)
        .filter(turn__starts_on__lt=start)
        .values_list("person_id", "turn__starts_on", "turn__ends_at")
    )
    for pk, day, e_at in history:
        m = members[pk]
        m.turns += 1
        m.weekend_turns += 1 if (day in counted or is_weekend(day)) else 0
        m.last_end = max(m.last_end, e_at) if m.last_end else e_at
    return list(members.values())


def propose(req: Request, unit_ids) -> list[Planned]:
    """The planner's proposal for `req` (nothing saved)."""
    province = province_of(req.unit)
    days_off = holidays(req.starts_on, req.ends_on, province.pk if province else None)
    slots = build_slots(req, days_off)
    members = load_members(req, unit_ids, days_off)
    rules = Rules(require_leader=req.require_leader, allowed_gender=req.allowed_gender)
    return plan(slots, members, rules)


@transaction.atomic
def plan_save(*, req: Request, planned: list[Planned], user=None) -> DutyPlan:
    """Save a proposal as draft turns of a new DutyPlan, replacing the drafts of the same
    unit and kinds in the range (published turns are never touched). Each member's pick
    reason goes on their row, the skipped list in the plan's notes."""
    replaced_drafts(req).delete()
    rounding, province_id = recount_rules(req.unit)
    days_off: set[dt.date] = set()
    if planned:
        last = max(local_dates(p.slot.starts_at, p.slot.ends_at)[1] for p in planned)
        days_off = off_days(req.starts_on, last, holidays(req.starts_on, last, province_id))
    record = DutyPlan.objects.create(
        unit=req.unit,
        starts_on=req.starts_on,
        ends_on=req.ends_on,
        params=req.params(),
        created_by=user,
        notes={p.slot.key: [list(s) for s in p.skipped[:SKIPPED_KEPT]] for p in planned},
    )
    # Every member serves the whole turn: one row's figures, times the crew, make the turn's.
    figures = []
    for p in planned:
        hours = (Decimal((p.slot.ends_at - p.slot.starts_at).total_seconds()) / 3600).quantize(
            Decimal("0.01")
        )
        days = days_for_hours(hours, rounding)
        night, holiday, holiday_days = apart(
            starts_at=p.slot.starts_at, ends_at=p.slot.ends_at, hours=hours,
            days_served=days, absent=False, days_off=days_off,
        )  # fmt: skip
        figures.append((hours, days, night, holiday, holiday_days))
    turns = []
    for p, (_, days, night, _, holiday_days) in zip(planned, figures, strict=True):
        officer = next((x.pk for x in p.picks if x.is_officer), None)
        crew = len(p.picks)
        turns.append(
            DutyTurn(
                unit=req.unit,
                kind_id=p.slot.kind_id,
                starts_at=p.slot.starts_at,
                ends_at=p.slot.ends_at,
                starts_on=p.slot.day,
                place=req.place,
                officer_id=officer,
                plan=record,
                man_days=days * crew,
                night_hours=night * crew,
                holiday_man_days=holiday_days * crew,
            )
        )
    DutyTurn.objects.bulk_create(turns)
    if turns and turns[0].pk is None:  # a backend that returns no ids
        by_key = {slot_key(t.starts_on, t.kind_id): t for t in DutyTurn.objects.filter(plan=record)}
        turns = [by_key[p.slot.key] for p in planned]
    rows = []
    for turn, p, (hours, days, night, holiday, holiday_days) in zip(
        turns, planned, figures, strict=True
    ):
        for pick in p.picks:
            rows.append(
                DutyAssignment(
                    turn=turn,
                    person_id=pick.pk,
                    is_officer=pick.is_officer,
                    hours=hours,
                    days_served=days,
                    night_hours=night,
                    holiday_hours=holiday,
                    holiday_days=holiday_days,
                    reason=pick.reason[:255],
                )
            )
    DutyAssignment.objects.bulk_create(rows, batch_size=500)
    return record


def planned_as_dict(planned: list[Planned]) -> list[dict]:
    return [asdict(p) for p in planned]


def counts(planned: list[Planned]) -> dict[int, dict]:
    """Per member: turns and weekend/holiday turns in the proposal (for the summary)."""
    out: dict[int, dict] = defaultdict(lambda: {"name": "", "turns": 0, "weekend": 0})
    for p in planned:
        for pick in p.picks:
            row = out[pick.pk]
            row["name"] = pick.name
            row["turns"] += 1
            row["weekend"] += 1 if p.slot.weekend_holiday else 0
    return dict(out)
