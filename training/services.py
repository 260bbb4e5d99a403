"""Writes on training records. Each function states its contract; each refusal is a
ValidationError in Vietnamese, and a refused batch writes nothing (one transaction)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from personnel.models import Person
from units.models import Unit

from .eligibility import Facts, people_facts, rule_for
from .models import Attendance, Course, CourseSession, Nomination, NominationState, Quota, Result


def quotas_set(*, course: Course, quantities: dict[int, int | None]) -> int:
    """Set the quotas of `course` per agency id (None or 0 removes it). Returns how many
    rows changed. The caller has checked that the agencies are in the organiser's tree."""
    existing = {q.agency_id: q for q in Quota.objects.filter(course=course)}
    changed = 0
    with transaction.atomic():
        for agency_id, quantity in quantities.items():
            quota = existing.get(agency_id)
            if not quantity:
                if quota is not None:
                    quota.delete()
                    changed += 1
            elif quota is None:
                Quota.objects.create(course=course, agency_id=agency_id, quantity=quantity)
                changed += 1
            elif quota.quantity != quantity:
                quota.quantity = quantity
                quota.save(update_fields=["quantity"])
                changed += 1
    return changed


def _check_eligible(course: Course, people: list[Person]) -> None:
    rule = rule_for(course.audience)
    facts = people_facts([p.pk for p in people], course.starts_on)
    errors = []
    for person in people:
        why = rule.refusal(facts.get(person.pk, Facts(person.pk)), course.starts_on)
        if why:
            errors.append(f"{person.full_name}: không thuộc đối tượng “{course.audience}” ({why})")
    if errors:
        raise ValidationError(errors)


@dataclass
class NominationOutcome:
    created: int
    nominated: int  # active nominations of the agency after the write
    quota: int | None

    @property
    def over_quota(self) -> bool:
        return self.quota is not None and self.nominated > self.quota

    @property
    def warning(self) -> str:
        if self.quota is None:
            return "Cơ quan chưa được giao chỉ tiêu cho lớp này."
        if self.over_quota:
            return f"Đã cử {self.nominated} người, vượt chỉ tiêu {self.quota}."
        return ""


def _outcome(course: Course, agency: Unit, created: int) -> NominationOutcome:
    quota = Quota.objects.filter(course=course, agency=agency).values_list("quantity", flat=True)
    nominated = Nomination.objects.active().filter(course=course, agency=agency).count()
    return NominationOutcome(created, nominated, next(iter(quota), None))


def nominate(*, course: Course, agency: Unit, people: list[Person], by) -> NominationOutcome:
    """Nominate people of `agency` to `course`. Everyone must be on the agency's list,
    qualify for the course's audience on its first day and not be nominated already;
    otherwise nothing is written. Going over quota is allowed and reported (a warning)."""
    if not people:
        raise ValidationError("Chưa chọn người nào.")
    strangers = [p.full_name for p in people if p.agency_id != agency.pk]
    if strangers:
        raise ValidationError(f"Không thuộc danh sách của cơ quan: {', '.join(strangers)}.")
    taken = set(
        Nomination.objects.active()
        .filter(course=course, person__in=people)
        .values_list("person__full_name", flat=True)
    )
    if taken:
        raise ValidationError(f"Đã được cử vào lớp này: {', '.join(sorted(taken))}.")
    _check_eligible(course, people)
    with transaction.atomic():
        Nomination.objects.bulk_create(
            [Nomination(course=course, person=p, agency=agency, nominated_by=by) for p in people]
        )
    return _outcome(course, agency, len(people))


def substitute(*, nomination: Nomination, person: Person, reason: str, by) -> Nomination:
    """Send `person` instead of the nominee: the old row is kept as REPLACED with the
    reason, the new row points back to it. Only before attendance is recorded."""
    if nomination.state != NominationState.ACTIVE:
        raise ValidationError("Người này không còn trong danh sách cử đi.")
    if nomination.attendance:
        raise ValidationError("Đã ghi nhận tham gia: không thay người được nữa.")
    if not reason.strip():
        raise ValidationError("Cần ghi lý do thay người.")
    if person.agency_id != nomination.agency_id:
        raise ValidationError("Người thay phải thuộc cùng cơ quan.")
    course = nomination.course
    if Nomination.objects.active().filter(course=course, person=person).exists():
        raise ValidationError(f"{person.full_name} đã được cử vào lớp này.")
    _check_eligible(course, [person])
    with transaction.atomic():
        nomination.state = NominationState.REPLACED
        nomination.change_reason = reason.strip()
        nomination.save(update_fields=["state", "change_reason"])
        return Nomination.objects.create(
            course=course,
            person=person,
            agency_id=nomination.agency_id,
            replaces=nomination,
            nominated_by=by,
        )


