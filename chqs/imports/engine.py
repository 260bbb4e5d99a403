"""Preview and apply an import: the same steps for every kind, CLI and page alike.

1. the kind's `Importer.setup` checks what the import needs before anything is read
   (the agency a people list goes to), 2. read the file into rows (readers), 3. parse
each cell with its column's parser, 4. let `Importer.plan` validate the rows together
and decide each row's outcome (new / updated / moved / unchanged) or errors, 5. when
applying, and only if no row is rejected (or the user chose to apply the valid rows
only), let the importer write the rows in batches, all in one transaction: any failure
rolls everything back.

Speed (bench/import_people.py: 50.000 rows): cells are parsed column by column, each
distinct value of a column once; the garbage collector pauses while the rows are
built; `plan` is expected to load what it compares in a few queries for the whole file,
and `write_batch` to write a batch in a fixed number of queries, with the fast writes
below: `bulk_insert` (PostgreSQL COPY, executemany elsewhere), `bulk_update_rows`
(UPDATE … FROM VALUES), `insert_history` (the django-simple-history records, INSERT …
SELECT), `allocate_ids`, and `filter_in` for the look-ups of a whole file.
"""

import datetime as dt
import gc
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone

from .. import versions
from . import rowcache
from .columns import Choice, Column, ParseError, is_blank
from .readers import ImportFileError, read_options, read_table
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
BATCH_SIZE = 2000

Progress = Callable[[str, int, int], None]


class ImportRefused(ImportFileError):
    """The import cannot run at all (no agency chosen, an agency out of scope...).

    A kind of `ImportFileError` so that every caller already shows it without a
    traceback; the message is shown to the user as is.
    """


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


@dataclass(slots=True)
class RowError:
    column: str  # the column's header; empty for an error about the whole row
    value: str
    message: str

    def __str__(self) -> str:
        where = f"cột “{self.column}”" if self.column else "cả dòng"
        value = f" (giá trị “{self.value}”)" if self.value else ""
        return f"{where}{value}: {self.message}"


@dataclass(slots=True)
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
    parse_errors: int = 0  # the first errors, found while parsing cells

    def error(self, key: str | None, message: str) -> None:
        """Reject the row: `key` is the column at fault (None: the whole row)."""
        header = self.headers.get(key, "") if key else ""
        value = display(self.raw.get(key)) if key else ""
        self.errors.append(RowError(column=header, value=value, message=message))

    def warn(self, message: str) -> None:
        """A warning shown with the row (once, however many rules say it)."""
        if message not in self.warnings:
            self.warnings.append(message)

    @property
    def final_outcome(self) -> str:
        return REJECTED if self.errors else (self.outcome or UNCHANGED)

    def replanned(self) -> "RowResult":
        """The row as parsed, before any plan: to plan it again with fewer rows."""
        return RowResult(
            number=self.number,
            raw=self.raw,
            values=self.values,
            errors=self.errors[: self.parse_errors],
            headers=self.headers,
            parse_errors=self.parse_errors,
        )


