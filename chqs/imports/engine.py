"""Preview and apply an import: the same steps for every kind, CLI and page alike.

1. read the file into rows (readers), 2. parse each cell with its column's parser,
3. let the kind's `Importer.plan` validate the rows together and decide each row's
outcome (new / updated / moved / unchanged) or errors, 4. when applying, and only if
no row is rejected, let `Importer.write` write the rows, all in one transaction:
any failure rolls everything back.
"""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from .columns import ParseError, is_blank
from .readers import read_table
from .registry import Kind

NEW, UPDATED, MOVED, UNCHANGED, REJECTED = "new", "updated", "moved", "unchanged", "rejected"
OUTCOME_LABELS = {
    NEW: "Mới",
    UPDATED: "Cập nhật",
    MOVED: "Chuyển cấp trên",
    UNCHANGED: "Không đổi",
    REJECTED: "Bị từ chối",
}
WRITTEN = (NEW, UPDATED, MOVED)
LISTED_ROWS = 1000  # rows kept in a stored summary; counts are always complete


def display(value: Any) -> str:
    """A cell value as the user typed it, for error messages."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text if len(text) <= 100 else text[:99] + "…"


@dataclass
class RowError:
    column: str  # the column's header; empty for an error about the whole row
    value: str
    message: str

    def __str__(self) -> str:
        where = f"cột “{self.column}”" if self.column else "cả dòng"
        value = f" (giá trị “{self.value}”)" if self.value else ""
        return f"{where}{value}: {self.message}"


@dataclass
class RowResult:
    number: int
    raw: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)
    outcome: str = ""
    label: str = ""
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict, repr=False)
    headers: dict[str, str] = field(default_factory=dict, repr=False)

    def error(self, key: str | None, message: str) -> None:
        """Reject the row: `key` is the column at fault (None: the whole row)."""
        header = self.headers.get(key, "") if key else ""
        value = display(self.raw.get(key)) if key else ""
        self.errors.append(RowError(column=header, value=value, message=message))

    @property
    def final_outcome(self) -> str:
        return REJECTED if self.errors else (self.outcome or UNCHANGED)


class Importer:
    """The kind-specific half of an import. Subclass it and register it with a Kind.

    `plan(rows)` sees every parsed row at once (rows may refer to each other), must not
    write, and sets each row's `outcome`, `label`, `changes` or `errors`. `write(row)`
    writes one row whose outcome is new, updated or moved; the engine calls it in the
    order `write_order(rows)` returns, inside the transaction, after a fresh `plan`.
    A `ValidationError` from `write` rejects the row and rolls everything back.
    """

    # Model field name -> column key, to place model validation errors in a column.
    field_columns: dict[str, str] = {}

    def __init__(self, *, kind: Kind, scope: Any, user: Any = None):
        self.kind = kind
        self.scope = scope
        self.user = user

    def plan(self, rows: list[RowResult]) -> None:
        raise NotImplementedError

    def write_order(self, rows: list[RowResult]) -> list[RowResult]:
        return rows

    def write(self, row: RowResult) -> None:
        raise NotImplementedError

    def add_validation_error(self, row: RowResult, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for name, messages in exc.message_dict.items():
                for message in messages:
                    row.error(self.field_columns.get(name, name), message)
        else:
            for message in exc.messages:
                row.error(None, message)


@dataclass
class Preview:
    """What an import would do (or did, when `applied`), row by row."""

    kind: Kind
    sheet: str
    header_row: int
    rows: list[RowResult]
    ignored_headers: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(OUTCOME_LABELS, 0)
        for row in self.rows:
            counts[row.final_outcome] += 1
        return counts

    @property
    def rejected_rows(self) -> list[RowResult]:
        return [row for row in self.rows if row.errors]

    @property
    def changed_rows(self) -> list[RowResult]:
        return [row for row in self.rows if not row.errors and row.final_outcome in WRITTEN]

    @property
    def has_rejections(self) -> bool:
        return any(row.errors for row in self.rows)

    @property
    def has_changes(self) -> bool:
        return bool(self.changed_rows)

    def summary(self) -> str:
        counts = self.counts
        return " · ".join(f"{label}: {counts[code]}" for code, label in OUTCOME_LABELS.items())

    def to_json(self) -> dict[str, Any]:
        """Plain data for `ImportJob.summary` and the preview page."""

        def row_data(row: RowResult) -> dict[str, Any]:
            return {
                "number": row.number,
                "label": row.label,
                "outcome": row.final_outcome,
                "outcome_label": OUTCOME_LABELS[row.final_outcome],
                "changes": row.changes,
                "warnings": row.warnings,
                "errors": [vars(error) | {"text": str(error)} for error in row.errors],
            }

        rejected = self.rejected_rows
        noted = [
            row
            for row in self.rows
            if not row.errors and (row.final_outcome in WRITTEN or row.warnings)
        ]
        return {
            "kind": self.kind.code,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "ignored_headers": self.ignored_headers,
            "counts": self.counts,
            "total": len(self.rows),
            "applied": self.applied,
            "rejected": [row_data(row) for row in rejected[:LISTED_ROWS]],
            "changed": [row_data(row) for row in noted[:LISTED_ROWS]],
            "truncated": len(rejected) > LISTED_ROWS or len(noted) > LISTED_ROWS,
        }


class _Abort(Exception):
    """Leaves the transaction so that it rolls back."""


def preview(
    kind: Kind, path: Path, *, scope: Any, user: Any = None, sheet: str | None = None,
    filename: str = "",
) -> Preview:  # fmt: skip
    """Read, parse and plan the import of `path`; write nothing.

    Raises `readers.ImportFileError` when the file cannot be read at all.
    """
    result, _ = _plan(kind, path, scope=scope, user=user, sheet=sheet, filename=filename)
    return result


def apply(
    kind: Kind, path: Path, *, scope: Any, user: Any = None, sheet: str | None = None,
    filename: str = "",
) -> Preview:  # fmt: skip
    """Re-validate and write every row in one transaction, or nothing at all.

    Returns the preview with `applied=True` when rows were written. Nothing is written
    when any row is rejected (by the plan or while writing) or nothing changes.
    Raises `readers.ImportFileError` when the file cannot be read at all.
    """
    result = None
    try:
        with transaction.atomic():
            result, importer = _plan(
                kind, path, scope=scope, user=user, sheet=sheet, filename=filename
            )
            if result.has_rejections or not result.has_changes:
                return result
            for row in importer.write_order(result.changed_rows):
                try:
                    importer.write(row)
                except ValidationError as exc:
                    importer.add_validation_error(row, exc)
                    raise _Abort from exc
                except DatabaseError as exc:
                    row.error(None, "Lỗi khi ghi (dữ liệu vừa bị thay đổi?): hãy thử lại.")
                    raise _Abort from exc
            result.applied = True
    except _Abort:
        pass
    return result


def _plan(
    kind: Kind, path: Path, *, scope: Any, user: Any, sheet: str | None, filename: str
) -> tuple[Preview, Importer]:
    table = read_table(path, kind.columns, sheet=sheet, filename=filename)
    headers = {column.key: column.header for column in kind.columns}
    parsers = {column.key: column.bound_parser() for column in kind.columns}
    rows = []
    for sheet_row in table.rows:
        row = RowResult(number=sheet_row.number, raw=sheet_row.values, headers=headers)
        for column in kind.columns:
            raw = sheet_row.values.get(column.key)
            if is_blank(raw):
                row.values[column.key] = None
                if column.required:
                    row.error(column.key, "Bắt buộc phải có giá trị.")
                continue
            try:
                row.values[column.key] = parsers[column.key](raw)
            except ParseError as exc:
                row.values[column.key] = None
                row.error(column.key, str(exc))
        rows.append(row)
    importer = kind.importer(kind=kind, scope=scope, user=user)
    importer.plan(rows)
    result = Preview(
        kind=kind,
        sheet=table.sheet,
        header_row=table.header_row,
        rows=rows,
        ignored_headers=table.ignored_headers,
    )
    return result, importer
