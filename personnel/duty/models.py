"""Duty rotations (*trực*): kinds of duty, turns, crews, man-days, unavailability and
the holiday calendar — all as data (DOMAIN.md "Duty": no national formula exists for
shift length, head count or rounding, so every rule is configurable).

Man-days (*ngày công*): a crew member's `days_served` is the hours they served turned
into days by the province's rounding rule (`DutyPolicy.rounding`), stored on the row;
a turn's `man_days` is the sum over its crew (absent members count 0) and is stored on
the turn too, so tallies are one aggregate over turns. Seed 002's "48 lượt, 8.832 ngày
công" is e.g. 48 four-day patrols (96 h) of 46 people: 48 × 46 × 4 = 8.832.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from chqs.text import fold
from units.models import Unit

HOURS_PER_DAY = Decimal(24)


class Rounding(models.TextChoices):
    EXACT = "exact", "Theo giờ thực tế (số giờ ÷ 24)"
    HALF = "half", "Làm tròn lên nửa ngày (≤ 12 giờ = 0,5 ngày)"
    WHOLE = "whole", "Làm tròn lên cả ngày (phần lẻ = 1 ngày)"


def days_for_hours(hours: Decimal, rounding: str) -> Decimal:
    """Days served for `hours` on duty under a rounding rule. Whole days of 24 h count
    one each; the rest of a day is hours/24 (EXACT, three decimals), half a day up to
    12 h and a day beyond (HALF), or a full day (WHOLE). 12 h → 0,5 / 0,5 / 1."""
    hours = Decimal(hours)
    if hours <= 0:
        return Decimal("0")
    whole, rest = divmod(hours, HOURS_PER_DAY)
    if rest == 0:
        part = Decimal(0)
    elif rounding == Rounding.WHOLE:
        part = Decimal(1)
    elif rounding == Rounding.HALF:
        part = Decimal("0.5") if rest <= 12 else Decimal(1)
    else:
        part = (rest / HOURS_PER_DAY).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    return (whole + part).quantize(Decimal("0.001"))


class DutyPolicy(models.Model):
    """A province's rules for counting duty (one row per province; none = defaults)."""

    province = models.OneToOneField(
        Unit, models.CASCADE, related_name="duty_policy", verbose_name="tỉnh, thành phố"
    )
    rounding = models.CharField(
        "quy tắc tính ngày công", max_length=8, choices=Rounding.choices, default=Rounding.HALF
    )

    class Meta:
        verbose_name = "quy định tính ngày công trực"
        verbose_name_plural = "quy định tính ngày công trực"

    def __str__(self) -> str:
        return f"{self.province}: {self.get_rounding_display()}"


DEFAULT_ROUNDING = Rounding.HALF


class DutyKindQuerySet(models.QuerySet):
    def for_province(self, province_id: int | None) -> "DutyKindQuerySet":
        """The kinds a province uses: its own and the nationwide defaults."""
        return self.filter(Q(province__isnull=True) | Q(province_id=province_id))


