"""The `units` import/export kind: the command tree to and from Excel.

Found by `chqs.imports.registry.autodiscover()`. Rows may list children before their
parents; a parent is a unit already in the database or another row of the file. A
changed parent is a move (the old link closes, a new one opens on "Hiệu lực từ
ngày"), never an overwrite, so reports about earlier years keep their tree.
"""

import copy
import datetime as dt

from django.core.exceptions import ValidationError

from chqs.imports import registry
from chqs.imports.columns import Choice, Column, Option, code, date, integer
from chqs.imports.engine import MOVED, NEW, UNCHANGED, UPDATED, Importer, RowResult

from .models import AgencyType, Level, Unit, UnitKind, UnitLink, today
from .scope import Scope
from .services import unit_create, unit_move

CHANGE_REASON = "Nhập từ Excel"
LEVEL_ALIASES = {
    Level.PROVINCE: ("tỉnh", "thành phố trực thuộc trung ương"),
    Level.DISTRICT: ("huyện", "quận", "thị xã"),
    Level.COMMUNE: ("xã", "phường", "thị trấn", "xã/phường"),
}


def _kinds():
    return [Option(kind.code, kind.name) for kind in UnitKind.objects.all()]


def _agency_types():
    return [Option(t.code, t.name) for t in AgencyType.objects.all()]


def _levels():
    return [Option(value, label, LEVEL_ALIASES.get(value, ())) for value, label in Level.choices]


COLUMNS = (
    Column("code", "Mã đơn vị", ("Mã", "Mã ĐV", "Mã số đơn vị"), required=True, parse=code,
           notes="Bắt buộc, không trùng; chữ không dấu, số, . _ - (ví dụ SYT-CT).", width=14),
    Column("name", "Tên đơn vị", ("Tên", "Tên cơ quan, tổ chức", "Tên cơ quan", "Tên tổ chức"),
           required=True, notes="Bắt buộc. Tên đầy đủ.", width=40),
    Column("short_name", "Tên viết tắt", ("Viết tắt", "Tên tắt"), notes="Không bắt buộc.",
           width=16),
    Column("kind", "Loại đơn vị", ("Loại", "Loại ĐV"), required=True,
           parse=Choice(_kinds, "loại đơn vị"),
           notes="Bắt buộc. Chọn trong danh sách (hoặc ghi mã: agency, commune…).", width=28),
    Column("parent", "Mã đơn vị cấp trên",
           ("Mã cấp trên", "Đơn vị cấp trên", "Cấp trên", "Trực thuộc", "Mã đơn vị trực thuộc"),
           parse=code, width=16,
           notes="Mã đơn vị cấp trên (đã có hoặc ở dòng khác của tệp); để trống nếu là cấp "
           "cao nhất. Ghi mã khác: chuyển đơn vị sang cấp trên mới."),
    Column("valid_from", "Hiệu lực từ ngày", ("Hiệu lực từ", "Từ ngày", "Ngày hiệu lực"),
           parse=date, width=14,
           notes="Ngày bắt đầu trực thuộc cấp trên, dạng dd/mm/yyyy. Bắt buộc khi thêm mới "
           "hoặc chuyển cấp trên (phải sau ngày bắt đầu trực thuộc hiện tại)."),
    Column("level", "Cấp", ("Cấp đơn vị", "Cấp hành chính"), parse=Choice(_levels, "cấp"),
           notes="Cấp tỉnh / huyện / xã. Để trống: theo loại đơn vị (đơn vị mới) "
           "hoặc giữ nguyên (đơn vị đã có).", width=12),
    Column("agency_type", "Loại hình cơ quan", ("Loại hình", "Loại hình tổ chức"),
           parse=Choice(_agency_types, "loại hình cơ quan"),
           notes="Với cơ quan, tổ chức. Chọn trong danh sách.", width=24),
    Column("staff_count", "Tổng số CBCNV",
           ("Số CBCNV", "Tổng số cán bộ, công nhân viên", "Tổng số lao động", "Số lao động"),
           parse=integer, notes="Số nguyên không âm.", width=12),
    Column("address", "Địa chỉ", ("Trụ sở", "Địa chỉ trụ sở"), notes="Không bắt buộc.",
           width=36),
)  # fmt: skip
FIELDS = ("name", "short_name", "kind", "level", "agency_type", "staff_count", "address")


def _shown(value) -> str:
    if value is None or value == "":
        return "(trống)"
    return f"“{value}”"


