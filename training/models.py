"""Training: audiences, yearly plans, courses, quotas, nominations, attendance, results.

Legal anchors: Luật DQTV 2019 Điều 28 (training days per year), Thông tư 69/2020/TT-BQP
(cadre training of platoon, squad and crew leaders). Audiences are data with stable codes
that the periodic returns' JSON uses; which people qualify is configured on each row.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from personnel.models import Person, ServicePosition
from units.models import CODE_VALIDATOR, ForceKind, Unit


class Audience(models.Model):
    """Who a course is for and how many days a year they must train.

    A person qualifies when they hold a Ban CHQS seat and `board_members` is set, or when
    they serve with a position in `positions` (any, if empty), a kind of force in
    `force_kinds` (any, if empty) and a year of service between `min_year` and
    `max_year` (open ends when empty). An audience for board members only (board members
    set, no positions) admits nobody through the second way.
    """

    code = models.SlugField("mã", max_length=30, unique=True)
    name = models.CharField("đối tượng", max_length=120, unique=True)
    required_days = models.PositiveSmallIntegerField("số ngày/năm theo quy định")
    is_cadre = models.BooleanField("tập huấn cán bộ", default=False)
    board_members = models.BooleanField("thành viên Ban CHQS", default=False)
    positions = models.ManyToManyField(
        ServicePosition, blank=True, related_name="+", verbose_name="chức vụ tự vệ"
    )
    force_kinds = models.ManyToManyField(
        ForceKind, blank=True, related_name="+", verbose_name="thành phần"
    )
    min_year = models.PositiveSmallIntegerField("từ năm thứ", null=True, blank=True)
    max_year = models.PositiveSmallIntegerField("đến năm thứ", null=True, blank=True)
    legal_basis = models.CharField("căn cứ", max_length=120, blank=True)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = "đối tượng huấn luyện"
        verbose_name_plural = "đối tượng huấn luyện"

    def __str__(self) -> str:
        return self.name


class TrainingPlan(models.Model):
    """An organiser's plan for a year: any unit of the command tree may organise."""

    year = models.PositiveSmallIntegerField("năm", validators=[MinValueValidator(2000)])
    organiser = models.ForeignKey(
        Unit, models.PROTECT, related_name="training_plans", verbose_name="đơn vị tổ chức"
    )
    title = models.CharField("tên kế hoạch", max_length=255)
    decision = models.CharField("số kế hoạch/quyết định", max_length=120, blank=True)
    notes = models.TextField("ghi chú", blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "organiser__name"]
        verbose_name = "kế hoạch huấn luyện"
        verbose_name_plural = "kế hoạch huấn luyện"
        constraints = [
            models.UniqueConstraint(
                fields=["organiser", "year"], name="one_plan_per_organiser_year"
            )
        ]

    def __str__(self) -> str:
        return self.title


class CourseQuerySet(models.QuerySet):
    def starting_between(self, start: dt.date, end: dt.date) -> "CourseQuerySet":
        """Courses counted in a window: those whose first day falls in [start, end]."""
        return self.filter(starts_on__gte=start, starts_on__lte=end)

    def in_year(self, year: int) -> "CourseQuerySet":
        return self.filter(starts_on__year=year)

    def organised_under(self, unit_ids) -> "CourseQuerySet":
        return self.filter(organiser_id__in=unit_ids)


