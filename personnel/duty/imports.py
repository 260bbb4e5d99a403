"""The `duty` import/export kind: past duty turns (historical logs) from Excel.

One row per crew member per turn: turn reference, unit code, kind, start, end, place,
the person's CCCD, days served, absence code. Rows with the same reference (or, without
one, the same unit, kind, start and end) are one turn. A turn matches an existing one
of the unit by reference, else by kind and start; a crew member by person. Imported
turns are published (they are what happened). `python manage.py import_data duty FILE
--unit CODE [--dry-run]`; template: `export_template duty`.

Refused (the row): a unit outside the user's scope or the --unit subtree, an unknown
kind, an end before the start, an unknown CCCD or a person outside the unit's subtree,
the same person on two overlapping turns (in the file or already recorded). Warned: a
person not serving in the self-defence force on that date (old logs predate the lists).

Days served: the "Số ngày công" cell when given (stored as is: hours = days × 24), else
the turn's length under the province's rounding rule; an absence code makes them 0.
A start or end given as a date alone means 00:00 of that day for the start and the end
of that day (24:00) for the end.
"""

import datetime as dt
import re
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import Http404
from django.utils import timezone

from chqs.imports import registry
from chqs.imports.columns import Choice, Column, Option, ParseError, citizen_id, code, text
from chqs.imports.columns import date as parse_date
from chqs.imports.engine import NEW, UNCHANGED, UPDATED, Importer, ImportRefused, RowResult
from chqs.text import fold
from units.models import Unit

from ..history import mask
from ..models import Person, Service
from .models import AbsenceReason, DutyAssignment, DutyKind, DutyTurn, TurnState
from .services import turn_recount

_TIME = re.compile(r"(\d{1,2})[:hg](\d{2})?")


class Moment:
    """A date with an optional time: a datetime cell, or "dd/mm/yyyy hh:mm" / "hh:mm
    dd/mm/yyyy" text. Parsed to (date, time or None)."""

    number_format = "DD/MM/YYYY HH:MM"

    def __call__(self, value: Any) -> tuple[dt.date, dt.time | None]:
        if isinstance(value, dt.datetime):
            clock = value.time() if value.time() != dt.time() else None
            return value.date(), clock
        if isinstance(value, dt.date):
            return value, None
        raw = text(value)
        clock = None
        rest = raw
        for part in raw.split():
            if ":" in part or re.fullmatch(r"\d{1,2}g(\d{2})?", part.lower()):
                match = _TIME.fullmatch(part.lower())
                if not match:
                    raise ParseError("Giờ không hợp lệ (hh:mm).")
                hour, minute = int(match.group(1)), int(match.group(2) or 0)
                if hour > 24 or minute > 59:
                    raise ParseError("Giờ không hợp lệ (hh:mm).")
                clock = dt.time(0, 0) if hour == 24 else dt.time(hour, minute)
                rest = raw.replace(part, "").strip()
        return parse_date(rest), clock


def days_value(value: Any) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise ParseError("Số ngày công phải là số (ví dụ 1 hoặc 0,5).") from None
    if number < 0 or number > 366:
        raise ParseError("Số ngày công phải từ 0 đến 366.")
    return number.quantize(Decimal("0.001"))


def _kinds():
    return [Option(k.code, k.name) for k in DutyKind.objects.all()]


def _absences():
    return [Option(code_, label, (code_,)) for code_, label in AbsenceReason.choices]


