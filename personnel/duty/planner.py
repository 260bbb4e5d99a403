"""The rota planner: a pure, deterministic function from (slots, members, rules) to a
rota with an explanation for every pick. No database here (planning.py loads the inputs
and saves the result), so the properties are tested on plain data.

Fairness follows the duty-roster principle of US Army AR 220-45: whoever has stood the
fewest duties goes next and, among equals, whoever has waited longest since their last
duty; weekends and holidays are counted apart, as a roster of their own. Weekend/
holiday turns are filled first, each taking the members who may stand it smallest by

    (weekend/holiday turns so far, turns so far, end of their last duty, name, id)

then weekday turns, smallest by

    (turns so far, minus weekend/holiday turns so far, end of their last duty, name, id)

("never on duty" sorts first). So turn counts, and separately weekend/holiday counts,
stay within one of each other among equally available members (tested), and a weekday
turn goes, among equals, to whoever has stood more weekends — keeping the others for
the next one. Counts start from the members' `turns`/`weekend_turns` (the year so far,
loaded by planning.py), so a second plan continues the first.

Who may stand a turn: serving on its date, not unavailable that day, on no overlapping
turn, rested (the kind's minimum gap since their last duty ends, and before their next
one starts), of the allowed gender; when `require_leader`, the officer in charge is a
unit leader (cán bộ đơn vị) or board member, picked first by the same order.
"""

import bisect
import datetime as dt
import heapq
from dataclasses import dataclass, field

WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]


@dataclass(frozen=True)
class Slot:
    """One turn to fill."""

    key: str  # stable id, e.g. "2024-03-04/san-sang-chien-dau"
    day: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime
    kind_id: int
    crew_size: int
    min_rest: dt.timedelta
    weekend_holiday: bool
    label: str = ""  # "Chủ nhật", "Tết Nguyên Đán"...


@dataclass
class Member:
    pk: int
    name: str
    serving: list[tuple[dt.date, dt.date | None]]  # [from, until) stretches of service
    is_leader: bool = False
    gender: str = ""
    unavailable: dict[dt.date, str] = field(default_factory=dict)  # day → reason label
    busy: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)  # other turns
    turns: int = 0  # turns so far this year (history)
    weekend_turns: int = 0
    last_end: dt.datetime | None = None

    def serves_on(self, day: dt.date) -> bool:
        # A loop, not any(): this is the planner's hot path.
        for start, end in self.serving:  # noqa: SIM110
            if start <= day and (end is None or day < end):
                return True
        return False


@dataclass(frozen=True)
class Rules:
    require_leader: bool = False
    allowed_gender: str = ""  # "" anyone, "M" men only, "F" women only


@dataclass
class Pick:
    pk: int
    name: str
    is_officer: bool
    reason: str


@dataclass
class Planned:
    slot: Slot
    picks: list[Pick]
    skipped: list[tuple[str, str]]  # (name, why) — everyone not picked, in order
    shortfall: int = 0  # seats left empty: not enough members could stand the turn


def _fmt(moment: dt.datetime) -> str:
    return "chưa trực lần nào" if moment == NEVER else moment.strftime("%d/%m/%Y")


NEVER = dt.datetime.min.replace(tzinfo=dt.UTC)


class _Busy:
    """A member's turns (start, end), sorted and merged so that they never overlap:
    then the only turns that can clash with a new one are its two neighbours."""

    def __init__(self, intervals):
        merged: list[tuple[dt.datetime, dt.datetime]] = []
        for start, end in sorted(intervals):
            if merged and start < merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        self.items = merged

    def check(self, start: dt.datetime, end: dt.datetime, rest: dt.timedelta):
        """("" | "overlap" | "rest", end of the last turn before `start` or NEVER)."""
        items = self.items
        i = bisect.bisect_left(items, (start,))
        last = NEVER
        if i:
            prev_start, prev_end = items[i - 1]
            last = prev_end
            if prev_end > start:
                return "overlap", last
            if prev_end > start - rest:
                return "rest", last
        if i < len(items):
            next_start = items[i][0]
            if next_start < end:
                return "overlap", last
            if next_start < end + rest:
                return "rest", last
        return "", last

    def add(self, start: dt.datetime, end: dt.datetime) -> None:
        bisect.insort(self.items, (start, end))


