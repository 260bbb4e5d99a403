"""The nomination page of an agency for a course: its people with whether they qualify
(and why not), the quota and who is already sent; nominate, substitute, withdraw."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from .. import scope as training_scope
from .. import selectors, services
from ..eligibility import Facts, people_facts, rule_for
from ..models import NominationState


def _context(request, course, agency) -> dict:
    people = list(training_scope.agency_people(agency).order_by("sort_key", "pk"))
    facts = people_facts(training_scope.agency_people(agency).values("id"), course.starts_on)
    rule = rule_for(course.audience)
    nominations = selectors.agency_nominations(course, agency)
    active = {n.person_id for n in nominations if n.state == NominationState.ACTIVE}
    candidates = []
    for person in people:
        f = facts.get(person.pk, Facts(person.pk))
        candidates.append(
            {
                "person": person,
                "facts": f,
                "year": f.service_year(course.starts_on),
                "refusal": rule.refusal(f, course.starts_on),
                "nominated": person.pk in active,
            }
        )
    candidates.sort(key=lambda c: bool(c["refusal"]))  # stable: by name within each
    quota = selectors.agency_quota(course, agency)
    active_count = len(active)
    return {
        "course": course,
        "agency": agency,
        "candidates": candidates,
        "eligible_free": [c for c in candidates if not c["refusal"] and not c["nominated"]],
        "nominations": nominations,
        "quota": quota,
        "active_count": active_count,
        "over_quota": quota is not None and active_count > quota,
    }


@login_required
@require_http_methods(["GET", "POST"])
def nominate(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    scope = request.scope
    course = training_scope.get_course(scope, pk)
    agency = training_scope.get_nominating_agency(scope, course, code)
    scope.require("change_people")
    if request.method == "POST":
        chosen = training_scope.agency_people(agency).filter(pk__in=request.POST.getlist("chon"))
        try:
            outcome = services.nominate(
                course=course, agency=agency, people=list(chosen), by=request.user
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"Đã cử {outcome.created} người vào lớp {course.code}.")
            if outcome.warning:
                messages.warning(request, outcome.warning)
            return redirect("training:nominate", pk=course.pk, code=agency.code)
    return render(request, "training/nominate.html", _context(request, course, agency))


def _nomination(request, pk, code, nomination_pk):
    scope = request.scope
    course = training_scope.get_course(scope, pk)
    agency = training_scope.get_nominating_agency(scope, course, code)
    nomination = training_scope.get_nomination(scope, course, nomination_pk)
    if nomination.agency_id != agency.pk:
        raise Http404("Không tìm thấy người được cử.")
    scope.require("change_people")
    return course, agency, nomination


@login_required
@require_POST
def substitute(request: HttpRequest, pk: int, code: str, nomination_pk: int) -> HttpResponse:
    course, agency, nomination = _nomination(request, pk, code, nomination_pk)
    person = training_scope.agency_people(agency).filter(pk=request.POST.get("person")).first()
    try:
        if person is None:
            raise ValidationError("Chọn người đi thay trong danh sách của cơ quan.")
        services.substitute(
            nomination=nomination, person=person, reason=request.POST.get("reason", ""),
            by=request.user,
        )  # fmt: skip
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Đã cử {person.full_name} thay {nomination.person.full_name}.")
    return redirect("training:nominate", pk=course.pk, code=agency.code)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int, code: str, nomination_pk: int) -> HttpResponse:
    course, agency, nomination = _nomination(request, pk, code, nomination_pk)
    try:
        services.withdraw(nomination=nomination, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Đã rút tên {nomination.person.full_name}.")
    return redirect("training:nominate", pk=course.pk, code=agency.code)