class Importer:
    """The kind-specific half of an import. Subclass it and register it with a Kind.

    `setup()` runs first and may refuse the whole import (`ImportRefused`). `plan(rows)`
    sees every parsed row at once (rows may refer to each other), must not write, and
    sets each row's `outcome`, `label`, `changes`, `warnings` or `errors`; it may add
    lines to `notes` (facts about the whole file). `present` holds the keys of the
    columns the file has: a column absent from the file is not a column left blank.

    Writing: the engine hands the rows to write, in the order `write_order(rows)`
    returns, to `write_batch` in batches of `batch_size`, inside the transaction, after
    a fresh `plan`. The default `write_batch` calls `write(row)` for each row. A
    `ValidationError` rejects the row (mark it with `row.error` before raising from
    `write_batch`; otherwise the batch's first row carries it) and rolls everything back.

    `input_columns` are read and parsed like the kind's columns but are not written in
    templates or exports: other layouts of the same facts (split date columns...).
    `independent_rows = True` says no row's plan depends on another row's, so applying
    the valid rows only needs no second plan. `unit` is the code the user gave for the
    unit the file is about (`unit_label`, `unit_choices`), or None.
    """

    # Model field name -> column key, to place model validation errors in a column.
    field_columns: dict[str, str] = {}
    input_columns: Sequence[Column] = ()
    batch_size: int = BATCH_SIZE
    independent_rows: bool = False
    # A kind whose file is about one unit (a people list: its agency) names the choice
    # here; `unit_choices(scope)` lists the (code, name) the user may pick from.
    unit_label: str = ""

    @classmethod
    def unit_choices(cls, scope: Any) -> list[tuple[str, str]]:
        return []

    def __init__(self, *, kind: Kind, scope: Any, user: Any = None, unit: str | None = None):
        self.kind = kind
        self.scope = scope
        self.user = user
        self.unit = unit
        self.present: set[str] = set()
        self.notes: list[str] = []

    def setup(self) -> None:
        """Check what the import needs before the file is read; raise `ImportRefused`."""

    def cache_state(self) -> Any:
        """What the kind's parsers match cells against besides the file: by default the
        options of every choice column (lists kept in the database), so that rows parsed
        by a preview are not reused after a list changed (rowcache). Plain data."""
        return [
            (column.key, [(o.code, o.label, tuple(o.aliases)) for o in column.parse.options()])
            for column in read_columns(self.kind)
            if isinstance(column.parse, Choice)
        ]

    def plan(self, rows: list[RowResult]) -> None:
        raise NotImplementedError

    def write_order(self, rows: list[RowResult]) -> list[RowResult]:
        return rows

    def write_batch(self, rows: list[RowResult]) -> None:
        for row in rows:
            try:
                self.write(row)
            except ValidationError as exc:
                self.add_validation_error(row, exc)
                raise

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


def read_columns(kind: Kind) -> list[Column]:
    """Every column an import of `kind` recognises: the template's, then the importer's
    other layouts (`Importer.input_columns`)."""
    return [*kind.columns, *kind.importer.input_columns]


@dataclass
class Preview:
    """What an import would do (or did, when `applied`), row by row."""

    kind: Kind
    sheet: str
    header_row: int
    rows: list[RowResult]
    ignored_headers: list[str] = field(default_factory=list)
    applied: bool = False
    notes: list[str] = field(default_factory=list)  # facts about the whole file
    valid_only: bool = False  # applied the valid rows, leaving the rejected ones out
    table: Any = field(default=None, repr=False)  # readers.Table: how the file was read

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
        return any(not row.errors and row.final_outcome in WRITTEN for row in self.rows)

    def summary(self) -> str:
        counts = self.counts
        return " · ".join(
            f"{label}: {counts[code]}"
            for code, label in OUTCOME_LABELS.items()
            if counts[code] or code != MOVED  # a move is a units thing: shown when there is one
        )

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
                "errors": [
                    {"column": e.column, "value": e.value, "message": e.message, "text": str(e)}
                    for e in row.errors
                ],
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
            "valid_only": self.valid_only,
            "notes": self.notes,
            "warned": sum(1 for row in self.rows if row.warnings and not row.errors),
            "rejected": [row_data(row) for row in rejected[:LISTED_ROWS]],
            "changed": [row_data(row) for row in noted[:LISTED_ROWS]],
            "truncated": len(rejected) > LISTED_ROWS or len(noted) > LISTED_ROWS,
        }


class _Abort(Exception):
    """Leaves the transaction so that it rolls back."""


def preview(
    kind: Kind, path: Path, *, scope: Any, user: Any = None, sheet: str | None = None,
    filename: str = "", unit: str | None = None, progress: Progress | None = None,
) -> Preview:  # fmt: skip
    """Read, parse and plan the import of `path`; write nothing.

    `unit` is the code of the unit the import is about, for kinds that need one (the
    agency of a people list). Raises `readers.ImportFileError` when the file cannot be
    read at all, and its kind `ImportRefused` when the import cannot run.
    """
    with _no_collection():
        result, _ = _plan(
            kind, path, scope=scope, user=user, sheet=sheet, filename=filename, unit=unit,
            progress=progress,
        )  # fmt: skip
    return result


