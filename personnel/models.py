"""People of the agencies, their self-defence service and Ban CHQS appointments.

Legal anchors: Luật DQTV 2019 Điều 8 (ages), Điều 9 (term of 4 years), Điều 11–13
(postponement, exemption, early release, removal); NĐ 72/2020 Điều 4 (board seats).
"""

import datetime as dt
from contextlib import nullcontext

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from chqs import versions
from chqs.text import fold, name_sort_key
from units.models import Board, BoardPositionKind, ForceKind, Formation, Unit, today

CCCD_VALIDATOR = RegexValidator(
    r"^(\d{12}|\d{9})$", "Số CCCD phải gồm 12 chữ số (CMND cũ: 9 chữ số)."
)
TERM_YEARS = 4


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29/02 → 28/02
        return day.replace(year=day.year + years, day=28)


class Gender(models.TextChoices):
    MALE = "M", "Nam"
    FEMALE = "F", "Nữ"


class Ethnicity(models.Model):
    """The 54 recognised ethnic groups of Việt Nam (data, seeded by migration)."""

    code = models.PositiveSmallIntegerField("mã", unique=True)
    name = models.CharField("dân tộc", max_length=40, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "dân tộc"
        verbose_name_plural = "dân tộc"

    def __str__(self) -> str:
        return self.name


class PersonQuerySet(models.QuerySet):
    def search(self, text: str) -> "PersonQuerySet":
        folded = fold(text)
        qs = self
        for word in folded.split(" ") if folded else []:
            qs = qs.filter(search_text__contains=word)
        return qs

    # bulk_create and bulk_update skip save(): the derived fields are filled here instead.
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for person in objs:
            person.fill_derived_fields()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs, fields = list(objs), list(fields)
        if {"full_name", "cccd"} & set(fields):
            for person in objs:
                person.fill_derived_fields()
            fields += [f for f in DERIVED_FIELDS if f not in fields]
        return super().bulk_update(objs, fields, *args, **kwargs)


# Person fields no figure reads (reports, training, duty, the command tree): a change
# of only these leaves every cached figure valid (chqs.versions). Anything not listed
# here, including a field added later, bumps the figures' version when it changes.
# Not `sort_key`: the roster's cached pages are in its order (it changes with the name,
# which bumps the version anyway; a key written again alone must bump it too).
FIGURE_NEUTRAL_FIELDS = frozenset(
    {"phone", "residence", "hometown", "notes", "religion", "education", "qualification",
     "job_title", "health_grade", "search_text"}
)  # fmt: skip
# Derived from the name and the CCCD by `Person.fill_derived_fields()`, never typed.
DERIVED_FIELDS = ("search_text", "sort_key")


class Person(models.Model):
    """One human, on the staff list of one agency at a time (every employee, not only
    members: the military registers everyone of age — seed 000 item 3)."""

    agency = models.ForeignKey(
        Unit, models.PROTECT, related_name="people", verbose_name="cơ quan, tổ chức"
    )
    full_name = models.CharField("họ và tên", max_length=120)
    birth_date = models.DateField("ngày sinh")
    birth_year_only = models.BooleanField("chỉ biết năm sinh", default=False)
    gender = models.CharField("giới tính", max_length=1, choices=Gender.choices)
    cccd = models.CharField(
        "số CCCD", max_length=12, unique=True, validators=[CCCD_VALIDATOR],
        error_messages={"unique": "Số CCCD này đã có trong hệ thống."},
    )  # fmt: skip
    ethnicity = models.ForeignKey(
        Ethnicity, models.PROTECT, null=True, blank=True, verbose_name="dân tộc"
    )
    religion = models.CharField("tôn giáo", max_length=60, blank=True)
    hometown = models.CharField("quê quán", max_length=255, blank=True)
    residence = models.CharField("nơi thường trú", max_length=255, blank=True)
    education = models.CharField("trình độ văn hóa", max_length=20, blank=True)
    qualification = models.CharField("chuyên môn", max_length=120, blank=True)
    party_joined_on = models.DateField("ngày vào Đảng", null=True, blank=True)
    party_official_on = models.DateField("ngày chính thức", null=True, blank=True)
    youth_union_joined_on = models.DateField("ngày vào Đoàn", null=True, blank=True)
    job_title = models.CharField("chức vụ trong cơ quan", max_length=120, blank=True)
    phone = models.CharField("số điện thoại", max_length=20, blank=True)
    is_reservist = models.BooleanField("quân nhân dự bị", default=False)
    reservist_assigned = models.BooleanField("đã xếp vào đơn vị dự bị", default=False)
    health_grade = models.PositiveSmallIntegerField("sức khỏe (loại)", null=True, blank=True)
    notes = models.TextField("ghi chú", blank=True)
    search_text = models.CharField(max_length=300, editable=False, default="")
    # The Vietnamese order of names (chqs.text.name_sort_key): every list of people by
    # name sorts on it, the same on SQLite and PostgreSQL whatever the collation.
    sort_key = models.CharField(max_length=400, editable=False, default="")
    history = HistoricalRecords(excluded_fields=list(DERIVED_FIELDS))

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["sort_key", "id"]
        verbose_name = "cán bộ, nhân viên"
        verbose_name_plural = "cán bộ, nhân viên"
        # People by name: a scope's roster; one agency's people (its roster, the choices
        # of a board or a course). Index, not db_index: no second "_like" index on
        # PostgreSQL, which nothing would use (the key is never searched by prefix).
        indexes = [
            models.Index(fields=["sort_key"], name="personnel_person_sort_key"),
            models.Index(fields=["agency", "sort_key"], name="personnel_person_agency_sort"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(health_grade__isnull=True) | Q(health_grade__range=(1, 6)),
                name="health_grade_1_to_6",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.fill_derived_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *DERIVED_FIELDS}
        # Only contact details changed (a phone number corrected): no figure and no
        # cached value depends on them, so the write bumps no data version.
        neutral = getattr(self, "_loaded", None) == self._figure_values()
        with versions.neutral_update(self._meta.db_table) if neutral else nullcontext():
            super().save(*args, **kwargs)
        self._loaded = self._figure_values()

    @classmethod
    def from_db(cls, db, field_names, values):
        person = super().from_db(db, field_names, values)
        person._loaded = person._figure_values()
        return person

    def _figure_values(self) -> tuple:
        # From __dict__: a deferred field (.only()) is compared as absent, not loaded.
        return tuple(
            self.__dict__.get(f.attname, models.DEFERRED)
            for f in self._meta.concrete_fields
            if f.name not in FIGURE_NEUTRAL_FIELDS
        )

    def fill_derived_fields(self) -> None:
        """Set the folded search text and the name's sort key (save() and the queryset's
        bulk_create/bulk_update call this; writers of raw rows set both themselves)."""
        self.search_text = fold(f"{self.full_name} {self.cccd}")
        self.sort_key = name_sort_key(self.full_name)

    def age_on(self, day: dt.date) -> int:
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years

    @property
    def is_party_member(self) -> bool:
        return self.party_joined_on is not None

    @property
    def is_youth_union_member(self) -> bool:
        return self.youth_union_joined_on is not None


class ServicePosition(models.Model):
    """A post in a self-defence unit (Điều 19): chiến sĩ, tiểu đội trưởng, ..."""

    code = models.SlugField("mã", max_length=40, unique=True)
    name = models.CharField("chức vụ", max_length=120, unique=True)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    is_leader = models.BooleanField("là cán bộ đơn vị", default=False)
    # Configurable restriction: "" = anyone, "M"/"F" = only that gender (a warning).
    allowed_gender = models.CharField(
        "giới hạn giới tính", max_length=1, choices=Gender.choices, blank=True
    )

    class Meta:
        ordering = ["order"]
        verbose_name = "chức vụ tự vệ"
        verbose_name_plural = "chức vụ tự vệ"

    def __str__(self) -> str:
        return self.name


class ServiceStatus(models.TextChoices):
    SERVING = "serving", "Đang tham gia"
    POSTPONED = "postponed", "Tạm hoãn"
    EXEMPT = "exempt", "Miễn"
    RELEASED = "released", "Thôi trước thời hạn"
    REMOVED = "removed", "Đưa ra khỏi danh sách"
    COMPLETED = "completed", "Hoàn thành"
    TRANSFERRED = "transferred", "Chuyển đơn vị"


OPEN_STATUSES = (ServiceStatus.SERVING, ServiceStatus.POSTPONED)


class StatusReason(models.Model):
    """Legal reason for a status (Luật DQTV Điều 11–13), as data."""

    status = models.CharField("tình trạng", max_length=12, choices=ServiceStatus.choices)
    code = models.SlugField("mã", max_length=40, unique=True)
    name = models.CharField("lý do", max_length=200)
    legal_basis = models.CharField("căn cứ", max_length=120, blank=True)

    class Meta:
        ordering = ["status", "name"]
        verbose_name = "lý do thay đổi tình trạng"
        verbose_name_plural = "lý do thay đổi tình trạng"

    def __str__(self) -> str:
        return self.name


class ServiceQuerySet(models.QuerySet):
    def open(self) -> "ServiceQuerySet":
        return self.filter(ended_on__isnull=True)

    def serving_on(self, day: dt.date | None = None) -> "ServiceQuerySet":
        """Members in the force on `day`: joined, not ended, not postponed then."""
        day = day or today()
        return (
            self.filter(joined_on__lte=day)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
            .exclude(status=ServiceStatus.POSTPONED, status_on__lte=day)
        )

    def term_ending_within(self, days: int, day: dt.date | None = None) -> "ServiceQuerySet":
        day = day or today()
        return self.open().filter(
            status=ServiceStatus.SERVING, term_end__gte=day, term_end__lte=day + dt.timedelta(days)
        )


class Service(models.Model):
    """One stretch of self-defence service. A transfer or a discharge closes it
    (`ended_on`) and, for a transfer, the next record opens: nothing is overwritten."""

    person = models.ForeignKey(
        Person, models.CASCADE, related_name="services", verbose_name="cán bộ, chiến sĩ"
    )
    agency = models.ForeignKey(
        Unit, models.PROTECT, related_name="services", verbose_name="cơ quan, tổ chức"
    )
    formation = models.ForeignKey(
        Formation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="services",
        verbose_name="đơn vị tự vệ",
    )
    position = models.ForeignKey(ServicePosition, models.PROTECT, verbose_name="chức vụ tự vệ")
    force_kind = models.ForeignKey(ForceKind, models.PROTECT, verbose_name="thành phần")
    joined_on = models.DateField("ngày vào tự vệ")
    term_end = models.DateField("hết thời hạn")
    volunteer = models.BooleanField("tình nguyện (quá tuổi quy định)", default=False)
    status = models.CharField(
        "tình trạng", max_length=12, choices=ServiceStatus.choices, default=ServiceStatus.SERVING
    )
    status_on = models.DateField("ngày thay đổi tình trạng", null=True, blank=True)
    status_reason = models.ForeignKey(
        StatusReason, models.PROTECT, null=True, blank=True, verbose_name="lý do"
    )
    decision = models.CharField("quyết định", max_length=120, blank=True)
    ended_on = models.DateField("ngày kết thúc", null=True, blank=True)
    history = HistoricalRecords()

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["person", "joined_on"]
        verbose_name = "quá trình tham gia tự vệ"
        verbose_name_plural = "quá trình tham gia tự vệ"
        indexes = [
            models.Index(fields=["agency", "ended_on"]),
            models.Index(fields=["term_end"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(ended_on__isnull=True), name="one_open_service"
            ),
            models.CheckConstraint(
                condition=Q(term_end__gt=models.F("joined_on")), name="term_ends_after_joining"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.position}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class ServiceExtension(models.Model):
    """Term extension (Điều 9.2): by decision of the agency head, with the new end."""

    service = models.ForeignKey(Service, models.CASCADE, related_name="extensions")
    decision = models.CharField("quyết định", max_length=120)
    decided_on = models.DateField("ngày quyết định")
    previous_end = models.DateField("hạn cũ")
    new_end = models.DateField("hạn mới")
    history = HistoricalRecords()

    class Meta:
        ordering = ["service", "decided_on"]
        verbose_name = "gia hạn"
        verbose_name_plural = "gia hạn"

    def __str__(self) -> str:
        return f"Gia hạn đến {self.new_end:%d/%m/%Y} ({self.decision})"


class AppointmentState(models.TextChoices):
    PROPOSED = "proposed", "Đề xuất"
    CONFIRMED = "confirmed", "Đã xác nhận"
    REJECTED = "rejected", "Không chấp thuận"


class BoardAppointmentQuerySet(models.QuerySet):
    def current(self, day: dt.date | None = None) -> "BoardAppointmentQuerySet":
        day = day or today()
        return self.filter(state=AppointmentState.CONFIRMED, starts_on__lte=day).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gt=day)
        )


class BoardAppointment(models.Model):
    """A person holds a seat on a Ban CHQS from a date to a date, by a decision.
    A clerk proposes; a staff officer confirms."""

    board = models.ForeignKey(
        Board, models.CASCADE, related_name="appointments", verbose_name="Ban CHQS"
    )
    position = models.ForeignKey(BoardPositionKind, models.PROTECT, verbose_name="chức vụ")
    person = models.ForeignKey(
        Person, models.PROTECT, related_name="appointments", verbose_name="người đảm nhiệm"
    )
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày", null=True, blank=True)
    decision_number = models.CharField("số quyết định", max_length=60, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    state = models.CharField(
        "trạng thái", max_length=10, choices=AppointmentState.choices,
        default=AppointmentState.PROPOSED,
    )  # fmt: skip
    # Who proposed and who decided (the history also records every change and its user);
    # kept on the row so the board page can say it without reading the history.
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="người đề xuất",
    )  # fmt: skip
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="người xác nhận/không chấp thuận",
    )  # fmt: skip
    rejected_reason = models.CharField("lý do không chấp thuận", max_length=255, blank=True)
    end_reason = models.CharField("lý do thôi giữ chức vụ", max_length=255, blank=True)
    history = HistoricalRecords()

    objects = BoardAppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["board", "position__order", "starts_on"]
        verbose_name = "bổ nhiệm Ban CHQS"
        verbose_name_plural = "bổ nhiệm Ban CHQS"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=models.F("starts_on")),
                name="appointment_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.position} – {self.person}"


# Duty rotations live in their own sub-package; importing them here registers the models
# with the personnel app (migrations in personnel/migrations).
from .duty.models import (  # noqa: E402, F401
    DutyAssignment,
    DutyKind,
    DutyPlan,
    DutyPolicy,
    DutyTurn,
    HolidayDate,
    HolidayRule,
    Unavailability,
)
