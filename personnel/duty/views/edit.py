"""Writes from the duty pages: edit a turn, record attendance, publish a month, add a
person's unavailable dates. Refusals of the services show as form errors in Vietnamese;
warnings as messages after the write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ...scope import get_person
from ..forms import AttendanceForm, TurnForm, UnavailabilityForm
from ..models import TurnState
from ..scope import ATTEND, PLAN, get_assignment, get_turn, turns
from ..selectors import month_bounds, people_for
from ..services import (
    attendance_record,
    check_crew,
    fairness_warnings,
    turn_save,
    turns_publish,
    unavailability_add,
)
from .common import form_error, month_of, province_id, subtree_ids


@login_required
def turn_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope
    turn = get_turn(scope, pk)
    scope.require(PLAN)
    people = people_for(turn.unit, turn.starts_on).filter(agency__in=scope.units())
    start, end = timezone.localtime(turn.starts_at), timezone.localtime(turn.ends_at)
    initial = {
        "kind": turn.kind_id,
        "day": start.date(),
        "start_time": start.time(),
        "end_day": end.date(),
        "end_time": end.time(),
        "place": turn.place,
        "officer": turn.officer_id,
        "crew": [a.person_id for a in turn.assignments.all()],
        "notes": turn.notes,
    }
    form = TurnForm(
        request.POST or None, initial=initial, people=people, province_id=province_id(turn.unit)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            turn, warnings = turn_save(
                turn=turn,
                unit=turn.unit,
                kind=data["kind"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                crew=list(data["crew"]),
                officer=data["officer"],
                place=data["place"],
                notes=data["notes"],
                unit_ids=set(subtree_ids(scope, turn.unit)),
            )
        except ValidationError as exc:
            form_error(form, exc)
        else:
            for warning in warnings:
                messages.warning(request, warning)
            messages.success(request, "Đã lưu lượt trực.")
            return redirect("duty:turn", pk=turn.pk)
    return render(request, "duty/turn_form.html", {"turn": turn, "form": form})


@login_required
@require_POST
def turn_check(request: HttpRequest, pk: int) -> HttpResponse:
    """The edit form's live check (htmx, on every change): what saving would refuse or
    warn about, without saving anything."""
    scope = request.scope
    turn = get_turn(scope, pk)
    scope.require(PLAN)
    people = people_for(turn.unit, turn.starts_on).filter(agency__in=scope.units())
    form = TurnForm(request.POST, people=people, province_id=province_id(turn.unit))
    errors, warnings = [], []
    if form.is_valid():
        data = form.cleaned_data
        crew = list(data["crew"])
        if data["officer"] is not None and data["officer"] not in crew:
            crew.append(data["officer"])
        verdict = check_crew(
            people=crew,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            kind=data["kind"],
            unit_ids=set(subtree_ids(scope, turn.unit)),
            exclude_turn=turn,
        )
        before = {a.person_id for a in turn.assignments.all()}
        verdict.warnings += fairness_warnings(
            unit_ids=set(subtree_ids(scope, turn.unit)),
            people=[p for p in crew if p.pk not in before],
            day=data["day"],
        )
        errors, warnings = verdict.errors, verdict.warnings
    else:
        errors = [e for field_errors in form.errors.values() for e in field_errors]
    return render(
        request, "duty/_conflicts.html", {"errors": errors, "warnings": warnings, "form": form}
    )


@login_required
def attendance(request: HttpRequest, pk: int, member: int) -> HttpResponse:
    scope = request.scope
    turn = get_turn(scope, pk)
    row = get_assignment(scope, turn, member)
    scope.require(ATTEND)
    people = people_for(turn.unit, turn.starts_on).filter(agency__in=scope.units())
    initial = {"absent": row.absent, "reason": row.absence_reason, "hours": row.hours}
    form = AttendanceForm(request.POST or None, initial=initial, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            attendance_record(
                assignment=row,
                absent=data["absent"],
                reason=data["reason"],
                hours=data["hours"],
                replaced_by=data["replaced_by"],
            )
        except ValidationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"Đã ghi nhận thực trực của {row.person.full_name}.")
            return redirect("duty:turn", pk=turn.pk)
    return render(request, "duty/attendance.html", {"turn": turn, "row": row, "form": form})


@login_required
@require_POST
def publish(request: HttpRequest, code: str) -> HttpResponse:
    """Publish every draft turn of the unit's subtree in the month (?thang=)."""
    scope = request.scope
    unit = scope.get_unit(code)
    scope.require(PLAN)
    first, last = month_bounds(month_of(request))
    drafts = (
        turns(scope)
        .filter(unit_id__in=subtree_ids(scope, unit), state=TurnState.DRAFT)
        .in_period(first, last)
    )
    count = turns_publish(turns=list(drafts))
    messages.success(request, f"Đã ban hành {count} lượt trực tháng {first:%m/%Y}.")
    return redirect(reverse("duty:month", kwargs={"code": unit.code}) + f"?thang={first:%Y-%m}")


@login_required
@require_POST
def unavailable_add(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope
    person = get_person(scope, pk)
    scope.require(ATTEND)
    form = UnavailabilityForm(request.POST)
    if form.is_valid():
        unavailability_add(person=person, **form.cleaned_data)
        messages.success(request, "Đã ghi ngày vắng mặt.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("duty:ledger", pk=person.pk)