def apply(
    kind: Kind, path: Path, *, scope: Any, user: Any = None, sheet: str | None = None,
    filename: str = "", unit: str | None = None, valid_only: bool = False,
    progress: Progress | None = None,
) -> Preview:  # fmt: skip
    """Re-validate and write the rows in one transaction, or nothing at all.

    By default nothing is written when any row is rejected. With `valid_only=True`
    the rejected rows are left out and the others written (rows that depended on a
    rejected row are planned again without it, and rejected in turn). Returns the
    preview with `applied=True` when rows were written; a failure while writing
    rejects the row at fault and rolls everything back. Raises
    `readers.ImportFileError` (or `ImportRefused`) like `preview`.
    """
    result = None
    try:
        with _no_collection(), transaction.atomic():
            result, importer = _plan(
                kind, path, scope=scope, user=user, sheet=sheet, filename=filename,
                unit=unit, progress=progress,
            )  # fmt: skip
            if result.has_rejections:
                if not valid_only:
                    return result
                _drop_rejected(result, importer)
                result.valid_only = True
            changed = result.changed_rows
            if not changed:
                return result
            _write(importer, changed, progress)
            result.applied = True
            # Written: the rows kept for this apply will not serve again.
            transaction.on_commit(lambda: rowcache.discard(path))
    except _Abort:
        pass
    return result


def _drop_rejected(result: Preview, importer: Importer) -> None:
    """Plan the accepted rows again without the rejected ones, until none falls."""
    if importer.independent_rows:
        return
    rejected = {row.number: row for row in result.rows if row.errors}
    while True:
        fresh = [row.replanned() for row in result.rows if row.number not in rejected]
        importer.notes = []
        importer.plan(fresh)
        fallen = [row for row in fresh if row.errors]
        for row in fallen:
            rejected[row.number] = row
        if not fallen:
            break
    by_number = {row.number: row for row in fresh}
    result.rows = [rejected.get(row.number) or by_number[row.number] for row in result.rows]
    result.notes = importer.notes


def _write(importer: Importer, rows: list[RowResult], progress: Progress | None) -> None:
    ordered = importer.write_order(rows)
    size = max(importer.batch_size, 1)
    for start in range(0, len(ordered), size):
        batch = ordered[start : start + size]
        try:
            importer.write_batch(batch)
        except ValidationError as exc:
            if not any(row.errors for row in batch):
                importer.add_validation_error(batch[0], exc)
            raise _Abort from exc
        except DatabaseError as exc:
            batch[0].error(None, "Lỗi khi ghi (dữ liệu vừa bị thay đổi?): hãy thử lại.")
            raise _Abort from exc
        if progress:
            progress("writing", start + len(batch), len(ordered))


def _plan(
    kind: Kind, path: Path, *, scope: Any, user: Any, sheet: str | None, filename: str,
    unit: str | None, progress: Progress | None,
) -> tuple[Preview, Importer]:  # fmt: skip
    importer = kind.importer(kind=kind, scope=scope, user=user, unit=unit)
    importer.setup()
    columns = read_columns(kind)
    table, rows = _read_parsed(
        kind, importer, columns, path, sheet=sheet, filename=filename, unit=unit,
        progress=progress,
    )  # fmt: skip
    if progress:
        progress("checking", 0, len(rows))
    importer.plan(rows)
    if progress:
        progress("checking", len(rows), len(rows))
    result = Preview(
        kind=kind,
        sheet=table.sheet,
        header_row=table.header_row,
        rows=rows,
        ignored_headers=table.ignored_headers,
        notes=importer.notes,
        table=table,
    )
    return result, importer


