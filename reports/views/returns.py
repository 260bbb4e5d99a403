"""A return as a document: create, edit, submit, approve or send back, correct; its PDF
(frozen once approved), the comparison with today's data, the per-person annex.

A return is found only among those of units in the viewer's scope (404 otherwise);
writing needs `change_structure` (staff), deciding needs `approve` (commander).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import indicators, services, tasks
from .. import scope as scoped
from ..documents import TEXT_SECTIONS, letterhead, return_pdf
from ..forms import CommentForm, ReturnForm
from ..models import Return
from ..selectors import versions_of
from .common import BadPeriod, bad_period, subject_of


def get_return(request: HttpRequest, pk: int) -> Return:
    return scoped.get_return(request.scope, pk)


def _refused(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
@require_POST
def return_create(request: HttpRequest, code: str, period: str) -> HttpResponse:
    try:
        subject = subject_of(request, code, period)
    except BadPeriod as exc:
        return bad_period(request, exc)
    request.scope.require("change_structure")
    ret = services.return_create(
        unit=subject.unit, period=subject.period, as_of=subject.as_of, user=request.user
    )
    return redirect("reports:return", pk=ret.pk)


@login_required
@require_GET
def return_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ret = get_return(request, pk)
    scope = request.scope
    versions = versions_of(ret)
    context = {
        "ret": ret,
        "versions": versions,
        "texts": [(title, getattr(ret, key)) for key, title in TEXT_SECTIONS],
        "can_write": scope.can("change_structure"),
        "can_approve": scope.can("approve"),
        "comment_form": CommentForm(),
        "annex_label": tasks.STATUS_LABELS.get(ret.annex_status, ""),
    }
    return render(request, "reports/return_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def return_edit(request: HttpRequest, pk: int) -> HttpResponse:
    ret = get_return(request, pk)
    request.scope.require("change_structure")
    if not ret.is_editable:
        messages.error(request, f"Báo cáo “{ret.get_state_display()}” không sửa được.")
        return redirect("reports:return", pk=ret.pk)
    form = ReturnForm(request.POST or None, instance=ret)
    if request.method == "POST" and form.is_valid():
        try:
            services.return_update(ret=ret, data=form.cleaned_data)
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, "Đã lưu báo cáo.")
            return redirect("reports:return", pk=ret.pk)
    return render(request, "reports/return_form.html", {"ret": ret, "form": form})


def _step(request, pk: int, capability: str, action, done: str, **extra) -> HttpResponse:
    ret = get_return(request, pk)
    request.scope.require(capability)
    try:
        result = action(ret=ret, user=request.user, **extra)
    except ValidationError as exc:
        _refused(request, exc)
        return redirect("reports:return", pk=ret.pk)
    messages.success(request, done)
    return redirect("reports:return", pk=result.pk)


@login_required
@require_POST
def return_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "change_structure", services.return_submit, "Đã trình báo cáo.")


@login_required
@require_POST
def return_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "approve",
        services.return_approve,
        "Đã phê duyệt; báo cáo đã được lưu cố định.",
    )


@login_required
@require_POST
def return_send_back(request: HttpRequest, pk: int) -> HttpResponse:
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    return _step(
        request, pk, "approve", services.return_send_back, "Đã trả lại báo cáo.", comment=comment
    )


@login_required
@require_POST
def return_correct(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "change_structure", services.return_correct, "Đã mở bản đính chính.")


@login_required
@require_GET
def return_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The approved PDF exactly as stored; before approval, a draft from today's data."""
    ret = get_return(request, pk)
    filename = f"bao-cao-{ret.unit.code}-{ret.period_label}-lan-{ret.version}.pdf"
    if ret.is_frozen and ret.pdf_file:
        return FileResponse(
            ret.pdf_file.open("rb"), as_attachment=True, filename=filename,
            content_type="application/pdf",
        )  # fmt: skip
    figures = indicators.compute(ret.unit, ret.period, ret.as_of)
    body = return_pdf(figures, letterhead(ret.unit, ret.period, ret), ret)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def return_compare(request: HttpRequest, pk: int) -> HttpResponse:
    ret = get_return(request, pk)
    rows = services.compare(ret)
    return render(request, "reports/return_compare.html", {"ret": ret, "rows": rows})


@login_required
@require_POST
def annex_start(request: HttpRequest, pk: int) -> HttpResponse:
    ret = get_return(request, pk)
    if ret.annex_status in (tasks.QUEUED, tasks.RUNNING):
        messages.info(request, "Danh sách đang được lập.")
        return redirect("reports:return", pk=ret.pk)
    services.annex_queue(ret=ret)
    return redirect("reports:return", pk=ret.pk)


@login_required
@require_GET
def annex_progress(request: HttpRequest, pk: int) -> HttpResponse:
    ret = get_return(request, pk)
    context = {"ret": ret, "annex_label": tasks.STATUS_LABELS.get(ret.annex_status, "")}
    return render(request, "reports/_annex.html", context)


@login_required
@require_GET
def annex_download(request: HttpRequest, pk: int) -> HttpResponse:
    ret = get_return(request, pk)
    if ret.annex_status != tasks.DONE or not ret.annex_file:
        raise Http404("Danh sách kèm theo chưa được lập.")
    filename = f"danh-sach-{ret.unit.code}-{ret.period_label}-lan-{ret.version}.pdf"
    return FileResponse(
        ret.annex_file.open("rb"), as_attachment=True, filename=filename,
        content_type="application/pdf",
    )  # fmt: skip
