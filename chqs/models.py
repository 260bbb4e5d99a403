"""Infrastructure records shared by every app: the trail of spreadsheet imports, the
data versions behind per-process caches."""

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Đang chờ xử lý"
    RUNNING = "running", "Đang kiểm tra"
    APPLYING = "applying", "Đang ghi"
    UNREADABLE = "unreadable", "Tệp không đọc được"
    REJECTED = "rejected", "Có dòng bị từ chối"
    READY = "ready", "Sẵn sàng áp dụng"
    NOTHING = "nothing", "Không có gì thay đổi"
    APPLIED = "applied", "Đã áp dụng"
    FAILED = "failed", "Lỗi hệ thống"


ACTIVE_STATUSES = (ImportStatus.QUEUED, ImportStatus.RUNNING, ImportStatus.APPLYING)
PHASE_LABELS = {
    "": "Đang chờ",
    "reading": "Đang đọc tệp",
    "checking": "Đang kiểm tra từng dòng",
    "writing": "Đang ghi vào cơ sở dữ liệu",
}
# A job still "running" after this long lost its worker (a restart): it may be run again.
STALE_AFTER = dt.timedelta(minutes=15)


class ImportJob(models.Model):
    """One uploaded file: who sent what, when, what the preview said, whether it was applied.

    The file is kept under PRIVATE_ROOT with a generated name (`stored_path`, relative);
    the user's own file name is only recorded, never used in a path. `token` is what
    the pages show; a job is only ever looked up together with its user. The check and
    the apply run as tasks (`chqs.imports.tasks`) that write `status`, `phase` and
    `progress` as they go, so the page can be left and come back.
    """

    token = models.UUIDField("mã phiên nhập", default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("loại dữ liệu", max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="import_jobs",
        verbose_name="người tải lên",
    )
    uploaded_at = models.DateTimeField("thời điểm tải lên", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    applied_at = models.DateTimeField("thời điểm áp dụng", null=True, blank=True)
    original_name = models.CharField("tên tệp gốc", max_length=255)
    stored_path = models.CharField("tệp lưu trữ", max_length=255)
    sheet = models.CharField("trang tính", max_length=100, blank=True)
    unit = models.CharField(
        "mã đơn vị",
        max_length=40,
        blank=True,
        help_text="Đơn vị mà tệp nói về (nếu loại dữ liệu cần).",
    )
    sheets = models.JSONField("các trang tính của tệp", default=list, blank=True)
    mapping = models.JSONField(
        "cột do người dùng ghép",
        default=dict,
        blank=True,
        help_text="Chỉ số cột trong tệp (từ 0) → mã cột; chuỗi rỗng: không dùng cột đó.",
    )
    status = models.CharField(
        "trạng thái", max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    phase = models.CharField("bước đang làm", max_length=12, blank=True)
    progress = models.PositiveSmallIntegerField("tiến độ (%)", default=0)
    encoding = models.CharField("bảng mã của tệp", max_length=10, blank=True)
    error = models.TextField("lỗi", blank=True)
    valid_only = models.BooleanField("chỉ áp dụng các dòng hợp lệ", default=False)
    summary = models.JSONField("kết quả kiểm tra", default=dict, blank=True)
    # Which task last ran the job and where: `task` says what a retry runs again;
    # `worker` ("host:pid") is set while a task runs and cleared when it ends, so a job
    # still active with a worker whose lock is gone lost it (chqs.imports.tasks).
    task = models.CharField("việc", max_length=8, blank=True)
    worker = models.CharField("tiến trình xử lý", max_length=100, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = "lần nhập dữ liệu"
        verbose_name_plural = "các lần nhập dữ liệu"
        indexes = [models.Index(fields=["user", "-uploaded_at"])]

    def __str__(self) -> str:
        return f"{self.kind} · {self.original_name} · {self.uploaded_at:%d/%m/%Y %H:%M}"

    @property
    def path(self):
        return settings.PRIVATE_ROOT / self.stored_path

    @property
    def is_active(self) -> bool:
        """Queued or running, and not abandoned by a worker that died."""
        return self.status in ACTIVE_STATUSES and not self.is_stale

    @property
    def is_stale(self) -> bool:
        return (
            self.status in ACTIVE_STATUSES
            and self.updated_at is not None
            and timezone.now() - self.updated_at > STALE_AFTER
        )

    @property
    def phase_label(self) -> str:
        return PHASE_LABELS.get(self.phase, "")

    @property
    def can_apply(self) -> bool:
        return self.status == ImportStatus.READY

    @property
    def can_apply_valid_rows(self) -> bool:
        """Rows were rejected, and some valid rows would still change something."""
        counts = self.summary.get("counts", {})
        written = sum(counts.get(outcome, 0) for outcome in ("new", "updated", "moved"))
        return self.status == ImportStatus.REJECTED and written > 0

    @property
    def can_retry(self) -> bool:
        """A system failure (a worker killed, the database gone): run it again."""
        return self.status == ImportStatus.FAILED and self.task in ("preview", "apply")

    @property
    def can_recheck(self) -> bool:
        return not self.is_active and self.status != ImportStatus.APPLIED


# Models kept in their own modules, registered with the app here.
from .audit import ExportRecord  # noqa: E402, F401


class DataVersion(models.Model):
    """A number per kind of data, bumped by every committed write to it (chqs.versions):
    what per-process caches are keyed by."""

    name = models.CharField(max_length=40, primary_key=True)
    number = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "phiên bản dữ liệu"
        verbose_name_plural = "phiên bản dữ liệu"

    def __str__(self) -> str:
        return f"{self.name} {self.number}"
