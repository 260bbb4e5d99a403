"""Audit trail of a unit as people read it: who changed what, when, from what to what.

django-simple-history stores one row per version; this turns the versions of a unit,
its parent links, its board and its formations into readable changes, with a fixed
number of queries whatever the length of the history.
"""

import datetime as dt
from collections import defaultdict

from django.db import models
from django.utils import formats, timezone

from .models import Board, Formation, Unit, UnitLink

ACTIONS = {"+": "Tạo mới", "~": "Sửa", "-": "Xóa"}
SKIP = {"id", "search_text", "history_id", "history_date", "history_user", "history_type"}
SKIP |= {"history_change_reason"}


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


def unit_history(unit: Unit, limit: int = 200) -> list[dict]:
    """Changes to the unit and what hangs on it, newest first."""
    sources = [
        ("Đơn vị", Unit, Unit.history.filter(id=unit.pk)),
        ("Trực thuộc", UnitLink, UnitLink.history.filter(unit_id=unit.pk)),
        ("Ban CHQS", Board, Board.history.filter(unit_id=unit.pk)),
        ("Đơn vị tự vệ", Formation, Formation.history.filter(agency_id=unit.pk)),
    ]
    records = []
    wanted: dict[type, set] = defaultdict(set)
    for label, model, qs in sources:
        fields = _tracked_fields(model)
        rows = list(qs.select_related("history_user").order_by("id", "history_date"))
        for row in rows:
            for field in fields:
                if field.is_relation:
                    value = getattr(row, field.attname)
                    if value is not None:
                        wanted[field.related_model].add(value)
        records.append((label, model, fields, rows))

    names = {}
    for model, ids in wanted.items():
        for obj in model._default_manager.filter(pk__in=ids):
            names[(model, obj.pk)] = str(obj)

    entries = []
    for label, _model, fields, rows in records:
        previous: dict[int, object] = {}
        for row in rows:
            before = previous.get(row.id)
            changes = []
            for field in fields:
                new = getattr(row, field.attname)
                old = getattr(before, field.attname) if before is not None else None
                if before is None and (new is None or new == ""):
                    continue
                if before is None or old != new:
                    changes.append(
                        {
                            "field": _sentence_case(str(field.verbose_name)),
                            "old": _display(field, old, names) if before is not None else "",
                            "new": _display(field, new, names),
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
                    "what": label if label != "Đơn vị tự vệ" else f"{label} {row.name}",
                    "action": ACTIONS.get(row.history_type, row.history_type),
                    "changes": changes,
                }
            )
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries[:limit]
