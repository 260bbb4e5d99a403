"""The check (preview) and the apply of an upload, as background tasks with progress.

They run under Django's task interface (the django-tasks backport on 5.2): inline with
the immediate backend, which is the default and what the tests use, or in a worker
with a queue backend. Each task gets the job's ID, never objects; it rebuilds the
uploader's scope and re-checks the kind's capability (a role may have changed since
the upload); it records status, phase and progress on the job as it goes, so the page
can be left and come back; and it never leaves a half-written import (engine.apply is
one transaction). Whatever goes wrong ends as a Vietnamese message on the job, never
as a traceback on a page.
"""

import logging
import time

from django.utils import timezone
from django_tasks import task

from chqs.models import ImportJob, ImportStatus

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


@task()
def preview_job(job_id: int) -> str:
    """Read and check the job's file; write nothing but the job's own record."""
    return _run(job_id, apply=False, valid_only=False)


@task()
def apply_job(job_id: int, valid_only: bool = False) -> str:
    """Check again and write the job's file in one transaction (or nothing).

    `valid_only`: write the valid rows and leave the rejected ones out (the user's
    explicit choice); by default any rejected row means nothing is written.
    """
    return _run(job_id, apply=True, valid_only=valid_only)


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
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.APPLYING if apply else ImportStatus.RUNNING,
        phase="reading",
        progress=5,
        error="",
        updated_at=timezone.now(),
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
        updated_at=timezone.now(),
        **fields,
    )
    return status
