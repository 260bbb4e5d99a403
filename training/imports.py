"""The `courses`, `quotas` and `attendance` import/export kinds: a province's first load
and organisers who keep their lists in Excel.

- `courses`: plan year, organiser, course code, name, audience, dates, days, place. The
  organiser's plan for the year is created when missing; a known code updates its course.
- `quotas`: course code, agency code, quota; the agency must be one the course trains.
- `attendance`: course code, CCCD, days attended (0: absent, with a reason), result. A
  person not nominated yet is added to the course (a warning when they do not qualify
  for its audience: the organiser's list is what happened).

Every row's organiser (or course's organiser) must be in the user's scope; importing
needs change_structure (staff, admin). Exports give back the same columns.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from chqs.imports import registry
from chqs.imports.columns import (
    Choice,
    Column,
    Option,
    ParseError,
    citizen_id,
    code,
    date,
    integer,
    text,
)
from chqs.imports.engine import NEW, UNCHANGED, UPDATED, Importer, RowResult
from personnel.history import mask
from personnel.models import Person
from units.models import Unit

from .eligibility import Facts, audience_rules, people_facts
from .models import Attendance, Audience, Course, Nomination, Quota, Result, TrainingPlan
from .services import days_text

REASON = "Nhập từ Excel"


def days(value: Any) -> Decimal:
    """Days as a number of half days: 7, "6,5", 6.5."""
    if isinstance(value, bool):
        raise ParseError("Không phải số ngày.")
    raw = str(value) if isinstance(value, int | float) else text(value).replace(",", ".")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise ParseError("Không phải số ngày (ví dụ 7 hoặc 6,5).") from None
    if number < 0 or number > 366 or (number * 2) % 1:
        raise ParseError("Số ngày từ 0 đến 366, làm tròn đến nửa ngày.")
    return number.quantize(Decimal("0.1"))


days.number_format = "0.0"


def _audiences():
    return [Option(a.code, a.name) for a in Audience.objects.all()]


def _results():
    return [Option(value, label) for value, label in Result.choices]


def _year(value: Any) -> int:
    year = integer(value)
    if not 2000 <= year <= 2100:
        raise ParseError("Năm không hợp lệ.")
    return year


_year.number_format = "0"

COURSE_CODE = Column("course", "Mã lớp", ("Mã lớp học", "Mã khóa", "Lớp"), required=True,
                     parse=code, notes="Bắt buộc. Mã lớp huấn luyện (ví dụ TH-CB-2026).",
                     width=16)  # fmt: skip
COURSE_COLUMNS = (
    Column("year", "Năm kế hoạch", ("Năm", "Kế hoạch năm"), required=True, parse=_year,
           notes="Bắt buộc. Năm của kế hoạch huấn luyện.", width=10, accents=True),
    Column("organiser", "Mã đơn vị tổ chức", ("Đơn vị tổ chức", "Mã đơn vị"), required=True,
           parse=code, notes="Bắt buộc. Mã đơn vị tổ chức lớp (trong phạm vi quản lý).",
           width=16),
    COURSE_CODE,
    Column("name", "Tên lớp", ("Tên lớp học", "Nội dung"), required=True, width=40,
           notes="Bắt buộc."),
    Column("audience", "Đối tượng", ("Đối tượng huấn luyện",), required=True,
           parse=Choice(_audiences, "đối tượng"), width=30,
           notes="Bắt buộc. Chọn trong danh sách (hoặc ghi mã: board-cadre, in-place…)."),
    Column("starts_on", "Từ ngày", ("Ngày bắt đầu",), required=True, parse=date, width=12,
           notes="Bắt buộc, dd/mm/yyyy."),
    Column("ends_on", "Đến ngày", ("Ngày kết thúc",), required=True, parse=date, width=12,
           notes="Bắt buộc, dd/mm/yyyy."),
    Column("days", "Số ngày", ("Số ngày huấn luyện", "Thời gian (ngày)"), required=True,
           parse=days, width=9, notes="Bắt buộc. Ví dụ 7 hoặc 2,5."),
    Column("place", "Địa điểm", ("Nơi học",), width=30, notes="Không bắt buộc."),
)  # fmt: skip
QUOTA_COLUMNS = (
    COURSE_CODE,
    Column("agency", "Mã đơn vị", ("Mã cơ quan", "Mã cơ quan, tổ chức"), required=True,
           parse=code, width=16, notes="Bắt buộc. Cơ quan, tổ chức được giao chỉ tiêu."),
    Column("agency_name", "Tên cơ quan, tổ chức", ("Cơ quan, tổ chức", "Đơn vị"), width=40,
           notes="Chỉ để đọc; không dùng khi nhập."),
    Column("quantity", "Chỉ tiêu", ("Số lượng", "Chỉ tiêu (người)"), required=True,
           parse=integer, width=10, notes="Bắt buộc. Số nguyên không âm."),
)  # fmt: skip
ATTENDANCE_COLUMNS = (
    COURSE_CODE,
    Column("cccd", "Số CCCD", ("CCCD", "Số CMND/CCCD", "CMND"), required=True,
           parse=citizen_id, width=15, notes="Bắt buộc. 12 chữ số."),
    Column("full_name", "Họ và tên", ("Họ tên",), width=26, notes="Chỉ để đọc."),
    Column("days", "Số ngày tham gia", ("Số ngày", "Số ngày học"), parse=days, width=10,
           notes="0: vắng mặt. Để trống: có mặt đủ số ngày của lớp."),
    Column("reason", "Lý do vắng", ("Lý do",), width=20, notes="Cần khi số ngày là 0."),
    Column("result", "Kết quả", ("Xếp loại", "Kết quả học tập"),
           parse=Choice(_results, "kết quả"), width=12,
           notes="Giỏi / Khá / Đạt / Không đạt; để trống nếu vắng."),
)  # fmt: skip


def _shown(value) -> str:
    if value is None or value == "":
        return "(trống)"
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return days_text(value)
    return f"“{value}”"


class _TrainingImporter(Importer):
    independent_rows = True

    def _courses(self, rows: list[RowResult]) -> dict[str, Course]:
        codes = {row.values["course"] for row in rows if row.values.get("course")}
        return {
            c.code: c
            for c in Course.objects.filter(code__in=codes).select_related("organiser", "audience")
        }

    def _managed(self, row: RowResult, course: Course | None) -> bool:
        if course is None:
            row.error("course", "Không tìm thấy lớp có mã này.")
            return False
        if not self.scope.contains(course.organiser):
            row.error("course", "Lớp do đơn vị ngoài phạm vi quản lý tổ chức.")
            return False
        return True


class CourseImporter(_TrainingImporter):
    field_columns = {"code": "course", "days": "days"}

    def plan(self, rows: list[RowResult]) -> None:
        existing = self._courses(rows)
        organisers = {
            u.code: u
            for u in Unit.objects.filter(
                code__in={r.values["organiser"] for r in rows if r.values.get("organiser")}
            )
        }
        audiences = {a.code: a for a in Audience.objects.all()}
        first: dict[str, RowResult] = {}
        for row in rows:
            v = row.values
            key = v.get("course")
            row.label = f"{key or ''} — {v.get('name') or ''}".strip(" —")
            if key is None:
                continue
            other = first.setdefault(key, row)
            if other is not row:
                row.error("course", f"Mã lớp trùng với dòng {other.number} trong tệp.")
                continue
            organiser = organisers.get(v.get("organiser"))
            if organiser is None or not self.scope.contains(organiser):
                row.error("organiser", "Không tìm thấy đơn vị tổ chức trong phạm vi quản lý.")
                continue
            start, end, n = v.get("starts_on"), v.get("ends_on"), v.get("days")
            if start and end:
                if end < start:
                    row.error("ends_on", "Ngày kết thúc trước ngày bắt đầu.")
                elif n and n > (end - start).days + 1:
                    row.error("days", "Nhiều hơn số ngày từ ngày bắt đầu đến ngày kết thúc.")
                if v.get("year") and start.year != v["year"]:
                    row.warn(f"Lớp bắt đầu năm {start.year}, khác năm kế hoạch {v['year']}.")
            fields = {
                "name": v.get("name") or "",
                "audience": audiences.get(v.get("audience")),
                "organiser": organiser,
                "starts_on": start,
                "ends_on": end,
                "days": n,
                "place": v.get("place") or "",
            }
            row.context["fields"] = fields
            course = existing.get(key)
            if course is None:
                row.outcome = NEW
                continue
            if not self._managed(row, course):
                continue
            row.context["course"] = course
            for name, new in fields.items():
                old = getattr(course, name)
                if old != new:
                    header = self.kind.header(name) or "Đơn vị tổ chức"
                    row.changes.append(f"{header}: {_shown(old)} → {_shown(new)}")
            row.outcome = UPDATED if row.changes else UNCHANGED

    def write(self, row: RowResult) -> None:
        fields, v = row.context["fields"], row.values
        organiser = fields["organiser"]
        plan, _ = TrainingPlan.objects.get_or_create(
            organiser=organiser, year=v["year"],
            defaults={"title": f"Kế hoạch huấn luyện năm {v['year']} – {organiser.name}"},
        )  # fmt: skip
        course = row.context.get("course") or Course(code=v["course"])
        for name, value in fields.items():
            setattr(course, name, value)
        course.plan = plan
        course.full_clean()
        course._change_reason = REASON
        if self.user is not None:
            course._history_user = self.user
        course.save()


class QuotaImporter(_TrainingImporter):
    def plan(self, rows: list[RowResult]) -> None:
        courses = self._courses(rows)
        agencies = {
            u.code: u
            for u in Unit.objects.filter(
                code__in={r.values["agency"] for r in rows if r.values.get("agency")}
            )
        }
        trained: dict[int, set[int]] = {}
        quotas = {
            (q.course_id, q.agency_id): q
            for q in Quota.objects.filter(course__in=list(courses.values()))
        }
        first: dict[tuple, RowResult] = {}
        for row in rows:
            v = row.values
            course, agency = courses.get(v.get("course")), agencies.get(v.get("agency"))
            row.label = f"{v.get('course') or ''} — {v.get('agency') or ''}".strip(" —")
            if v.get("course") is None or not self._managed(row, course):
                continue
            if agency is None or not agency.is_agency:
                row.error("agency", "Không tìm thấy cơ quan, tổ chức có mã này.")
                continue
            if course.pk not in trained:  # one query per course of the file
                trained[course.pk] = set(
                    Unit.objects.subtree(course.organiser, on=course.starts_on)
                    .agencies()
                    .values_list("id", flat=True)
                )
            if agency.pk not in trained[course.pk]:
                row.error("agency", f"Cơ quan này không thuộc {course.organiser.name}.")
                continue
            other = first.setdefault((course.pk, agency.pk), row)
            if other is not row:
                row.error("agency", f"Trùng với dòng {other.number} trong tệp.")
                continue
            row.context.update(course=course, agency=agency)
            quota = quotas.get((course.pk, agency.pk))
            row.context["quota"] = quota
            if quota is None:
                row.outcome = NEW
            elif quota.quantity != v["quantity"]:
                row.changes.append(f"Chỉ tiêu: {quota.quantity} → {v['quantity']}")
                row.outcome = UPDATED
            else:
                row.outcome = UNCHANGED

    def write(self, row: RowResult) -> None:
        quota = row.context["quota"] or Quota(
            course=row.context["course"], agency=row.context["agency"]
        )
        quota.quantity = row.values["quantity"]
        quota._change_reason = REASON
        if self.user is not None:
            quota._history_user = self.user
        quota.save()


class AttendanceImporter(_TrainingImporter):
    def plan(self, rows: list[RowResult]) -> None:
        courses = self._courses(rows)
        people = {
            p.cccd: p
            for p in Person.objects.filter(
                cccd__in={r.values["cccd"] for r in rows if r.values.get("cccd")}
            ).select_related("agency")
        }
        nominations = {
            (n.course_id, n.person_id): n
            for n in Nomination.objects.active().filter(
                course__in=list(courses.values()), person__in=list(people.values())
            )
        }
        rules = {r.audience.pk: r for r in audience_rules()}
        facts_on: dict[dt.date, dict[int, Facts]] = {}
        first: dict[tuple, RowResult] = {}
        for row in rows:
            v = row.values
            course, person = courses.get(v.get("course")), people.get(v.get("cccd"))
            row.label = f"{v.get('course') or ''} — {person or v.get('full_name') or ''}"
            if v.get("course") is None or not self._managed(row, course):
                continue
            if person is None or not self.scope.contains(person.agency):
                row.error("cccd", "Không tìm thấy người có số CCCD này trong phạm vi quản lý.")
                continue
            other = first.setdefault((course.pk, person.pk), row)
            if other is not row:
                row.error("cccd", f"Trùng với dòng {other.number} trong tệp.")
                continue
            n = v.get("days")
            present = n is None or n > 0
            wanted = (
                Attendance.PRESENT if present else Attendance.ABSENT,
                (course.days if n is None else n) if present else Decimal(0),
                "" if present else (v.get("reason") or ""),
                v.get("result") or "" if present else "",
            )
            if present and n is not None and n > course.days:
                row.error("days", f"Nhiều hơn số ngày của lớp ({days_text(course.days)}).")
            if not present and v.get("result"):
                row.error("result", "Vắng mặt (0 ngày) thì không có kết quả.")
            if not present and not wanted[2]:
                row.error("reason", "Vắng mặt cần ghi lý do.")
            row.context.update(course=course, person=person, wanted=wanted)
            nomination = nominations.get((course.pk, person.pk))
            row.context["nomination"] = nomination
            if nomination is None:
                if course.starts_on not in facts_on:  # one pair of queries per start date
                    ids = [p.pk for p in people.values()]
                    facts_on[course.starts_on] = people_facts(ids, course.starts_on)
                facts = facts_on[course.starts_on].get(person.pk, Facts(person.pk))
                why = rules[course.audience_id].refusal(facts, course.starts_on)
                if why:
                    row.warn(f"Không thuộc đối tượng “{course.audience}”: {why}")
                row.outcome = NEW
                continue
            old = (
                nomination.attendance, nomination.days_attended, nomination.absence_reason,
                nomination.result,
            )  # fmt: skip
            if old != wanted:
                labels = ("Tham gia", "Số ngày", "Lý do vắng", "Kết quả")
                row.changes += [
                    f"{label}: {_shown(a)} → {_shown(b)}"
                    for label, a, b in zip(labels, old, wanted, strict=True)
                    if a != b
                ]
                row.outcome = UPDATED
            else:
                row.outcome = UNCHANGED

    def write(self, row: RowResult) -> None:
        person = row.context["person"]
        nomination = row.context["nomination"] or Nomination(
            course=row.context["course"], person=person, agency=person.agency,
            nominated_by=self.user,
        )  # fmt: skip
        (
            nomination.attendance, nomination.days_attended, nomination.absence_reason,
            nomination.result,
        ) = row.context["wanted"]  # fmt: skip
        nomination._change_reason = REASON
        if self.user is not None:
            nomination._history_user = self.user
        nomination.save()


def _courses_in_scope(scope, unit: str | None):
    courses = Course.objects.filter(organiser__in=scope.units())
    if unit:
        courses = courses.filter(organiser__in=Unit.objects.subtree(scope.get_unit(unit)))
    return courses


def course_rows(scope, unit: str | None = None):
    for c in _courses_in_scope(scope, unit).select_related("plan", "organiser", "audience"):
        yield {
            "year": c.plan.year, "organiser": c.organiser.code, "course": c.code,
            "name": c.name, "audience": c.audience.name, "starts_on": c.starts_on,
            "ends_on": c.ends_on, "days": c.days, "place": c.place,
        }  # fmt: skip


def quota_rows(scope, unit: str | None = None):
    quotas = Quota.objects.filter(course__in=_courses_in_scope(scope, unit)).select_related(
        "course", "agency"
    )
    for q in quotas.order_by("course__code", "agency__code"):
        yield {
            "course": q.course.code, "agency": q.agency.code, "agency_name": q.agency.name,
            "quantity": q.quantity,
        }  # fmt: skip


def attendance_rows(scope, unit: str | None = None):
    nominations = (
        Nomination.objects.active()
        .filter(course__in=_courses_in_scope(scope, unit))
        .select_related("course", "person")
        .order_by("course__code", "agency__name", "person__sort_key", "id")
    )
    private = scope.can("change_people")
    for n in nominations:
        yield {
            "course": n.course.code,
            "cccd": n.person.cccd if private else mask(n.person.cccd),
            "full_name": n.person.full_name,
            "days": n.days_attended if n.attendance else None,
            "reason": n.absence_reason,
            "result": n.get_result_display() if n.result else None,
        }


for kind in (
    registry.Kind(
        code="courses", title="Lớp huấn luyện, tập huấn", sheet_title="Lớp huấn luyện",
        description="Kế hoạch năm, lớp, đối tượng, thời gian, số ngày, địa điểm.",
        columns=COURSE_COLUMNS, importer=CourseImporter, export_rows=course_rows,
    ),
    registry.Kind(
        code="quotas", title="Chỉ tiêu huấn luyện", sheet_title="Chỉ tiêu",
        description="Chỉ tiêu của từng cơ quan, tổ chức cho từng lớp.",
        columns=QUOTA_COLUMNS, importer=QuotaImporter, export_rows=quota_rows,
    ),
    registry.Kind(
        code="attendance", title="Kết quả huấn luyện", sheet_title="Kết quả huấn luyện",
        description="Người tham gia từng lớp: số ngày, lý do vắng, kết quả.",
        columns=ATTENDANCE_COLUMNS, importer=AttendanceImporter, export_rows=attendance_rows,
    ),
):  # fmt: skip
    registry.register(kind)
