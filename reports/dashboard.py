"""The commanders' and staff officers' dashboard on the home page (a units.extensions
home panel): the key figures of their subtree for the latest six-month period, with the
charts drawn on the server (reports.charts) — the same SVG the PDF carries."""

from __future__ import annotations

from django.template.loader import render_to_string

from chqs import versions
from units.models import Role, today

from . import charts, indicators
from .periods import default_label
from .selectors import period_for, returns_status

DASHBOARD_ROLES = {Role.ADMIN, Role.STAFF, Role.COMMANDER}


def dashboard_panel(request) -> str:
    scope = request.scope
    root = scope.root
    if root is None or scope.role not in DASHBOARD_ROLES:
        return ""
    day = today()
    # The same panel for everyone whose unit is `root` (nothing in it depends on the
    # user); a province's figures take seconds to compute, so each process keeps the
    # panel until any data behind a figure changes (chqs.versions) or the day does.
    return versions.cached(
        ("dashboard", root.pk, day.isoformat()), [versions.FIGURES], lambda: _panel(root, day)
    )


def _panel(root, day) -> str:
    period = period_for(root, default_label(day))
    # Not shown here, and the costliest figure to compute: who is short of training days.
    figures = indicators.compute(root, period, short_of_days=False)
    status = returns_status(root, period, on=day)
    counts = {
        "Đã phê duyệt": status["counts"]["approved"],
        "Đã trình": status["counts"]["submitted"],
        "Chưa trình": status["counts"]["in_progress"] + status["counts"]["missing"],
        "Quá hạn": status["late"],
    }
    pictures = [
        charts.strength_by_kind(figures),
        charts.training_by_agency(figures),
        charts.man_days_by_month(figures),
        charts.returns_status(counts),
    ]
    context = {
        "f": figures,
        "period": period,
        "root": root,
        "status": status,
        "charts": [charts.data_uri(svg) for svg in pictures],
    }
    return render_to_string("reports/_dashboard.html", context)
