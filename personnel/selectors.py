"""Reads on people for pages and hooks."""

from collections import defaultdict

from django.urls import reverse

from .models import AppointmentState, BoardAppointment


def board_holders(board) -> dict[int, list[str]]:
    """Current confirmed holders of each seat of a board (the units board page hook)."""
    holders: dict[int, list[str]] = defaultdict(list)
    current = BoardAppointment.objects.current().filter(board=board).select_related("person")
    for appointment in current.order_by("position__order", "starts_on", "person__sort_key"):
        holders[appointment.position_id].append(appointment.person.full_name)
    return dict(holders)


def board_links(board, user) -> list[tuple]:
    """The unit page's links to the board page (units.extensions hook): one, with the
    number of proposals awaiting confirmation as its badge. The unit page is only shown
    for a unit in the user's scope, so the board is too."""
    waiting = BoardAppointment.objects.filter(board=board, state=AppointmentState.PROPOSED).count()
    url = reverse("personnel:board", kwargs={"code": board.unit.code})
    return [("Bổ nhiệm, xác nhận", url, waiting or None)]