def _read_parsed(
    kind: Kind, importer: Importer, columns: Sequence[Column], path: Path, *,
    sheet: str | None, filename: str, unit: str | None, progress: Progress | None,
) -> tuple[Any, list[RowResult]]:  # fmt: skip
    """The file's table and its parsed rows, before any plan: from the rows kept by an
    earlier preview of the same upload when nothing they came from changed (rowcache),
    else read and parsed, and kept for the next time."""
    options = read_options()
    cache_key = None
    if rowcache.location(path) is not None:
        cache_key = rowcache.key(
            path, kind=kind.code, sheet=sheet, filename=filename, unit=unit,
            mapping=sorted((options.mapping or {}).items()), state=importer.cache_state(),
            day=timezone.localdate(),  # parsers judge dates against today
        )  # fmt: skip

        def reread() -> list[dict[str, Any]]:
            # Only when a row is rejected after all: its error shows the cell as typed.
            table = read_table(path, columns, sheet=sheet, filename=filename,
                               progress=lambda *args: None)  # fmt: skip
            return [row.values for row in table.rows]

        cached = rowcache.load(path, cache_key, reread)
        if cached is not None:
            options.table = cached.table
            importer.present = cached.present
            total = len(cached.table.rows)
            if progress:
                progress("reading", total, total)
            return cached.table, _restore(cached, columns)
    read = {"progress": progress} if progress else {}
    table = read_table(path, columns, sheet=sheet, filename=filename, **read)
    positions = getattr(table, "positions", None)
    if positions is not None:
        importer.present = set(positions)
    else:  # a reader that does not say: the columns seen in some row
        importer.present = {key for row in table.rows for key in row.values}
    kept: list[int] = []
    parsed: dict[str, list] = {}
    rows = _parse(columns, table.rows, importer.present, kept=kept, parsed=parsed)
    if cache_key is not None:
        errors = {
            position: [(e.column, e.value, e.message) for e in row.errors]
            for position, row in enumerate(rows)
            if row.errors
        }
        cached = rowcache.Parsed(
            table=table, present=importer.present, kept=kept, keys=parsed["keys"],
            columns=parsed["columns"], errors=errors,
        )  # fmt: skip
        rowcache.save(path, cache_key, cached)
    return table, rows


def _restore(cached: "rowcache.Parsed", columns: Sequence[Column]) -> list[RowResult]:
    headers = {column.key: column.header for column in columns}
    sheet_rows, keys, kept = cached.table.rows, cached.keys, cached.kept
    if keys:
        picked = [[column[index] for index in kept] for column in cached.columns]
        values = [dict(zip(keys, row, strict=True)) for row in zip(*picked, strict=True)]
    else:
        values = [{} for _ in kept]
    rows = []
    for position, index in enumerate(kept):
        sheet_row = sheet_rows[index]
        errors = [RowError(*error) for error in cached.errors.get(position, ())]
        rows.append(
            RowResult(
                number=sheet_row.number,
                raw=sheet_row.values,
                values=values[position],
                errors=errors,
                headers=headers,
                parse_errors=len(errors),
            )  # fmt: skip
        )
    return rows


def _parse(
    columns: Sequence[Column], sheet_rows: Sequence[Any], present: set[str] | None = None,
    *, kept: list[int] | None = None, parsed: dict[str, list] | None = None,
) -> list[RowResult]:  # fmt: skip
    """One `RowResult` per sheet row that holds a record, each cell parsed by its column.

    For the rows kept between preview and apply (rowcache): `kept`, when given, receives
    the index in `sheet_rows` of each record, and `parsed` the values column by column
    (`keys`, `columns`: one list per key, aligned with `sheet_rows`).

    Column by column: a column that repeats its values (gender, kind of force, "12/12",
    a squad) has each distinct value parsed once. `present` (the columns the file has,
    when the reader says) spares looking for the others in every row.
    """
    headers = {column.key: column.header for column in columns}
    parsed_columns = [c for c in columns if not c.informative]
    if present is not None:
        parsed_columns = [c for c in parsed_columns if c.key in present]
    if not parsed_columns:  # nothing to parse: no record either
        if parsed is not None:
            parsed.update(keys=[], columns=[])
        return []
    keys = [c.key for c in parsed_columns]
    raws = [sheet_row.values for sheet_row in sheet_rows]
    problems: list[tuple[int, int, str]] = []  # (row index, column index, message)
    cells = []
    for position, (column, column_cells) in enumerate(
        zip(parsed_columns, _columns(raws, keys), strict=True)
    ):
        values, refused = _parse_column(column, column_cells)
        problems += [(index, position, message) for index, message in refused]
        cells.append(values)
    problems.sort()
    by_row: dict[int, list[tuple[int, str]]] = {}
    for index, position, message in problems:
        by_row.setdefault(index, []).append((position, message))
    informative = [c.key for c in columns if c.informative]
    if parsed is not None:
        extra = _columns(raws, informative) if informative else []
        parsed["keys"] = keys + informative
        parsed["columns"] = cells + [[None if is_blank(v) else v for v in c] for c in extra]
    rows = []
    width = len(keys)
    for index, (sheet_row, row_values) in enumerate(
        zip(sheet_rows, zip(*cells, strict=True), strict=True)
    ):
        if row_values.count(None) == width and index not in by_row:
            continue  # only a row number (STT) or nothing: not a record
        raw = sheet_row.values
        row = RowResult(
            number=sheet_row.number, raw=raw, headers=headers,
            values=dict(zip(keys, row_values, strict=True)),
        )  # fmt: skip
        for position, message in by_row.get(index, ()):
            row.error(keys[position], message)
        for key in informative:
            value = raw.get(key)
            row.values[key] = None if is_blank(value) else value
        row.parse_errors = len(row.errors)
        rows.append(row)
        if kept is not None:
            kept.append(index)
    return rows


