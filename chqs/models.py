"""Infrastructure records shared by every app: the trail of spreadsheet imports."""

import uuid

from django.conf import settings
from django.db import models


class ImportStatus(models.TextChoices):
    UNREADABLE = "unreadable", "Tệp không đọc được"
    REJECTED = "rejected", "Có dòng bị từ chối"
    READY = "ready", "Sẵn sàng áp dụng"
    NOTHING = "nothing", "Không có gì thay đổi"
    APPLIED = "applied", "Đã áp dụng"


class ImportJob(models.Model):
    """One uploaded file: who sent what, when, what the preview said, whether it was applied.

    The file is kept under PRIVATE_ROOT with a generated name (`stored_path`, relative);
    the user's own file name is only recorded, never used in a path. `token` is what
    the pages show; a job is only ever looked up together with its user.
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
    applied_at = models.DateTimeField("thời điểm áp dụng", null=True, blank=True)
    original_name = models.CharField("tên tệp gốc", max_length=255)
    stored_path = models.CharField("tệp lưu trữ", max_length=255)
    sheet = models.CharField("trang tính", max_length=100, blank=True)
    status = models.CharField(
        "trạng thái", max_length=12, choices=ImportStatus.choices, default=ImportStatus.READY
    )
    summary = models.JSONField("kết quả kiểm tra", default=dict, blank=True)

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
    def can_apply(self) -> bool:
        return self.status == ImportStatus.READY