class UnitImporter(Importer):
    """Creates, updates and moves units; everything it touches must be in scope."""

    def plan(self, rows: list[RowResult]) -> None:
        kinds = {kind.code: kind for kind in UnitKind.objects.all()}
        agency_types = {t.code: t for t in AgencyType.objects.all()}
        self.by_code: dict[str, RowResult] = {}
        for row in rows:
            key = row.values.get("code")
            if key is None:
                continue
            first = self.by_code.setdefault(key, row)
            if first is not row:
                row.error("code", f"Mã đơn vị trùng với dòng {first.number} trong tệp.")
                first.error("code", f"Mã đơn vị trùng với dòng {row.number} trong tệp.")
        parents = {row.values["parent"] for row in rows if row.values.get("parent")}
        wanted = set(self.by_code) | parents
        self.existing = {
            unit.code: unit
            for unit in Unit.objects.filter(code__in=wanted).select_related("kind", "agency_type")
        }
        self.links = {
            link.unit_id: link
            for link in UnitLink.objects.filter(
                valid_to__isnull=True, unit__in=list(self.existing.values())
            ).select_related("parent")
        }
        self.db_parents = _db_parents(wanted)
        for row in rows:
            key = row.values.get("code")
            row.label = f"{key or ''} — {row.values.get('name') or ''}".strip(" —")
            if key is not None and row.values.get("kind") is not None:
                self._plan_row(row, kinds[row.values["kind"]], agency_types)
        for row in rows:
            if row.context.get("links_to") and not row.errors:
                self._check_cycle(row)

    def _plan_row(self, row: RowResult, kind: UnitKind, agency_types) -> None:
        values, key = row.values, row.values["code"]
        unit = self.existing.get(key)
        if unit is not None and not self.scope.contains(unit):
            row.error("code", "Đơn vị đã có trong hệ thống nhưng ngoài phạm vi quản lý.")
            return
        parent_code, valid_from = values.get("parent"), values.get("valid_from")
        current = self.links.get(unit.pk) if unit else None
        current_parent = current.parent.code if current else None
        fields = {
            "name": values.get("name") or "",
            "short_name": values.get("short_name") or "",
            "kind": kind,
            "level": values.get("level") or (unit.level if unit else kind.default_level) or "",
            "agency_type": agency_types.get(values.get("agency_type")),
            "staff_count": values.get("staff_count"),
            "address": values.get("address") or "",
        }
        row.context.update(unit=unit, fields=fields)
        if unit is None:
            candidate = Unit(code=key, **fields)
            row.outcome = NEW
        else:
            candidate = copy.copy(unit)
            for name in FIELDS:
                setattr(candidate, name, fields[name])
                old, new = getattr(unit, name), fields[name]
                if old != new:
                    row.changes.append(f"{self.kind.header(name)}: {_shown(old)} → {_shown(new)}")
            row.outcome = UPDATED if row.changes else UNCHANGED
        try:
            candidate.clean_fields(exclude=["kind", "agency_type", "search_text"])
        except ValidationError as exc:
            self.add_validation_error(row, exc)

        if parent_code == current_parent and unit is not None:
            if current and valid_from and valid_from != current.valid_from:
                row.warnings.append(
                    f"Ngày hiệu lực khác ngày bắt đầu trực thuộc hiện tại "
                    f"({current.valid_from:%d/%m/%Y}): giữ nguyên ngày cũ."
                )
            return
        if parent_code is None:
            if unit is not None:
                row.error("parent", f"Không thể bỏ đơn vị cấp trên “{current_parent}”.")
            elif not self.scope.is_admin:
                row.error("parent", "Đơn vị cấp cao nhất nằm ngoài phạm vi quản lý.")
            return
        self._plan_link(row, unit, current, parent_code, valid_from)

    def _plan_link(self, row, unit, current, parent_code, valid_from) -> None:
        if parent_code == row.values["code"]:
            row.error("parent", "Một đơn vị không thể trực thuộc chính nó.")
            return
        parent = self.existing.get(parent_code)
        if parent is None and parent_code not in self.by_code:
            row.error("parent", "Không tìm thấy đơn vị cấp trên (trong hệ thống và trong tệp).")
            return
        if parent is not None and not self.scope.contains(parent):
            row.error("parent", "Đơn vị cấp trên nằm ngoài phạm vi quản lý.")
            return
        if valid_from is None:
            row.error("valid_from", "Cần ngày hiệu lực khi thêm đơn vị hoặc chuyển cấp trên.")
            return
        if parent is not None and parent.is_dissolved(valid_from):
            row.error("parent", f"Đơn vị cấp trên đã giải thể từ {parent.dissolved_on:%d/%m/%Y}.")
        if unit is not None:
            if current is not None and valid_from <= current.valid_from:
                row.error(
                    "valid_from",
                    f"Phải sau ngày bắt đầu trực thuộc hiện tại ({current.valid_from:%d/%m/%Y}).",
                )
            if unit.is_dissolved(valid_from):
                row.error("parent", "Không thể chuyển một đơn vị đã giải thể.")
            before = current.parent.code if current else "(không có)"
            row.changes.insert(0, f"Cấp trên: {before} → {parent_code} từ {valid_from:%d/%m/%Y}")
            row.outcome = MOVED
        else:
            row.changes.append(f"Trực thuộc {parent_code} từ {valid_from:%d/%m/%Y}")
        row.context["links_to"] = parent_code

    def _check_cycle(self, row: RowResult) -> None:
        start = row.values["code"]
        path, seen = [start], {start}
        node = row.context["links_to"]
        while node is not None:
            path.append(node)
            if node == start:
                row.error("parent", "Tạo thành vòng lặp: " + " → ".join(path) + ".")
                return
            if node in seen:
                return  # a loop further up, reported on its own rows
            seen.add(node)
            other = self.by_code.get(node)
            node = other.values.get("parent") if other else self.db_parents.get(node)

    def write_order(self, rows: list[RowResult]) -> list[RowResult]:
        def depth(row: RowResult) -> int:
            level, parent = 0, self.by_code.get(row.values.get("parent") or "")
            while parent is not None and level <= len(rows):
                level += 1
                parent = self.by_code.get(parent.values.get("parent") or "")
            return level

        return sorted(rows, key=depth)

    def write(self, row: RowResult) -> None:
        values, fields = row.values, row.context["fields"]
        parent = None
        if values.get("parent"):
            parent = Unit.objects.get(code=values["parent"])
        if row.outcome == NEW:
            unit = unit_create(
                parent=parent, valid_from=values.get("valid_from") or today(),
                code=values["code"], **fields,
            )  # fmt: skip
            audit = {"history_user": self.user} if self.user is not None else {}
            Unit.history.filter(id=unit.pk).update(history_change_reason=CHANGE_REASON, **audit)
            return
        unit = Unit.objects.get(pk=row.context["unit"].pk)
        changed = [name for name in FIELDS if getattr(unit, name) != fields[name]]
        if changed:
            for name in changed:
                setattr(unit, name, fields[name])
            unit.full_clean()
            unit._change_reason = CHANGE_REASON
            if self.user is not None:
                unit._history_user = self.user
            unit.save()
        if row.outcome == MOVED:
            unit_move(unit=unit, new_parent=parent, on=values["valid_from"])


