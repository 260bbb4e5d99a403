"""Compliance with the training plan for a unit's subtree in a year: every agency with
its quota, attended, rate, passed and khá-giỏi, sortable; an agency drills down to its
people (who went where, days, results, and who is short of their required days).
A fixed number of queries whatever the size of the tree."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from chqs.text import rate
from units.models import Unit

from .. import scope as training_scope
from ..exports import xlsx_response
from ..figures import members_short_of_days, training_figures
from .plans import _year

SORTS = {
    "ten": lambda r: r["agency"].name,
    "chi_tieu": lambda r: r["quota"],
    "tham_gia": lambda r: r["attended"],
    "ty_le": lambda r: (r["rate"] is not None, r["rate"] or 0),
    "dat": lambda r: r["passed"],
}


def _unit(request: HttpRequest) -> Unit:
    scope = request.scope
    code = request.GET.get("don_vi")
    if code:
        return scope.get_unit(code)
    root = scope.root
    if root is None:
        return scope.get_unit("")  # no unit: 404
    return scope.get_unit(root.code)


def compliance_data(request: HttpRequest) -> dict:
    scope = request.scope
    unit = _unit(request)
    year = _year(request)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    agencies = list(training_scope.subtree_agencies(scope, unit).order_by("name"))
    ids = [a.pk for a in agencies]
    figures = training_figures(ids, start, end)
    rows = []
    empty = {"quota": 0, "attended": 0, "passed": 0, "good_or_excellent": 0}
    for agency in agencies:
        counts = figures["by_unit"].get(agency.pk, empty)
        rows.append(
            {
                "agency": agency,
                **counts,
                "rate": rate(counts["attended"], counts["quota"]),
                "below": counts["attended"] < counts["quota"],
            }
        )
    sort = request.GET.get("sap_xep", "ten")
    key = SORTS.get(sort.lstrip("-"), SORTS["ten"])
    rows.sort(key=key, reverse=sort.startswith("-"))
    return {
        "unit": unit,
        "year": year,
        "sort": sort,
        "rows": rows,
        "figures": figures,
        "below_count": sum(1 for r in rows if r["below"]),
        "is_agency": unit.kind.is_agency,
    }


@login_required
@require_safe
def compliance(request: HttpRequest) -> HttpResponse:
    context = compliance_data(request)
    unit = context["unit"]
    if context["is_agency"]:
        year = context["year"]
        context["nominations"] = list(
            training_scope.agency_nominations(request.scope, unit, year)
            .select_related("person", "course__audience")
            .order_by("person__sort_key", "person_id", "course__starts_on")
        )
        context["short"] = members_short_of_days([unit.pk], year)
    context["years"] = range(context["year"] + 1, context["year"] - 5, -1)
    return render(request, "training/compliance.html", context)


@login_required
@require_safe
def compliance_export(request: HttpRequest) -> HttpResponse:
    context = compliance_data(request)
    headers = [
        "STT", "Mã đơn vị", "Cơ quan, tổ chức", "Chỉ tiêu", "Tham gia", "Tỷ lệ", "Đạt",
        "Khá, giỏi",
    ]  # fmt: skip
    data = [
        [
            i,
            r["agency"].code,
            r["agency"].name,
            r["quota"],
            r["attended"],
            float(r["rate"]) / 100 if r["rate"] is not None else None,
            r["passed"],
            r["good_or_excellent"],
        ]  # fmt: skip
        for i, r in enumerate(context["rows"], start=1)
    ]
    unit, year = context["unit"], context["year"]
    title = f"Kết quả thực hiện chỉ tiêu huấn luyện năm {year} – {unit.name}"
    return xlsx_response(
        f"huan-luyen-{unit.code}-{year}.xlsx", title, headers, data, percent_columns={5}
    )
