"""Views reach the command tree only through `request.scope` (units/scope.py).

A static safety net under the permission matrix: it reads every `views.py` and
`views/*.py` of our apps and flags each use of a domain model's whole table —
`Unit.objects…`, `Formation.history…`, `get_object_or_404(Board, …)` — in a view. Such
a query is accepted without comment only when it is pinned to an object the same function
obtained from the scope:

    unit = scope.get_unit(code)                        # or request.scope.get_formation(…)
    board = Board.objects.filter(unit=unit).first()    # accepted: `unit` came from scope

i.e. `.filter/.get/.create/.get_or_create/.update_or_create(<field>=<name>)` where every
assignment to <name> in that function is a `scope.get_*(…)` call. Anything else needs a
reason on the same line, or should start from `scope.units()` / `scope.formations()`:

    qs = qs.exclude(pk__in=Unit.objects.subtree(u))  # scoped: narrows a scoped queryset

Domain models are found, not listed: Unit, and every model of our apps with a
foreign-key chain to Unit that does not pass through the user model (a record owned by a
user, like an ImportJob, is scoped by its owner; the matrix checks those). The user
model belongs to a unit, so it is one too. History tables are reached as `Model.history`.
"""

import ast
import contextlib
import gc
import importlib
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model

from units.models import Unit

ROOT = Path(__file__).resolve().parent.parent
OUR_PACKAGES = ("units", "personnel", "training", "reports", "chqs")
MANAGERS = {"objects", "history", "_default_manager", "_base_manager"}
PINNING_METHODS = {"filter", "get", "create", "get_or_create", "update_or_create"}
HARMLESS_METHODS = {"none"}
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}
OPT_OUT = re.compile(r"#\s*scoped:\s*\S")

# Offences already reported to the owner of the file (who may not be the one running
# this): keep them here until fixed, so the check stays green for everything else.
# `test_reported_offences_are_still_there` fails once one is fixed: then delete it here.
REPORTED: set[tuple[str, str]] = set()


def is_history_model(model) -> bool:
    return model.__name__.startswith("Historical") and hasattr(model, "instance_type")


def domain_models() -> set[type]:
    user_model = get_user_model()
    ours = [
        model
        for config in apps.get_app_configs()
        if config.name.split(".")[0] in OUR_PACKAGES
        for model in config.get_models()
        if not is_history_model(model)
    ]
    found = {Unit}
    grew = True
    while grew:
        grew = False
        for model in ours:
            if model not in found and any(
                f.is_relation and f.related_model in found and f.related_model is not user_model
                for f in model._meta.concrete_fields
            ):
                found.add(model)
                grew = True
    return found


def view_modules() -> list[Path]:
    paths = set()
    for package in OUR_PACKAGES:
        base = ROOT / package
        paths.update(base.rglob("views.py"))
        paths.update(base.rglob("views/*.py"))
    return sorted(p for p in paths if ".venv" not in p.parts and "migrations" not in p.parts)


@dataclass(frozen=True)
class Offence:
    path: str
    line: int
    what: str
    source: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what} — {self.source}"


def dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def resolve(name: str | None, namespace: dict):
    """The object a dotted name stands for in the module (`Unit`, `models.Unit`)."""
    if not name:
        return None
    head, *rest = name.split(".")
    obj = namespace.get(head)
    for part in rest:
        obj = getattr(obj, part, None)
    return obj


def is_scope_getter(value: ast.AST | None) -> bool:
    """`scope.get_unit(…)`, `request.scope.get_formation(…)`, …"""
    if not isinstance(value, ast.Call) or not isinstance(value.func, ast.Attribute):
        return False
    func = value.func
    owner = func.value
    owner_name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", None)
    return func.attr.startswith("get_") and owner_name == "scope"


