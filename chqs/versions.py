"""Data versions: what lets each process keep pages' expensive parts in its own memory
(the local-memory cache) and still show every user a change on the next request.

A version is a number per kind of data ("units": the command tree — units, links,
boards, formations and their kinds; "figures": everything the reports' figures read —
the command tree, people, service records, duty, training, returns) kept in one table
(`DataVersion`) that every process reads. A cached value is keyed by the versions it
depends on; a transaction that writes such data bumps them when it commits, so the
next read in any process misses and recomputes.

Writes are seen where every write passes, the database cursor: an execute wrapper on
each connection looks at the statement (INSERT INTO / UPDATE / DELETE FROM <table>)
and maps the table to its kinds of data. Model saves, `bulk_create`, `update()`,
`bulk_update`, the admin and raw SQL are all caught; only psycopg's COPY (the import
engine's `bulk_insert`) bypasses the cursor, so it calls `wrote()` itself. Tables no
figure reads (users, sessions, history copies, import jobs, the export log) bump
nothing. A Person update that changes only contact details (phone, address…: no
figure reads them) runs inside `neutral_update()` and bumps nothing either.

Inside a transaction that has written some kind of data, reads of that kind skip the
cache: its own changes are not visible to others yet, so nothing computed from them
may be stored, and it must see them itself (tests run inside one transaction).

The bump runs right after the commit (`on_commit`), before the response is sent: the
writer's next request, and anyone's after it, sees the new version. A bump lost (the
connection failing between commit and bump) is bounded by the cache's timeout.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import re
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.signals import connection_created
from django.db.models import F
from django.db.models.signals import post_migrate, pre_migrate
from django.dispatch import receiver

UNITS, FIGURES = "units", "figures"
NAMES = (UNITS, FIGURES)
# Which apps' tables bump which versions.
APPS = {"units": (UNITS, FIGURES), "personnel": (FIGURES,), "training": (FIGURES,),
        "reports": (FIGURES,)}  # fmt: skip
# How long a cached value is kept at most (a lost bump is forgotten after this).
TIMEOUT = 300  # also CACHES["default"]["TIMEOUT"] (settings)

_WRITE = re.compile(r'\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+["`]?(\w+)', re.I)
_neutral: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar(
    "chqs_neutral_updates", default=frozenset()
)
_MISSING = object()
# While `migrate` (or a test database's creation) runs, the version table may not
# exist yet: nothing is recorded; once it is done every version is bumped.
_migrating = False


@functools.cache
def tables() -> dict[str, tuple[str, ...]]:
    """{table: versions it bumps}, from the installed models (auto-created m2m tables
    included; history copies and the user tables left out)."""
    from django.apps import apps
    from django.contrib.auth import get_user_model

    user = get_user_model()
    skipped = {user._meta.db_table}
    skipped |= {f.remote_field.through._meta.db_table for f in user._meta.local_many_to_many}
    found = {}
    for model in apps.get_models(include_auto_created=True):
        names = APPS.get(model._meta.app_label)
        table = model._meta.db_table
        if not names or table in skipped or model.__name__.startswith("Historical"):
            continue
        found[table] = names
    return found


@contextlib.contextmanager
def neutral_update(table: str):
    """UPDATEs of `table` inside this block change nothing any cached value depends on."""
    token = _neutral.set(_neutral.get() | {table})
    try:
        yield
    finally:
        _neutral.reset(token)


class _Bump:
    """The on_commit callback that bumps `names` (recognisable in run_on_commit)."""

    def __init__(self, alias: str, names: frozenset[str]):
        self.alias, self.names = alias, names

    def __call__(self) -> None:
        bump(self.names, using=self.alias)


def _pending(connection) -> set[str]:
    """The versions this connection's open transaction will bump when it commits."""
    return {
        name
        for _, callback, *_ in connection.run_on_commit
        if isinstance(callback, _Bump)
        for name in callback.names
    }


