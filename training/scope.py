"""Scoped access to training records, on the one scope mechanism (units.scope).

A course is visible to a user when its organiser is in their subtree, or when an agency
of their subtree has a quota or a nominee in it (a clerk sees the province's course
their agency sends people to). Managing a course (plan, quotas, attendance, results)
needs the organiser in the subtree and the change_structure capability (staff, admin);
nominating needs the agency in the subtree and change_people (clerk, staff, admin).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from personnel.models import Person
from units.models import Unit
from units.scope import Scope

from .models import Course, Nomination, Quota, TrainingPlan


def courses(scope: Scope):
    units = scope.units()
    return Course.objects.filter(
        Q(organiser__in=units)
        | Q(pk__in=Quota.objects.filter(agency__in=units).values("course_id"))
        | Q(pk__in=Nomination.objects.filter(agency__in=units).values("course_id"))
    )


def get_course(scope: Scope, pk: int) -> Course:
    try:
        return courses(scope).select_related("plan", "audience", "organiser").get(pk=pk)
    except (Course.DoesNotExist, ValueError):
        raise Http404("Không tìm thấy lớp huấn luyện trong phạm vi của đồng chí.") from None


def plans(scope: Scope):
    return TrainingPlan.objects.filter(
        Q(organiser__in=scope.units()) | Q(pk__in=courses(scope).values("plan_id"))
    )


def get_plan(scope: Scope, pk: int) -> TrainingPlan:
    try:
        return plans(scope).select_related("organiser").get(pk=pk)
    except (TrainingPlan.DoesNotExist, ValueError):
        raise Http404("Không tìm thấy kế hoạch huấn luyện.") from None


def can_manage(scope: Scope, organiser: Unit) -> bool:
    return scope.can("change_structure") and scope.contains(organiser)


def require_manage(scope: Scope, organiser: Unit) -> None:
    """403 unless the user organises here (the object is already known to be visible)."""
    scope.require("change_structure")
    if not scope.contains(organiser):
        raise PermissionDenied("Chỉ đơn vị tổ chức lớp mới được thay đổi nội dung này.")


def organisers(scope: Scope):
    """Units a user may organise training for."""
    return scope.units() if scope.can("change_structure") else Unit.objects.none()


def course_agencies(course: Course):
    """Agencies a course trains: the agencies of its organiser's subtree on its first day."""
    return (
        Unit.objects.subtree(course.organiser, on=course.starts_on)
        .agencies()
        .active_on(course.starts_on)
    )


def get_nominating_agency(scope: Scope, course: Course, code: str) -> Unit:
    """The agency a user nominates for: in scope and trained by the course (else 404)."""
    agency = scope.get_unit(code)
    if not course_agencies(course).filter(pk=agency.pk).exists():
        raise Http404("Lớp này không dành cho cơ quan, tổ chức này.")
    return agency


def get_nomination(scope: Scope, course: Course, pk: int) -> Nomination:
    try:
        return (
            Nomination.objects.filter(course=course, agency__in=scope.units())
            .select_related("person", "agency", "course__audience")
            .get(pk=pk)
        )
    except (Nomination.DoesNotExist, ValueError):
        raise Http404("Không tìm thấy người được cử.") from None


def agency_people(agency: Unit):
    return Person.objects.filter(agency=agency)


def subtree_agencies(scope: Scope, unit: Unit):
    """The agencies under `unit` (a unit from the scope) that the user may see."""
    return scope.units().filter(pk__in=Unit.objects.subtree(unit)).agencies()


def agency_nominations(scope: Scope, agency: Unit, year: int):
    """Nominations made by an agency in scope for the year's courses."""
    return Nomination.objects.filter(
        agency=agency, agency__in=scope.units(), course__starts_on__year=year
    )
