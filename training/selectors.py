"""Reads on training records for hooks of the apps below (units.extensions)."""

from django.db.models import Count, Q

from units.extensions import PersonSection

from .models import Attendance, Nomination, Quota


def person_training(person, scope) -> list[PersonSection]:
    """The person page's card "Huấn luyện": every course the person was sent to, newest
    first, with attendance, days and result (one query). The person page is shown only
    for a person in scope, so their nominations are too."""
    rows = list(
        Nomination.objects.filter(person=person)
        .select_related("course__audience", "course__organiser", "replaces__person")
        .order_by("-course__starts_on", "-pk")
    )
    return [PersonSection("training/_person_section.html", {"nominations": rows})]


def course_counts(course, agencies) -> tuple[dict[int, int], dict[int, dict]]:
    """Quotas {agency id: quantity} and active nominations {agency id: {"nominated",
    "attended"}} of a course for the given agencies (ids or a Unit queryset): two queries."""
    quotas = dict(
        Quota.objects.filter(course=course, agency__in=agencies).values_list(
            "agency_id", "quantity"
        )
    )
    counts = {
        row["agency_id"]: row
        for row in Nomination.objects.active()
        .filter(course=course, agency__in=agencies)
        .values("agency_id")
        .annotate(
            nominated=Count("id"),
            attended=Count("id", filter=Q(attendance=Attendance.PRESENT)),
        )
    }
    return quotas, counts


def agency_nominations(course, agency) -> list[Nomination]:
    """Every nomination of an agency to a course, substitutions and withdrawals included."""
    return list(
        Nomination.objects.filter(course=course, agency=agency)
        .select_related("person", "replaces__person", "nominated_by")
        .order_by("state", "person__sort_key", "pk")
    )


def agency_quota(course, agency) -> int | None:
    quota = Quota.objects.filter(course=course, agency=agency).first()
    return quota.quantity if quota else None


def course_nominees(course) -> list[Nomination]:
    """The active nominees of a course, by agency then name (results sheet, PDF)."""
    return list(
        Nomination.objects.active()
        .filter(course=course)
        .select_related("person", "agency")
        .order_by("agency__name", "person__sort_key", "pk")
    )