class Course(models.Model):
    """A lớp tập huấn / huấn luyện: one audience, dates (sessions), days, place."""

    plan = models.ForeignKey(
        TrainingPlan, models.CASCADE, related_name="courses", verbose_name="kế hoạch"
    )
    code = models.CharField("mã lớp", max_length=40, unique=True, validators=[CODE_VALIDATOR])
    name = models.CharField("tên lớp", max_length=255)
    audience = models.ForeignKey(Audience, models.PROTECT, verbose_name="đối tượng")
    organiser = models.ForeignKey(
        Unit, models.PROTECT, related_name="training_courses", verbose_name="đơn vị tổ chức"
    )
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày")
    days = models.DecimalField(
        "số ngày", max_digits=4, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    place = models.CharField("địa điểm", max_length=255, blank=True)
    history = HistoricalRecords()

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on", "code"]
        verbose_name = "lớp huấn luyện"
        verbose_name_plural = "lớp huấn luyện"
        indexes = [models.Index(fields=["starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="course_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class CourseSession(models.Model):
    """One stretch of a course held in several sessions (đợt)."""

    course = models.ForeignKey(Course, models.CASCADE, related_name="sessions")
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày")
    place = models.CharField("địa điểm", max_length=255, blank=True)

    class Meta:
        ordering = ["course", "starts_on"]
        verbose_name = "đợt"
        verbose_name_plural = "đợt"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="session_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on:%d/%m/%Y} – {self.ends_on:%d/%m/%Y}"


class QuotaQuerySet(models.QuerySet):
    def for_agencies(self, unit_ids) -> "QuotaQuerySet":
        return self.filter(agency_id__in_ids=unit_ids)


class Quota(models.Model):
    """Chỉ tiêu: how many people an agency must send to a course."""

    course = models.ForeignKey(Course, models.CASCADE, related_name="quotas", verbose_name="lớp")
    agency = models.ForeignKey(
        Unit, models.PROTECT, related_name="training_quotas", verbose_name="cơ quan, tổ chức"
    )
    quantity = models.PositiveIntegerField("chỉ tiêu")
    history = HistoricalRecords()

    objects = QuotaQuerySet.as_manager()

    class Meta:
        ordering = ["course", "agency__name"]
        verbose_name = "chỉ tiêu"
        verbose_name_plural = "chỉ tiêu"
        constraints = [
            models.UniqueConstraint(fields=["course", "agency"], name="one_quota_per_course_agency")
        ]

    def __str__(self) -> str:
        return f"{self.course.code} – {self.agency}: {self.quantity}"


class NominationState(models.TextChoices):
    ACTIVE = "active", "Được cử"
    REPLACED = "replaced", "Đã thay người"
    WITHDRAWN = "withdrawn", "Rút tên"


class Attendance(models.TextChoices):
    PENDING = "", "Chưa ghi nhận"
    PRESENT = "present", "Có mặt"
    ABSENT = "absent", "Vắng mặt"


class Result(models.TextChoices):
    EXCELLENT = "gioi", "Giỏi"
    GOOD = "kha", "Khá"
    PASS = "dat", "Đạt"
    FAIL = "khong_dat", "Không đạt"


PASSING = (Result.EXCELLENT, Result.GOOD, Result.PASS)
GOOD_OR_EXCELLENT = (Result.EXCELLENT, Result.GOOD)


class NominationQuerySet(models.QuerySet):
    def active(self) -> "NominationQuerySet":
        """Nominations that count: not replaced by a substitute, not withdrawn."""
        return self.filter(state=NominationState.ACTIVE)

    def attended(self) -> "NominationQuerySet":
        return self.active().filter(attendance=Attendance.PRESENT)

    def for_agencies(self, unit_ids) -> "NominationQuerySet":
        return self.filter(agency_id__in_ids=unit_ids)


class Nomination(models.Model):
    """A person sent by their agency to a course, then their attendance and result.

    `agency` is the person's agency when nominated: it keeps counting for that agency's
    quota after the person moves. A substitution marks this row REPLACED and a new row
    points back to it with `replaces`.
    """

    course = models.ForeignKey(
        Course, models.CASCADE, related_name="nominations", verbose_name="lớp"
    )
    person = models.ForeignKey(
        Person, models.PROTECT, related_name="nominations", verbose_name="cán bộ, chiến sĩ"
    )
    agency = models.ForeignKey(
        Unit, models.PROTECT, related_name="training_nominations", verbose_name="cơ quan, tổ chức"
    )
    state = models.CharField(
        "trạng thái", max_length=10, choices=NominationState.choices,
        default=NominationState.ACTIVE,
    )  # fmt: skip
    replaces = models.OneToOneField(
        "self", models.SET_NULL, null=True, blank=True, related_name="replaced_by",
        verbose_name="thay cho",
    )  # fmt: skip
    change_reason = models.CharField("lý do thay/rút", max_length=255, blank=True)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="người cử",
    )  # fmt: skip
    attendance = models.CharField(
        "tham gia", max_length=8, choices=Attendance.choices, default=Attendance.PENDING,
        blank=True,
    )  # fmt: skip
    absence_reason = models.CharField("lý do vắng", max_length=255, blank=True)
    days_attended = models.DecimalField(
        "số ngày tham gia", max_digits=4, decimal_places=1, default=Decimal("0")
    )
    result = models.CharField("kết quả", max_length=10, choices=Result.choices, blank=True)
    history = HistoricalRecords()

    objects = NominationQuerySet.as_manager()

    class Meta:
        ordering = ["course", "agency__name", "person__sort_key"]
        verbose_name = "cử đi huấn luyện"
        verbose_name_plural = "cử đi huấn luyện"
        indexes = [models.Index(fields=["course", "agency", "state"])]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "person"],
                condition=Q(state="active"),
                name="one_active_nomination_per_person_course",
            ),
            models.CheckConstraint(
                condition=~Q(attendance="absent") | Q(result=""),
                name="absent_has_no_result",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.course.code}"

    @property
    def passed(self) -> bool:
        return self.result in PASSING
