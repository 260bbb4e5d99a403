"""The per-person annex as a background task (django-tasks: inline with the immediate
backend, in a worker with a queue backend). The task gets the return's ID, records its
progress on the return, and stores the PDF under PRIVATE_ROOT; a failure ends as a
Vietnamese status, never a traceback on a page."""

import logging

from django.core.files.base import ContentFile
from django.utils import timezone
from django_tasks import task

from .annex import annex_pdf
from .models import Return

logger = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATUS_LABELS = {
    QUEUED: "Đang chờ",
    RUNNING: "Đang lập",
    DONE: "Đã lập xong",
    FAILED: "Lỗi khi lập danh sách; hãy thử lại hoặc báo quản trị viên",
}


@task()
def build_annex(return_id: int) -> str:
    ret = Return.objects.select_related("unit").filter(pk=return_id).first()
    if ret is None:
        return "missing"
    Return.objects.filter(pk=ret.pk).update(
        annex_status=RUNNING, annex_progress=0, updated_at=timezone.now()
    )

    def progress(done: int, total: int) -> None:
        percent = min(99, done * 100 // max(total, 1))
        Return.objects.filter(pk=ret.pk).update(annex_progress=percent, updated_at=timezone.now())

    try:
        pdf = annex_pdf(ret, progress)
    except Exception:
        logger.exception("annex of return %s failed", ret.pk)
        Return.objects.filter(pk=ret.pk).update(annex_status=FAILED, updated_at=timezone.now())
        return FAILED
    name = f"{ret.unit.code}-{ret.period_label}-v{ret.version}-danh-sach.pdf"
    ret.annex_file.save(name, ContentFile(pdf), save=False)
    Return.objects.filter(pk=ret.pk).update(
        annex_file=ret.annex_file.name,
        annex_status=DONE,
        annex_progress=100,
        updated_at=timezone.now(),
    )
    return DONE
