"""The preview's parsed rows, kept next to an upload so that the apply does not read and
parse the file again (bench/import_people.py: ~2,7 s of a 50.000-row apply).

Only for uploads kept under PRIVATE_ROOT (generated names, outside the web root); a file
elsewhere (the command line's) gets no companion file. The cache holds what reading
and parsing produced, before any plan: the apply still plans every row again inside its
transaction, against the database as it is then (conflicts, updates, moves). It is
used only when everything it was made from is the same: the file's bytes (SHA-256), the
kind, sheet, column mapping, unit, the kind's reference data (`Importer.cache_state`:
e.g. the ethnicity and position lists the parsers matched against) and this format's
version. It is signed with an HMAC of SECRET_KEY and never unpickled otherwise: a
file dropped next to an upload cannot run code. Any problem reading it means "no
cache": the apply then reads the file as before.

Columnar: a list per column rather than a dict per row, which pickles and loads several
times faster.
"""

import hashlib
import hmac
import logging
import os
import pickle
from collections.abc import Sequence
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
    """What reading and parsing a file produced: the table (with its rows) and, for the
    rows kept as records, their parsed values and parse errors."""

    table: Table
    present: set[str]
    kept: list[int]  # index in table.rows of each record
    values: list[dict[str, Any]]
    errors: dict[int, list[tuple[str, str, str]]]  # record index -> (column, value, message)


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
    payload = pickle.dumps((cache_key, _pack(parsed)), protocol=pickle.HIGHEST_PROTOCOL)
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


def load(path: Path, cache_key: bytes) -> Parsed | None:
    """The cached parse of `path` if it exists, is intact and matches `cache_key`."""
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
        return _unpack(packed)
    except Exception:  # a cache from another version of the code: read the file instead
        logger.warning("Unusable parsed rows of %s", path, exc_info=True)
        return None


def discard(path: Path) -> None:
    target = location(path)
    if target is not None:
        target.unlink(missing_ok=True)


def _secret() -> bytes:
    return hashlib.sha256(b"chqs.imports.rowcache" + settings.SECRET_KEY.encode()).digest()


def _columns(dicts: Sequence[dict[str, Any]]) -> tuple[list[str], list[list[Any]]] | None:
    """(keys, one list per key) when every dict has the same keys in the same order."""
    if not dicts:
        return [], []
    keys = list(dicts[0])
    if any(list(d) != keys for d in dicts):
        return None
    return keys, [[d[k] for d in dicts] for k in keys]


def _rows(packed: Any, count: int) -> list[dict[str, Any]]:
    if isinstance(packed, list):
        return packed
    keys, columns = packed
    if not keys:
        return [{} for _ in range(count)]
    return [dict(zip(keys, values, strict=True)) for values in zip(*columns, strict=True)]


def _pack(parsed: Parsed) -> dict[str, Any]:
    sheet_rows = [row.values for row in parsed.table.rows]
    return {
        "table": replace(parsed.table, rows=[]),
        "numbers": [row.number for row in parsed.table.rows],
        "raw": _columns(sheet_rows) or sheet_rows,
        "present": parsed.present,
        "kept": parsed.kept,
        "values": _columns(parsed.values) or parsed.values,
        "errors": parsed.errors,
    }


def _unpack(packed: dict[str, Any]) -> Parsed:
    numbers = packed["numbers"]
    raws = _rows(packed["raw"], len(numbers))
    table = packed["table"]
    table.rows = [SheetRow(number, raw) for number, raw in zip(numbers, raws, strict=True)]
    return Parsed(
        table=table,
        present=packed["present"],
        kept=packed["kept"],
        values=_rows(packed["values"], len(packed["kept"])),
        errors=packed["errors"],
    )