def wrote(table: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """Record a write to `table`: its versions are bumped when the transaction commits
    (at once in autocommit)."""
    names = tables().get(table)
    if not names or _migrating:
        return
    connection = connections[using]
    new = frozenset(names) - _pending(connection) if connection.in_atomic_block else names
    if new:
        transaction.on_commit(_Bump(using, frozenset(new)), using=using)


def bump(names: Iterable[str], using: str = DEFAULT_DB_ALIAS) -> None:
    from .models import DataVersion

    names = sorted(set(names))
    versions = DataVersion.objects.using(using)
    if versions.filter(name__in=names).update(number=F("number") + 1) < len(names):
        # A version starts at a random number: a table emptied and filled again (a
        # flush, a restore) never reuses a number a process may still hold in its cache.
        for name in names:
            versions.get_or_create(name=name, defaults={"number": secrets.randbits(48)})


def renew(using: str = DEFAULT_DB_ALIAS) -> None:
    """Give every version a new random number (after a restore)."""
    from .models import DataVersion

    DataVersion.objects.using(using).all().delete()
    bump(NAMES, using=using)


def current(names: Iterable[str], using: str = DEFAULT_DB_ALIAS) -> dict[str, int | None]:
    """The versions of `names` (one query), None for those the open transaction has
    written: skip the cache for them."""
    from .models import DataVersion

    names = tuple(names)
    found = dict(
        DataVersion.objects.using(using).filter(name__in=names).values_list("name", "number")
    )
    pending = _pending(connections[using]) if connections[using].in_atomic_block else set()
    return {name: None if name in pending else found.get(name, 0) for name in names}


def cached(
    key: Iterable[Any], names: Iterable[str], compute: Callable[[], Any], *,
    known: dict[str, int | None] | None = None,
) -> Any:  # fmt: skip
    """`compute()`, kept in this process's cache under `key` and the versions `names`:
    computed again as soon as any of them is bumped. `known`: the versions as read by
    `current()` earlier in the same request (saves the query). Reads on the replica
    (which may lag the versions) and transactions that wrote the data are not cached."""
    from .routers import reading_from_replica

    versions = known if known is not None else current(names)
    if reading_from_replica() or None in versions.values():
        return compute()
    parts = (*key, *sorted(versions.items()))
    full = f"chqs:{hashlib.sha1(repr(parts).encode()).hexdigest()}"  # any key, any length
    value = cache.get(full, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(full, value, TIMEOUT)
    return value


def stamp_of(model, using: str = DEFAULT_DB_ALIAS):
    """The expression of a row's version on `using`, or None (see `row_stamps`)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    from django.db.models.expressions import RawSQL

    return RawSQL(f"{connection.ops.quote_name(model._meta.db_table)}.xmin::text", [])


def row_stamps(model, ids: Iterable[int], using: str = DEFAULT_DB_ALIAS) -> dict[int, str] | None:
    """{pk: the row's version} for the rows `ids` of `model`, in one narrow query; None
    where the database keeps no such thing (SQLite: nothing is cached there).

    PostgreSQL gives every row version the id of the transaction that wrote it (`xmin`):
    any UPDATE of the row changes it, whoever makes it (a save, `update()`, the import's
    bulk writes, raw SQL, a restore), including the contact-detail updates that bump no
    data version. A cache key holding the stamps of the rows it shows goes stale with
    the rows themselves."""
    stamp = stamp_of(model, using)
    if stamp is None:
        return None
    rows = model._base_manager.using(using).filter(pk__in_ids=list(ids))
    return dict(rows.annotate(_stamp=stamp).values_list("pk", "_stamp"))


def stamped(queryset) -> list[tuple[int, str]] | None:
    """[(pk, row version)] of every row of `queryset`, in its order, in one query (see
    `row_stamps`); None where the database keeps no row versions."""
    stamp = stamp_of(queryset.model, queryset.db)
    if stamp is None:
        return None
    return list(queryset.annotate(_stamp=stamp).values_list("pk", "_stamp"))


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if sql[:6].upper() in ("INSERT", "UPDATE", "DELETE") or sql[:1].isspace():
        found = _WRITE.match(sql)
        if found:
            table = found.group(2)
            if not (found.group(1)[0] in "Uu" and table in _neutral.get()):
                wrote(table, context["connection"].alias)
    return result


@receiver(connection_created)
def _install(sender, connection, **kwargs) -> None:
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


@receiver(pre_migrate)
def _migration_starts(sender, **kwargs) -> None:
    global _migrating
    _migrating = True


@receiver(post_migrate)
def _migration_done(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    global _migrating
    if sender.name == "chqs":
        _migrating = False
        bump(NAMES, using=using)
