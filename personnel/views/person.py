"""One person: their page, and the form that creates or edits them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods, require_safe

from chqs import versions
from units.extensions import person_sections
from units.models import Role, Unit, today

from .. import rules
from ..filters import summarize
from ..forms import PersonForm
from ..history import mask, mask_address, person_history
from ..models import Person, ServiceStatus
from ..scope import get_person, people
from .common import sees_private

STATUS_ACTIONS = [
    (ServiceStatus.POSTPONED, "Tạm hoãn"),
    (ServiceStatus.SERVING, "Tiếp tục tham gia"),
    (ServiceStatus.EXEMPT, "Miễn"),
    (ServiceStatus.RELEASED, "Thôi trước thời hạn"),
    (ServiceStatus.REMOVED, "Đưa ra khỏi danh sách"),
    (ServiceStatus.COMPLETED, "Hoàn thành"),
]


@login_required
@require_safe
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope
    private, can_change, day = sees_private(scope), scope.can("change_people"), today()

    def body(person) -> str:
        context = _person_context(person, scope, private=private, can_change=can_change, day=day)
        return render_to_string("personnel/_person_body.html", context, request=request)

    # The page's body (records, board seats, training, audit trail: a third of it is
    # the audit trail) is kept in the process's cache under the person's row version
    # (any write to their record changes it) and the data versions (service records,
    # seats, training and units bump those). Only the names of the users in the audit
    # trail are not versioned: a renamed account shows within the cache's timeout.
    # The scope is checked in the same narrow query that reads the version.
    known = versions.current(versions.NAMES)
    stamp = versions.stamp_of(Person)
    if stamp is not None and None not in known.values():
        found = (
            people(scope).filter(pk=pk).annotate(_stamp=stamp)
            .values_list("full_name", "_stamp").first()
        )  # fmt: skip
        if found is None:
            raise Http404("Không tìm thấy người này trong phạm vi của đồng chí.")
        name, version = found
        key = ("person-page", pk, version, *scope.key, scope.role, scope.is_admin,
               private, can_change, day.isoformat())  # fmt: skip
        html = versions.cached(
            key, versions.NAMES, lambda: body(get_person(scope, pk)), known=known
        )
    else:
        person = get_person(scope, pk)
        name, html = person.full_name, body(person)
    return render(request, "personnel/person_detail.html", {"title": name, "body": html})


def _person_context(person, scope, *, private: bool, can_change: bool, day) -> dict:
    person.service_records = list(
        person.services.select_related(
            "agency", "formation", "position", "force_kind", "status_reason"
        )
        .prefetch_related("extensions")
        .order_by("joined_on", "id")
    )
    current = summarize(person).current
    records = person.service_records[::-1]  # newest first on the page
    alerts = []
    if current is not None:
        verdict = rules.check_still_in_age(person=person, day=day, volunteer=current.volunteer)
        alerts += verdict.warnings
        days_left = (current.term_end - day).days
        if current.status == ServiceStatus.SERVING and 0 <= days_left <= rules.TERM_ENDING_DAYS:
            alerts.append(
                f"Sắp hết thời hạn tham gia tự vệ: {current.term_end:%d/%m/%Y} "
                f"(còn {days_left} ngày)."
            )
    extensions = [(s, e) for s in records for e in s.extensions.all()]
    appointments = person.appointments.select_related("board__unit", "position").order_by(
        "-starts_on"
    )
    return {
        "person": person,
        "cccd": person.cccd if private else mask(person.cccd),
        "phone": person.phone if private else mask(person.phone),
        "residence": person.residence if private else mask_address(person.residence),
        "age": person.age_on(day),
        "current": current,
        "first_joined": person.first_joined_on,
        "records": records,
        "extensions": extensions,
        "appointments": appointments,
        "alerts": alerts,
        "history": person_history(person, private=private),
        "sections": person_sections(person, scope),  # cards of apps above (training)
        "can_change": can_change,
        "status_actions": [
            (code, label) for code, label in STATUS_ACTIONS if current and code != current.status
        ],
    }


def _fixed_agency(scope) -> Unit | None:
    """A clerk keeps the staff list of their own agency only."""
    root = scope.root
    if scope.role == Role.CLERK and root is not None and root.kind.is_agency:
        return root
    return None


def _person_form(request, scope, **kwargs) -> PersonForm:
    agencies = scope.units().agencies().active_on().order_by("name")
    return PersonForm(
        request.POST or None,
        scope=scope,
        agencies=agencies,
        fixed_agency=_fixed_agency(scope),
        **kwargs,
    )


def _saved(request, form: PersonForm, text: str) -> HttpResponse:
    person = form.save()
    messages.success(request, text.format(person=person))
    if form.legacy_id_warning:
        messages.warning(request, form.legacy_id_warning)
    return redirect("personnel:person", pk=person.pk)


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    initial = {}
    if request.GET.get("don_vi"):
        unit = scope.get_unit(request.GET["don_vi"])  # out of scope: 404 before the role
        if unit.kind.is_agency:
            initial["agency"] = unit
    scope.require("change_people")
    form = _person_form(request, scope, initial=initial)
    if request.method == "POST" and form.is_valid():
        return _saved(request, form, "Đã thêm “{person}” vào danh sách.")
    context = {"form": form, "title": "Thêm cán bộ, nhân viên", "cancel": None}
    return render(request, "personnel/person_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope
    person = get_person(scope, pk)
    scope.require("change_people")
    if request.method == "POST":
        with transaction.atomic():
            # Two saves of the same person take turns: the second sees the first's version.
            list(people(scope).select_for_update().filter(pk=person.pk).values_list("pk"))
            form = _person_form(request, scope, instance=get_person(scope, pk))
            if form.is_valid():
                return _saved(request, form, "Đã lưu thay đổi của “{person}”.")
    else:
        form = _person_form(request, scope, instance=person)
    context = {"form": form, "title": f"Sửa thông tin: {person}", "person": person}
    return render(request, "personnel/person_form.html", context)
