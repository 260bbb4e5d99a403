"""Helpers shared by the duty views."""

import datetime as dt

from django.core.exceptions import ValidationError

from units.models import Unit, today
from units.scope import Scope

from ..selectors import parse_month
from ..services import province_of


def month_of(request) -> dt.date:
    return parse_month(request.GET.get("thang") or request.POST.get("thang"), today())


def subtree_ids(scope: Scope, unit: Unit) -> list[int]:
    """The unit's subtree, within the user's scope (one query)."""
    below = Unit.objects.subtree(unit).values("id")  # scoped: narrows scope.units() below
    return list(scope.units().filter(pk__in=below).values_list("id", flat=True))


def province_id(unit: Unit) -> int | None:
    province = province_of(unit)
    return province.pk if province else None


def form_error(form, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)