def scoped_names(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Names every binding of which, in this function, is a scope getter's result."""
    verdict: dict[str, bool] = {}

    def bind(target: ast.AST, value: ast.AST | None) -> None:
        ok = isinstance(target, ast.Name) and is_scope_getter(value)
        for name in ast.walk(target):
            if isinstance(name, ast.Name):
                verdict[name.id] = verdict.get(name.id, True) and ok
            elif isinstance(name, ast.arg):
                verdict[name.arg] = False

    bind(function.args, None)
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                bind(target, node.value)
        elif isinstance(node, ast.AnnAssign | ast.NamedExpr):
            bind(node.target, node.value)
        elif isinstance(node, ast.AugAssign | ast.For | ast.AsyncFor | ast.comprehension):
            bind(node.target, None)
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            bind(node.optional_vars, None)
    return {name for name, ok in verdict.items() if ok}


def pinned(call: ast.AST | None, anchors: set[str]) -> bool:
    """A keyword argument is a scoped object (`unit=unit`, `agency_id=unit.pk`)."""

    def is_anchor(value: ast.AST) -> bool:
        if isinstance(value, ast.Attribute) and value.attr in ("pk", "id"):
            value = value.value
        return isinstance(value, ast.Name) and value.id in anchors

    return isinstance(call, ast.Call) and any(is_anchor(k.value) for k in call.keywords)


def offences_in(source: str, path: str, namespace: dict, models: set[type]) -> list[Offence]:
    tree = ast.parse(source)
    lines = source.splitlines()
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}

    def anchors_for(node) -> set[str]:
        outermost = None  # nested functions see the names of the function around them
        while node in parents:
            node = parents[node]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                outermost = node
        return scoped_names(outermost) if outermost is not None else set()

    found = []
    for node in ast.walk(tree):
        what = call = None
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            if resolve(dotted(node.value), namespace) in models:
                what = f"{dotted(node.value)}.{node.attr}"
                method = parents.get(node)
                if isinstance(method, ast.Attribute) and method.attr in HARMLESS_METHODS:
                    continue
                if isinstance(method, ast.Attribute) and method.attr in PINNING_METHODS:
                    call = parents.get(method)
        elif isinstance(node, ast.Call) and dotted(node.func) in SHORTCUTS and node.args:
            if resolve(dotted(node.args[0]), namespace) in models:
                what, call = f"{dotted(node.func)}({dotted(node.args[0])}, …)", node
        elif (
            isinstance(node, ast.Assign)
            and isinstance(parents.get(node), ast.ClassDef)
            and any(isinstance(t, ast.Name) and t.id == "model" for t in node.targets)
            and resolve(dotted(node.value), namespace) in models
        ):
            what = f"model = {dotted(node.value)} (a generic view queries the whole table)"
        if what is None:
            continue
        if call is not None and pinned(call, anchors_for(node)):
            continue
        line = lines[node.lineno - 1]
        if OPT_OUT.search(line):
            continue
        found.append(Offence(path, node.lineno, what, line.strip()))
    return found


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(source: str, package: str, models: set[type]) -> dict:
    """What the module's imports bind, without running the module itself (a view module
    being written may not import yet). A name whose module does not import either is
    matched to a domain model by its class name."""
    by_name = {model.__name__: model for model in models}
    namespace: dict = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            base = importlib.util.resolve_name("." * node.level + (node.module or ""), package)
            for alias in node.names:
                try:
                    obj = getattr(importlib.import_module(base), alias.name, None)
                    if obj is None:
                        obj = importlib.import_module(f"{base}.{alias.name}")
                except Exception:
                    obj = by_name.get(alias.name)
                namespace[alias.asname or alias.name] = obj
        elif isinstance(node, ast.Import):
            for alias in node.names:
                bound = alias.asname or alias.name.split(".")[0]
                with contextlib.suppress(ImportError):
                    namespace[bound] = importlib.import_module(
                        alias.name if alias.asname else bound
                    )
    return namespace


