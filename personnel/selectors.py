"""Reads on people for pages and hooks."""

from collections import defaultdict

from .models import BoardAppointment


def board_holders(board) -> dict[int, list[str]]:
    """Current confirmed holders of each seat of a board (the units board page hook)."""
    holders: dict[int, list[str]] = defaultdict(list)
    for appointment in (
        BoardAppointment.objects.current().filter(board=board).select_related("person")
    ):
        holders[appointment.position_id].append(appointment.person.full_name)
    return dict(holders)
