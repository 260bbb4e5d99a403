"""Explicit actions on a person's self-defence service, each with its decision and
date: join, change status (postpone, resume, exempt, release, remove, complete),
transfer, extend. The rules live in personnel.services; a refusal is a form error."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .. import services
from ..forms import ExtendForm, JoinForm, StatusForm, TransferForm
from ..models import Person, Service, ServiceStatus
from ..scope import get_person
from .common import form_error
from .person import STATUS_ACTIONS


def _person_to_change(request: HttpRequest, pk: int) -> Person:
    person = get_person(request.scope, pk)  # out of scope: 404 whatever the role
    request.scope.require("change_people")
    return person


def _open_service(person: Person) -> Service | None:
    return (
        person.services.filter(ended_on__isnull=True)
        .select_related("formation", "position", "force_kind")
        .first()
    )


def _no_open_service(request: HttpRequest, person: Person) -> HttpResponse:
    messages.error(request, f"{person} không có quá trình tham gia tự vệ đang mở.")
    return redirect("personnel:person", pk=person.pk)


def _page(request, person, form, title: str, current=None, **extra) -> HttpResponse:
    context = {"person": person, "form": form, "title": title, "current": current, **extra}
    return render(request, "personnel/action_form.html", context)


def _done(request, person: Person, text: str, warnings=()) -> HttpResponse:
    messages.success(request, text)
    for warning in warnings:
        messages.warning(request, warning)
    return redirect("personnel:person", pk=person.pk)


@login_required
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_to_change(request, pk)
    form = JoinForm(request.POST or None, agency=person.agency)
    if request.method == "POST" and form.is_valid():
        try:
            _, warnings = services.service_open(person=person, **form.cleaned_data)
        except ValidationError as exc:
            form_error(form, exc)
        else:
            return _done(request, person, f"Đã ghi nhận {person} vào tự vệ.", warnings)
    return _page(request, person, form, f"Vào tự vệ: {person}", submit="Ghi nhận vào tự vệ")


@login_required
@require_http_methods(["GET", "POST"])
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 1 picks the status (?tinh_trang=); step 2 lists only that status's reasons."""
    person = _person_to_change(request, pk)
    current = _open_service(person)
    if current is None:
        return _no_open_service(request, person)
    labels = {code: label for code, label in STATUS_ACTIONS if code != current.status}
    status = request.POST.get("tinh_trang") or request.GET.get("tinh_trang")
    if status not in labels:
        context = {"person": person, "current": current, "choices": labels.items()}
        return render(request, "personnel/status_choice.html", context)
    form = StatusForm(request.POST or None, status=status)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_change_status(
                person=person,
                status=status,
                on=form.cleaned_data["on"],
                reason=form.cleaned_data.get("reason"),
                decision=form.cleaned_data["decision"],
            )
        except ValidationError as exc:
            form_error(form, exc)
        else:
            text = f"Đã ghi nhận “{labels[status]}” cho {person}."
            return _done(request, person, text)
    title = f"{labels[status]}: {person}"
    danger = status not in (ServiceStatus.SERVING, ServiceStatus.POSTPONED)
    return _page(
        request, person, form, title, current, status=status, submit=labels[status], danger=danger
    )


@login_required
@require_http_methods(["GET", "POST"])
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope
    person = _person_to_change(request, pk)
    current = _open_service(person)
    if current is None:
        return _no_open_service(request, person)
    formations = (
        scope.formations()
        .filter(dissolved_on__isnull=True)
        .select_related("agency")
        .order_by("agency__name", "code")
    )
    form = TransferForm(request.POST or None, formations=formations, home=person.agency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.service_transfer(
                person=person,
                on=data["on"],
                formation=data["formation"],
                position=data["position"],
                decision=data["decision"],
            )
        except ValidationError as exc:
            form_error(form, exc)
        else:
            text = f"Đã chuyển {person} sang “{data['formation'].name}”."
            return _done(request, person, text)
    return _page(request, person, form, f"Điều chuyển: {person}", current, submit="Điều chuyển")


@login_required
@require_http_methods(["GET", "POST"])
def extend(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_to_change(request, pk)
    current = _open_service(person)
    if current is None:
        return _no_open_service(request, person)
    form = ExtendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            extension, warnings = services.service_extend(person=person, **form.cleaned_data)
        except ValidationError as exc:
            form_error(form, exc)
        else:
            text = f"Đã gia hạn cho {person} đến {extension.new_end:%d/%m/%Y}."
            return _done(request, person, text, warnings)
    return _page(request, person, form, f"Gia hạn: {person}", current, submit="Gia hạn")
