"""The quota grid of a course: the agencies of the organiser's tree as rows, one number
each; saved all at once or not at all. Exported to Excel with what was achieved."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from .. import scope as training_scope
from .. import selectors
from ..exports import xlsx_response
from ..services import quotas_set


def _grid(course, units) -> list[dict]:
    agencies = list(training_scope.course_agencies(course).filter(pk__in=units).order_by("name"))
    quotas, counts = selectors.course_counts(course, [a.pk for a in agencies])
    return [
        {
            "agency": a,
            "quota": quotas.get(a.pk),
            "nominated": counts.get(a.pk, {}).get("nominated", 0),
            "attended": counts.get(a.pk, {}).get("attended", 0),
        }
        for a in agencies
    ]


@login_required
@require_http_methods(["GET", "POST"])
def quotas(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope
    course = training_scope.get_course(scope, pk)
    training_scope.require_manage(scope, course.organiser)
    rows = _grid(course, scope.units())
    errors: dict[int, str] = {}
    if request.method == "POST":
        wanted: dict[int, int | None] = {}
        for row in rows:
            raw = request.POST.get(f"q-{row['agency'].pk}", "").strip().replace(".", "")
            row["typed"] = raw
            if not raw:
                wanted[row["agency"].pk] = None
            elif raw.isdigit() and int(raw) <= 100000:
                wanted[row["agency"].pk] = int(raw)
            else:
                errors[row["agency"].pk] = "Chỉ tiêu là số nguyên không âm."
        if not errors:
            changed = quotas_set(course=course, quantities=wanted)
            messages.success(request, f"Đã lưu chỉ tiêu ({changed} thay đổi).")
            return redirect("training:course", pk=course.pk)
        messages.error(request, "Chưa lưu: có ô chỉ tiêu không hợp lệ (tô đỏ bên dưới).")
    for row in rows:
        row["error"] = errors.get(row["agency"].pk, "")
        if "typed" not in row:
            row["typed"] = row["quota"] or ""
    total = sum(r["quota"] or 0 for r in rows)
    context = {"course": course, "rows": rows, "total": total}
    return render(request, "training/quotas.html", context)


@login_required
@require_safe
def quotas_export(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope
    course = training_scope.get_course(scope, pk)
    rows = [r for r in _grid(course, scope.units()) if r["quota"] or r["nominated"]]
    headers = ["STT", "Mã đơn vị", "Cơ quan, tổ chức", "Chỉ tiêu", "Đã cử", "Tham gia", "Tỷ lệ"]
    data = [
        [
            i,
            r["agency"].code,
            r["agency"].name,
            r["quota"] or 0,
            r["nominated"],
            r["attended"],
            (r["attended"] / r["quota"]) if r["quota"] else None,
        ]
        for i, r in enumerate(rows, start=1)
    ]
    title = f"Chỉ tiêu lớp {course.code} – {course.name}"
    return xlsx_response(f"chi-tieu-{course.code}.xlsx", title, headers, data, percent_columns={6})
