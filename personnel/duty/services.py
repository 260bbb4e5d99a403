"""Writes on duty turns. Each function is one transaction and states its contract; a
refused rule raises ValidationError with the Vietnamese reasons, warnings are returned.

Refused: the same person on two overlapping turns, a member not serving on the turn's
date, a person outside the unit's subtree (the caller's scope is checked by the view).
Warned: rest gap shorter than the kind's minimum.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from personnel.rules import Verdict
from units.models import Level, Unit

from ..models import Person, Service
from .apart import apart, local_dates, off_days
from .calendar import holidays
from .models import (
    DEFAULT_ROUNDING,
    DutyAssignment,
    DutyKind,
    DutyPlan,
    DutyPolicy,
    DutyTurn,
    TurnState,
    Unavailability,
)


def province_of(unit: Unit, on: dt.date | None = None) -> Unit | None:
    """The province (root, level "tinh") a unit stands under on `on`."""
    if unit.level == Level.PROVINCE:
        return unit
    return next((u for u in unit.ancestors(on) if u.level == Level.PROVINCE), None)


def recount_rules(unit: Unit) -> tuple[str, int | None]:
    """The rounding rule and the province id (for its holiday calendar) of a unit."""
    province = province_of(unit)
    if province is None:
        return DEFAULT_ROUNDING, None
    policy = DutyPolicy.objects.filter(province=province).first()
    return (policy.rounding if policy else DEFAULT_ROUNDING), province.pk


def turn_days_off(
    starts_at: dt.datetime, ends_at: dt.datetime, province_id: int | None
) -> set[dt.date]:
    """Weekends and holidays (nationwide + the province's) a turn touches: two queries."""
    first, last = local_dates(starts_at, ends_at)
    return off_days(first, last, holidays(first, last, province_id))


def turn_recount(*, turn: DutyTurn, rounding: str | None = None) -> Decimal:
    """Store each member's days served, night hours and weekend/holiday hours and
    man-days (duty.apart), and the turn's sums; returns the turn's man-days."""
    rounding_default, province_id = recount_rules(turn.unit)
    rounding = rounding or rounding_default
    days_off = turn_days_off(turn.starts_at, turn.ends_at, province_id)
    members = list(turn.assignments.all())
    for m in members:
        m.days_served = m.compute_days(rounding)
        m.night_hours, m.holiday_hours, m.holiday_days = apart(
            starts_at=turn.starts_at, ends_at=turn.ends_at, hours=m.hours,
            days_served=m.days_served, absent=m.absent, days_off=days_off,
        )  # fmt: skip
    DutyAssignment.objects.bulk_update(
        members, ["days_served", "night_hours", "holiday_hours", "holiday_days"]
    )
    zero = Decimal(0)
    turn.man_days = sum((m.days_served for m in members), zero)
    turn.night_hours = sum((m.night_hours for m in members), zero)
    turn.holiday_man_days = sum((m.holiday_days for m in members), zero)
    DutyTurn.objects.filter(pk=turn.pk).update(
        man_days=turn.man_days,
        night_hours=turn.night_hours,
        holiday_man_days=turn.holiday_man_days,
    )
    return turn.man_days


def check_crew(
    *,
    people: list[Person],
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    kind: DutyKind,
    unit_ids: set[int] | None = None,
    exclude_turn: DutyTurn | None = None,
) -> Verdict:
    """What stops (errors) or should give pause (warnings) in putting `people` on one
    turn from `starts_at` to `ends_at`. Three queries whatever the crew size."""
    verdict = Verdict()
    if not people:
        return verdict
    ids = [p.pk for p in people]
    day = timezone.localdate(starts_at)
    names = {p.pk: p.full_name for p in people}
    if unit_ids is not None:
        for p in people:
            if p.agency_id not in unit_ids:
                verdict.errors.append(f"{p.full_name} không thuộc đơn vị trong phạm vi lập lịch.")
    serving = set(
        Service.objects.serving_on(day)
        .filter(person_id__in=ids)
        .values_list("person_id", flat=True)
    )
    for pk in ids:
        if pk not in serving:
            verdict.errors.append(
                f"{names[pk]} không trong lực lượng tự vệ vào ngày {day:%d/%m/%Y}."
            )
    rest = dt.timedelta(hours=kind.min_rest_hours)
    others = (
        DutyAssignment.objects.filter(person_id__in=ids, absent=False)
        .filter(turn__starts_at__lt=ends_at + rest, turn__ends_at__gt=starts_at - rest)
        .select_related("turn")
    )
    if exclude_turn is not None and exclude_turn.pk:
        others = others.exclude(turn=exclude_turn)
    for other in others:
        t = other.turn
        when = timezone.localtime(t.starts_at).strftime("%H:%M %d/%m/%Y")
        if t.starts_at < ends_at and t.ends_at > starts_at:
            verdict.errors.append(
                f"{names[other.person_id]} đã có lượt trực trùng thời gian (bắt đầu {when})."
            )
        else:
            verdict.warnings.append(
                f"{names[other.person_id]} chưa nghỉ đủ {kind.min_rest_hours} giờ "
                f"so với lượt trực bắt đầu {when}."
            )
    return verdict


FAIRNESS_MARGIN = 2  # turns above the unit's yearly mean that deserve a word


def fairness_warnings(*, unit_ids, people: list[Person], day: dt.date) -> list[str]:
    """A warning for each of `people` who already has FAIRNESS_MARGIN or more turns
    than the mean of the unit's serving members this year (two queries)."""
    if not people:
        return []
    counts = dict(
        DutyAssignment.objects.filter(
            absent=False, turn__unit_id__in=unit_ids, turn__starts_on__year=day.year
        )
        .values_list("person_id")
        .annotate(n=Count("id"))
    )
    members = Service.objects.serving_on(day).filter(agency_id__in=unit_ids).count()
    mean = sum(counts.values()) / max(members, 1)
    warnings = []
    for person in people:
        done = counts.get(person.pk, 0)
        if done >= mean + FAIRNESS_MARGIN:
            shown = f"{mean:.1f}".replace(".", ",")
            warnings.append(
                f"{person.full_name} đã trực {done} lượt trong năm {day.year}, nhiều hơn "
                f"mức bình quân của đơn vị ({shown} lượt): cân nhắc chọn người khác."
            )
    return warnings


@transaction.atomic
def turn_save(
    *,
    unit: Unit,
    kind: DutyKind,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    crew: list[Person],
    officer: Person | None = None,
    place: str = "",
    notes: str = "",
    turn: DutyTurn | None = None,
    state: str | None = None,
    plan: DutyPlan | None = None,
    reference: str = "",
    reasons: dict[int, str] | None = None,
    unit_ids: set[int] | None = None,
) -> tuple[DutyTurn, list[str]]:
    """Create (`turn` None) or change a turn and set its crew to `crew` (the officer is
    added to the crew if missing). Members kept keep their attendance; members removed
    lose their row; new members serve the full turn. Refuses what check_crew refuses;
    returns the turn and the warnings. Man-days are recounted."""
    if ends_at <= starts_at:
        raise ValidationError("Thời điểm kết thúc phải sau thời điểm bắt đầu.")
    if officer is not None and officer not in crew:
        crew = [officer, *crew]
    if len({p.pk for p in crew}) != len(crew):
        raise ValidationError("Một người được xếp hai lần vào cùng lượt trực.")
    if unit_ids is None:
        unit_ids = set(Unit.objects.subtree(unit).values_list("id", flat=True))
    verdict = check_crew(
        people=crew,
        starts_at=starts_at,
        ends_at=ends_at,
        kind=kind,
        unit_ids=unit_ids,
        exclude_turn=turn,
    )
    if verdict.errors:
        raise ValidationError(verdict.errors)
    before = set(turn.assignments.values_list("person_id", flat=True)) if turn else set()
    added = [p for p in crew if p.pk not in before]
    verdict.warnings += fairness_warnings(
        unit_ids=unit_ids, people=added, day=timezone.localdate(starts_at)
    )
    if turn is None:
        turn = DutyTurn(unit=unit, plan=plan, state=state or TurnState.DRAFT)
    elif state:
        turn.state = state
    turn.unit, turn.kind, turn.starts_at, turn.ends_at = unit, kind, starts_at, ends_at
    turn.officer, turn.place, turn.notes = officer, place, notes
    turn.reference = reference or turn.reference
    turn.save()
    hours = turn.hours.quantize(Decimal("0.01"))
    kept = {a.person_id: a for a in turn.assignments.all()}
    wanted = {p.pk for p in crew}
    for pk, row in kept.items():
        if pk not in wanted:
            row.delete()
    reasons = reasons or {}
    for person in crew:
        row = kept.get(person.pk)
        is_officer = officer is not None and person.pk == officer.pk
        if row is None:
            DutyAssignment.objects.create(
                turn=turn,
                person=person,
                is_officer=is_officer,
                hours=hours,
                reason=reasons.get(person.pk, ""),
            )
        elif row.is_officer != is_officer or (not row.absent and row.hours != hours):
            row.is_officer = is_officer
            row.hours = row.hours if row.absent else hours
            row.save()
    turn_recount(turn=turn)
    return turn, verdict.warnings


@transaction.atomic
def turns_publish(*, turns) -> int:
    """Publish draft turns (each saved, so the history records who and when)."""
    count = 0
    for turn in turns:
        if turn.state != TurnState.PUBLISHED:
            turn.state = TurnState.PUBLISHED
            turn.save(update_fields=["state"])
            count += 1
    return count


@transaction.atomic
def attendance_record(
    *,
    assignment: DutyAssignment,
    absent: bool,
    reason: str = "",
    hours: Decimal | None = None,
    replaced_by: Person | None = None,
) -> DutyAssignment:
    """Record what a crew member actually served: absent (with a reason code, and
    optionally the person who stood in, added to the crew for the full turn) or present
    for `hours` (default: the whole turn). Man-days are recounted."""
    turn = assignment.turn
    if absent and not reason:
        raise ValidationError("Cần chọn lý do vắng.")
    if hours is not None and (hours < 0 or hours > turn.hours):
        raise ValidationError("Số giờ thực trực phải từ 0 đến độ dài của lượt trực.")
    assignment.absent = absent
    assignment.absence_reason = reason if absent else ""
    assignment.hours = turn.hours.quantize(Decimal("0.01")) if hours is None else hours
    if absent and replaced_by is not None:
        if turn.assignments.filter(person=replaced_by).exists():
            raise ValidationError(f"{replaced_by} đã có trong lượt trực này.")
        verdict = check_crew(
            people=[replaced_by],
            starts_at=turn.starts_at,
            ends_at=turn.ends_at,
            kind=turn.kind,
            exclude_turn=turn,
        )
        if verdict.errors:
            raise ValidationError(verdict.errors)
        assignment.replaced_by = DutyAssignment.objects.create(
            turn=turn,
            person=replaced_by,
            hours=turn.hours.quantize(Decimal("0.01")),
            reason=f"Trực thay {assignment.person.full_name}",
        )
    assignment.save()
    turn_recount(turn=turn)
    return assignment


def unavailability_add(
    *, person: Person, starts_on: dt.date, ends_on: dt.date, reason: str, note: str = ""
) -> Unavailability:
    """Record that `person` may not be put on duty from `starts_on` to `ends_on`."""
    if ends_on < starts_on:
        raise ValidationError("Ngày kết thúc phải sau ngày bắt đầu.")
    return Unavailability.objects.create(
        person=person, starts_on=starts_on, ends_on=ends_on, reason=reason, note=note
    )