DUTY_COLUMNS = (
    Column("reference", "Số hiệu lượt", ("Lượt", "Mã lượt", "Số lượt"), width=14,
           notes="Các dòng cùng số hiệu là một lượt trực. Để trống: gộp theo đơn vị, loại, "
                 "thời gian."),
    Column("unit", "Mã đơn vị", ("Mã cơ quan", "Đơn vị tổ chức trực", "Mã"), parse=code,
           width=12, notes="Đơn vị tổ chức trực (có thể để trống khi nhập với --unit)."),
    Column("kind", "Loại trực", ("Loại", "Nhiệm vụ trực"), required=True,
           parse=Choice(_kinds, "loại trực"), width=28, notes="Bắt buộc."),
    Column("starts", "Bắt đầu", ("Thời gian bắt đầu", "Từ", "Từ ngày"), required=True,
           parse=Moment(), width=17, notes="Bắt buộc: dd/mm/yyyy hh:mm."),
    Column("ends", "Kết thúc", ("Thời gian kết thúc", "Đến", "Đến ngày"), required=True,
           parse=Moment(), width=17, notes="Bắt buộc: dd/mm/yyyy hh:mm."),
    Column("place", "Địa điểm", ("Nơi trực",), width=22),
    Column("full_name", "Họ và tên", ("Họ tên", "Người trực"), width=24,
           notes="Để đối chiếu với số CCCD."),
    Column("cccd", "Số CCCD", ("CCCD", "Số căn cước", "Số CMND/CCCD", "CMND"),
           required=True, parse=citizen_id, width=15, notes="Bắt buộc."),
    Column("days", "Số ngày công", ("Ngày công", "Số ngày trực"), parse=days_value, width=10,
           notes="Để trống: tính theo thời gian lượt trực."),
    Column("absence", "Lý do vắng", ("Mã vắng", "Vắng"), parse=Choice(_absences, "lý do vắng"),
           width=22, notes="Để trống nếu có mặt."),
    Column("officer", "Chỉ huy lượt trực", ("Chỉ huy", "Trực chỉ huy"), width=10,
           notes="Ghi “x” cho người chỉ huy lượt."),
)  # fmt: skip


def _aware(day: dt.date, clock: dt.time | None, *, end: bool) -> dt.datetime:
    if clock is None:
        clock = dt.time()
        if end:
            day += dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, clock))


