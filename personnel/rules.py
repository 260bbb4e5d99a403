"""Rules of service that refuse or warn, in Vietnamese.

Law is refused (ValidationError); practice and configuration warn. Sources:
Luật DQTV 2019 Điều 8 (ages), Điều 9 (term and extension), NĐ 72/2020 Điều 4 (seats).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q

from .models import Gender, Person, ServicePosition, add_years

# Điều 8: men 18 to the end of 45, women 18 to the end of 40; volunteers to 50 / 45.
AGE_MIN = 18
AGE_MAX = {Gender.MALE: 45, Gender.FEMALE: 40}
AGE_MAX_VOLUNTEER = {Gender.MALE: 50, Gender.FEMALE: 45}
MAX_EXTENSION_YEARS = 2
TERM_ENDING_DAYS = 90


@dataclass
class Verdict:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def extend(self, other: "Verdict") -> "Verdict":
        self.errors += other.errors
        self.warnings += other.warnings
        return self


def age_limit(gender: str, volunteer: bool) -> int:
    return (AGE_MAX_VOLUNTEER if volunteer else AGE_MAX)[gender]


def last_day_of_age(person: Person, volunteer: bool) -> dt.date:
    """The last day a person may serve: the eve of their (limit + 1)th birthday."""
    limit = age_limit(person.gender, volunteer)
    return add_years(person.birth_date, limit + 1) - dt.timedelta(days=1)


def check_joining(
    *, person: Person, joined_on: dt.date, volunteer: bool, position: ServicePosition | None
) -> Verdict:
    verdict = Verdict()
    age = person.age_on(joined_on)
    gender_word = "nam" if person.gender == Gender.MALE else "nữ"
    if age < AGE_MIN:
        verdict.errors.append(f"Chưa đủ {AGE_MIN} tuổi khi vào tự vệ ({age} tuổi).")
    elif age > AGE_MAX[person.gender]:
        limit = AGE_MAX_VOLUNTEER[person.gender]
        if not volunteer:
            verdict.errors.append(
                f"Quá tuổi tham gia tự vệ đối với {gender_word} ({age} tuổi, quy định đến hết "
                f"{AGE_MAX[person.gender]} tuổi); chỉ được nếu tình nguyện (đến hết {limit} tuổi)."
            )
        elif age > limit:
            verdict.errors.append(
                f"Quá tuổi tình nguyện đối với {gender_word} ({age} tuổi, tối đa hết {limit} tuổi)."
            )
    if person.birth_year_only:
        verdict.warnings.append("Chỉ có năm sinh: tuổi được tính gần đúng.")
    if (
        position is not None
        and position.allowed_gender
        and position.allowed_gender != person.gender
    ):
        verdict.warnings.append(
            f"Chức vụ “{position.name}” được cấu hình chỉ dành cho "
            f"{'nam' if position.allowed_gender == Gender.MALE else 'nữ'}."
        )
    if len(person.cccd) == 9:
        verdict.warnings.append("Số CMND cũ 9 chữ số: cần cập nhật số CCCD 12 chữ số.")
    return verdict


def check_term_end(
    *, person: Person, joined_on: dt.date, term_end: dt.date, volunteer: bool
) -> Verdict:
    verdict = Verdict()
    if term_end <= joined_on:
        verdict.errors.append("Ngày hết thời hạn phải sau ngày vào tự vệ.")
        return verdict
    last_day = last_day_of_age(person, volunteer)
    if term_end > last_day + dt.timedelta(days=1):
        verdict.errors.append(
            f"Thời hạn vượt quá độ tuổi cho phép (đến hết ngày {last_day:%d/%m/%Y})."
        )
    if term_end > add_years(joined_on, 4 + MAX_EXTENSION_YEARS):
        verdict.warnings.append(
            "Thời hạn dài hơn 4 năm cộng 2 năm gia hạn: chỉ áp dụng cho chỉ huy đơn vị tự vệ "
            "theo quyết định của người đứng đầu cơ quan."
        )
    return verdict


def check_still_in_age(*, person: Person, day: dt.date, volunteer: bool) -> Verdict:
    verdict = Verdict()
    last_day = last_day_of_age(person, volunteer)
    if day > last_day:
        verdict.warnings.append(f"Đã quá tuổi tham gia tự vệ từ ngày {last_day:%d/%m/%Y}.")
    return verdict


def over_age(services, day: dt.date):
    """The records among `services` (a Service queryset) of people past the age limit on
    `day` (Điều 8; a volunteer's limit for a volunteer's record): `check_still_in_age`
    for many people at once, as one condition the database evaluates."""
    condition = Q()
    for volunteer, limits in ((False, AGE_MAX), (True, AGE_MAX_VOLUNTEER)):
        for gender, limit in limits.items():
            # Past the last day of age ⇔ the (limit + 1)th birthday has come.
            born_by = add_years(day, -(limit + 1))
            condition |= Q(
                volunteer=volunteer, person__gender=gender, person__birth_date__lte=born_by
            )
    return services.filter(condition)


def is_over_age(person: Person, *, day: dt.date, volunteer: bool) -> bool:
    return day > last_day_of_age(person, volunteer)
