"""The Ban CHQS page of an agency: seats and holders, proposals awaiting confirmation,
the appointment history; a clerk proposes, a staff officer confirms, rejects or ends.

Order of checks everywhere: the unit through the scope first (out of scope: 404), then
the role (403). The rules live in personnel.appointments; a refusal is a form error or
a message, never a traceback.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from units.models import Board, Unit, today

from .. import appointments as service
from ..forms import AppointmentEndForm, AppointmentProposeForm
from ..models import AppointmentState, BoardAppointment
from ..scope import appointments as scoped_appointments
from ..scope import get_appointment
from ..scope import people as scoped_people
from .common import form_error


def _board(request: HttpRequest, code: str) -> tuple[Unit, Board]:
    scope = request.scope
    unit = scope.get_unit(code)  # out of scope: 404 whatever the role
    board = Board.objects.filter(unit=unit).select_related("unit").first()
    if board is None:
        raise Http404("Không tìm thấy Ban CHQS của đơn vị này.")
    return unit, board


def _appointment(request: HttpRequest, code: str, pk: int) -> tuple[Board, BoardAppointment]:
    unit, board = _board(request, code)
    appointment = get_appointment(request.scope, pk)
    if appointment.board_id != board.pk:
        raise Http404("Không tìm thấy quyết định bổ nhiệm.")
    return board, appointment


def _to_board(unit: Unit) -> HttpResponse:
    return redirect("personnel:board", code=unit.code)


@login_required
@require_safe
def board(request: HttpRequest, code: str) -> HttpResponse:
    scope = request.scope
    unit = scope.get_unit(code)
    board = Board.objects.filter(unit=unit).first()
    rows = []
    if board is not None:
        rows = list(
            scoped_appointments(scope)
            .filter(board=board)
            .select_related("person", "position", "proposed_by", "decided_by")
            .order_by("position__order", "-starts_on", "person__sort_key", "-pk")
        )
    current_ids = {a.pk for a in _current(rows)}
    seats = board.seats() if board is not None else []
    for seat in seats:
        seat["appointments"] = [
            a for a in rows if a.pk in current_ids and a.position_id == seat["kind"].pk
        ]
    context = {
        "unit": unit,
        "board": board,
        "seats": seats,
        "proposals": [a for a in rows if a.state == AppointmentState.PROPOSED],
        "past": [
            a for a in rows if a.pk not in current_ids and a.state != AppointmentState.PROPOSED
        ],
        "can_propose": board is not None and scope.can("change_people"),
        "can_decide": board is not None and scope.can("change_structure"),
    }
    return render(request, "personnel/board.html", context)


def _current(rows: list[BoardAppointment]) -> list[BoardAppointment]:
    day = today()
    return [
        a
        for a in rows
        if a.state == AppointmentState.CONFIRMED
        and a.starts_on <= day
        and (a.ends_on is None or a.ends_on > day)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest, code: str) -> HttpResponse:
    scope = request.scope
    unit, board = _board(request, code)
    scope.require("change_people")
    may_confirm = scope.can("change_structure")
    people = scoped_people(scope).filter(agency=unit).order_by("sort_key", "birth_date", "pk")
    form = AppointmentProposeForm(request.POST or None, people=people, may_confirm=may_confirm)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appointment, warnings = service.appointment_propose(
                board=board,
                position=data["position"],
                person=data["person"],
                starts_on=data["starts_on"],
                decision_number=data["decision_number"],
                decision_date=data["decision_date"],
                by=request.user,
                confirm=bool(data.get("confirm")),
            )
        except ValidationError as exc:
            form_error(form, exc)
        else:
            done = (
                "Đã xác nhận" if appointment.state == AppointmentState.CONFIRMED else "Đã đề xuất"
            )
            messages.success(
                request, f"{done} {appointment.person} giữ chức vụ {appointment.position}."
            )
            for warning in warnings:
                messages.warning(request, warning)
            return _to_board(unit)
    context = {"unit": unit, "board": board, "form": form}
    return render(request, "personnel/appointment_form.html", context)


@login_required
@require_POST
def confirm(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    board, appointment = _appointment(request, code, pk)
    request.scope.require("change_structure")
    try:
        service.appointment_confirm(appointment=appointment, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, f"Không xác nhận được: {message}")
    else:
        messages.success(
            request, f"Đã xác nhận {appointment.person} giữ chức vụ {appointment.position}."
        )
    return _to_board(board.unit)


@login_required
@require_POST
def reject(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    board, appointment = _appointment(request, code, pk)
    request.scope.require("change_structure")
    try:
        service.appointment_reject(
            appointment=appointment, by=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Đã không chấp thuận đề xuất {appointment}.")
    return _to_board(board.unit)


@login_required
@require_http_methods(["GET", "POST"])
def end(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    board, appointment = _appointment(request, code, pk)
    request.scope.require("change_structure")
    form = AppointmentEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service.appointment_end(
                appointment=appointment,
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"Đã ghi nhận {appointment} thôi giữ chức vụ.")
            return _to_board(board.unit)
    context = {"unit": board.unit, "board": board, "form": form, "appointment": appointment}
    return render(request, "personnel/appointment_end.html", context)