def _columns(raws: list[dict[str, Any]], keys: list[str]) -> list[list[Any]]:
    """The rows' cells column by column: one C-level call per row when every row has
    every key, as the reader gives them."""
    if len(keys) > 1 and raws:
        try:
            return [list(column) for column in zip(*map(itemgetter(*keys), raws), strict=True)]
        except KeyError:
            pass
    return [[raw.get(key) for raw in raws] for key in keys]


REQUIRED = "Bắt buộc phải có giá trị."
MEMO_SIZE = 8192  # distinct cell values remembered per column
_MISSING = object()


class _Refused(str):
    """A refusal message standing in a column's results where the value would be."""


def _parse_column(column: Column, cells: list[Any]) -> tuple[list[Any], list[tuple[int, str]]]:
    """(parsed values, [(row index, refusal)]) of one column's cells; blank is None."""
    parse = column.bound_parser()
    refusals = False

    def one(cell: Any) -> Any:
        nonlocal refusals
        if cell is None or (cell.__class__ is str and not cell.strip()):
            return None
        try:
            return parse(cell)
        except ParseError as exc:
            refusals = True
            return _Refused(exc)

    if cells.count(None) == len(cells):  # an empty column
        out: list[Any] = cells[:]
    else:
        try:
            # Equal values of different types (1, 1.0, True) must not share a result.
            mixed = len(set(map(type, cells)) - {type(None)}) > 1
            keys = [(cell.__class__, cell) for cell in cells] if mixed else cells
            distinct = set(keys)
        except TypeError:  # an unhashable cell value
            distinct = None
        if distinct is not None and len(distinct) <= min(len(cells) // 2, MEMO_SIZE):
            # A column that repeats its values: each distinct value is parsed once.
            results = {key: one(key[1] if mixed else key) for key in distinct}
            out = list(map(results.__getitem__, keys))
        else:
            out = list(map(one, cells))
    refused: list[tuple[int, str]] = []
    if refusals:
        refused = [(i, str(v)) for i, v in enumerate(out) if v.__class__ is _Refused]
        for index, _ in refused:
            out[index] = None
    if column.required and None in out:
        refused += [(i, REQUIRED) for i, v in enumerate(out) if v is None and is_blank(cells[i])]
    return out, refused


@contextmanager
def _no_collection():
    """Pause the cyclic garbage collector while an import builds its rows.

    Reading and planning 50.000 rows creates millions of objects and no cycles worth
    collecting; each automatic collection would walk them all again (a quarter of the
    time). Collection resumes, and runs, when the block ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- fast writes for batch importers ------------------------------------------------------


def bulk_insert(
    model: type[models.Model], rows: Iterable[Mapping[str, Any]], *,
    constants: Mapping[str, Any] | None = None,
) -> int:  # fmt: skip
    """Insert rows (dicts of field attname -> Python value) without model instances:
    COPY on PostgreSQL, one executemany elsewhere. `constants` gives fields the same
    value in every row; fields neither in a row nor in `constants` take their default;
    the auto primary key is the database's unless the rows give "id" (see
    `allocate_ids`). No save(), no signals, no history (see `insert_history`).
    Returns the number of rows inserted.
    """
    connection = connections[router.db_for_write(model)]
    constants = dict(constants or {})
    pk = model._meta.pk
    fields = [f for f in model._meta.concrete_fields if f.attname not in constants]
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    if isinstance(pk, models.AutoField) and pk.attname not in first:
        fields.remove(pk)
    fixed = [f for f in model._meta.concrete_fields if f.attname in constants]
    names = [f.attname for f in fields]
    defaults = {f.attname: f.get_default() for f in fields}
    adapters = _adapters([*fields, *fixed], connection)
    fixed_values = [constants[f.attname] for f in fixed]
    for index, adapt in adapters:
        if index >= len(fields) and fixed_values[index - len(fields)] is not None:
            fixed_values[index - len(fields)] = adapt(fixed_values[index - len(fields)])
    adapters = [(index, _memo(adapt)) for index, adapt in adapters if index < len(fields)]
    extract = itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))

    def values(row: Mapping[str, Any]) -> list[Any]:
        try:
            found = [*extract(row), *fixed_values]
        except KeyError:  # a row that leaves fields to their defaults
            found = [*(row.get(n, defaults[n]) for n in names), *fixed_values]
        for index, adapt in adapters:
            if found[index] is not None:
                found[index] = adapt(found[index])
        return found

    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in [*fields, *fixed])
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({columns}) FROM STDIN"
            started = time.monotonic()
            with cursor.cursor.copy(sql) as copy:
                write = copy.write_row
                write(values(first))
                count = 1
                for row in rows:
                    write(values(row))
                    count += 1
            if connection.queries_logged:  # count it like any query (tests, debug, bench)
                spent = f"{time.monotonic() - started:.3f}"
                connection.queries_log.append({"sql": f"{sql} -- {count} rows", "time": spent})
            # COPY bypasses the cursor's execute wrappers: record the write for the
            # data versions (chqs.versions) by hand.
            versions.wrote(model._meta.db_table, connection.alias)
        else:
            data = [values(first), *map(values, rows)]
            marks = ", ".join(["%s"] * len(data[0]))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", data)
            count = len(data)
    return count


def allocate_ids(model: type[models.Model], count: int) -> list[int] | None:
    """`count` primary keys taken from the table's sequence (PostgreSQL), to insert rows
    with `bulk_insert` and know their ids without reading them back; None on databases
    without sequences (read the ids back by a natural key instead)."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql" or count <= 0:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [connection.ops.quote_name(model._meta.db_table), model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _memo(adapt: Callable[[Any], Any]) -> Callable[[Any], Any]:
    memo: dict[Any, Any] = {}

    def remembered(value: Any) -> Any:
        found = memo.get(value, _MISSING)
        if found is _MISSING:
            found = adapt(value)
            if len(memo) < MEMO_SIZE:
                memo[value] = found
        return found

    return remembered


def _adapters(fields, connection) -> list[tuple[int, Callable[[Any], Any]]]:
    """(index, value -> database value) for the fields a DB-API driver cannot take as
    is (dates on SQLite); psycopg's COPY takes Python values directly."""
    found: list[tuple[int, Callable[[Any], Any]]] = []
    if connection.vendor == "postgresql":
        return found
    for index, f in enumerate(fields):
        if isinstance(f, models.DateTimeField):
            found.append((index, connection.ops.adapt_datetimefield_value))
        elif isinstance(f, models.DateField):
            found.append((index, connection.ops.adapt_datefield_value))
        elif isinstance(f, models.DecimalField | models.JSONField | models.UUIDField):
            found.append((index, lambda v, f=f: f.get_db_prep_save(v, connection)))
    return found


def insert_history(
    model: type[models.Model], ids: Sequence[int], *, user: Any = None, reason: str = "",
    history_type: str = "+",
) -> int:  # fmt: skip
    """The django-simple-history records of the rows `ids` of `model`, as they are now:
    what `bulk_create_with_history` would add ("+", created) or `bulk_update_with_history`
    ("~", changed), in one INSERT … SELECT, without model instances. Returns the count."""
    if not ids:
        return 0
    connection = connections[router.db_for_write(model)]
    history = model.history.model
    quote = connection.ops.quote_name
    tracked = history.tracked_fields
    source = [quote(model._meta.get_field(f.name).column) for f in tracked]
    target = [quote(history._meta.get_field(f.name).column) for f in tracked]
    extra = ["history_date", "history_change_reason", "history_type", "history_user_id"]
    target += [quote(history._meta.get_field(name).column) for name in extra]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params: list[Any] = [now, reason or None, history_type, getattr(user, "pk", None)]
    pk = quote(model._meta.pk.column)
    if connection.vendor == "postgresql":
        where, params = f"{pk} = ANY(%s)", [*params, list(ids)]
    else:
        where, params = f"{pk} IN ({', '.join(['%s'] * len(ids))})", [*params, *ids]
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(target)}) "
        f"SELECT {', '.join(source)}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
        f"WHERE {where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def bulk_update_rows(
    model: type[models.Model], rows: Sequence[Mapping[str, Any]], fields: Sequence[str]
) -> int:
    """Set `fields` (attnames) of the rows given as dicts holding "id" and those fields:
    `WITH v AS (VALUES …) UPDATE … FROM v`, one statement per chunk. Django's
    bulk_update writes a CASE per field listing every row, which the database evaluates
    row by row and Python takes long to build. No save(), no signals, no history (see
    `insert_history(..., history_type="~")`). Returns the number of rows updated."""
    if not rows or not fields:
        return 0
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    meta = model._meta
    targets = [meta.pk, *(meta.get_field(name) for name in fields)]
    names = [f"c{index}" for index in range(len(targets))]
    postgres = connection.vendor == "postgresql"

    def value(name: str, f: models.Field) -> str:
        return f"v.{name}::{f.db_type(connection)}" if postgres else f"v.{name}"

    assignments = ", ".join(
        f"{quote(f.column)} = {value(name, f)}"
        for name, f in zip(names[1:], targets[1:], strict=True)
    )
    table = quote(meta.db_table)
    adapters = _adapters(targets, connection)
    attnames = [f.attname for f in targets]
    # SQLite allows 32.766 parameters in a statement.
    size = max(1, min(len(rows), 30_000 // len(targets)))
    count = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            params: list[Any] = []
            for row in chunk:
                values = [row[name] for name in attnames]
                for index, adapt in adapters:
                    if values[index] is not None:
                        values[index] = adapt(values[index])
                params += values
            marks = ", ".join(["(" + ", ".join(["%s"] * len(targets)) + ")"] * len(chunk))
            where = f"{table}.{quote(meta.pk.column)} = {value('c0', meta.pk)}"
            cursor.execute(
                f"WITH v ({', '.join(names)}) AS (VALUES {marks}) "
                f"UPDATE {table} SET {assignments} FROM v WHERE {where}",
                params,
            )
            count += cursor.rowcount
    return count


def filter_in(
    queryset: models.QuerySet, field: str, values: Sequence[Any], size: int = 2000
) -> Iterable[models.QuerySet]:
    """`queryset` restricted to `field` in `values`, as a few querysets of bounded size.

    PostgreSQL gets one array parameter per 10.000 values (`= ANY(%s)`): composing a long
    `IN (…)` list costs the client more than the query. Elsewhere `IN (…)` of `size`
    values (SQLite allows 32.766 parameters in a statement).
    """
    connection = connections[queryset.db]
    meta = queryset.model._meta
    if connection.vendor != "postgresql":
        for start in range(0, len(values), size):
            yield queryset.filter(**{f"{field}__in": values[start : start + size]})
        return
    quote = connection.ops.quote_name
    column = f"{quote(meta.db_table)}.{quote(meta.get_field(field).column)}"
    for start in range(0, len(values), 10_000):
        chunk = list(values[start : start + 10_000])
        condition = RawSQL(f"{column} = ANY(%s)", (chunk,), output_field=models.BooleanField())
        yield queryset.filter(condition)