def plan(slots: list[Slot], members: list[Member], rules: Rules = Rules()) -> list[Planned]:
    """Fill `slots` from `members`; the result is in time order. Deterministic: the same
    input gives the same rota; ties end on the name, then the id. `members` are not
    changed.

    Weekend/holiday turns are filled first, as their own roster (AR 220-45 keeps
    separate weekday and weekend rosters): otherwise a weekday duty on Friday would
    leave the member who most needs a Sunday turn resting on Sunday."""
    state = {
        m.pk: {"turns": m.turns, "weekend": m.weekend_turns, "last": m.last_end} for m in members
    }
    busy = {m.pk: _Busy(m.busy) for m in members}
    ordered = sorted(members, key=lambda m: (m.name, m.pk))
    position = {m.pk: i for i, m in enumerate(ordered)}
    # One tuple per member, in name order: the loop below runs members × slots times.
    roster = [(m, busy[m.pk], state[m.pk], position[m.pk]) for m in ordered]
    result = []
    for slot in sorted(slots, key=lambda s: (not s.weekend_holiday, s.starts_at, s.key)):
        ranked, skipped, lasts = [], [], {}
        weekend = slot.weekend_holiday
        start, end, rest = slot.starts_at, slot.ends_at, slot.min_rest
        for m, member_busy, s, order in roster:
            why = _why_not(m, slot, rules)
            if not why:
                conflict, last = member_busy.check(start, end, rest)
                if conflict == "overlap":
                    why = "đang trực lượt khác cùng thời gian"
                elif conflict == "rest":
                    hours = int(rest.total_seconds() // 3600)
                    why = f"chưa nghỉ đủ {hours} giờ giữa hai lượt"
            if why:
                skipped.append((m.name, why))
                continue
            lasts[m.pk] = last
            if weekend:
                key = (s["weekend"], s["turns"], last, order)
            else:
                key = (s["turns"], -s["weekend"], last, order)
            ranked.append((key, m))
        in_line = [m for _, m in heapq.nsmallest(slot.crew_size + 3, ranked)]
        chosen: list[Member] = []
        if rules.require_leader:
            leader = min(((k, m) for k, m in ranked if m.is_leader), default=None)
            if leader:
                chosen.append(leader[1])
        for m in in_line:
            if len(chosen) >= slot.crew_size:
                break
            if not chosen or m.pk != chosen[0].pk:
                chosen.append(m)
        chosen_ids = {m.pk for m in chosen}
        picks = []
        for i, m in enumerate(chosen):
            s = state[m.pk]
            officer = i == 0 and (m.is_leader or not rules.require_leader)
            last = lasts[m.pk]
            reason = (
                f"{s['turns']} lượt, {s['weekend']} lượt cuối tuần/lễ trước lượt này; "
                f"lần trực gần nhất: {_fmt(last)}"
            )
            if officer and rules.require_leader:
                reason = "Cán bộ chỉ huy ít lượt nhất. " + reason
            picks.append(Pick(m.pk, m.name, officer, reason))
            s["turns"] += 1
            s["weekend"] += 1 if slot.weekend_holiday else 0
            busy[m.pk].add(slot.starts_at, slot.ends_at)
        next_in_line = [
            (m.name, f"đã đủ người; {state[m.pk]['turns']} lượt, "
             f"{state[m.pk]['weekend']} lượt cuối tuần/lễ")
            for m in in_line
            if m.pk not in chosen_ids
        ]  # fmt: skip
        if rules.require_leader and not any(p.is_officer for p in picks):
            next_in_line.insert(0, ("—", "Không có cán bộ chỉ huy nào trực được lượt này."))
        skipped = next_in_line + skipped
        result.append(Planned(slot, picks, skipped, slot.crew_size - len(picks)))
    result.sort(key=lambda p: (p.slot.starts_at, p.slot.key))
    return result


def _why_not(m: Member, slot: Slot, rules: Rules) -> str:
    if not m.serves_on(slot.day):
        return "không trong lực lượng tự vệ vào ngày này"
    if m.unavailable and slot.day in m.unavailable:
        return f"vắng mặt: {m.unavailable[slot.day]}"
    if rules.allowed_gender and m.gender != rules.allowed_gender:
        return "không đúng yêu cầu giới tính của lượt trực"
    return ""