def withdraw(*, nomination: Nomination, reason: str) -> None:
    """Take a nominee off the list (kept, WITHDRAWN, with the reason)."""
    if nomination.state != NominationState.ACTIVE:
        raise ValidationError("Người này không còn trong danh sách cử đi.")
    if nomination.attendance:
        raise ValidationError("Đã ghi nhận tham gia: không rút tên được nữa.")
    if not reason.strip():
        raise ValidationError("Cần ghi lý do rút tên.")
    nomination.state = NominationState.WITHDRAWN
    nomination.change_reason = reason.strip()
    nomination.save(update_fields=["state", "change_reason"])


@dataclass
class ResultEntry:
    attendance: str  # "", "present", "absent"
    days: Decimal | None = None
    reason: str = ""
    result: str = ""


def check_entry(course: Course, entry: ResultEntry) -> list[str]:
    """What is wrong with one row of the results sheet ([] when nothing)."""
    errors = []
    if entry.attendance not in Attendance.values:
        errors.append("Tình trạng tham gia không hợp lệ.")
    if entry.result and entry.result not in Result.values:
        errors.append("Kết quả không hợp lệ.")
    if entry.attendance == Attendance.ABSENT:
        if entry.result:
            errors.append("Vắng mặt thì không có kết quả.")
        if not entry.reason.strip():
            errors.append("Vắng mặt cần ghi lý do.")
    elif entry.attendance == Attendance.PRESENT:
        if entry.days is not None and not (0 < entry.days <= course.days):
            errors.append(f"Số ngày tham gia phải từ 0,5 đến {course.days:g}.".replace(".", ","))
    elif entry.result:
        errors.append("Chưa ghi có mặt thì chưa có kết quả.")
    return errors


def results_record(*, course: Course, entries: dict[int, ResultEntry]) -> int:
    """Record attendance, days and results for the course's active nominations (by
    nomination id). All rows are checked first; any error refuses the whole sheet.
    A present nominee without days gets the course's days. Returns rows changed."""
    rows = {n.pk: n for n in Nomination.objects.active().filter(course=course, pk__in=entries)}
    errors = []
    for pk, entry in entries.items():
        nomination = rows.get(pk)
        if nomination is None:
            errors.append(f"Dòng {pk}: không có trong danh sách của lớp.")
            continue
        errors += [f"{nomination.person}: {e}" for e in check_entry(course, entry)]
    if errors:
        raise ValidationError(errors)
    changed = []
    for pk, entry in entries.items():
        n = rows[pk]
        present = entry.attendance == Attendance.PRESENT
        new = (
            entry.attendance,
            (entry.days if entry.days is not None else course.days) if present else Decimal(0),
            entry.reason.strip() if entry.attendance == Attendance.ABSENT else "",
            entry.result if present else "",
        )
        if new != (n.attendance, n.days_attended, n.absence_reason, n.result):
            n.attendance, n.days_attended, n.absence_reason, n.result = new
            changed.append(n)
    with transaction.atomic():
        for n in changed:  # save(): each change goes to the history (who, when, what)
            n.save(update_fields=["attendance", "days_attended", "absence_reason", "result"])
    return len(changed)


def course_sessions_set(*, course: Course, sessions: list[tuple[dt.date, dt.date]]) -> None:
    """Replace the sessions (đợt) of a course by [(start, end), ...]."""
    with transaction.atomic():
        course.sessions.all().delete()
        CourseSession.objects.bulk_create(
            [CourseSession(course=course, starts_on=s, ends_on=e, place=course.place)
             for s, e in sessions]
        )  # fmt: skip


def course_dates_check(*, starts_on: dt.date, ends_on: dt.date, days: Decimal) -> None:
    if ends_on < starts_on:
        raise ValidationError("Ngày kết thúc phải từ ngày bắt đầu trở đi.")
    if days > (ends_on - starts_on).days + 1:
        raise ValidationError("Số ngày huấn luyện nhiều hơn số ngày từ ngày bắt đầu đến kết thúc.")