class DutyImporter(Importer):
    field_columns = {"person": "cccd", "kind": "kind"}
    unit_label = "Đơn vị tổ chức trực (mặc định cho các dòng không ghi mã)"

    @classmethod
    def unit_choices(cls, scope) -> list[tuple[str, str]]:
        return list(scope.units().order_by("kind__order", "name").values_list("code", "name"))

    def setup(self) -> None:
        self.root = None
        if self.unit:
            try:
                self.root = self.scope.get_unit(self.unit)
            except Http404:
                raise ImportRefused(
                    f"Không tìm thấy đơn vị “{self.unit}” trong phạm vi của đồng chí."
                ) from None

    def plan(self, rows: list[RowResult]) -> None:
        default = self.root.code if self.root else None
        codes = {r.values.get("unit") or default for r in rows} - {None}
        units = {u.code: u for u in self.scope.units().filter(code__in=codes)}
        allowed = None
        if self.root is not None:
            allowed = set(Unit.objects.subtree(self.root).values_list("id", flat=True))
        kinds = {k.code: k for k in DutyKind.objects.all()}
        cccds = {r.values["cccd"] for r in rows if r.values.get("cccd")}
        people = {p.cccd: p for p in Person.objects.filter(cccd__in=cccds)}
        subtrees: dict[int, set[int]] = {}
        groups: dict[tuple, list[RowResult]] = defaultdict(list)
        for row in rows:
            v = row.values
            row.label = " — ".join(str(x) for x in (v.get("reference"), v.get("full_name")) if x)
            if row.errors:
                continue
            unit = units.get(v.get("unit") or default)
            if unit is None:
                row.error("unit", "Không tìm thấy đơn vị này trong phạm vi của đồng chí.")
                continue
            if allowed is not None and unit.pk not in allowed:
                row.error("unit", f"Không thuộc {self.root.name} (đơn vị đã chọn khi nhập).")
                continue
            starts = _aware(*v["starts"], end=False)
            ends = _aware(*v["ends"], end=True)
            if ends <= starts:
                row.error("ends", "Thời điểm kết thúc phải sau thời điểm bắt đầu.")
                continue
            person = people.get(v["cccd"])
            if person is None:
                row.error("cccd", "Không có người có số CCCD này trong danh sách nhân sự.")
                continue
            if unit.pk not in subtrees:
                subtrees[unit.pk] = set(Unit.objects.subtree(unit).values_list("id", flat=True))
            if person.agency_id not in subtrees[unit.pk]:
                row.error("cccd", f"{person.full_name} không thuộc {unit.name}.")
                continue
            if v.get("full_name") and fold(v["full_name"]) != fold(person.full_name):
                row.warn(f"Họ tên trong tệp khác hồ sơ (“{person.full_name}”).")
            kind = kinds[v["kind"]]
            key = (unit.pk, v.get("reference") or "", kind.pk, starts, ends)
            if v.get("reference"):
                key = (unit.pk, v["reference"])
            row.context.update(unit=unit, kind=kind, person=person, starts=starts, ends=ends)
            row.label = f"{kind.name} {timezone.localtime(starts):%d/%m/%Y %H:%M} — {person}"
            groups[key].append(row)
        self._check_groups(groups)

    def _check_groups(self, groups: dict[tuple, list[RowResult]]) -> None:
        rows = [r for group in groups.values() for r in group]
        if not rows:
            return
        ids = {r.context["person"].pk for r in rows}
        lo = min(r.context["starts"] for r in rows)
        hi = max(r.context["ends"] for r in rows)
        existing = defaultdict(list)  # person -> [(start, end, turn id)]
        for pk, s, e, turn_id in DutyAssignment.objects.filter(
            person_id__in=ids, absent=False, turn__starts_at__lt=hi, turn__ends_at__gt=lo
        ).values_list("person_id", "turn__starts_at", "turn__ends_at", "turn_id"):
            existing[pk].append((s, e, turn_id))
        serving = defaultdict(list)
        for pk, joined, ended in Service.objects.filter(person_id__in=ids).values_list(
            "person_id", "joined_on", "ended_on"
        ):
            serving[pk].append((joined, ended))
        matched = self._match_turns(groups)
        taken: dict[int, list] = defaultdict(list)  # in the file
        for key, group in groups.items():
            first = group[0].context
            turn = matched.get(key)
            crew = {a.person_id: a for a in turn.assignments.all()} if turn else {}
            for row in group:
                c = row.context
                if c["starts"] != first["starts"] or c["ends"] != first["ends"]:
                    row.error("starts", "Cùng số hiệu lượt nhưng khác thời gian với dòng trước.")
                    continue
                pk = c["person"].pk
                clash = [
                    x for x in existing[pk]
                    if x[0] < c["ends"] and x[1] > c["starts"] and (turn is None or x[2] != turn.pk)
                ] + [x for x in taken[pk] if x[0] < c["ends"] and x[1] > c["starts"]]  # fmt: skip
                if clash:
                    when = timezone.localtime(clash[0][0]).strftime("%H:%M %d/%m/%Y")
                    row.error("cccd", f"{c['person']} đã có lượt trực trùng thời gian ({when}).")
                    continue
                taken[pk].append((c["starts"], c["ends"], None))
                day = timezone.localdate(c["starts"])
                if not any(j <= day and (e is None or day < e) for j, e in serving[pk]):
                    row.warn(f"{c['person']} không trong lực lượng tự vệ vào ngày {day:%d/%m/%Y}.")
                c["turn"], c["key"] = turn, key
                existing_row = crew.get(pk)
                if turn is None:
                    row.outcome = NEW
                    row.changes.append("Lượt trực mới" if row is group[0] else "Thêm người trực")
                elif existing_row is None:
                    row.outcome = UPDATED
                    row.changes.append("Thêm người trực")
                else:
                    row.outcome = self._compare(row, existing_row)

    def _match_turns(self, groups) -> dict[tuple, DutyTurn]:
        units = {key[0] for key in groups}
        refs = {key[1] for key in groups if len(key) == 2}
        found: dict[tuple, DutyTurn] = {}
        turns = DutyTurn.objects.filter(unit_id__in=units).prefetch_related("assignments")
        by_ref = {(t.unit_id, t.reference): t for t in turns.filter(reference__in=refs)}
        starts = {key[3] for key in groups if len(key) == 5}
        by_start = {
            (t.unit_id, t.kind_id, t.starts_at): t for t in turns.filter(starts_at__in=starts)
        }
        for key in groups:
            by_key = key if len(key) == 2 else (key[0], key[2], key[3])
            turn = (by_ref if len(key) == 2 else by_start).get(by_key)
            if turn is not None:
                found[key] = turn
        return found

    def _compare(self, row: RowResult, current: DutyAssignment) -> str:
        absent, days = self._attendance(row)
        if current.absent != absent or (days is not None and current.days_served != days):
            row.changes.append(
                f"Ngày công: {current.days_served.normalize()} → "
                f"{(Decimal(0) if absent else days or current.days_served).normalize()}"
            )
            return UPDATED
        return UNCHANGED

    @staticmethod
    def _attendance(row: RowResult) -> tuple[bool, Decimal | None]:
        absent = bool(row.values.get("absence"))
        return absent, row.values.get("days")

    def write_batch(self, rows: list[RowResult]) -> None:
        if not hasattr(self, "written"):
            self.written: dict[tuple, DutyTurn] = {}
        touched: dict[int, DutyTurn] = {}
        for row in rows:
            c, v = row.context, row.values
            turn = c.get("turn") or self.written.get(c["key"])
            if turn is None:
                turn = DutyTurn(
                    unit=c["unit"], kind=c["kind"], starts_at=c["starts"], ends_at=c["ends"],
                    place=v.get("place") or "", reference=v.get("reference") or "",
                    state=TurnState.PUBLISHED,
                )  # fmt: skip
                if self.user is not None:
                    turn._history_user = self.user
                turn.save()
                self.written[c["key"]] = turn
            absent, days = self._attendance(row)
            hours = days * 24 if days is not None else turn.hours.quantize(Decimal("0.01"))
            officer = fold(text(v.get("officer") or "")) in {"x", "co", "1", "chi huy"}
            DutyAssignment.objects.update_or_create(
                turn=turn,
                person=c["person"],
                defaults={
                    "absent": absent,
                    "absence_reason": v.get("absence") or "",
                    "hours": hours,
                    "is_officer": officer,
                },
            )
            if officer and turn.officer_id != c["person"].pk:
                turn.officer = c["person"]
                turn.save(update_fields=["officer"])
            touched[turn.pk] = turn
        for turn in touched.values():
            turn_recount(turn=turn)


