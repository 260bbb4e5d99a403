"""Periodic returns (báo cáo định kỳ): the province's reporting rules, and the return as
an official document with its workflow and frozen versions.

A return is one row per version: correcting an approved return opens version n+1
(`supersedes` points back); every version keeps what it was approved with — the
figures (`snapshot`) and the rendered PDF (`pdf_file`, `pdf_sha256`) — so an inspector
sees exactly what was signed (TT 75/2020 Điều 20: returns must be traceable).
"""

import datetime as dt

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from units.models import Unit

from .periods import CUSTOM, HALF, QUARTER, TT58_CUTOFF_DAY, YEAR, parse_period


class PrivateStorage(FileSystemStorage):
    """Files under PRIVATE_ROOT (never served by the web server; views stream them after
    the scope check). The root is read from the settings on every use, so a test's
    temporary root applies."""

    @property
    def base_location(self):
        return settings.PRIVATE_ROOT

    @property
    def location(self):
        return str(settings.PRIVATE_ROOT)

    @property
    def base_url(self):
        return None


def private_storage() -> PrivateStorage:
    return PrivateStorage()


class ReportingRule(models.Model):
    """A province's reporting calendar: the cut-off day of the data windows (TT 58/2020:
    15; 0 = calendar months) and how many days after a window ends a return is due, per
    period type. The rule of the nearest unit above (or at) the reporting unit applies;
    without one, TT 58 windows and the default deadlines."""

    unit = models.OneToOneField(
        Unit, models.CASCADE, related_name="reporting_rule", verbose_name="đơn vị"
    )
    cutoff_day = models.PositiveSmallIntegerField(
        "ngày chốt số liệu", default=TT58_CUTOFF_DAY, help_text="0: theo tháng dương lịch"
    )
    place = models.CharField(
        "địa danh trên văn bản", max_length=80, blank=True, help_text="Ví dụ: Cần Thơ"
    )
    days_quarter = models.PositiveSmallIntegerField("hạn nộp báo cáo quý (ngày)", default=5)
    days_half = models.PositiveSmallIntegerField("hạn nộp báo cáo 6 tháng (ngày)", default=5)
    days_year = models.PositiveSmallIntegerField("hạn nộp báo cáo năm (ngày)", default=10)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "quy định kỳ báo cáo"
        verbose_name_plural = "quy định kỳ báo cáo"
        constraints = [
            models.CheckConstraint(condition=Q(cutoff_day__lte=28), name="cutoff_day_at_most_28")
        ]

    def __str__(self) -> str:
        return f"Kỳ báo cáo của {self.unit}"

    def deadline_days(self, kind: str) -> int:
        return {QUARTER: self.days_quarter, HALF: self.days_half, YEAR: self.days_year}.get(
            kind, self.days_half
        )


DEFAULT_RULE = ReportingRule(cutoff_day=TT58_CUTOFF_DAY)


