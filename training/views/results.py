"""Attendance and results of a course, entered in bulk by the organiser; the signing
list as a PDF in the administrative layout (NĐ 30/2020)."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from chqs.pdf import Letterhead, render_pdf
from units.models import today

from .. import scope as training_scope
from .. import selectors
from ..models import Attendance, Result
from ..services import ResultEntry, days_text, results_record

_nominees = selectors.course_nominees
PER_PAGE = 200


def _days(raw: str) -> Decimal | None:
    raw = raw.strip().replace(",", ".")
    if not raw:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        return Decimal(-1)  # refused by the service with its message


@login_required
@require_http_methods(["GET", "POST"])
def results(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope
    course = training_scope.get_course(scope, pk)
    training_scope.require_manage(scope, course.organiser)
    # A sheet of PER_PAGE rows (4 fields each) stays under Django's 1.000 form fields.
    paginator = Paginator(_nominees(course), PER_PAGE)
    page = paginator.get_page(request.GET.get("trang"))
    rows = list(page.object_list)
    if request.method == "POST":
        entries = {
            n.pk: ResultEntry(
                attendance=request.POST.get(f"att-{n.pk}", ""),
                days=_days(request.POST.get(f"days-{n.pk}", "")),
                reason=request.POST.get(f"reason-{n.pk}", ""),
                result=request.POST.get(f"result-{n.pk}", ""),
            )
            for n in rows
            if f"att-{n.pk}" in request.POST
        }
        try:
            changed = results_record(course=course, entries=entries)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            for n in rows:  # keep what was typed
                if n.pk in entries:
                    e = entries[n.pk]
                    n.attendance, n.absence_reason, n.result = e.attendance, e.reason, e.result
                    n.typed_days = request.POST.get(f"days-{n.pk}", "")
        else:
            messages.success(request, f"Đã lưu kết quả ({changed} người thay đổi).")
            url = reverse("training:results", kwargs={"pk": course.pk})
            return redirect(f"{url}?trang={page.number}" if page.number > 1 else url)
    for n in rows:
        if not hasattr(n, "typed_days"):
            n.typed_days = days_text(n.days_attended) if n.attendance else ""
    context = {
        "course": course,
        "rows": rows,
        "page": page,
        "attendance_choices": Attendance.choices,
        "result_choices": Result.choices,
    }
    return render(request, "training/results.html", context)


def _place(unit) -> str:
    """The place in the date line: the province's name ("Cần Thơ")."""
    root = next(iter(unit.ancestors()), unit)
    for prefix in ("thành phố ", "tỉnh "):
        if prefix in root.name:
            return root.name.split(prefix, 1)[1]
    return root.name


@login_required
@require_safe
def attendance_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope
    course = training_scope.get_course(scope, pk)
    training_scope.require_manage(scope, course.organiser)
    organiser = course.organiser
    doc = Letterhead(
        parent_body=organiser.superior_body_on(course.starts_on).upper(),
        issuer=organiser.name.upper(),
        place=_place(organiser),
        on=today(),
        title="DANH SÁCH",
        subject=f"Học viên {course.name} (lớp {course.code})",
        recipients=["Các cơ quan, tổ chức có học viên", "Lưu: VT"],
        landscape=True,
    )
    context = {"doc": doc, "course": course, "rows": _nominees(course)}
    pdf = render_pdf("training/attendance_pdf.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="danh-sach-{course.pk}.pdf"'
    return response