def duty_rows(scope, unit: str | None = None):
    """Crew rows of the published turns in scope (of `unit`'s subtree when given), in
    the template's form: what the duty import reads back unchanged."""
    rows = DutyAssignment.objects.filter(
        turn__unit__in=scope.units(), turn__state=TurnState.PUBLISHED
    )
    if unit:
        rows = rows.filter(turn__unit__in=Unit.objects.subtree(scope.get_unit(unit)))
    private = scope.can("change_people")
    for a in rows.select_related("turn__unit", "turn__kind", "person").order_by(
        "turn__starts_at", "turn_id", "-is_officer", "person__sort_key", "id"
    ):
        turn = a.turn
        yield {
            "reference": turn.reference or f"L{turn.pk}",
            "unit": turn.unit.code,
            "kind": turn.kind.name,
            "starts": timezone.localtime(turn.starts_at).replace(tzinfo=None),
            "ends": timezone.localtime(turn.ends_at).replace(tzinfo=None),
            "place": turn.place,
            "full_name": a.person.full_name,
            "cccd": a.person.cccd if private else mask(a.person.cccd),
            "days": a.days_served,
            "absence": a.get_absence_reason_display() if a.absent else "",
            "officer": "x" if a.is_officer else "",
        }


registry.register(
    registry.Kind(
        code="duty",
        title="Lượt trực (sổ trực đã thực hiện)",
        sheet_title="Lượt trực",
        description="Mỗi dòng là một người trong một lượt trực; các dòng cùng số hiệu lượt là "
        "một lượt. Khớp lượt theo số hiệu (hoặc đơn vị, loại trực, thời gian bắt đầu), khớp "
        "người theo số CCCD.",
        columns=DUTY_COLUMNS,
        importer=DutyImporter,
        export_rows=duty_rows,
        capability="change_structure",
    )
)
