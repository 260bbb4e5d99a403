"""Audit trail of a person as people read it: who changed what, when, from what to what.

The same output as `units.history.unit_history` (one dict per version: when, who, what,
action, changes) over the person, their service records, extensions and board seats,
with a fixed number of queries whatever the length of the history. The generic part,
`history_entries`, takes any list of sources; it reuses the formatting helpers of
units.history so both pages read alike.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import QuerySet

from units.history import ACTIONS, _display, _sentence_case, _tracked_fields

from .models import BoardAppointment, Person, Service, ServiceExtension

PRIVATE_FIELDS = frozenset({"cccd", "phone"})


def mask(value: str | None) -> str:
    """Keep the first 4 and last 2 characters (0920******23): enough to tell two people
    apart, not enough to copy."""
    value = value or ""
    if len(value) <= 6:
        return "*" * len(value)
    return f"{value[:4]}{'*' * (len(value) - 6)}{value[-2:]}"


@dataclass
class Source:
    label: str
    model: type[models.Model]
    versions: QuerySet
    skip: set[str] = field(default_factory=set)  # fields not worth showing (the parent)
    describe: Callable[[object], str] | None = None  # label for one object's versions


def history_entries(
    sources: Iterable[Source], *, hidden: frozenset[str] = frozenset(), limit: int = 200
) -> list[dict]:
    """Readable changes of every source, newest first. Fields named in `hidden` show
    masked (personal data for roles that may not read it)."""
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
        return mask(text) if f.name in hidden and text != "—" else text

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


def person_history(person: Person, *, private: bool = True, limit: int = 200) -> list[dict]:
    """Changes to the person, their service records, extensions and board seats.
    `private=False` masks the CCCD and phone (commanders read them masked)."""
    service_ids = Service.history.filter(person_id=person.pk).values("id")
    sources = [
        Source("Thông tin cá nhân", Person, Person.history.filter(id=person.pk)),
        Source(
            "Tự vệ",
            Service,
            Service.history.filter(person_id=person.pk),
            skip={"person"},
            describe=lambda row: f"Tự vệ (từ {row.joined_on:%d/%m/%Y})",
        ),
        Source(
            "Gia hạn",
            ServiceExtension,
            ServiceExtension.history.filter(service_id__in=service_ids),
            skip={"service"},
        ),
        Source(
            "Ban CHQS",
            BoardAppointment,
            BoardAppointment.history.filter(person_id=person.pk),
            skip={"person"},
        ),
    ]
    return history_entries(sources, hidden=frozenset() if private else PRIVATE_FIELDS, limit=limit)
