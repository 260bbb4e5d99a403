"""The roster's Excel export of many people, as a background task with progress.

Up to `INLINE_ROWS` people the export is written in the request. Beyond, the request
records the export (chqs.audit.ExportRecord, status "queued") and hands its ID and the
query string to `roster_export_job`, through Django's task interface: inline with the
immediate backend (the default and the tests'), in a worker otherwise. The task
rebuilds the user's scope and checks it again, writes the workbook under
PRIVATE_ROOT/exports with a generated name, and records its progress, so that the page
can be left and come back; only its user can download the file.
"""

import logging
import time
import uuid

from django.conf import settings
from django.http import QueryDict
from django.utils import timezone
from django_tasks import task

from chqs.audit import ExportRecord, ExportStatus
from units.scope import Scope

from .filters import roster_for
from .roster_export import roster_rows, write_roster
from .scope import sees_private

logger = logging.getLogger(__name__)

INLINE_ROWS = 5000  # more people than this: a background export with a progress bar
WHAT = "Danh sách trích ngang (trang Nhân sự)"
FAILED = "Lỗi hệ thống khi xuất danh sách; hãy thử lại, nếu vẫn lỗi thì báo quản trị viên."


@task()
def roster_export_job(record_id: int, query: str) -> str:
    """Write the roster of the record's user, filtered by `query`, to a workbook."""
    record = ExportRecord.objects.select_related("user").filter(pk=record_id).first()
    if record is None:
        return "missing"
    user = record.user
    if user is None or not user.is_active:
        return _finish(record, ExportStatus.FAILED, error="Tài khoản đã bị khóa.")
    scope = Scope(user)
    roster_filter, filtered, people_qs, _ = roster_for(scope, QueryDict(query))
    if not scope.can("view") or roster_filter.unit_out_of_scope:
        return _finish(record, ExportStatus.FAILED, error="Đơn vị không còn trong phạm vi.")
    _update(record, status=ExportStatus.RUNNING, progress=1)
    try:
        total = filtered.count()
        rows = _reporting(roster_rows(people_qs, private=sees_private(scope)), record, total)
        content, count = write_roster(rows)
        name = f"exports/{uuid.uuid4().hex}.xlsx"
        target = settings.PRIVATE_ROOT / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    except Exception:
        logger.exception("Roster export %s failed", record.pk)
        return _finish(record, ExportStatus.FAILED, error=FAILED)
    return _finish(record, ExportStatus.DONE, rows=count, stored_path=name)


def _reporting(rows, record: ExportRecord, total: int):
    """The rows, recording the progress at most twice a second (never one UPDATE a row);
    the last 5% are for writing the file."""
    saved_at = 0.0
    for done, row in enumerate(rows, start=1):
        now = time.monotonic()
        if now - saved_at >= 0.5:
            saved_at = now
            _update(record, progress=max(1, min(95, 95 * done // max(total, 1))))
        yield row


def _update(record: ExportRecord, **fields) -> None:
    ExportRecord.objects.filter(pk=record.pk).update(updated_at=timezone.now(), **fields)


def _finish(record: ExportRecord, status: str, **fields) -> str:
    _update(record, status=status, progress=100, **fields)
    return status
