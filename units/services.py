"""Writes to the command tree that span more than one row, each in a transaction."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Board, BoardStatus, Unit, UnitLink


def _check_no_cycle(*, unit: Unit, parent: Unit, on: dt.date) -> None:
    if parent.pk == unit.pk:
        raise ValidationError("Một đơn vị không thể trực thuộc chính nó.")
    if Unit.objects.subtree(unit, on=on).filter(pk=parent.pk).exists():
        raise ValidationError(
            f"Không thể chuyển: “{parent}” đang trực thuộc “{unit}” (tạo thành vòng lặp)."
        )


@transaction.atomic
def unit_create(*, parent: Unit | None, valid_from: dt.date, decision: str = "", **fields) -> Unit:
    """Create a unit and, unless it is a root, its first parent link from `valid_from`."""
    unit = Unit(**fields)
    unit.full_clean()
    unit.save()
    if parent is not None:
        UnitLink.objects.create(unit=unit, parent=parent, valid_from=valid_from, decision=decision)
    return unit


@transaction.atomic
def unit_move(*, unit: Unit, new_parent: Unit, on: dt.date, decision: str = "") -> UnitLink:
    """Put `unit` under `new_parent` from date `on`.

    The open link is closed on `on` and a new one opens, so the tree before `on` stays
    as it was (the 2025 reform moved agencies from district to commune commands this
    way). A link that would start on or before the current one's start is refused:
    history is corrected by an administrator, not by a move.
    """
    current = UnitLink.objects.select_for_update().filter(unit=unit, valid_to__isnull=True).first()
    if current and current.parent_id == new_parent.pk:
        raise ValidationError(f"“{unit}” đã trực thuộc “{new_parent}”.")
    if current and on <= current.valid_from:
        raise ValidationError(
            "Ngày chuyển phải sau ngày bắt đầu trực thuộc hiện tại "
            f"({current.valid_from:%d/%m/%Y})."
        )
    if unit.is_dissolved(on):
        raise ValidationError("Không thể chuyển một đơn vị đã giải thể.")
    _check_no_cycle(unit=unit, parent=new_parent, on=on)
    if current:
        current.valid_to = on
        current.save(update_fields=["valid_to"])
    return UnitLink.objects.create(unit=unit, parent=new_parent, valid_from=on, decision=decision)


@transaction.atomic
def unit_dissolve(*, unit: Unit, on: dt.date, reason: str) -> Unit:
    """Mark a unit dissolved from `on`; its links, board and history are kept.

    Units still under it on that date must be moved first, so no agency is orphaned.
    """
    if unit.dissolved_on:
        raise ValidationError("Đơn vị đã giải thể trước đó.")
    children = Unit.objects.subtree(unit, on=on).exclude(pk=unit.pk).active_on(on).order_by("name")
    if children.exists():
        names = ", ".join(str(u) for u in children[:5])
        raise ValidationError(
            f"Còn {children.count()} đơn vị trực thuộc ({names}…): chuyển các đơn vị này trước."
        )
    unit.dissolved_on = on
    unit.dissolved_reason = reason
    unit.save(update_fields=["dissolved_on", "dissolved_reason"])
    board = Board.objects.filter(unit=unit).first()
    if board and board.status == BoardStatus.ACTIVE:
        board.status = BoardStatus.DISSOLVED
        board.save(update_fields=["status"])
    return unit
