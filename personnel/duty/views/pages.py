"""Read pages: the month calendar of a unit, the list of turns, a turn, a person's
ledger and the tallies by period."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from chqs.text import fold
from units.models import today

from ...scope import get_person
from ..figures import duty_figures
from ..forms import PeriodForm, UnavailabilityForm
from ..models import TurnState
from ..scope import ATTEND, PLAN, get_turn, kinds, turns
from ..selectors import ledger, month_calendar, month_turns, with_crew
from .common import month_of, province_id, subtree_ids

PAGE_SIZE = 50


@login_required
@require_safe
def month(request: HttpRequest, code: str) -> HttpResponse:
    scope = request.scope
    unit = scope.get_unit(code)
    first = month_of(request)
    ids = subtree_ids(scope, unit)
    shown = month_turns(ids, first)
    cal = month_calendar(shown, first, province_id(unit))
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = (cal["last"] + dt.timedelta(days=1)).replace(day=1)
    return render(
        request,
        "duty/month.html",
        {
            "unit": unit,
            "cal": cal,
            "month": first,
            "previous": previous,
            "following": following,
            "drafts": sum(1 for t in shown if t.state == TurnState.DRAFT),
            "count": len(shown),
            "man_days": sum((t.man_days for t in shown if t.is_published), 0),
            "can_plan": scope.can(PLAN),
        },
    )


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.datetime.strptime(text or "", "%d/%m/%Y").date()
    except ValueError:
        return None


@login_required
@require_safe
def turn_list(request: HttpRequest) -> HttpResponse:
    """Turns in scope, filtered by ?don_vi= (a subtree), ?loai=, ?tu=/?den= and ?nguoi=."""
    scope = request.scope
    qs = turns(scope)
    get = request.GET
    unit = None
    if get.get("don_vi"):
        unit = scope.get_unit(get["don_vi"])
        qs = qs.filter(unit_id__in=subtree_ids(scope, unit))
    if get.get("loai"):
        qs = qs.filter(kind__code=get["loai"])
    start, end = _date(get.get("tu")), _date(get.get("den"))
    if start:
        qs = qs.filter(starts_on__gte=start)
    if end:
        qs = qs.filter(starts_on__lte=end)
    if get.get("nguoi"):
        qs = qs.filter(assignments__person__search_text__contains=fold(get["nguoi"])).distinct()
    if get.get("trang_thai") in TurnState.values:
        qs = qs.filter(state=get["trang_thai"])
    page = Paginator(with_crew(qs.order_by("-starts_at", "-pk")), PAGE_SIZE).get_page(
        get.get("page")
    )
    query = get.copy()
    query.pop("page", None)
    return render(
        request,
        "duty/turn_list.html",
        {
            "page": page,
            "unit": unit,
            "kinds": kinds(scope),
            "states": TurnState.choices,
            "query": query.urlencode(),
        },
    )


@login_required
@require_safe
def turn_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope
    turn = get_turn(scope, pk)
    crew = list(
        turn.assignments.select_related("person__agency", "replaced_by__person").order_by(
            "-is_officer", "person__sort_key", "pk"
        )
    )
    skipped = []
    if turn.plan_id:
        skipped = turn.plan.notes.get(f"{turn.starts_on.isoformat()}/{turn.kind_id}", [])
    history = list(turn.history.select_related("history_user").order_by("-history_date")[:20])
    return render(
        request,
        "duty/turn_detail.html",
        {
            "turn": turn,
            "crew": crew,
            "skipped": skipped,
            "history": history,
            "can_plan": scope.can(PLAN),
            "can_attend": scope.can(ATTEND),
        },
    )


@login_required
@require_safe
def person_ledger(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope
    person = get_person(scope, pk)
    try:
        year = int(request.GET.get("nam", ""))
    except ValueError:
        year = today().year
    return render(
        request,
        "duty/ledger.html",
        {
            "person": person,
            "year": year,
            "ledger": ledger(person, year),
            "can_attend": scope.can(ATTEND),
            "form": UnavailabilityForm(),
        },
    )


@login_required
@require_safe
def tallies(request: HttpRequest) -> HttpResponse:
    """Turns and man-days of a subtree over a period (default: the last six months)."""
    scope = request.scope
    form = PeriodForm(request.GET or None)
    end = today()
    start = (end.replace(day=1) - dt.timedelta(days=150)).replace(day=1)
    if form.is_valid():
        start = form.cleaned_data["tu"] or start
        end = form.cleaned_data["den"] or end
    code = request.GET.get("don_vi")
    unit = scope.get_unit(code) if code else scope.root
    if unit is None:  # an admin without a unit: the whole tree
        ids = list(scope.units().values_list("id", flat=True))
    else:
        unit = scope.get_unit(unit.code)
        ids = subtree_ids(scope, unit)
    figures = duty_figures(ids, start, end, province_id=province_id(unit) if unit else None)
    names = dict(scope.units().filter(pk__in=list(figures["by_unit"])).values_list("id", "name"))
    by_unit = sorted(
        ({"name": names.get(pk, ""), **row} for pk, row in figures["by_unit"].items()),
        key=lambda r: (-r["man_days"], r["name"]),
    )
    return render(
        request,
        "duty/tallies.html",
        {
            "form": form,
            "unit": unit,
            "start": start,
            "end": end,
            "figures": figures,
            "by_unit": by_unit,
            "by_month": sorted(figures["by_month"].items()),
        },
    )
