"""Demo training for seed_demo: the province's 2026 plan (board cadres, unit leaders,
first-year and mobile members) and each agency's own in-place training, with quotas,
nominations of qualifying people, attendance (a few absent, a few short of days) and
results. Deterministic (a fixed seed) and idempotent (courses matched by code)."""

import datetime as dt
import random
from decimal import Decimal

from personnel.models import Person
from units.demo import PROVINCE
from units.models import Unit

from .eligibility import audience_rules, people_facts
from .models import Attendance, Audience, Course, Nomination, Quota, Result, TrainingPlan

SEED = 2026
YEAR = 2026
PLACE = "Trường Quân sự thành phố Cần Thơ"
PROVINCE_COURSES = [
    # code, name, audience, starts on, days
    ("TH-CB-2026", "Tập huấn cán bộ Ban CHQS cơ quan, tổ chức năm 2026", "board-cadre",
     dt.date(YEAR, 3, 9), 7),
    ("TH-CBDV-2026", "Tập huấn cán bộ trung đội, tiểu đội, khẩu đội tự vệ năm 2026",
     "unit-leader", dt.date(YEAR, 4, 13), 5),
    ("HL-CD-2026", "Huấn luyện tự vệ cơ động, binh chủng năm 2026", "mobile",
     dt.date(YEAR, 6, 8), 12),
    ("HL-N1-2026", "Huấn luyện tự vệ năm thứ nhất năm 2026", "first-year",
     dt.date(YEAR, 8, 3), 15),
]  # fmt: skip
ABSENCES = ["Ốm", "Công tác", "Việc gia đình"]
RESULTS = [Result.EXCELLENT, Result.GOOD, Result.PASS, Result.FAIL]
RESULT_WEIGHTS = [12, 30, 55, 3]


def _plan(organiser: Unit, title: str) -> TrainingPlan:
    return TrainingPlan.objects.get_or_create(
        organiser=organiser, year=YEAR,
        defaults={"title": title, "decision": f"KH/{organiser.code}/{YEAR}"},
    )[0]  # fmt: skip


def _course(plan, code, name, audience, starts_on, days, place) -> tuple[Course, bool]:
    return Course.objects.get_or_create(
        code=code,
        defaults={
            "plan": plan, "name": name, "audience": audience, "organiser": plan.organiser,
            "starts_on": starts_on, "ends_on": starts_on + dt.timedelta(days=days - 1),
            "days": Decimal(days), "place": place,
        },
    )  # fmt: skip


def _fill(course: Course, eligible: dict[int, list[int]], rng: random.Random, agency_of):
    """Quotas a little above what each agency can send; most qualifying people sent."""
    quotas, nominations = [], []
    for agency_id, people in eligible.items():
        if not people:
            continue
        quotas.append(
            Quota(course=course, agency_id=agency_id, quantity=len(people) + rng.choice([0, 0, 1]))
        )
        for person_id in people:
            if rng.random() < 0.08:
                continue  # not sent
            present = rng.random() < 0.9
            days = course.days
            if present and rng.random() < 0.08:
                days = (course.days / 2).quantize(Decimal("1"))  # left early
            nominations.append(
                Nomination(
                    course=course, person_id=person_id, agency_id=agency_of[person_id],
                    attendance=Attendance.PRESENT if present else Attendance.ABSENT,
                    absence_reason="" if present else rng.choice(ABSENCES),
                    days_attended=days if present else 0,
                    result=rng.choices(RESULTS, RESULT_WEIGHTS)[0] if present else "",
                )
            )  # fmt: skip
    Quota.objects.bulk_create(quotas)
    Nomination.objects.bulk_create(nominations)
    return len(quotas), len(nominations)


def build_training() -> list[tuple[str, int, int, int]]:
    """seed_demo step: plans, courses, quotas, nominations with attendance and results."""
    rng = random.Random(SEED)
    province = Unit.objects.filter(code=PROVINCE).first()
    if province is None:
        return []
    agencies = list(Unit.objects.subtree(province).agencies().order_by("code"))
    agency_of = dict(Person.objects.filter(agency__in=agencies).values_list("id", "agency_id"))
    rules = {r.audience.code: r for r in audience_rules()}
    audiences = {a.code: a for a in Audience.objects.all()}
    created = {"plans": 0, "courses": 0, "quotas": 0, "nominations": 0}
    plans_before = TrainingPlan.objects.count()

    def eligible(code: str, on: dt.date, among) -> dict[int, list[int]]:
        facts = people_facts([pk for pk, a in agency_of.items() if a in among], on)
        by_agency: dict[int, list[int]] = {a: [] for a in among}
        for pk, f in sorted(facts.items()):
            if rules[code].admits(f, on):
                by_agency[agency_of[pk]].append(pk)
        return by_agency

    plan = _plan(province, f"Kế hoạch huấn luyện, tập huấn năm {YEAR} của Bộ CHQS thành phố")
    agency_ids = {a.pk for a in agencies}
    for code, name, audience, starts_on, days in PROVINCE_COURSES:
        course, new = _course(plan, code, name, audiences[audience], starts_on, days, PLACE)
        if new:
            created["courses"] += 1
            q, n = _fill(course, eligible(audience, starts_on, agency_ids), rng, agency_of)
            created["quotas"] += q
            created["nominations"] += n
    starts = dt.date(YEAR, 5, 4)
    with_people = set(agency_of.values())
    for index, agency in enumerate(agencies):
        code = f"HL-{agency.code}-{YEAR}"
        if agency.pk not in with_people:
            continue
        own = _plan(
            agency, f"Kế hoạch huấn luyện tự vệ năm {YEAR} – {agency.short_name or agency.name}"
        )
        starts_on = starts + dt.timedelta(weeks=index % 20)
        course, new = _course(
            own, code, f"Huấn luyện tự vệ tại chỗ năm {YEAR}", audiences["in-place"],
            starts_on, 7, agency.address or agency.name,
        )  # fmt: skip
        if new:
            created["courses"] += 1
            q, n = _fill(course, eligible("in-place", starts_on, {agency.pk}), rng, agency_of)
            created["quotas"] += q
            created["nominations"] += n
    created["plans"] = TrainingPlan.objects.count() - plans_before
    totals = {
        "plans": TrainingPlan.objects.filter(year=YEAR).count(),
        "courses": Course.objects.filter(starts_on__year=YEAR).count(),
        "quotas": Quota.objects.filter(course__starts_on__year=YEAR).count(),
        "nominations": Nomination.objects.filter(course__starts_on__year=YEAR).count(),
    }
    labels = {
        "plans": "Kế hoạch huấn luyện",
        "courses": "Lớp huấn luyện",
        "quotas": "Chỉ tiêu",
        "nominations": "Cử đi huấn luyện",
    }
    return [(labels[k], created[k], 0, totals[k] - created[k]) for k in labels]
