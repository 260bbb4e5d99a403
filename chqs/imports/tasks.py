"""The check (preview) and the apply of an upload, as background tasks with progress.

They run under Django's task interface (the django-tasks backport on 5.2): inline with
the immediate backend, which is the default and what the tests use, or in a worker
with a queue backend. Each task gets the job's ID, never objects; it rebuilds the
uploader's scope and re-checks the kind's capability (a role may have changed since
the upload); it records status, phase and progress on the job as it goes, so the page
can be left and come back; and it never leaves a half-written import (engine.apply is
one transaction). Whatever goes wrong ends as a Vietnamese message on the job, never
as a traceback on a page.

A worker can die mid-task (SIGKILL, out of memory, the host switched off). While a task
runs, its process holds a PostgreSQL advisory lock on the job (released by the server
when the process's connection dies) and the job records `worker` ("host:pid"), cleared
when the task ends. `check_lost` finds an active job whose worker no longer holds the
lock (or, on SQLite, whose process is gone from this host), marks it failed with a
Vietnamese message, and `retry` runs the interrupted task again. PostgreSQL rolled the
dead worker's transaction back, so nothing was half-written.
"""

import contextlib
import logging
import os
import socket
import time

from django.db import DatabaseError, connections
from django.utils import timezone
from django_tasks import task

from chqs.models import ACTIVE_STATUSES, ImportJob, ImportStatus

from . import engine, registry
from .readers import HeaderError, ImportFileError, reading

logger = logging.getLogger(__name__)

# Percentages of the bar given to each phase: (start, end).
PREVIEW_PHASES = {"reading": (5, 60), "checking": (60, 99)}
APPLY_PHASES = {"reading": (5, 35), "checking": (35, 65), "writing": (65, 99)}
FAILED_MESSAGE = (
    "Lỗi hệ thống khi xử lý tệp; không có gì được ghi. Hãy thử lại, nếu vẫn lỗi thì báo "
    "quản trị viên (mã phiên: {token})."
)


LOST_MESSAGE = (
    "Tiến trình xử lý bị dừng đột ngột (máy chủ xử lý bị tắt hoặc khởi động lại) khi đang "
    "{doing}; không có gì được ghi. Bấm “Thử lại” để chạy lại."
)
# pg_advisory_lock(LOCK_CLASS, job id): the two-key form, so CHQS's locks cannot meet
# another application's on the same server.
LOCK_CLASS = 7007


@task()
def preview_job(job_id: int) -> str:
    """Read and check the job's file; write nothing but the job's own record."""
    with _worker_lock(job_id):
        return _run(job_id, apply=False, valid_only=False)


@task()
def apply_job(job_id: int, valid_only: bool = False) -> str:
    """Check again and write the job's file in one transaction (or nothing).

    `valid_only`: write the valid rows and leave the rejected ones out (the user's
    explicit choice); by default any rejected row means nothing is written.
    """
    with _worker_lock(job_id):
        return _run(job_id, apply=True, valid_only=valid_only)


def _worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _is_postgresql() -> bool:
    return connections["default"].vendor == "postgresql"


@contextlib.contextmanager
def _worker_lock(job_id: int):
    """Hold the job's advisory lock while this process works on it (PostgreSQL).

    Blocking: a second task for the same job waits for the first instead of running
    alongside it; `check_lost` holds it only for an instant.
    """
    if not _is_postgresql():
        yield
        return
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_CLASS, job_id])
    try:
        yield
    finally:
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_CLASS, job_id])
        except DatabaseError:  # the connection died: the server released the lock
            pass


def _pid_gone(worker: str) -> bool:
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False  # another host's process: cannot tell from here
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def check_lost(job: ImportJob) -> ImportJob:
    """Mark `job` failed if the worker running it died; return the job as it now is.

    Cheap for the job pages to call on every poll: nothing happens unless the job is
    active and claimed by a worker.
    """
    if job.status not in ACTIVE_STATUSES or not job.worker:
        return job
    doing = "ghi" if job.status == ImportStatus.APPLYING else "kiểm tra tệp"
    lost = {
        "status": ImportStatus.FAILED,
        "error": LOST_MESSAGE.format(doing=doing),
        "phase": "",
        "worker": "",
        "updated_at": timezone.now(),
    }
    still = ImportJob.objects.filter(pk=job.pk, status=job.status, worker=job.worker)
    if _is_postgresql():
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_CLASS, job.pk])
            (free,) = cursor.fetchone()
        if free:  # nobody holds it: the worker is gone (its task would hold it)
            try:
                still.update(**lost)
            finally:
                with connections["default"].cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_CLASS, job.pk])
    elif _pid_gone(job.worker):
        still.update(**lost)
    job.refresh_from_db()
    return job


