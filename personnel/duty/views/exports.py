"""The month rota of a unit as PDF and as Excel."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from units.models import today

from ..calendar import holidays
from ..rota import XLSX_CONTENT_TYPE, rota_pdf, rota_xlsx
from ..selectors import month_bounds, month_turns, rota_grid, rota_rows
from .common import month_of, province_id, subtree_ids


def _month(request, code):
    scope = request.scope
    unit = scope.get_unit(code)
    month = month_of(request)
    first, last = month_bounds(month)
    shown = month_turns(subtree_ids(scope, unit), month)
    return unit, month, shown, holidays(first, last, province_id(unit))


@login_required
@require_safe
def month_pdf(request: HttpRequest, code: str) -> HttpResponse:
    unit, month, shown, days_off = _month(request, code)
    pdf = rota_pdf(unit, month, rota_grid(shown, month, days_off), today())
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"lich-truc-{unit.code}-{month:%Y-%m}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
@require_safe
def month_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    unit, month, shown, days_off = _month(request, code)
    rows = rota_rows(shown, days_off)
    response = HttpResponse(rota_xlsx(unit, month, rows), content_type=XLSX_CONTENT_TYPE)
    name = f"lich-truc-{unit.code}-{month:%Y-%m}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
