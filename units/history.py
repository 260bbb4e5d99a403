"""Audit trail of a unit: the unit, its parent links, its board and its formations
(chqs.history turns their versions into readable changes)."""

from chqs.history import Source, history_entries

from .models import Board, Formation, Unit, UnitLink


def unit_history(unit: Unit, limit: int = 200) -> list[dict]:
    """Changes to the unit and what hangs on it, newest first."""
    sources = [
        Source("Đơn vị", Unit, Unit.history.filter(id=unit.pk)),
        Source("Trực thuộc", UnitLink, UnitLink.history.filter(unit_id=unit.pk)),
        Source("Ban CHQS", Board, Board.history.filter(unit_id=unit.pk)),
        Source(
            "Đơn vị tự vệ",
            Formation,
            Formation.history.filter(agency_id=unit.pk),
            describe=lambda row: f"Đơn vị tự vệ {row.name}",
        ),
    ]
    return history_entries(sources, limit=limit)