class DutyKind(models.Model):
    """A kind of duty with its defaults; `province` empty = a default for every province."""

    province = models.ForeignKey(
        Unit, models.CASCADE, null=True, blank=True, related_name="duty_kinds",
        verbose_name="tỉnh, thành phố",
    )  # fmt: skip
    code = models.SlugField("mã", max_length=40)
    name = models.CharField("loại trực", max_length=120)
    folded_name = models.CharField(max_length=120, editable=False, default="")
    shift_hours = models.PositiveSmallIntegerField("thời lượng một lượt (giờ)", default=24)
    crew_size = models.PositiveSmallIntegerField("số người một lượt", default=3)
    night_apart = models.BooleanField("tính riêng giờ trực đêm (22:00–06:00)", default=False)
    holiday_apart = models.BooleanField("tính riêng trực ngày lễ, Tết", default=True)
    min_rest_hours = models.PositiveSmallIntegerField(
        "nghỉ tối thiểu giữa hai lượt (giờ)", default=48
    )
    start_time = models.TimeField("giờ bắt đầu mặc định", default=dt.time(7, 30))
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    objects = DutyKindQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "loại trực"
        verbose_name_plural = "loại trực"
        constraints = [
            models.UniqueConstraint(
                fields=["province", "code"], name="duty_kind_code_per_province"
            ),
            models.UniqueConstraint(
                fields=["code"], condition=Q(province__isnull=True), name="duty_kind_default_code"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.folded_name = fold(self.name)
        super().save(*args, **kwargs)


class TurnState(models.TextChoices):
    DRAFT = "draft", "Dự kiến"
    PUBLISHED = "published", "Đã ban hành"


class DutyPlan(models.Model):
    """One run of the rota planner: what was asked, by whom; its turns point back here
    and its `notes` keep, per turn, who was skipped and why (the planner's explanation)."""

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="duty_plans", verbose_name="đơn vị")
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày")
    params = models.JSONField("tham số", default=dict)
    notes = models.JSONField("giải trình", default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "kế hoạch trực"
        verbose_name_plural = "kế hoạch trực"

    def __str__(self) -> str:
        return f"Kế hoạch trực {self.unit} {self.starts_on:%d/%m/%Y}–{self.ends_on:%d/%m/%Y}"


class DutyTurnQuerySet(models.QuerySet):
    def published(self) -> "DutyTurnQuerySet":
        return self.filter(state=TurnState.PUBLISHED)

    def in_period(self, start: dt.date, end: dt.date) -> "DutyTurnQuerySet":
        """Turns whose local start date lies in [start, end] (both included): a turn
        belongs to the period it starts in, even when it ends in the next one."""
        return self.filter(starts_on__gte=start, starts_on__lte=end)

    def for_units(self, unit_ids) -> "DutyTurnQuerySet":
        return self.filter(unit_id__in_ids=unit_ids)

    def overlapping(self, starts_at: dt.datetime, ends_at: dt.datetime) -> "DutyTurnQuerySet":
        return self.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)


class DutyTurn(models.Model):
    """One deployment (*lượt trực*): a kind, a period, a place, an officer in charge and
    a crew (`assignments`). Published turns can still change; the history keeps who
    changed what."""

    unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="duty_turns",
        verbose_name="đơn vị tổ chức trực",
    )  # fmt: skip
    kind = models.ForeignKey(
        DutyKind, models.PROTECT, related_name="turns", verbose_name="loại trực"
    )
    starts_at = models.DateTimeField("bắt đầu")
    ends_at = models.DateTimeField("kết thúc")
    # The local (Asia/Ho_Chi_Minh) date the turn starts: the period it belongs to.
    starts_on = models.DateField("ngày trực", editable=False, db_index=True)
    place = models.CharField("địa điểm", max_length=255, blank=True)
    officer = models.ForeignKey(
        "personnel.Person", models.SET_NULL, null=True, blank=True, related_name="duty_led",
        verbose_name="người chỉ huy, trực chỉ huy",
    )  # fmt: skip
    state = models.CharField(
        "trạng thái", max_length=10, choices=TurnState.choices, default=TurnState.DRAFT
    )
    plan = models.ForeignKey(
        DutyPlan, models.SET_NULL, null=True, blank=True, related_name="turns",
        verbose_name="kế hoạch",
    )  # fmt: skip
    reference = models.CharField("số hiệu lượt", max_length=60, blank=True)
    notes = models.CharField("ghi chú", max_length=255, blank=True)
    man_days = models.DecimalField(
        "ngày công", max_digits=10, decimal_places=3, default=Decimal(0), editable=False
    )
    # Sums over the crew of what is counted apart (duty.apart), stored like man_days.
    night_hours = models.DecimalField(
        "giờ trực đêm", max_digits=10, decimal_places=2, default=Decimal(0), editable=False
    )
    holiday_man_days = models.DecimalField(
        "ngày công cuối tuần, ngày lễ", max_digits=10, decimal_places=3, default=Decimal(0),
        editable=False,
    )  # fmt: skip
    history = HistoricalRecords()

    objects = DutyTurnQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = "lượt trực"
        verbose_name_plural = "lượt trực"
        indexes = [models.Index(fields=["unit", "starts_on"]), models.Index(fields=["state"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="duty_turn_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.kind} {local:%d/%m/%Y %H:%M}"

    def save(self, *args, **kwargs):
        self.starts_on = timezone.localdate(self.starts_at)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "starts_on"}
        super().save(*args, **kwargs)

    @property
    def hours(self) -> Decimal:
        return Decimal((self.ends_at - self.starts_at).total_seconds()) / 3600

    @property
    def is_published(self) -> bool:
        return self.state == TurnState.PUBLISHED


class AbsenceReason(models.TextChoices):
    AUTHORISED = "authorised", "Vắng có lý do được phép"
    OTHER_DUTY = "other_duty", "Làm nhiệm vụ khác"
    SICK = "sick", "Ốm đau"
    MISCONDUCT = "misconduct", "Vắng không lý do (vi phạm kỷ luật)"


class DutyAssignmentQuerySet(models.QuerySet):
    def present(self) -> "DutyAssignmentQuerySet":
        return self.filter(absent=False)


class DutyAssignment(models.Model):
    """A crew member of a turn and what they actually served. `hours` defaults to the
    turn's length; `days_served` follows from it (0 when absent) and is stored, and so do
    the night and weekend/holiday parts (duty.apart)."""

    turn = models.ForeignKey(DutyTurn, models.CASCADE, related_name="assignments")
    person = models.ForeignKey(
        "personnel.Person", models.PROTECT, related_name="duty_assignments",
        verbose_name="cán bộ, chiến sĩ",
    )  # fmt: skip
    is_officer = models.BooleanField("chỉ huy lượt trực", default=False)
    hours = models.DecimalField("số giờ thực trực", max_digits=7, decimal_places=2)
    days_served = models.DecimalField(
        "số ngày công", max_digits=7, decimal_places=3, default=Decimal(0)
    )
    # Counted apart (duty.apart), stored with days_served whatever the kind's flags: the
    # flags decide what the pages show, so changing one needs no recount.
    night_hours = models.DecimalField(
        "giờ trực đêm (22:00–06:00)", max_digits=7, decimal_places=2, default=Decimal(0)
    )
    holiday_hours = models.DecimalField(
        "giờ trực cuối tuần, ngày lễ", max_digits=7, decimal_places=2, default=Decimal(0)
    )
    holiday_days = models.DecimalField(
        "ngày công cuối tuần, ngày lễ", max_digits=7, decimal_places=3, default=Decimal(0)
    )
    absent = models.BooleanField("vắng", default=False)
    absence_reason = models.CharField(
        "lý do vắng", max_length=12, choices=AbsenceReason.choices, blank=True
    )
    replaced_by = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="replaces",
        verbose_name="người trực thay",
    )  # fmt: skip
    # Why the planner picked this person ("" when added by hand or imported).
    reason = models.CharField("lý do phân công", max_length=255, blank=True)
    history = HistoricalRecords()

    objects = DutyAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["turn", "-is_officer", "pk"]
        verbose_name = "người trực"
        verbose_name_plural = "người trực"
        constraints = [
            models.UniqueConstraint(fields=["turn", "person"], name="one_assignment_per_turn"),
            models.CheckConstraint(
                condition=Q(absent=False, absence_reason="") | Q(absent=True),
                name="absence_reason_only_when_absent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.turn}"

    def compute_days(self, rounding: str) -> Decimal:
        return Decimal(0) if self.absent else days_for_hours(self.hours, rounding)


class UnavailabilityReason(models.TextChoices):
    LEAVE = "leave", "Nghỉ phép"
    TRAINING = "training", "Đi học, tập huấn"
    SICK = "sick", "Ốm đau"
    TRAVEL = "travel", "Đi công tác"


class UnavailabilityQuerySet(models.QuerySet):
    def overlapping(self, start: dt.date, end: dt.date) -> "UnavailabilityQuerySet":
        return self.filter(starts_on__lte=end, ends_on__gte=start)


class Unavailability(models.Model):
    """A person cannot be put on duty from `starts_on` to `ends_on` (both included)."""

    person = models.ForeignKey(
        "personnel.Person", models.CASCADE, related_name="unavailabilities",
        verbose_name="cán bộ, chiến sĩ",
    )  # fmt: skip
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày")
    reason = models.CharField("lý do", max_length=10, choices=UnavailabilityReason.choices)
    note = models.CharField("ghi chú", max_length=255, blank=True)

    objects = UnavailabilityQuerySet.as_manager()

    class Meta:
        ordering = ["person", "starts_on"]
        verbose_name = "ngày vắng mặt"
        verbose_name_plural = "ngày vắng mặt"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="unavailability_ends_after"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_reason_display()} {self.starts_on:%d/%m/%Y}"


class CalendarKind(models.TextChoices):
    SOLAR = "solar", "Dương lịch"
    LUNAR = "lunar", "Âm lịch"


class HolidayRule(models.Model):
    """A recurring public holiday: `days` days from `offset` days after `month`/`day` of
    the solar or lunar calendar (Tết: lunar 1/1, from the day before, 5 days — Bộ luật
    Lao động 2019 Điều 112). `province` empty = nationwide."""

    name = models.CharField("tên ngày lễ", max_length=120)
    calendar = models.CharField("lịch", max_length=5, choices=CalendarKind.choices)
    month = models.PositiveSmallIntegerField("tháng")
    day = models.PositiveSmallIntegerField("ngày")
    offset = models.SmallIntegerField("lệch (ngày)", default=0)
    days = models.PositiveSmallIntegerField("số ngày nghỉ", default=1)
    province = models.ForeignKey(
        Unit, models.CASCADE, null=True, blank=True, related_name="holiday_rules",
        verbose_name="tỉnh, thành phố",
    )  # fmt: skip
    valid_from_year = models.PositiveSmallIntegerField("áp dụng từ năm", default=2021)
    valid_to_year = models.PositiveSmallIntegerField("đến năm", null=True, blank=True)

    class Meta:
        ordering = ["calendar", "month", "day"]
        verbose_name = "ngày lễ (quy tắc)"
        verbose_name_plural = "ngày lễ (quy tắc)"
        constraints = [
            models.CheckConstraint(
                condition=Q(month__range=(1, 12)) & Q(day__range=(1, 31)), name="holiday_month_day"
            )
        ]

    def __str__(self) -> str:
        return self.name


class HolidayDate(models.Model):
    """A one-off date: a compensatory day off, a bridge day, or a working Saturday
    that makes up for one (`is_day_off` False)."""

    date = models.DateField("ngày")
    name = models.CharField("nội dung", max_length=120)
    is_day_off = models.BooleanField("là ngày nghỉ", default=True)
    province = models.ForeignKey(
        Unit, models.CASCADE, null=True, blank=True, related_name="holiday_dates",
        verbose_name="tỉnh, thành phố",
    )  # fmt: skip

    class Meta:
        ordering = ["date"]
        verbose_name = "ngày nghỉ bù, làm bù"
        verbose_name_plural = "ngày nghỉ bù, làm bù"

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"
