"""Audit trails as people read them: who changed what, when, from what to what.

django-simple-history stores one row per version; `history_entries` turns the versions
of several models into readable changes, newest first, with a fixed number of queries
whatever the length of the history. Apps describe their sources (units.history,
personnel.history); this module knows no model of theirs.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.db import models
from django.db.models import QuerySet
from django.utils import formats, timezone

ACTIONS = {"+": "Tạo mới", "~": "Sửa", "-": "Xóa"}
SKIP = {"id", "search_text", "sort_key", "history_id", "history_date", "history_user"}
SKIP |= {"history_type", "history_change_reason"}


def _display(field: models.Field, value, names: dict) -> str:
    if value is None or value == "":
        return "—"
    if field.is_relation:
        return names.get((field.related_model, value), f"#{value}")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return formats.localize(value) if isinstance(value, int) else str(value)


def _sentence_case(text: str) -> str:
    # str.capitalize() would lower-case acronyms ("CBCNV", "CHQS").
    return text[:1].upper() + text[1:]


def _tracked_fields(model) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.name not in SKIP]


def mask(value: str | None) -> str:
    """Keep the first 4 and last 2 characters (0920******23): enough to tell two people
    apart, not enough to copy."""
    value = value or ""
    if len(value) <= 6:
        return "*" * len(value)
    return f"{value[:4]}{'*' * (len(value) - 6)}{value[-2:]}"


def mask_address(value: str | None) -> str:
    """Keep only the last two parts of an address (ward or commune, province): where a
    person lives, not at which door ("•••, phường Ninh Kiều, thành phố Cần Thơ")."""
    parts = [part.strip() for part in (value or "").split(",") if part.strip()]
    if not parts:
        return ""
    return ", ".join(["•••", *parts[-2:]]) if len(parts) > 2 else "•••"


@dataclass
class Source:
    label: str
    model: type[models.Model]
    versions: QuerySet
    skip: set[str] = field(default_factory=set)  # fields not worth showing (the parent)
    describe: Callable[[object], str] | None = None  # label for one object's versions


def history_entries(
    sources: Iterable[Source], *, hidden: frozenset[str] = frozenset(), limit: int = 200,
    masks: Mapping[str, Callable[[str], str]] | None = None,
) -> list[dict]:  # fmt: skip
    """Readable changes of every source, newest first. Fields named in `hidden` show
    masked (personal data for roles that may not read it): by `masks[name]` when given,
    else keeping a few characters at each end (`mask`)."""
    masks = masks or {}
    records = []
    wanted: dict[type, set] = defaultdict(set)
    for source in sources:
        fields = [f for f in _tracked_fields(source.model) if f.name not in source.skip]
        rows = list(source.versions.select_related("history_user").order_by("id", "history_date"))
        for row in rows:
            for f in fields:
                value = getattr(row, f.attname) if f.is_relation else None
                if value is not None:
                    wanted[f.related_model].add(value)
        records.append((source, fields, rows))

    names = {}
    for model, ids in wanted.items():
        for obj in model._default_manager.filter(pk__in=ids):
            names[(model, obj.pk)] = str(obj)

    def show(f, value) -> str:
        text = _display(f, value, names)
        return masks.get(f.name, mask)(text) if f.name in hidden and text != "—" else text

    entries = []
    for source, fields, rows in records:
        previous: dict[int, object] = {}
        for row in rows:
            before = previous.get(row.id)
            changes = []
            for f in fields:
                new = getattr(row, f.attname)
                old = getattr(before, f.attname) if before is not None else None
                if before is None and (new is None or new == ""):
                    continue
                if before is None or old != new:
                    changes.append(
                        {
                            "field": _sentence_case(str(f.verbose_name)),
                            "old": show(f, old) if before is not None else "",
                            "new": show(f, new),
                        }
                    )
            previous[row.id] = row
            if row.history_type == "~" and not changes:
                continue
            user = row.history_user
            entries.append(
                {
                    "when": row.history_date,
                    "who": (user.get_full_name() or user.username) if user else "Hệ thống",
                    "what": source.describe(row) if source.describe else source.label,
                    "action": ACTIONS.get(row.history_type, row.history_type),
                    "changes": changes,
                }
            )
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries[:limit]
