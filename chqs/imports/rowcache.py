"""The preview's parsed rows, kept next to an upload so that the apply does not read and
parse the file again (bench/import_people.py: ~2,7 s of a 50.000-row apply).

Only for uploads kept under PRIVATE_ROOT (generated names, outside the web root); a file
elsewhere (the command line's) gets no companion file. The cache holds what reading
and parsing produced, before any plan: the apply still plans every row again inside its
transaction, against the database as it is then (conflicts, updates, moves). It is
used only when everything it was made from is the same: the file's bytes (SHA-256), the
kind, sheet, column mapping, unit, the day, the kind's reference data
(`Importer.cache_state`: the choice lists the parsers matched against) and this
format's version. It is signed with an HMAC of SECRET_KEY and never unpickled otherwise:
a file dropped next to an upload cannot run code. Any problem reading it means "no
cache": the apply then reads the file as before.

What is kept is small and quick to load: the parsed values column by column (dates as
day numbers), the parse errors, and how the file was read (header, skipped rows). The
cells as typed are not kept: they only serve the message of a row the apply rejects
after all (a conflict that arose since the preview), and the file is then read again
for them, once.
"""

import datetime as dt
import hashlib
import hmac
import logging
import os
import pickle
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from django.conf import settings

from .readers import SheetRow, Table

logger = logging.getLogger(__name__)

VERSION = 1
SUFFIX = ".rows"
_DIGEST = hashlib.sha256().digest_size


@dataclass
class Parsed:
    """What reading and parsing a file produced, before any plan."""

    table: Table  # how the file was read, with its rows
    present: set[str]  # the kind's columns the file has
    kept: list[int]  # index in table.rows of each record
    keys: list[str]  # the parsed columns...
    columns: list[list[Any]]  # ...one list per key, aligned with table.rows
    errors: dict[int, list[tuple[str, str, str]]]  # record -> (column, value, message)


class _Cells:
    """The cells as typed, read again from the file on first need."""

    def __init__(self, reread: Callable[[], list[dict[str, Any]]]):
        self.reread = reread
        self.rows: list[dict[str, Any]] | None = None

    def row(self, index: int) -> dict[str, Any]:
        if self.rows is None:
            self.rows = self.reread()
        return self.rows[index]


class _LazyRow(Mapping):
    """A sheet row's cells (`SheetRow.values`), fetched only when a message needs one."""

    __slots__ = ("cells", "index")

    def __init__(self, cells: _Cells, index: int):
        self.cells, self.index = cells, index

    def __getitem__(self, key: str) -> Any:
        return self.cells.row(self.index)[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.cells.row(self.index))

    def __len__(self) -> int:
        return len(self.cells.row(self.index))


def location(path: Path) -> Path | None:
    """Where the cache of `path` lives, or None when `path` is not a kept upload."""
    root = Path(settings.PRIVATE_ROOT).resolve()
    path = Path(path).resolve()
    if root not in path.parents:
        return None
    return path.with_name(path.name + SUFFIX)


def key(path: Path, **context: Any) -> bytes:
    """A digest of the file's bytes and of everything else the parse depended on."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    digest.update(repr((VERSION, sorted(context.items(), key=str))).encode())
    return digest.digest()


def save(path: Path, cache_key: bytes, parsed: Parsed) -> None:
    """Write the cache of `path` (atomically: a reader sees the old one or the new one)."""
    target = location(path)
    if target is None:
        return
    packed = {
        "table": replace(parsed.table, rows=[]),
        "numbers": [row.number for row in parsed.table.rows],
        "present": parsed.present,
        "kept": parsed.kept,
        "keys": parsed.keys,
        "columns": [_pack_column(column) for column in parsed.columns],
        "errors": parsed.errors,
    }
    payload = pickle.dumps((cache_key, packed), protocol=pickle.HIGHEST_PROTOCOL)
    signature = hmac.new(_secret(), payload, hashlib.sha256).digest()
    temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(signature)
            handle.write(payload)
        os.replace(temporary, target)
    except OSError:  # a full disk must not fail the preview: the apply reads the file
        logger.warning("Could not keep the parsed rows of %s", path, exc_info=True)
        temporary.unlink(missing_ok=True)


def load(path: Path, cache_key: bytes, reread: Callable[[], list[dict[str, Any]]]) -> Parsed | None:
    """The cached parse of `path` if it exists, is intact and matches `cache_key`.
    `reread()` gives the sheet rows' cells again, if a message needs one."""
    target = location(path)
    if target is None:
        return None
    try:
        content = target.read_bytes()
    except OSError:
        return None
    signature, payload = content[:_DIGEST], content[_DIGEST:]
    expected = hmac.new(_secret(), payload, hashlib.sha256).digest()
    if not hmac.compare_digest(signature, expected):
        return None
    try:
        stored_key, packed = pickle.loads(payload)
        if stored_key != cache_key:
            return None
        cells = _Cells(reread)
        table = packed["table"]
        table.rows = [
            SheetRow(number, _LazyRow(cells, index))
            for index, number in enumerate(packed["numbers"])
        ]
        return Parsed(
            table=table,
            present=packed["present"],
            kept=packed["kept"],
            keys=packed["keys"],
            columns=[_unpack_column(column) for column in packed["columns"]],
            errors=packed["errors"],
        )
    except Exception:  # a cache from another version of the code: read the file instead
        logger.warning("Unusable parsed rows of %s", path, exc_info=True)
        return None


def discard(path: Path) -> None:
    target = location(path)
    if target is not None:
        target.unlink(missing_ok=True)


def _secret() -> bytes:
    return hashlib.sha256(b"chqs.imports.rowcache" + settings.SECRET_KEY.encode()).digest()


def _pack_column(column: list[Any]) -> tuple[str, list[Any]]:
    """A column of dates (and blanks) as day numbers: pickled several times faster."""
    if any(value.__class__ is dt.date for value in column) and all(
        value is None or value.__class__ is dt.date for value in column
    ):
        return "date", [None if value is None else value.toordinal() for value in column]
    return "", column


def _unpack_column(packed: tuple[str, list[Any]]) -> list[Any]:
    form, column = packed
    if form == "date":
        from_day = dt.date.fromordinal
        return [None if value is None else from_day(value) for value in column]
    return column