def _db_parents(codes: set[str]) -> dict[str, str | None]:
    """Code -> parent code in today's tree for `codes` and all their ancestors.

    One query per tree level, not per unit.
    """
    parents: dict[str, str | None] = {}
    missing = set(codes)
    while missing:
        found = dict(
            UnitLink.objects.filter(valid_to__isnull=True, unit__code__in=missing).values_list(
                "unit__code", "parent__code"
            )
        )
        parents.update(dict.fromkeys(missing))
        parents.update(found)
        missing = {code for code in found.values() if code not in parents}
    return parents


def export_rows(scope, unit: str | None = None):
    """Units in scope (under `unit` when given), parents first, in the template's form."""
    units = scope.units().active_on()
    if unit:
        units = units.filter(pk__in=Unit.objects.subtree(scope.get_unit(unit)))
    units = list(units.select_related("kind", "agency_type"))
    links = {
        link.unit_id: link
        for link in UnitLink.objects.filter(
            valid_to__isnull=True, unit_id__in=[u.pk for u in units]
        ).select_related("parent")
    }
    children: dict[int | None, list[Unit]] = {}
    ids = {u.pk for u in units}
    for u in units:
        link = links.get(u.pk)
        children.setdefault(link.parent_id if link and link.parent_id in ids else None, []).append(
            u
        )
    stack = list(reversed(children.get(None, [])))
    while stack:
        u = stack.pop()
        link = links.get(u.pk)
        yield {
            "code": u.code,
            "name": u.name,
            "short_name": u.short_name,
            "kind": u.kind.name,
            "parent": link.parent.code if link else None,
            "valid_from": link.valid_from if link else None,
            "level": Level(u.level).label if u.level else None,
            "agency_type": u.agency_type.name if u.agency_type else None,
            "staff_count": u.staff_count,
            "address": u.address,
        }
        stack.extend(reversed(children.get(u.pk, [])))


class SystemScope(Scope):
    """The command line run without --user: every unit, every capability."""

    def __init__(self, on: dt.date | None = None):
        super().__init__(user=None, on=on)

    @property
    def is_admin(self) -> bool:
        return True

    def can(self, capability: str) -> bool:
        return True

    def units(self):
        return Unit.objects.all()


registry.set_scope_factory(lambda user: SystemScope() if user is None else Scope(user))
registry.register(
    registry.Kind(
        code="units",
        title="Đơn vị (cây tổ chức)",
        sheet_title="Đơn vị",
        description="Cơ quan quân sự, cơ quan, tổ chức và quan hệ trực thuộc theo thời gian.",
        columns=COLUMNS,
        importer=UnitImporter,
        export_rows=export_rows,
        capability="change_structure",
    )
)
