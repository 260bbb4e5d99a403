"""The figures of a unit for a period: the page with drill-down, its JSON, PDF and Excel,
and the lists of records behind each figure. Everything starts from `request.scope`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from personnel.duty import scope as duty_scope
from units.models import today

from .. import indicators
from .. import scope as scoped
from ..charts import report_charts
from ..documents import letterhead, return_pdf
from ..excel import XLSX_CONTENT_TYPE, return_xlsx
from ..periods import default_label, period_choices
from ..selectors import returns_of
from .common import BadPeriod, bad_period, subject_of

RECORD_TITLES = {
    "members": "Cán bộ, chiến sĩ tự vệ đang tham gia",
    "joined": "Kết nạp mới trong kỳ",
    "left": "Ra khỏi lực lượng trong kỳ",
    "terms_ending": "Hết thời hạn tham gia trong 90 ngày tới",
}
FILTER_TITLES = {
    "female": "nữ",
    "party": "đảng viên",
    "youth_union": "đoàn viên",
    "kind": "thành phần",
    "position": "chức vụ",
    "age": "độ tuổi",
}


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Pick a unit and a period; the list of returns in the user's scope."""
    scope = request.scope
    code = request.GET.get("don_vi")
    label = request.GET.get("ky")
    if code and label:
        unit = scope.get_unit(code)
        url = reverse("reports:figures", kwargs={"code": unit.code, "period": label.strip()})
        as_of = request.GET.get("ngay", "").strip()
        return redirect(url + (f"?ngay={as_of}" if as_of else ""))
    year = today().year
    returns = (
        scoped.returns(scope).current().select_related("unit").order_by("-end", "unit__name")[:50]
    )
    units = scope.units().exclude(kind__is_agency=True).order_by("kind__order", "name")[:200]
    context = {
        "units": units,
        "root": scope.root,
        "choices": period_choices(year) + period_choices(year - 1),
        "default_label": default_label(today()),
        "returns": returns,
    }
    return render(request, "reports/index.html", context)


@login_required
@require_GET
def figures(request: HttpRequest, code: str, period: str) -> HttpResponse:
    try:
        subject = subject_of(request, code, period)
    except BadPeriod as exc:
        return bad_period(request, exc)
    data = indicators.compute(subject.unit, subject.period, subject.as_of)
    returns = returns_of(subject.unit, subject.period.label)
    context = {
        "subject": subject,
        "f": data,
        "charts": report_charts(data),
        "returns": returns,
        "can_write": request.scope.can("change_structure"),
        "query": f"?ngay={subject.as_of:%d/%m/%Y}",
    }
    return render(request, "reports/figures.html", context)


def _filename(subject, ext: str) -> str:
    return f"bao-cao-{subject.unit.code}-{subject.period.label}.{ext}"


@login_required
@require_GET
def export(request: HttpRequest, code: str, period: str, fmt: str) -> HttpResponse:
    try:
        subject = subject_of(request, code, period)
    except BadPeriod as exc:
        return bad_period(request, exc)
    data = indicators.compute(subject.unit, subject.period, subject.as_of)
    if fmt == "json":
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    if fmt == "pdf":
        body = return_pdf(data, letterhead(subject.unit, subject.period))
        response = HttpResponse(body, content_type="application/pdf")
    else:
        response = HttpResponse(return_xlsx(data), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(subject, fmt)}"'
    return response


@login_required
@require_GET
def records(request: HttpRequest, code: str, period: str, metric: str) -> HttpResponse:
    """The service records behind one figure, limited to what the viewer may see today:
    ?loc=female|party|youth_union|kind|position|age, ?gia_tri=..., ?co_quan=CODE."""
    try:
        subject = subject_of(request, code, period)
    except BadPeriod as exc:
        return bad_period(request, exc)
    if metric not in indicators.RECORD_SETS:
        return bad_period(request, BadPeriod("Không có danh sách này."))
    scope = indicators.Scope(subject.unit, subject.period, subject.as_of)
    records = indicators.RECORD_SETS[metric](scope).filter(agency__in=request.scope.units())
    which, value = request.GET.get("loc", ""), request.GET.get("gia_tri", "")
    if which in FILTER_TITLES:
        records = records.filter(indicators.member_q(which, value, subject.as_of))
    agency = None
    if request.GET.get("co_quan"):
        agency = request.scope.get_unit(request.GET["co_quan"])
        records = records.filter(agency=agency)
    records = records.select_related(
        "person", "agency", "formation", "position", "force_kind", "status_reason"
    ).order_by("agency__name", "person__sort_key", "id")
    page = Paginator(records, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "subject": subject,
        "title": RECORD_TITLES[metric],
        "which": FILTER_TITLES.get(which, ""),
        "value": value,
        "agency": agency,
        "page": page,
        "query": query.urlencode(),
        "metric": metric,
    }
    return render(request, "reports/records.html", context)


@login_required
@require_GET
def duty_records(request: HttpRequest, code: str, period: str) -> HttpResponse:
    """The duty turns behind the duty figures (?loai=KIND, ?co_quan=CODE), limited by
    the duty app's own rule to the turns the viewer may open there (duty:turn), so each
    row links to its turn."""
    try:
        subject = subject_of(request, code, period)
    except BadPeriod as exc:
        return bad_period(request, exc)
    scope = indicators.Scope(subject.unit, subject.period, subject.as_of)
    turns = indicators.duty_turns(scope) & duty_scope.turns(request.scope)
    if request.GET.get("loai"):
        turns = turns.filter(kind__code=request.GET["loai"])
    if request.GET.get("co_quan"):
        turns = turns.filter(unit=request.scope.get_unit(request.GET["co_quan"]))
    turns = (
        turns.select_related("unit", "kind", "officer")
        .annotate(crew=Count("assignments"))
        .order_by("starts_at", "pk")
    )
    page = Paginator(turns, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"subject": subject, "page": page, "query": query.urlencode()}
    return render(request, "reports/duty_records.html", context)
