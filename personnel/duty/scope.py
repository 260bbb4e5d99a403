"""Scoped access to duty records, on the one scope mechanism (units.scope): a turn is
visible when the unit running it lies in the user's subtree.

Who does what (the capabilities of units.scope, no new ones):
- planning, editing and publishing turns, planning a rota: PLAN = "change_structure"
  (trợ lý / staff and admins) — the rota is an order of the command;
- recording what was actually served (attendance, absences, stand-ins) and a person's
  unavailable dates: ATTEND = "change_people" (staff, and the clerk of the agency, whose
  scope is that agency: they record for their own agency's turns only);
- everyone in scope views (commanders included).
"""

from django.db.models import Q
from django.http import Http404

from units.scope import Scope

from ..scope import get_person  # noqa: F401  (a ledger is a person's page)
from .models import DutyAssignment, DutyKind, DutyTurn

PLAN = "change_structure"
ATTEND = "change_people"


def turns(scope: Scope):
    return DutyTurn.objects.filter(unit__in=scope.units())


def get_turn(scope: Scope, pk: int) -> DutyTurn:
    try:
        return turns(scope).select_related("unit", "kind", "officer", "plan").get(pk=pk)
    except DutyTurn.DoesNotExist:
        raise Http404("Không tìm thấy lượt trực trong phạm vi của đồng chí.") from None


def get_assignment(scope: Scope, turn: DutyTurn, pk: int) -> DutyAssignment:
    try:
        return turn.assignments.select_related("person", "turn__kind").get(pk=pk)
    except (DutyAssignment.DoesNotExist, ValueError):
        raise Http404("Không tìm thấy người trực.") from None


def kinds(scope: Scope):
    """Kinds of duty the user may pick: the nationwide ones and their province's own."""
    return DutyKind.objects.filter(Q(province__isnull=True) | Q(province__in=scope.units()))
