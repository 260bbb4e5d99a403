"""The record of every export of personal data: who, when, what, with which filter and
how many rows. Admins read it on the "Nhật ký xuất dữ liệu" page (personnel) and in the
Django admin; nothing edits or deletes it from the site.

A big export runs as a background task (like an upload): its record is also its job,
with a status, a progress and the file written under PRIVATE_ROOT/exports with a
generated name, which only its user can download.
"""

import uuid
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Đang chờ"
    RUNNING = "running", "Đang xuất"
    DONE = "done", "Đã xuất xong"
    FAILED = "failed", "Lỗi"


class ExportRecord(models.Model):
    token = models.UUIDField("mã lần xuất", default=uuid.uuid4, unique=True, editable=False)
    at = models.DateTimeField("thời điểm", default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="export_records",
        verbose_name="người xuất",
    )
    # Kept as they were at the time: a user may be renamed, moved or deleted later.
    username = models.CharField("tài khoản", max_length=150)
    role = models.CharField("vai trò", max_length=40, blank=True)
    unit_code = models.CharField("đơn vị của người xuất", max_length=40, blank=True)
    what = models.CharField("dữ liệu xuất", max_length=120)
    filters = models.JSONField("bộ lọc", default=dict, blank=True)
    rows = models.PositiveIntegerField("số dòng")
    masked = models.BooleanField("CCCD, điện thoại, địa chỉ được che", default=False)
    # An export run in the background (a small one is written in the request: done).
    status = models.CharField(
        "trạng thái", max_length=8, choices=ExportStatus.choices, default=ExportStatus.DONE
    )
    progress = models.PositiveSmallIntegerField("tiến độ (%)", default=100)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    stored_path = models.CharField("tệp lưu trữ", max_length=255, blank=True)
    error = models.TextField("lỗi", blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "lần xuất dữ liệu cá nhân"
        verbose_name_plural = "nhật ký xuất dữ liệu cá nhân"

    def __str__(self) -> str:
        return f"{self.username} · {self.what} · {self.rows} dòng · {self.at:%d/%m/%Y %H:%M}"

    @property
    def path(self):
        return settings.PRIVATE_ROOT / self.stored_path

    @property
    def is_active(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)


def export_record(
    *, user: Any, what: str, filters: Mapping[str, Any], rows: int, masked: bool,
    status: str = ExportStatus.DONE, username: str = "",
) -> ExportRecord:  # fmt: skip
    """Record one export (call it once the rows are written, or with status QUEUED when
    a task will write them). `user` may be None (the command line: `username` then says
    who ran it); `filters` is what narrowed the rows (query string, unit)."""
    unit = getattr(user, "unit", None)
    return ExportRecord.objects.create(
        status=status,
        progress=100 if status == ExportStatus.DONE else 0,
        user=user if getattr(user, "pk", None) else None,
        username=getattr(user, "username", "") or username or "(dòng lệnh)",
        role=user.get_role_display() if hasattr(user, "get_role_display") else "",
        unit_code=getattr(unit, "code", "") or "",
        what=what[:120],
        filters={str(k): str(v) for k, v in filters.items() if v not in (None, "")},
        rows=rows,
        masked=masked,
    )


class Counted:
    """Rows passed through while counting them, for the record written after."""

    def __init__(self, rows: Iterable[Any]):
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[Any]:
        for row in self.rows:
            self.count += 1
            yield row