class ReturnState(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    SUBMITTED = "submitted", "Đã trình"
    APPROVED = "approved", "Đã phê duyệt"
    RETURNED = "returned", "Trả lại"


class SigningForm(models.TextChoices):
    COMMANDER = "cht", "CHỈ HUY TRƯỞNG"
    DEPUTY = "kt", "KT. CHỈ HUY TRƯỞNG / PHÓ CHỈ HUY TRƯỞNG"


class ReturnQuerySet(models.QuerySet):
    def current(self) -> "ReturnQuerySet":
        """The latest version of each return (not superseded by a correction)."""
        return self.filter(superseded_by__isnull=True)


class Return(models.Model):
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="returns", verbose_name="đơn vị")
    period_label = models.CharField("kỳ báo cáo", max_length=30)
    period_kind = models.CharField(
        "loại kỳ",
        max_length=10,
        choices=[(YEAR, "Năm"), (HALF, "6 tháng"), (QUARTER, "Quý"), (CUSTOM, "Tùy chọn")],
    )
    start = models.DateField("từ ngày")
    end = models.DateField("đến ngày")
    as_of = models.DateField("số liệu tính đến ngày")
    version = models.PositiveSmallIntegerField("lần", default=1)
    supersedes = models.OneToOneField(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name="đính chính báo cáo",
    )
    # Number and symbol (NĐ 30/2020 Điều 15): from 01 each year per issuing unit, given
    # when the return is approved (issued).
    number = models.PositiveIntegerField("số", null=True, blank=True)
    number_year = models.PositiveSmallIntegerField("năm đánh số", null=True, blank=True)
    symbol = models.CharField("ký hiệu", max_length=40, default="BC-BCHQS")
    place = models.CharField("địa danh", max_length=80, blank=True)
    issued_on = models.DateField("ngày ban hành", null=True, blank=True)
    signing_form = models.CharField(
        "hình thức ký", max_length=4, choices=SigningForm.choices, default=SigningForm.COMMANDER
    )
    signer_name = models.CharField("người ký", max_length=120, blank=True)
    recipients = models.TextField(
        "nơi nhận", blank=True, help_text="Mỗi dòng một nơi nhận; dòng cuối thường là “Lưu: VT”."
    )
    situation = models.TextField("đặc điểm tình hình", blank=True)
    leadership = models.TextField("kết quả lãnh đạo, chỉ đạo", blank=True)
    shortcomings = models.TextField("hạn chế, nguyên nhân", blank=True)
    next_tasks = models.TextField("phương hướng nhiệm vụ kỳ tới", blank=True)
    proposals = models.TextField("kiến nghị, đề xuất", blank=True)

    state = models.CharField(
        "trạng thái", max_length=10, choices=ReturnState.choices, default=ReturnState.DRAFT
    )
    comment = models.TextField("ý kiến khi trả lại", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="người lập"
    )
    created_at = models.DateTimeField("lập lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="người trình",
    )  # fmt: skip
    submitted_at = models.DateTimeField("trình lúc", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="người phê duyệt/trả lại",
    )  # fmt: skip
    decided_at = models.DateTimeField("phê duyệt/trả lại lúc", null=True, blank=True)

    # Frozen at approval: every figure, and the PDF as signed.
    snapshot = models.JSONField("số liệu khi phê duyệt", null=True, blank=True)
    pdf_file = models.FileField(
        "tệp PDF đã phê duyệt", storage=private_storage, upload_to="returns/", blank=True
    )
    pdf_sha256 = models.CharField("SHA-256 của tệp PDF", max_length=64, blank=True)

    # The per-person annex (danh sách kèm theo), built by a background task.
    annex_status = models.CharField("danh sách kèm theo", max_length=10, blank=True)
    annex_progress = models.PositiveSmallIntegerField("tiến độ (%)", default=0)
    annex_file = models.FileField(
        "tệp danh sách kèm theo", storage=private_storage, upload_to="returns/", blank=True
    )
    history = HistoricalRecords(excluded_fields=["snapshot", "annex_progress"])

    objects = ReturnQuerySet.as_manager()

    class Meta:
        ordering = ["-end", "unit__code", "-version"]
        verbose_name = "báo cáo định kỳ"
        verbose_name_plural = "báo cáo định kỳ"
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period_label", "version"], name="one_return_version"
            ),
            models.UniqueConstraint(
                fields=["unit", "number_year", "number", "symbol"],
                condition=Q(number__isnull=False),
                name="return_number_once_per_year",
            ),
        ]
        indexes = [models.Index(fields=["period_label", "state"])]

    def __str__(self) -> str:
        return f"Báo cáo {self.period.title} – {self.unit}"

    @cached_property
    def period(self):
        period = parse_period(self.period_label)
        if (period.start, period.end) != (self.start, self.end):
            # The province's own window, fixed when the return was created.
            from dataclasses import replace

            period = replace(period, start=self.start, end=self.end)
        return period

    @property
    def reference(self) -> str:
        """ "05/BC-BCHQS"; empty until issued."""
        if self.number is None:
            return ""
        return f"{self.number:02d}/{self.symbol}"

    @property
    def is_frozen(self) -> bool:
        return self.state == ReturnState.APPROVED

    @property
    def is_editable(self) -> bool:
        return self.state in (ReturnState.DRAFT, ReturnState.RETURNED)

    def recipient_lines(self) -> list[str]:
        return [line.strip(" -;.") for line in self.recipients.splitlines() if line.strip(" -;.")]

    def deadline(self, rule: ReportingRule | None = None) -> dt.date:
        rule = rule or DEFAULT_RULE
        return self.end + dt.timedelta(days=rule.deadline_days(self.period_kind))
