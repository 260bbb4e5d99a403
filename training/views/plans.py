"""Plans and courses: the year's list, a plan with its courses, a course with its quotas
and nominees per agency. Order of checks: visibility through the scope (404), then the
role and the organiser (403)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from units.models import today

from .. import scope as training_scope
from .. import selectors
from ..forms import CourseForm, PlanForm
from ..models import Course
from ..services import course_sessions_set


def _year(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("nam") or today().year)
    except ValueError:
        return today().year


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    year = _year(request)
    courses = list(
        training_scope.courses(scope)
        .in_year(year)
        .select_related("plan", "audience", "organiser")
        .order_by("starts_on", "code")
    )
    plans = list(
        training_scope.plans(scope)
        .filter(year=year)
        .select_related("organiser")
        .order_by("organiser__kind__order", "organiser__name")
    )
    for plan in plans:
        plan.course_list = [c for c in courses if c.plan_id == plan.pk]
    context = {
        "year": year,
        "years": range(today().year + 1, today().year - 5, -1),
        "plans": plans,
        "can_plan": scope.can("change_structure"),
    }
    return render(request, "training/index.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    scope.require("change_structure")
    form = PlanForm(request.POST or None, organisers=training_scope.organisers(scope))
    if request.method == "POST" and form.is_valid():
        plan = form.save()
        messages.success(request, f"Đã lập “{plan.title}”.")
        return redirect("training:plan", pk=plan.pk)
    return render(request, "training/form.html", {"form": form, "title": "Lập kế hoạch huấn luyện"})


@login_required
@require_safe
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope
    plan = training_scope.get_plan(scope, pk)
    courses = (
        training_scope.courses(scope)
        .filter(plan=plan)
        .select_related("audience")
        .annotate(quota_total=Sum("quotas__quantity"))
    )
    context = {
        "plan": plan,
        "courses": courses,
        "can_manage": training_scope.can_manage(scope, plan.organiser),
    }
    return render(request, "training/plan_detail.html", context)


def _save_course(form: CourseForm) -> Course:
    with transaction.atomic():
        course = form.save()
        course_sessions_set(course=course, sessions=form.cleaned_data["sessions"])
    return course


@login_required
@require_http_methods(["GET", "POST"])
def course_create(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope
    plan = training_scope.get_plan(scope, pk)
    training_scope.require_manage(scope, plan.organiser)
    form = CourseForm(request.POST or None, instance=Course(plan=plan, organiser=plan.organiser))
    if request.method == "POST" and form.is_valid():
        course = _save_course(form)
        messages.success(request, f"Đã thêm lớp {course.code}. Tiếp theo: giao chỉ tiêu.")
        return redirect("training:quotas", pk=course.pk)
    title = f"Thêm lớp vào “{plan.title}”"
    return render(request, "training/form.html", {"form": form, "title": title, "plan": plan})


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope
    course = training_scope.get_course(scope, pk)
    training_scope.require_manage(scope, course.organiser)
    form = CourseForm(request.POST or None, instance=course)
    if request.method == "POST" and form.is_valid():
        _save_course(form)
        messages.success(request, f"Đã lưu lớp {course.code}.")
        return redirect("training:course", pk=course.pk)
    title = f"Sửa lớp {course.code}"
    return render(request, "training/form.html", {"form": form, "title": title, "course": course})


@login_required
@require_safe
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope
    course = training_scope.get_course(scope, pk)
    units = scope.units()
    quotas, counts = selectors.course_counts(course, units)
    agencies = (
        training_scope.course_agencies(course)
        .filter(pk__in=units)
        .filter(
            Q(pk__in=list(quotas)) | Q(pk__in=list(counts)) | Q(pk=getattr(scope.root, "pk", 0))
        )
        .order_by("name")
    )
    rows = []
    for agency in agencies:
        c = counts.get(agency.pk, {})
        rows.append(
            {
                "agency": agency,
                "quota": quotas.get(agency.pk),
                "nominated": c.get("nominated", 0),
                "attended": c.get("attended", 0),
            }
        )
    context = {
        "course": course,
        "sessions": list(course.sessions.all()),
        "rows": rows,
        "totals": {
            "quota": sum(r["quota"] or 0 for r in rows),
            "nominated": sum(r["nominated"] for r in rows),
            "attended": sum(r["attended"] for r in rows),
        },
        "can_manage": training_scope.can_manage(scope, course.organiser),
        "can_nominate": scope.can("change_people"),
    }
    return render(request, "training/course_detail.html", context)
