"""Reads for the pages: the tree with its counts, and the home page's figures.

Everything starts from a Scope, so nothing outside the user's subtree is counted.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from .models import Board, BoardStatus, Formation, Unit, UnitLink
from .scope import Scope


@dataclass
class Node:
    unit: Unit
    children: list["Node"] = field(default_factory=list)
    agencies: int = 0
    boards: int = 0
    formations: int = 0


def _links_on(unit_ids, on: dt.date):
    return UnitLink.objects.filter(unit_id__in=unit_ids, valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=on)
    )


def unit_tree(scope: Scope, on: dt.date, *, show_dissolved: bool = False) -> list[Node]:
    """The tree under the user's unit as it stood on `on`, each node with the number of
    active agencies, active boards and formations in its subtree. Five queries."""
    if scope.is_admin:
        units_qs = Unit.objects.all()
    elif scope.root is not None:
        units_qs = Unit.objects.subtree(scope.root, on=on).filter(pk__in=scope.units())
    else:
        return []
    units = {u.pk: u for u in units_qs.select_related("kind")}
    links = {link.unit_id: link.parent_id for link in _links_on(units.keys(), on)}
    if scope.is_admin:
        # Roots: units with no parent on that date that already existed then.
        ever_linked = set(
            UnitLink.objects.filter(unit_id__in=units.keys()).values_list("unit_id", flat=True)
        )
        roots = [pk for pk in units if pk not in links and pk not in ever_linked]
    else:
        roots = [scope.root.pk]

    active_boards = set(
        Board.objects.filter(unit_id__in=units.keys(), status=BoardStatus.ACTIVE).values_list(
            "unit_id", flat=True
        )
    )
    formation_counts = dict(
        Formation.objects.filter(agency_id__in=units.keys())
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=on))
        .values_list("agency_id")
        .annotate(n=Count("id"))
    )
    children = defaultdict(list)
    for child, parent in links.items():
        if parent in units:
            children[parent].append(child)

    def build(pk: int, seen: frozenset) -> Node:
        unit = units[pk]
        node = Node(unit=unit)
        alive = not unit.is_dissolved(on)
        node.agencies = int(unit.kind.is_agency and alive)
        node.boards = int(pk in active_boards and alive)
        node.formations = formation_counts.get(pk, 0) if alive else 0
        kids = sorted(children.get(pk, []), key=lambda c: (units[c].kind.order, units[c].name))
        for child in kids:
            if child in seen or (not show_dissolved and units[child].is_dissolved(on)):
                continue
            sub = build(child, seen | {child})
            node.children.append(sub)
            node.agencies += sub.agencies
            node.boards += sub.boards
            node.formations += sub.formations
        return node

    return [build(pk, frozenset({pk})) for pk in roots if pk in units]


def home_figures(scope: Scope) -> dict:
    units = scope.units().active_on()
    agencies = units.filter(kind__is_agency=True)
    return {
        "agencies": agencies.count(),
        "commands": units.filter(kind__is_agency=False).count(),
        # Agencies' boards only, so that boards + agencies without one = agencies; the
        # commune commands' own boards are not "Ban CHQS cơ quan, tổ chức".
        "boards": Board.objects.filter(unit__in=agencies, status=BoardStatus.ACTIVE).count(),
        "agencies_without_board": agencies.exclude(board__status=BoardStatus.ACTIVE).count(),
        "formations": Formation.objects.filter(agency__in=units, dissolved_on__isnull=True).count(),
        "staff": sum(agencies.exclude(staff_count=None).values_list("staff_count", flat=True)),
    }
