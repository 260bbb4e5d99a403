"""Who qualifies for an audience: facts about people read in a fixed number of queries,
then judged in Python against the audiences' configured rules (models.Audience)."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Min, OuterRef, Subquery

from personnel.models import BoardAppointment, Person, Service, add_years

from .models import Audience


@dataclass(frozen=True)
class Facts:
    """What the rules look at for one person on one day."""

    person_id: int
    serving: bool = False
    position_id: int | None = None
    position_name: str = ""
    force_kind_id: int | None = None
    force_kind_name: str = ""
    first_joined_on: dt.date | None = None
    board_seat: str = ""  # the name of the Ban CHQS seat held, "" if none

    def service_year(self, on: dt.date) -> int | None:
        """1 in the first year from the first joining date, 2 in the second, ..."""
        if self.first_joined_on is None or on < self.first_joined_on:
            return None
        year = on.year - self.first_joined_on.year
        if add_years(self.first_joined_on, year) > on:
            year -= 1
        return year + 1


@dataclass(frozen=True)
class Rule:
    """An audience's rule, detached from the database (positions and kinds as id sets)."""

    audience: Audience
    position_ids: frozenset[int]
    force_kind_ids: frozenset[int]

    @classmethod
    def of(cls, audience: Audience) -> "Rule":
        return cls(
            audience,
            frozenset(p.pk for p in audience.positions.all()),
            frozenset(k.pk for k in audience.force_kinds.all()),
        )

    def admits(self, facts: Facts, on: dt.date) -> bool:
        return not self.refusal(facts, on)

    def refusal(self, facts: Facts, on: dt.date) -> str:
        """Why `facts` do not qualify on `on`, in Vietnamese; "" when they do.

        training.figures (members short of their days) states the same rule as SQL
        conditions: change both together (tests/training/test_short_of_days.py)."""
        a = self.audience
        if a.board_members and facts.board_seat:
            return ""
        if a.board_members and not self.position_ids:
            return "Không giữ chức vụ trong Ban CHQS."
        if not facts.serving:
            return "Không đang tham gia tự vệ."
        if self.position_ids and facts.position_id not in self.position_ids:
            return f"Chức vụ “{facts.position_name}” không thuộc đối tượng này."
        if self.force_kind_ids and facts.force_kind_id not in self.force_kind_ids:
            return f"Thành phần “{facts.force_kind_name}” không thuộc đối tượng này."
        year = facts.service_year(on)
        if a.min_year and (year is None or year < a.min_year):
            return f"Mới là năm thứ {year or 1} tham gia tự vệ (từ năm thứ {a.min_year})."
        if a.max_year and year is not None and year > a.max_year:
            return f"Đã là năm thứ {year} tham gia tự vệ."
        return ""


def audience_rules() -> list[Rule]:
    """Every audience with its rule: three queries."""
    return [Rule.of(a) for a in Audience.objects.prefetch_related("positions", "force_kinds")]


def rule_for(audience: Audience) -> Rule:
    return Rule.of(audience)


def people_facts(people: Iterable[int] | object, on: dt.date) -> dict[int, Facts]:
    """Facts on `on` for the given people (ids or a Person queryset): two queries."""
    first_joined = (
        Service.objects.filter(person=OuterRef("person"))
        .values("person")
        .annotate(first=Min("joined_on"))
        .values("first")
    )
    services = (
        Service.objects.serving_on(on)
        .filter(person__in=people)
        .annotate(first_joined=Subquery(first_joined))
        .values(
            "person_id", "position_id", "position__name", "force_kind_id", "force_kind__name",
            "first_joined",
        )
    )  # fmt: skip
    facts: dict[int, dict] = {}
    for row in services:
        facts[row["person_id"]] = {
            "serving": True,
            "position_id": row["position_id"],
            "position_name": row["position__name"],
            "force_kind_id": row["force_kind_id"],
            "force_kind_name": row["force_kind__name"],
            "first_joined_on": row["first_joined"],
        }
    seats = (
        BoardAppointment.objects.current(on)
        .filter(person__in=people)
        .values_list("person_id", "position__name")
    )
    for person_id, seat in seats:
        facts.setdefault(person_id, {})["board_seat"] = seat
    return {pk: Facts(person_id=pk, **values) for pk, values in facts.items()}


def agency_people_facts(agency_ids, on: dt.date) -> dict[int, Facts]:
    """Facts for everyone on the staff lists of the given agencies."""
    return people_facts(Person.objects.filter(agency_id__in=agency_ids).values("id"), on)
