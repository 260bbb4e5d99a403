"""The upload pages shared by every import kind: upload → job page (progress, preview,
column mapping, sheet) → apply.

Scope comes from `request.scope` (set by the units app's middleware): importing needs
the kind's capability (403 otherwise); a job is only ever found together with its
user, so another user's token is a 404. The work itself runs as tasks
(`chqs.imports.tasks`); with the immediate backend they finish before the view
returns, with a queue backend the job page shows their progress.
"""

import uuid
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import storages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST, require_safe

from chqs.audit import Counted, export_record
from chqs.models import ImportJob, ImportStatus
from chqs.storage import DiskFull

from . import engine, marked, registry, tasks
from .readers import ImportFileError, read_table, sheet_names
from .tasks import apply_job, preview_job
from .xlsx import XLSX_CONTENT_TYPE, xlsx_bytes

KEPT_EXTENSIONS = {".xlsx", ".xls", ".ods", ".csv"}
ACCEPT = ".xlsx,.xls,.ods,.csv"


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Tệp danh sách",
        help_text="Excel (.xlsx, .xls), OpenDocument (.ods) hoặc CSV (UTF-8).",
    )
    unit = forms.ChoiceField(required=False)

    def __init__(self, *args, kind: registry.Kind, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        # A kind whose rows belong to one unit (a people list: an agency) says so on its
        # importer: `unit_label` names the choice, `unit_choices(scope)` lists (code, name).
        label = getattr(kind.importer, "unit_label", "")
        if label:
            field = self.fields["unit"]
            field.label = label
            field.choices = [("", "— chọn —"), *kind.importer.unit_choices(scope)]
        else:
            del self.fields["unit"]

    def clean_unit(self):
        value = self.cleaned_data.get("unit", "")
        if value or not getattr(self.kind.importer, "unit_required", False):
            return value
        choices = [code for code, _ in self.fields["unit"].choices if code]
        if len(choices) == 1:
            return choices[0]  # a clerk: their own agency
        raise forms.ValidationError(
            f"Cần chọn {self.fields['unit'].label.lower()} mà danh sách thuộc về."
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if settings.IMPORT_MAX_BYTES and upload.size > settings.IMPORT_MAX_BYTES:
            limit = settings.IMPORT_MAX_BYTES / 1024 / 1024
            raise forms.ValidationError(f"Tệp quá lớn (giới hạn {limit:g} MB).")
        return upload


class RecheckForm(forms.Form):
    """Check the file again, on another sheet or with columns matched by hand."""

    sheet = forms.ChoiceField(label="Trang tính", required=False)

    def __init__(self, *args, job: ImportJob, kind: registry.Kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.job = job
        file = job.summary.get("file", {})
        labels = file.get("sheet_labels") or []
        if len(labels) != len(job.sheets):
            labels = job.sheets
        self.fields["sheet"].choices = list(zip(job.sheets, labels, strict=True))
        self.fields["sheet"].initial = job.sheet
        columns = engine.read_columns(kind)
        choices = [("", "— không dùng —")] + [(c.key, c.header) for c in columns]
        self.headers = {}
        for column in file.get("columns", []):
            name = f"col_{column['index']}"
            self.fields[name] = forms.ChoiceField(
                label=f"{column['letter']}: {column['header']}",
                choices=choices,
                required=False,
                initial=column["key"] or "",
            )
            self.headers[name] = column

    def column_fields(self):
        return [(self[name], column) for name, column in self.headers.items()]

    def clean(self):
        data = super().clean()
        chosen: dict[str, str] = {}
        for name, column in self.headers.items():
            key = (data.get(name) or "") if name in self.data else (column["key"] or "")
            if key and key in chosen:
                raise forms.ValidationError(
                    f"Một cột dữ liệu chỉ ghép được với một cột của tệp: cột "
                    f"{chosen[key]} và {column['letter']} cùng được chọn."
                )
            if key:
                chosen[key] = column["letter"]
        return data

    def mapping(self) -> dict[str, str]:
        """The user's corrections, on top of those made before: index -> key ("" unused).

        A new sheet starts afresh: its columns are not the old sheet's."""
        if self.cleaned_data.get("sheet") and self.cleaned_data["sheet"] != self.job.sheet:
            return {}
        mapping = dict(self.job.mapping)
        for name, column in self.headers.items():
            if name not in self.data:
                continue  # not sent: no change
            key = self.cleaned_data.get(name) or ""
            if key != (column["key"] or ""):
                mapping[str(column["index"])] = key
        return mapping


def _limits() -> str:
    parts = []
    if settings.IMPORT_MAX_BYTES:
        parts.append(f"{settings.IMPORT_MAX_BYTES / 1024 / 1024:g} MB".replace(".", ","))
    if settings.IMPORT_MAX_ROWS:
        parts.append(f"{settings.IMPORT_MAX_ROWS:,} dòng".replace(",", "."))
    return " và ".join(parts)


def _kind_or_404(code: str) -> registry.Kind:
    try:
        return registry.get_kind(code)
    except registry.UnknownKind as exc:
        raise Http404(str(exc)) from None


def _job_or_404(request, token) -> ImportJob:
    try:
        return ImportJob.objects.get(token=token, user=request.user)
    except ImportJob.DoesNotExist:
        raise Http404("Không tìm thấy lần tải lên này.") from None


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _store(upload) -> tuple[str, str]:
    """Save the upload under PRIVATE_ROOT/uploads with a generated name.

    Returns (stored path relative to PRIVATE_ROOT, the user's file name). The user's
    name is recorded, never used in a path. Through the "private" storage: a full disk
    raises chqs.storage.DiskFull and leaves no partial file.
    """
    original = PurePath(upload.name.replace("\\", "/")).name[:255] or "tep-tai-len"
    extension = PurePath(original).suffix.lower()
    name = uuid.uuid4().hex + (extension if extension in KEPT_EXTENSIONS else "")
    return storages["private"].save(f"uploads/{name}", upload), original


@login_required
@require_safe
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
@require_safe
def template(request, kind):
    kind = _kind_or_404(kind)
    return _xlsx_response(xlsx_bytes(kind, []), f"mau-{kind.code}.xlsx")


@login_required
@require_safe
def export(request, kind):
    kind = _kind_or_404(kind)
    request.scope.require(kind.export_capability)
    unit = request.GET.get("unit") or None
    if unit:
        request.scope.get_unit(unit)  # 404 for a unit out of scope, before any writing
    rows = Counted(kind.export_rows(request.scope, unit=unit))
    content = xlsx_bytes(kind, rows)
    export_record(
        user=request.user, what=kind.title, filters={"unit": unit}, rows=rows.count,
        masked=not request.scope.can("change_people"),
    )  # fmt: skip
    return _xlsx_response(content, f"{kind.code}-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
def upload(request, kind):
    kind = _kind_or_404(kind)
    request.scope.require(kind.capability)
    form = UploadForm(request.POST or None, request.FILES or None, kind=kind, scope=request.scope)
    stored = None
    if request.method == "POST" and form.is_valid():
        try:
            stored, original = _store(form.cleaned_data["file"])
        except DiskFull as exc:
            form.add_error("file", str(exc))
    if stored:
        job = ImportJob.objects.create(
            kind=kind.code,
            user=request.user,
            original_name=original,
            stored_path=stored,
            unit=form.cleaned_data.get("unit") or "",
        )
        try:
            job.sheets = sheet_names(job.path, filename=original)
        except ImportFileError as exc:
            job.status, job.error, job.progress = ImportStatus.UNREADABLE, str(exc), 100
            job.save()
            form.add_error("file", str(exc))
        else:
            job.save(update_fields=["sheets", "updated_at"])
            preview_job.enqueue(job.pk)
            job.refresh_from_db()
            # Refused while read inline (immediate backend): say so on the form itself,
            # unless the header was found and the user can match its columns by hand.
            if job.status != ImportStatus.UNREADABLE or job.summary.get("file"):
                return redirect("imports:job", token=job.token)
            form.add_error("file", job.error)
    jobs = ImportJob.objects.filter(user=request.user, kind=kind.code)[:5]
    context = {"kind": kind, "form": form, "jobs": jobs, "accept": ACCEPT, "limits": _limits()}
    return render(request, "imports/upload.html", context, status=400 if form.errors else 200)


def _job_context(job: ImportJob, kind: registry.Kind, recheck: RecheckForm | None = None):
    summary = job.summary or {}
    found = summary.get("counts", {})
    counts = [(code, label, found.get(code, 0)) for code, label in engine.OUTCOME_LABELS.items()]
    changed = summary.get("changed", [])
    columns = summary.get("file", {}).get("columns", [])
    if recheck is None and job.can_recheck:
        recheck = RecheckForm(job=job, kind=kind)
    return {
        "job": job,
        "kind": kind,
        "s": summary,
        "file": summary.get("file", {}),
        "counts": counts,
        "error": job.error or summary.get("error", ""),
        "written": [row for row in changed if row["outcome"] in engine.WRITTEN],
        "warned": [row for row in changed if row["warnings"]],
        "recheck": recheck,
        "mapping_open": bool(job.error) or any(c["overridden"] for c in columns),
        "unused_columns": sum(1 for c in columns if not c["key"]),
    }


@login_required
@require_safe
def job(request, token):
    job = tasks.check_lost(_job_or_404(request, token))
    kind = _kind_or_404(job.kind)
    return render(request, "imports/job.html", _job_context(job, kind))


@login_required
@require_safe
def progress(request, token):
    """The progress bar alone, polled by the job page while the job runs. Once the job
    is done, htmx is told to reload the whole page (which then shows the result)."""
    job = tasks.check_lost(_job_or_404(request, token))
    response = render(request, "imports/_progress.html", {"job": job})
    if not job.is_active:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def recheck(request, token):
    job = _job_or_404(request, token)
    kind = _kind_or_404(job.kind)
    request.scope.require(kind.capability)
    if not job.can_recheck:
        messages.error(request, f"Không kiểm tra lại được: {job.get_status_display().lower()}.")
        return redirect("imports:job", token=job.token)
    form = RecheckForm(request.POST, job=job, kind=kind)
    if not form.is_valid():
        return render(request, "imports/job.html", _job_context(job, kind, form), status=400)
    job.mapping = form.mapping()
    job.sheet = form.cleaned_data.get("sheet") or job.sheet
    job.status, job.progress, job.phase, job.error = ImportStatus.QUEUED, 0, "", ""
    job.save()
    preview_job.enqueue(job.pk)
    return redirect("imports:job", token=job.token)


@login_required
@require_POST
def apply(request, token):
    job = _job_or_404(request, token)
    kind = _kind_or_404(job.kind)
    request.scope.require(kind.capability)
    valid_only = request.POST.get("valid_only") == "1"
    if job.status == ImportStatus.APPLIED:
        messages.info(request, "Tệp này đã được áp dụng trước đó.")
        return redirect("imports:job", token=job.token)
    allowed = job.can_apply_valid_rows if valid_only else job.can_apply
    # Compare-and-set: of two clicks (or two tabs) only one starts the apply.
    claimed = allowed and ImportJob.objects.filter(pk=job.pk, status=job.status).update(
        status=ImportStatus.APPLYING, progress=0, phase="", updated_at=timezone.now()
    )
    if not claimed:
        messages.error(request, f"Không áp dụng: {job.get_status_display().lower()}.")
        return redirect("imports:job", token=job.token)
    apply_job.enqueue(job.pk, valid_only)
    job.refresh_from_db()
    written = sum(job.summary.get("counts", {}).get(o, 0) for o in engine.WRITTEN)
    if job.status == ImportStatus.APPLIED:
        messages.success(request, f"Đã áp dụng: ghi {written} dòng.")
    elif job.status == ImportStatus.REJECTED:
        rejected = job.summary.get("counts", {}).get(engine.REJECTED, 0)
        messages.error(
            request,
            "Không áp dụng, không ghi gì: dữ liệu đã thay đổi từ lúc kiểm tra và nay có "
            f"{rejected} dòng bị từ chối.",
        )
    elif job.status == ImportStatus.NOTHING:
        messages.info(request, "Không có gì thay đổi.")
    elif job.status in (ImportStatus.UNREADABLE, ImportStatus.FAILED):
        messages.error(request, f"Không áp dụng: {job.error}")
    return redirect("imports:job", token=job.token)


@login_required
@require_POST
def retry(request, token):
    """Run again what a system failure (a worker killed…) interrupted."""
    job = _job_or_404(request, token)
    request.scope.require(_kind_or_404(job.kind).capability)
    if not tasks.retry(job):
        messages.error(request, f"Không chạy lại được: {job.get_status_display().lower()}.")
    return redirect("imports:job", token=job.token)


@login_required
@require_safe
def marked_file(request, token):
    """The user's own file with the rejected cells in red and a "Lý do" column."""
    job = _job_or_404(request, token)
    kind = _kind_or_404(job.kind)
    summary = job.summary
    try:
        if not summary.get("file"):  # not checked yet: how the file reads, nothing marked
            table = read_table(
                job.path, engine.read_columns(kind), sheet=job.sheet or None,
                filename=job.original_name, mapping={int(k): v for k, v in job.mapping.items()},
            )  # fmt: skip
            summary = {**summary, "file": table.info()}
        content = marked.marked_workbook(
            job.path, kind=kind, summary=summary, filename=job.original_name
        )
    except ImportFileError as exc:
        messages.error(request, f"Không tạo được tệp đánh dấu lỗi: {exc}")
        return redirect("imports:job", token=job.token)
    stem = PurePath(job.original_name).stem or "tep"
    return _xlsx_response(content, f"{stem} - đánh dấu lỗi.xlsx")
