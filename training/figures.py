"""Training figures for the periodic returns and the compliance page: plain data, a fixed
number of queries whatever the number of units, courses or people.

A course counts in a window when its first day falls in it. Quotas and attendance count
for the agencies given (a nomination counts for the agency that made it, even if the
person has moved since).
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q, Sum

from chqs.text import name_sort_key, rate
from personnel.models import BoardAppointment, Person, Service, ServiceStatus, add_years

from .eligibility import Rule, audience_rules
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
    # .order_by(): a GROUP BY drops Meta.ordering but kept its joins (units; people for
    # the nominations) in FROM: a merge join over every person of the country.
    quota_rows = quotas.values("course_id", "agency_id").annotate(n=Sum("quantity")).order_by()
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
        .order_by()
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


def latest_start(on: dt.date, years: int) -> dt.date:
    """The last first-joining date from which `years` full years have passed on `on`:
    service_year(on) > years ⇔ first joined ≤ this date (29/02 handled as add_years)."""
    day = add_years(on, -years)
    while add_years(day, years) > on:
        day -= dt.timedelta(days=1)
    while add_years(day + dt.timedelta(days=1), years) <= on:
        day += dt.timedelta(days=1)
    return day


def _sql(queryset) -> tuple[str, list]:
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


class _ShortOfDays:
    """One SQL statement judging every member of the agencies against every audience's
    rule at once (eligibility.Rule, the person-by-person rule, as conditions on columns):

    the people on the agencies' staff lists, LEFT JOINed to their serving record on
    `on`, to whether they hold a Ban CHQS seat then, and to their attended days per
    audience in `year` (one grouped scan of the nominations); a year-of-service bound
    compares the first joining date with `latest_start` — the serving record's own date,
    or an earlier closed or postponed record's when that one is too recent.
    """

    def __init__(self, unit_ids, year: int, on: dt.date):
        ids = list(unit_ids)
        # No agencies, or no audience that requires days: nobody is short.
        self.rules = [r for r in audience_rules() if r.audience.required_days > 0] if ids else []
        if self.rules:
            self._build(ids, year, on)

    def _build(self, ids: list, year: int, on: dt.date) -> None:
        people = _sql(
            Person.objects.filter(agency_id__in_ids=ids)
            .values("id", "agency_id", "full_name")
            .order_by()
        )
        serving = _sql(
            Service.objects.serving_on(on)
            .values("person_id", "position_id", "force_kind_id", "joined_on")
            .order_by()
        )
        seats = _sql(BoardAppointment.objects.current(on).values("person_id").distinct().order_by())
        days = _sql(
            Nomination.objects.attended()
            .filter(course__starts_on__year=year, person__agency_id__in_ids=ids)
            .values("person_id")
            .annotate(
                **{
                    f"d{i}": Sum("days_attended", filter=Q(course__audience_id=r.audience.pk))
                    for i, r in enumerate(self.rules)
                }
            )
            .order_by()
        )
        self.on = on
        # Each audience's condition, with its parameters: short of days for it.
        self.shorts = [self._short(i, rule) for i, rule in enumerate(self.rules)]
        self.sources = (
            f"FROM ({people[0]}) p "
            f"LEFT JOIN ({serving[0]}) s ON s.person_id = p.id "
            f"LEFT JOIN ({seats[0]}) b ON b.person_id = p.id "
            f"LEFT JOIN ({days[0]}) d ON d.person_id = p.id "
        )
        self.source_params = people[1] + serving[1] + seats[1] + days[1]

    def _where(self) -> tuple[str, list]:
        return (
            " OR ".join(f"({sql})" for sql, _ in self.shorts),
            [param for _, params in self.shorts for param in params],
        )

    def _joined_by(self, years: int, params: list) -> str:
        """SQL: the first joining date is on or before latest_start(on, years)."""
        day = connection.ops.adapt_datefield_value(latest_start(self.on, years))
        params += [day, day]
        # An earlier record than the serving one is closed or postponed (a person has
        # one open record): the partial index personnel_service_earlier holds just those,
        # and PostgreSQL hashes it once instead of looking it up per recent member.
        return (
            f"(s.joined_on <= %s OR EXISTS (SELECT 1 FROM {Service._meta.db_table} x "
            "WHERE x.person_id = p.id AND (x.ended_on IS NOT NULL OR x.status = "
            f"'{ServiceStatus.POSTPONED.value}') AND x.joined_on <= %s))"
        )

    def _short(self, i: int, rule: Rule) -> tuple[str, list]:
        """SQL for eligibility.Rule.admits and fewer days than required, and its
        parameters."""
        a = rule.audience
        params: list = []
        served = ["s.person_id IS NOT NULL"]
        if a.board_members and not rule.position_ids:
            served = ["1 = 0"]
        if rule.position_ids:
            served.append(f"s.position_id IN ({', '.join(map(str, sorted(rule.position_ids)))})")
        if rule.force_kind_ids:
            kinds = ", ".join(map(str, sorted(rule.force_kind_ids)))
            served.append(f"s.force_kind_id IN ({kinds})")
        if a.min_year:  # year ≥ min: min − 1 full years served
            served.append(self._joined_by(a.min_year - 1, params))
        if a.max_year:  # not year > max
            served.append(f"NOT {self._joined_by(a.max_year, params)}")
        admits = f"({' AND '.join(served)})"
        if a.board_members:
            admits = f"(b.person_id IS NOT NULL OR {admits})"
        params.append(a.required_days)
        return f"{admits} AND COALESCE(d.d{i}, 0) < %s", params

    def count(self) -> int:
        if not self.rules:
            return 0
        where, where_params = self._where()
        sql = f"SELECT COUNT(DISTINCT p.id) {self.sources} WHERE {where}"
        with connection.cursor() as cursor:
            cursor.execute(sql, self.source_params + where_params)
            return cursor.fetchone()[0]

    def rows(self) -> list[dict]:
        if not self.rules:
            return []
        where, where_params = self._where()
        columns = ", ".join(
            f"CASE WHEN {sql} THEN 1 ELSE 0 END, d.d{i}" for i, (sql, _) in enumerate(self.shorts)
        )
        sql = f"SELECT p.id, p.full_name, p.agency_id, {columns} {self.sources} WHERE {where}"
        with connection.cursor() as cursor:
            cursor.execute(sql, where_params + self.source_params + where_params)
            found = cursor.fetchall()
        rows = []
        for person_id, full_name, agency_id, *flags in found:
            for i, rule in enumerate(self.rules):
                short, days = flags[2 * i], flags[2 * i + 1]
                if not short:
                    continue
                a = rule.audience
                rows.append(
                    {
                        "person_id": person_id,
                        "full_name": full_name,
                        "agency_id": agency_id,
                        "audience": a.code,
                        "audience_name": a.name,
                        "required_days": a.required_days,
                        "days": _decimal_days(days),
                    }
                )
        keys = {name: name_sort_key(name) for name in {r["full_name"] for r in rows}}
        rows.sort(key=lambda r: (keys[r["full_name"]], r["person_id"], r["audience"]))
        return rows


def _decimal_days(value) -> Decimal:
    """Attended days as Nomination.days_attended's Decimal (SQLite sums to a number)."""
    if value is None:
        return Decimal("0")
    return value if isinstance(value, Decimal) else Decimal(str(value)).quantize(Decimal("0.1"))


def members_short_of_days(unit_ids, year: int, on: dt.date | None = None) -> list[dict]:
    """People of the agencies in `unit_ids` who, for an audience they belong to on `on`
    (default 31/12 of `year`), attended fewer days in `year`'s courses of that audience
    than it requires ("chưa đủ thời gian huấn luyện"). Four queries (three for the
    audiences' rules, one for everyone), whatever the number of people.

    Each row: person_id, full_name, agency_id, audience (code), audience_name,
    required_days, days (Decimal attended).
    """
    return _ShortOfDays(unit_ids, year, on or dt.date(year, 12, 31)).rows()


def count_members_short_of_days(unit_ids, year: int, on: dt.date | None = None) -> int:
    """How many distinct people `members_short_of_days` lists, counted in the database
    (four queries; fit for the national subtree)."""
    return _ShortOfDays(unit_ids, year, on or dt.date(year, 12, 31)).count()
