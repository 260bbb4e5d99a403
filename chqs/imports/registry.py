"""The registry of import/export kinds: one entry per kind of record kept in Excel.

An app registers its kinds in its `imports` module, which `autodiscover()` imports for
every installed app (the way the admin finds `admin.py`):

    # personnel/imports.py
    from chqs.imports import registry

    registry.register(registry.Kind(
        code="people", title="Danh sách trích ngang", columns=COLUMNS,
        importer=PeopleImporter, export_rows=people_rows, capability="change_people",
    ))

The registry also holds the scope factory (`set_scope_factory`), so this package does
not import the app that defines scopes (`units`): arrows point into `chqs`, not out.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import autodiscover_modules

from .columns import Column

if TYPE_CHECKING:
    from .engine import Importer


@dataclass(frozen=True)
class Kind:
    """A kind of record that users import from and export to Excel.

    `importer` is an `engine.Importer` subclass (validates and writes rows);
    `export_rows(scope, unit=None)` yields dicts keyed by column key, in the same form
    the import reads back (so export → import reports every row unchanged); `unit` is
    an optional unit code limiting the export to a subtree. `capability` is what the
    user's scope must allow to import (`scope.require(capability)`); exporting needs
    `export_capability`.
    """

    code: str
    title: str
    columns: Sequence[Column]
    importer: type["Importer"]
    export_rows: Callable[..., Iterable[Mapping[str, Any]]]
    capability: str = "change_structure"
    export_capability: str = "view"
    description: str = ""
    sheet_title: str = ""

    @property
    def sheet_name(self) -> str:
        # Excel limits sheet names to 31 characters.
        return (self.sheet_title or self.title)[:31]

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def header(self, key: str) -> str:
        try:
            return self.column(key).header
        except KeyError:
            return ""


class UnknownKind(LookupError):
    def __init__(self, code: str):
        known = ", ".join(kind.code for kind in kinds()) or "chưa có"
        super().__init__(f"Không có loại dữ liệu “{code}” (các loại: {known}).")


_kinds: dict[str, Kind] = {}
_scope_factory: Callable[[Any], Any] | None = None
_discovered = False


def register(kind: Kind) -> Kind:
    """Add a kind; a second kind with the same code is a configuration error."""
    existing = _kinds.get(kind.code)
    if existing is not None and existing is not kind:
        raise ImproperlyConfigured(f"Import kind {kind.code!r} is registered twice.")
    keys = [column.key for column in kind.columns]
    if len(set(keys)) != len(keys):
        raise ImproperlyConfigured(f"Import kind {kind.code!r} has duplicate column keys.")
    _kinds[kind.code] = kind
    return kind


def unregister(code: str) -> None:
    """Remove a kind (tests that register a throw-away kind clean up with this)."""
    _kinds.pop(code, None)


def autodiscover() -> None:
    """Import `<app>.imports` for every installed app, once."""
    global _discovered
    if not _discovered:
        autodiscover_modules("imports")
        _discovered = True


def kinds() -> list[Kind]:
    """Every registered kind, in registration order (apps in INSTALLED_APPS order)."""
    autodiscover()
    return list(_kinds.values())


def get_kind(code: str) -> Kind:
    """The kind with this code, or `UnknownKind` (a LookupError with a Vietnamese text)."""
    autodiscover()
    try:
        return _kinds[code]
    except KeyError:
        raise UnknownKind(code) from None


def set_scope_factory(factory: Callable[[Any], Any]) -> None:
    """Tell the framework how to build a scope: `factory(user)`, `factory(None)` = system.

    A scope answers `units()`, `contains(unit)`, `can(capability)`, `require(capability)`
    and `get_unit(code)`, like `units.scope.Scope` (which the web requests carry as
    `request.scope`).
    """
    global _scope_factory
    _scope_factory = factory


def scope_for(user: Any | None) -> Any:
    """The scope the command line runs in: the user's, or the system's (everything)."""
    autodiscover()
    if _scope_factory is None:
        raise ImproperlyConfigured("No scope factory registered (registry.set_scope_factory).")
    return _scope_factory(user)
