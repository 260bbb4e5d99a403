"""The upload page shared by every import kind: upload → preview → apply.

Scope comes from `request.scope` (set by the units app's middleware): importing needs
the kind's capability (403 otherwise); an upload is only ever found together with its
user, so another user's token is a 404.
"""

import uuid
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from chqs.models import ImportJob, ImportStatus

from . import engine, registry
from .readers import ImportFileError
from .xlsx import XLSX_CONTENT_TYPE, xlsx_bytes

KEPT_EXTENSIONS = {".xlsx", ".xlsm", ".csv", ".xls"}


class UploadForm(forms.Form):
    file = forms.FileField(label="Tệp Excel (.xlsx) hoặc CSV (UTF-8)")
    sheet = forms.CharField(
        label="Tên trang tính",
        required=False,
        max_length=100,
        help_text="Không bắt buộc: để trống thì tự tìm trang tính có dòng tiêu đề phù hợp.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if settings.IMPORT_MAX_BYTES and upload.size > settings.IMPORT_MAX_BYTES:
            limit = settings.IMPORT_MAX_BYTES / 1024 / 1024
            raise forms.ValidationError(f"Tệp quá lớn (giới hạn {limit:g} MB).")
        return upload


def _kind_or_404(code: str) -> registry.Kind:
    try:
        return registry.get_kind(code)
    except registry.UnknownKind as exc:
        raise Http404(str(exc)) from None


def _job_or_404(request, token, *, lock: bool = False) -> ImportJob:
    jobs = ImportJob.objects.select_for_update() if lock else ImportJob.objects
    try:
        return jobs.get(token=token, user=request.user)
    except ImportJob.DoesNotExist:
        raise Http404("Không tìm thấy lần tải lên này.") from None


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _store(upload) -> tuple[str, str]:
    """Save the upload under PRIVATE_ROOT/uploads with a generated name.

    Returns (stored path relative to PRIVATE_ROOT, the user's file name). The user's
    name is recorded, never used in a path.
    """
    original = PurePath(upload.name.replace("\\", "/")).name[:255] or "tep-tai-len"
    extension = PurePath(original).suffix.lower()
    name = uuid.uuid4().hex + (extension if extension in KEPT_EXTENSIONS else "")
    folder = settings.PRIVATE_ROOT / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / name, "xb") as target:
        for chunk in upload.chunks():
            target.write(chunk)
    return f"uploads/{name}", original


def _status_of(result: engine.Preview) -> str:
    if result.applied:
        return ImportStatus.APPLIED
    if result.has_rejections:
        return ImportStatus.REJECTED
    return ImportStatus.READY if result.has_changes else ImportStatus.NOTHING


@login_required
def index(request):
    kinds = [
        {
            "kind": kind,
            "can_import": request.scope.can(kind.capability),
            "can_export": request.scope.can(kind.export_capability),
        }
        for kind in registry.kinds()
    ]
    jobs = ImportJob.objects.filter(user=request.user)[:10]
    titles = {kind.code: kind.title for kind in registry.kinds()}
    return render(request, "imports/index.html", {"kinds": kinds, "jobs": jobs, "titles": titles})


@login_required
def template(request, kind):
    kind = _kind_or_404(kind)
    return _xlsx_response(xlsx_bytes(kind, []), f"mau-{kind.code}.xlsx")


@login_required
def export(request, kind):
    kind = _kind_or_404(kind)
    request.scope.require(kind.export_capability)
    rows = kind.export_rows(request.scope, unit=request.GET.get("unit") or None)
    content = xlsx_bytes(kind, rows)
    return _xlsx_response(content, f"{kind.code}-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
def upload(request, kind):
    kind = _kind_or_404(kind)
    request.scope.require(kind.capability)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        stored, original = _store(form.cleaned_data["file"])
        job = ImportJob(
            kind=kind.code,
            user=request.user,
            original_name=original,
            stored_path=stored,
            sheet=form.cleaned_data["sheet"].strip(),
        )
        try:
            result = engine.preview(
                kind, job.path, scope=request.scope, user=request.user,
                sheet=job.sheet or None, filename=original,
            )  # fmt: skip
        except ImportFileError as exc:
            job.status, job.summary = ImportStatus.UNREADABLE, {"error": str(exc)}
            job.save()
            form.add_error("file", str(exc))
        else:
            job.status, job.summary = _status_of(result), result.to_json()
            job.save()
            return redirect("imports:job", token=job.token)
    jobs = ImportJob.objects.filter(user=request.user, kind=kind.code)[:5]
    context = {"kind": kind, "form": form, "jobs": jobs}
    return render(request, "imports/upload.html", context, status=400 if form.errors else 200)


@login_required
def job(request, token):
    job = _job_or_404(request, token)
    kind = _kind_or_404(job.kind)
    found = job.summary.get("counts", {})
    counts = [(code, label, found.get(code, 0)) for code, label in engine.OUTCOME_LABELS.items()]
    context = {"job": job, "kind": kind, "s": job.summary, "counts": counts}
    return render(request, "imports/job.html", context)


@login_required
@require_POST
@transaction.atomic
def apply(request, token):
    # The job row stays locked until the end: a double click cannot apply twice.
    job = _job_or_404(request, token, lock=True)
    kind = _kind_or_404(job.kind)
    request.scope.require(kind.capability)
    if job.status == ImportStatus.APPLIED:
        messages.info(request, "Tệp này đã được áp dụng trước đó.")
        return redirect("imports:job", token=job.token)
    if job.status != ImportStatus.READY:
        messages.error(request, f"Không áp dụng: {job.get_status_display().lower()}.")
        return redirect("imports:job", token=job.token)
    try:
        result = engine.apply(
            kind, job.path, scope=request.scope, user=request.user,
            sheet=job.sheet or None, filename=job.original_name,
        )  # fmt: skip
    except ImportFileError as exc:
        job.status, job.summary = ImportStatus.UNREADABLE, {"error": str(exc)}
        job.save()
        messages.error(request, f"Không áp dụng: {exc}")
        return redirect("imports:job", token=job.token)
    job.status, job.summary = _status_of(result), result.to_json()
    if result.applied:
        job.applied_at = timezone.now()
        messages.success(request, f"Đã áp dụng: ghi {len(result.changed_rows)} dòng.")
    elif result.has_rejections:
        messages.error(
            request,
            "Không áp dụng, không ghi gì: dữ liệu đã thay đổi từ lúc kiểm tra và nay có "
            f"{len(result.rejected_rows)} dòng bị từ chối.",
        )
    else:
        messages.info(request, "Không có gì thay đổi.")
    job.save()
    return redirect("imports:job", token=job.token)