def retry(job: ImportJob) -> bool:
    """Run again the task a system failure interrupted (the check, or the apply with the
    same choice of rows). False when the job is not in a state to retry."""
    if not job.can_retry:
        return False
    applying = job.task == "apply"
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.FAILED).update(
        status=ImportStatus.APPLYING if applying else ImportStatus.QUEUED,
        progress=0,
        phase="",
        error="",
        worker="",
        updated_at=timezone.now(),
    )
    if not claimed:
        return False
    if applying:
        apply_job.enqueue(job.pk, job.valid_only)
    else:
        preview_job.enqueue(job.pk)
    return True


class Progress:
    """Records the job's progress, at most twice a second: a few UPDATEs per file,
    never one per row. Called as `progress(phase, done, total)`."""

    def __init__(self, job_id: int, phases: dict[str, tuple[int, int]]):
        self.job_id, self.phases = job_id, phases
        self.phase, self.percent, self.saved_at = "", -1, 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        start, end = self.phases.get(phase, (0, 99))
        percent = start + (end - start) * min(done, total) // max(total, 1)
        if phase == "reading" and done >= total and "checking" in self.phases:
            phase, percent = "checking", self.phases["checking"][0]
        now = time.monotonic()
        if phase == self.phase and (percent <= self.percent or now - self.saved_at < 0.5):
            return
        self.phase, self.percent, self.saved_at = phase, percent, now
        ImportJob.objects.filter(pk=self.job_id).update(
            phase=phase, progress=percent, updated_at=timezone.now()
        )


def _run(job_id: int, *, apply: bool, valid_only: bool) -> str:
    try:
        job = ImportJob.objects.select_related("user").get(pk=job_id)
    except ImportJob.DoesNotExist:
        return "missing"
    try:
        kind = registry.get_kind(job.kind)
    except registry.UnknownKind as exc:
        return _finish(job, ImportStatus.FAILED, error=str(exc))
    user = job.user
    if not user.is_active:
        return _finish(job, ImportStatus.FAILED, error="Tài khoản tải tệp lên đã bị khóa.")
    scope = registry.scope_for(user)
    if not scope.can(kind.capability):
        return _finish(
            job,
            ImportStatus.FAILED,
            error="Vai trò của người tải lên không còn được nhập loại dữ liệu này.",
        )

    progress = Progress(job.pk, APPLY_PHASES if apply else PREVIEW_PHASES)
    started = {"valid_only": valid_only} if apply else {}
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.APPLYING if apply else ImportStatus.RUNNING,
        phase="reading",
        progress=5,
        error="",
        task="apply" if apply else "preview",
        worker=_worker_id(),
        updated_at=timezone.now(),
        **started,
    )
    run = engine.apply if apply else engine.preview
    options = {"scope": scope, "user": user, "sheet": job.sheet or None,
               "filename": job.original_name, "unit": job.unit or None,
               "progress": progress}  # fmt: skip
    if apply:
        options["valid_only"] = valid_only
    try:
        # The user's column corrections reach the reader through `reading`.
        with reading(mapping=job.mapping, progress=progress) as read:
            result = run(kind, job.path, **options)
    except HeaderError as exc:  # the header as read, for the user to match columns by hand
        table = exc.table
        return _finish(
            job,
            ImportStatus.UNREADABLE,
            error=str(exc),
            summary={"file": table.info()},
            sheet=job.sheet or table.sheet,
            sheets=table.sheets or job.sheets,
        )
    except ImportFileError as exc:  # engine.ImportRefused included (no agency chosen…)
        # A failed apply keeps the preview it was started from; a failed check has none.
        kept = {} if apply else {"summary": {}}
        return _finish(job, ImportStatus.UNREADABLE, error=str(exc), **kept)
    except Exception:
        # Nothing was written: engine.apply rolls back whatever it began.
        logger.exception("Import job %s (%s) failed", job.pk, job.kind)
        return _finish(job, ImportStatus.FAILED, error=FAILED_MESSAGE.format(token=job.token))

    summary = result.to_json()
    table = getattr(result, "table", None) or read.table
    summary["file"] = table.info() if table is not None else {}
    if result.applied:
        status = ImportStatus.APPLIED
    elif result.has_rejections:
        status = ImportStatus.REJECTED
    else:
        status = ImportStatus.READY if result.has_changes else ImportStatus.NOTHING
    fields = {"summary": summary, "valid_only": bool(result.applied and result.valid_only)}
    if table is not None:
        fields.update(encoding=table.encoding, sheet=job.sheet or table.sheet)
        if table.sheets:
            fields["sheets"] = table.sheets
    if result.applied:
        fields["applied_at"] = timezone.now()
    return _finish(job, status, **fields)


def _finish(job: ImportJob, status: str, **fields) -> str:
    fields.setdefault("error", "")
    ImportJob.objects.filter(pk=job.pk).update(
        status=status,
        progress=100,
        phase="",
        worker="",
        updated_at=timezone.now(),
        **fields,
    )
    return status