def offences(path: Path, models: set[type]) -> list[Offence]:
    # Finalize leftovers of earlier tests first: a finalizer running inside ast.parse
    # can make CPython 3.11 raise "AST constructor recursion depth mismatch" (gh-106905).
    gc.collect()
    source = path.read_text(encoding="utf-8")
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    namespace = imported_names(source, package, models)
    return offences_in(source, path.relative_to(ROOT).as_posix(), namespace, models)


VIEW_MODULES = view_modules()


def test_the_check_finds_the_view_modules():
    assert ROOT / "units" / "views.py" in VIEW_MODULES


def test_the_domain_models_are_found_from_the_foreign_keys():
    from units.models import Board, Formation, UnitKind, UnitLink, User

    models = domain_models()
    assert {Unit, UnitLink, Board, Formation, User} <= models
    assert UnitKind not in models  # reference data: the same for everyone
    assert not any(is_history_model(m) for m in models)


@pytest.mark.parametrize("path", VIEW_MODULES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_views_query_the_command_tree_only_through_the_scope(path):
    found = [o for o in offences(path, domain_models()) if (o.path, o.source) not in REPORTED]
    assert not found, "Queries not derived from request.scope (see this test's docstring):\n" + (
        "\n".join(map(str, found))
    )


def test_reported_offences_are_still_there():
    models = domain_models()
    current = {(o.path, o.source) for p in VIEW_MODULES for o in offences(p, models)}
    fixed = REPORTED - current
    assert not fixed, f"Fixed, so delete from REPORTED: {sorted(fixed)}"


# -- the check itself ------------------------------------------------------------------


def check_snippet(source: str) -> list[str]:
    from units import models as unit_models

    namespace = {**vars(unit_models), "models": unit_models}
    return [o.what for o in offences_in(source, "snippet.py", namespace, domain_models())]


@pytest.mark.parametrize(
    "source",
    [
        "def v(request):\n    return Unit.objects.all()\n",
        "def v(request, unit):\n    return Board.objects.filter(unit=unit)\n",
        "def v(request, code):\n    return get_object_or_404(Unit, code=code)\n",
        "def v(request):\n    return models.Formation.objects.get(pk=1)\n",
        "def v(request):\n    return Unit.history.all()\n",
        "def v(request, code):\n"
        "    unit = request.scope.get_unit(code)\n"
        "    unit = Unit.objects.get(code='A2')\n"
        "    return Board.objects.filter(unit=unit)\n",
        "def v(request, code):\n"
        "    unit = request.scope.get_unit(code)\n"
        "    return Board.objects.exclude(unit=unit)\n",
        "class UnitList(ListView):\n    model = Unit\n",
    ],
    ids=[
        "whole-table",
        "pinned-to-a-parameter",
        "shortcut",
        "dotted-model",
        "history",
        "rebound-name",
        "exclude-is-not-a-pin",
        "generic-view-model",
    ],
)
def test_the_check_flags_unscoped_queries(source):
    assert check_snippet(source)


@pytest.mark.parametrize(
    "source",
    [
        "def v(request, code):\n"
        "    unit = request.scope.get_unit(code)\n"
        "    return Formation.objects.filter(agency=unit).select_related('parent')\n",
        "def v(request, code):\n"
        "    scope = request.scope\n"
        "    unit = scope.get_unit(code)\n"
        "    return Board.objects.filter(unit=unit).first() or Board(unit=unit)\n",
        "def v(request):\n    return Unit.objects.all()  # scoped: admin-only page\n",
        "def v(request, code):\n"
        "    unit = request.scope.get_unit(code)\n"
        "    return Formation.objects.filter(agency_id=unit.pk)\n",
        "def v(request):\n    return Unit.objects.none()\n",
        "def v(request):\n    return UnitKind.objects.all()\n",
        "def v(request):\n    return request.scope.units().filter(code='A1')\n",
    ],
    ids=[
        "pinned-to-get_unit",
        "pinned-via-local-scope",
        "opt-out-comment",
        "pinned-by-pk",
        "none",
        "reference-data",
        "from-scope",
    ],
)
def test_the_check_accepts_scoped_queries(source):
    assert check_snippet(source) == []
