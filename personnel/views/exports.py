"""The page of a big roster export running in the background, and its download.

An export is only ever found with its user: another user's is a 404, admin or not."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from chqs.audit import ExportRecord, ExportStatus

from ..roster_export import XLSX_CONTENT_TYPE, export_name


def _export_or_404(request: HttpRequest, token) -> ExportRecord:
    record = ExportRecord.objects.filter(user=request.user, token=token).first()
    if record is None:
        raise Http404("Không tìm thấy lần xuất dữ liệu này.")
    return record


@login_required
@require_safe
def export_job(request: HttpRequest, token) -> HttpResponse:
    record = _export_or_404(request, token)
    return render(request, "personnel/export_job.html", {"export": record})


@login_required
@require_safe
def export_progress(request: HttpRequest, token) -> HttpResponse:
    """The progress bar alone, polled while the export runs; once done, htmx reloads the
    whole page (which then offers the file)."""
    record = _export_or_404(request, token)
    response = render(request, "personnel/_export_progress.html", {"export": record})
    if not record.is_active:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_safe
def export_download(request: HttpRequest, token) -> HttpResponse:
    record = _export_or_404(request, token)
    if record.status != ExportStatus.DONE or not record.stored_path or not record.path.is_file():
        raise Http404("Tệp xuất chưa sẵn sàng hoặc không còn.")
    response = FileResponse(
        open(record.path, "rb"),  # noqa: SIM115 - FileResponse closes it
        as_attachment=True,
        filename=export_name(),
        content_type=XLSX_CONTENT_TYPE,
    )
    return response
