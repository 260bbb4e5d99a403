"""Training figures for the periodic returns and the compliance page: plain data, a fixed
number of queries whatever the number of units, courses or people.

A course counts in a window when its first day falls in it. Quotas and attendance count
for the agencies given (a nomination counts for the agency that made it, even if the
person has moved since).
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q, Sum

from chqs.text import rate
from personnel.models import Person

from .eligibility import audience_rules, people_facts
from .models import (
    GOOD_OR_EXCELLENT,
    PASSING,
    Attendance,
    Audience,
    Course,
    Nomination,
    Quota,
)

PRESENT = Q(attendance=Attendance.PRESENT)


def _counts() -> dict:
    return {"quota": 0, "attended": 0, "passed": 0, "good_or_excellent": 0}


def _with_rates(counts: dict) -> dict:
    counts["rate"] = rate(counts["attended"], counts["quota"])
    counts["pass_rate"] = rate(counts["passed"], counts["attended"])
    counts["good_rate"] = rate(counts["good_or_excellent"], counts["attended"])
    return counts


def training_figures(unit_ids, start: dt.date, end: dt.date) -> dict:
    """Quota, attended, passed and khá-giỏi counts with rates (chqs.text.rate: Decimal
    percentages, None without a denominator) for the agencies in `unit_ids` (ids or a
    Unit queryset) and the courses starting in [start, end]. Four queries.

    Returns {"by_audience": [...every audience, in order...], "total": {...},
    "by_kind": {"cadre": {...}, "troops": {...}} (cadre courses vs troop training),
    "by_course": [...courses with a quota or a nominee among the units...],
    "by_unit": {unit_id: {...}}}; every entry holds quota, attended, passed,
    good_or_excellent, rate (attended/quota), pass_rate and good_rate (of attended).
    """
    courses = {
        c["id"]: c
        for c in Course.objects.starting_between(start, end).values(
            "id", "code", "name", "audience_id", "organiser_id", "starts_on", "ends_on", "days"
        )
    }
    window = Q(course__starts_on__gte=start, course__starts_on__lte=end)
    quotas = Quota.objects.filter(window).for_agencies(unit_ids)
    quota_rows = quotas.values("course_id", "agency_id").annotate(n=Sum("quantity"))
    nominations = (
        Nomination.objects.active()
        .filter(window)
        .for_agencies(unit_ids)
        .values("course_id", "agency_id")
        .annotate(
            attended=Count("id", filter=PRESENT),
            passed=Count("id", filter=PRESENT & Q(result__in=PASSING)),
            good=Count("id", filter=PRESENT & Q(result__in=GOOD_OR_EXCELLENT)),
        )
    )
    by_course: dict[int, dict] = defaultdict(_counts)
    by_unit: dict[int, dict] = defaultdict(_counts)
    for row in quota_rows:
        by_course[row["course_id"]]["quota"] += row["n"]
        by_unit[row["agency_id"]]["quota"] += row["n"]
    for row in nominations:
        for bucket in (by_course[row["course_id"]], by_unit[row["agency_id"]]):
            bucket["attended"] += row["attended"]
            bucket["passed"] += row["passed"]
            bucket["good_or_excellent"] += row["good"]

    audiences = list(Audience.objects.values("id", "code", "name", "required_days", "is_cadre"))
    per_audience = {a["id"]: _counts() for a in audiences}
    total = _counts()
    course_rows = []
    for course_id, counts in by_course.items():
        course = courses[course_id]
        for key, value in counts.items():
            per_audience[course["audience_id"]][key] += value
            total[key] += value
        course_rows.append({**course, **_with_rates(counts)})
    course_rows.sort(key=lambda c: (c["starts_on"], c["code"]))
    kinds = {"cadre": _counts(), "troops": _counts()}
    for a in audiences:
        for key, value in per_audience[a["id"]].items():
            kinds["cadre" if a["is_cadre"] else "troops"][key] += value
    return {
        "by_kind": {kind: _with_rates(counts) for kind, counts in kinds.items()},
        "by_audience": [
            {
                "audience": a["code"],
                "name": a["name"],
                "required_days": a["required_days"],
                **_with_rates(per_audience[a["id"]]),
            }
            for a in audiences
        ],
        "total": _with_rates(total),
        "by_course": course_rows,
        "by_unit": {pk: _with_rates(counts) for pk, counts in by_unit.items()},
    }


def members_short_of_days(unit_ids, year: int, on: dt.date | None = None) -> list[dict]:
    """People of the agencies in `unit_ids` who, for an audience they belong to on `on`
    (default 31/12 of `year`), attended fewer days in `year`'s courses of that audience
    than it requires ("chưa đủ thời gian huấn luyện"). Seven queries.

    Each row: person_id, full_name, agency_id, audience (code), audience_name,
    required_days, days (Decimal attended).
    """
    on = on or dt.date(year, 12, 31)
    people = Person.objects.filter(agency_id__in=unit_ids)
    facts = people_facts(people.values("id"), on)
    who = {
        pk: (name, agency_id)
        for pk, name, agency_id in people.filter(id__in=list(facts)).values_list(
            "id", "full_name", "agency_id"
        )
    }
    days = {
        (row["person_id"], row["course__audience_id"]): row["d"]
        for row in Nomination.objects.attended()
        .filter(course__starts_on__year=year, person_id__in=list(facts))
        .values("person_id", "course__audience_id")
        .annotate(d=Sum("days_attended"))
    }
    rows = []
    for rule in audience_rules():
        audience = rule.audience
        for person_id, person_facts in facts.items():
            if not rule.admits(person_facts, on):
                continue
            got = days.get((person_id, audience.pk)) or Decimal("0")
            if got < audience.required_days:
                rows.append(
                    {
                        "person_id": person_id,
                        "full_name": who[person_id][0],
                        "agency_id": who[person_id][1],
                        "audience": audience.code,
                        "audience_name": audience.name,
                        "required_days": audience.required_days,
                        "days": got,
                    }
                )
    rows.sort(key=lambda r: (r["full_name"], r["audience"]))
    return rows
