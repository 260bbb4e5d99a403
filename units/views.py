"""Pages of the command tree. Every object comes through `request.scope`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods, require_safe

from chqs import versions

from . import services
from .extensions import board_links, home_panels
from .filters import UnitFilter
from .forms import (
    BoardForm,
    FormationForm,
    UnitCreateForm,
    UnitDissolveForm,
    UnitForm,
    UnitMoveForm,
    parse_date_param,
)
from .history import unit_history
from .models import Board, Formation, Unit, today
from .selectors import home_figures, unit_tree


def _form_error(form, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    # Six counts over the command tree, the same for everyone with this scope: kept in
    # the process's cache until a unit, board or formation changes (chqs.versions).
    figures = versions.cached(("home", *scope.key), [versions.UNITS], lambda: home_figures(scope))
    context = {"figures": figures, "root": scope.root, "panels": home_panels(request)}
    return render(request, "units/home.html", context)


@login_required
@require_safe
def tree(request: HttpRequest) -> HttpResponse:
    on = parse_date_param(request.GET.get("ngay"))
    if on is None:
        if request.GET.get("ngay"):
            messages.error(
                request, "Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy. Đang hiện cây hôm nay."
            )
        on = today()
    show_dissolved = request.GET.get("giai_the") == "1"
    scope = request.scope
    # The tree as HTML (its recursive template was nine tenths of the page's CPU), the
    # same for everyone with this scope: kept until a unit, board or formation changes.
    nodes_html = versions.cached(
        ("tree-html", *scope.key, on.isoformat(), show_dissolved),
        [versions.UNITS],
        lambda: render_to_string(
            "units/_tree.html",
            {"nodes": unit_tree(scope, on, show_dissolved=show_dissolved), "on": on},
        ),
    )
    context = {
        "nodes_html": nodes_html,
        "on": on,
        "is_today": on == today(),
        "show_dissolved": show_dissolved,
    }
    return render(request, "units/tree.html", context)


@login_required
@require_safe
def unit_list(request: HttpRequest) -> HttpResponse:
    qs = request.scope.units().select_related("kind", "agency_type", "board")
    unit_filter = UnitFilter(request.GET, queryset=qs)
    units = unit_filter.qs.distinct().order_by("kind__order", "name")
    page = Paginator(units, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "units/unit_list.html",
        {"filter": unit_filter, "page": page, "query": query.urlencode()},
    )


@login_required
@require_safe
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    scope = request.scope
    unit = scope.get_unit(code)
    board = Board.objects.filter(unit=unit).first()
    formations = list(Formation.objects.filter(agency=unit).select_related("force_kind", "parent"))
    children = (
        scope.units()
        .filter(parent_links__parent=unit, parent_links__valid_to__isnull=True)
        .select_related("kind")
        .order_by("kind__order", "name")
    )
    links = list(unit.parent_links.select_related("parent").order_by("-valid_from"))
    on = today()
    has_parent = any(
        link.valid_from <= on and (link.valid_to is None or link.valid_to > on) for link in links
    )
    context = {
        "unit": unit,
        "ancestors": [a for a in unit.ancestors() if scope.contains(a)],
        "board": board,
        "seats": board.seats() if board else [],
        "board_links": board_links(board, request.user) if board else [],
        "formations": formations,
        "children": children,
        "links": links,
        # A top unit's documents name its superior body (cơ quan chủ quản) from the unit.
        "shows_superior_body": not unit.is_agency and not has_parent,
        "history": unit_history(unit),
        "can_edit": scope.can("change_structure"),
    }
    return render(request, "units/unit_detail.html", context)


def _parents(scope, exclude: Unit | None = None):
    qs = scope.units().active_on().filter(kind__is_agency=False).order_by("kind__order", "name")
    if exclude is not None:
        qs = qs.exclude(pk__in=scope.units().subtree(exclude).values("pk"))
    return qs


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    initial = {}
    if request.GET.get("cap_tren"):  # out of scope: 404 before any role check
        initial["parent"] = scope.get_unit(request.GET["cap_tren"])
    scope.require("change_structure")
    parents = _parents(scope)
    form = UnitCreateForm(request.POST or None, parents=parents, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        parent, valid_from = data.pop("parent"), data.pop("valid_from")
        decision = data.pop("decision")
        try:
            unit = services.unit_create(
                parent=parent, valid_from=valid_from, decision=decision, **data
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"Đã tạo đơn vị “{unit}”.")
            return redirect("units:detail", code=unit.code)
    return render(request, "units/unit_form.html", {"form": form, "title": "Thêm đơn vị"})


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, code: str) -> HttpResponse:
    scope = request.scope
    unit = scope.get_unit(code)
    scope.require("change_structure")
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        unit = form.save()
        messages.success(request, "Đã lưu thay đổi.")
        return redirect("units:detail", code=unit.code)
    context = {"form": form, "unit": unit, "title": f"Sửa đơn vị: {unit}"}
    return render(request, "units/unit_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def unit_move(request: HttpRequest, code: str) -> HttpResponse:
    scope = request.scope
    unit = scope.get_unit(code)
    scope.require("change_structure")
    form = UnitMoveForm(request.POST or None, parents=_parents(scope, exclude=unit))
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_move(
                unit=unit,
                new_parent=form.cleaned_data["new_parent"],
                on=form.cleaned_data["on"],
                decision=form.cleaned_data["decision"],
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request, f"Đã chuyển “{unit}” sang “{form.cleaned_data['new_parent']}”."
            )
            return redirect("units:detail", code=unit.code)
    context = {"form": form, "unit": unit, "title": f"Chuyển trực thuộc: {unit}"}
    return render(request, "units/unit_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def unit_dissolve(request: HttpRequest, code: str) -> HttpResponse:
    scope = request.scope
    unit = scope.get_unit(code)
    scope.require("change_structure")
    form = UnitDissolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_dissolve(unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"Đã ghi nhận giải thể “{unit}”; lịch sử được giữ nguyên.")
            return redirect("units:detail", code=unit.code)
    context = {"form": form, "unit": unit, "title": f"Giải thể: {unit}", "danger": True}
    return render(request, "units/unit_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def board_edit(request: HttpRequest, code: str) -> HttpResponse:
    scope = request.scope
    unit = scope.get_unit(code)
    scope.require("change_structure")
    board = Board.objects.filter(unit=unit).first() or Board(unit=unit)
    form = BoardForm(request.POST or None, instance=board)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Đã lưu thông tin Ban CHQS.")
        return redirect("units:detail", code=unit.code)
    context = {"form": form, "unit": unit, "title": f"Ban CHQS: {unit}"}
    return render(request, "units/unit_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def formation_edit(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    scope = request.scope
    unit = scope.get_unit(code)
    formation = scope.get_formation(unit, pk) if pk is not None else None
    scope.require("change_structure")
    if not unit.is_agency:
        messages.error(request, "Đơn vị tự vệ chỉ thuộc cơ quan, tổ chức.")
        return redirect("units:detail", code=unit.code)
    form = FormationForm(request.POST or None, instance=formation, agency=unit)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, f"Đã lưu đơn vị tự vệ “{form.instance}”.")
        return redirect("units:detail", code=unit.code)
    title = f"Sửa đơn vị tự vệ: {formation}" if formation else "Thêm đơn vị tự vệ"
    return render(request, "units/unit_form.html", {"form": form, "unit": unit, "title": title})
