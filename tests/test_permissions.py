"""The permission matrix covers every URL: the route tables of all apps together
(tests/<app>/test_permissions.py, found by tests.permissions.route_modules) classify each
named URL of our apps exactly once. The matrix itself runs in each app's module; the rules
and the machinery are in tests/permissions.py."""

from tests.permissions import ROLE_CAN, our_urls, route_modules
from units.scope import CAPABILITIES


def classified() -> dict[str, list[str]]:
    """URL name → the route tables (module paths) that classify it."""
    where: dict[str, list[str]] = {}
    for path, module in route_modules().items():
        for name in module.ROUTES:
            where.setdefault(name, []).append(path)
    return where


def test_every_url_of_our_apps_is_classified():
    named, _ = our_urls()
    tables = classified()
    unclassified = sorted(
        f"{name} ({route})" for name, route in named.items() if name not in tables
    )
    gone = sorted(f"{name} (in {tables[name]})" for name in set(tables) - set(named))
    assert not unclassified, (
        f"URLs missing from every route table (ROUTES in tests/<app>/test_permissions.py): "
        f"{unclassified}"
    )
    assert not gone, f"Route tables name URLs that no longer exist: {gone}"


def test_no_url_is_classified_twice():
    twice = {name: paths for name, paths in classified().items() if len(paths) > 1}
    assert not twice, f"URLs in more than one route table: {twice}"


def test_every_url_of_our_apps_has_a_name():
    _, unnamed = our_urls()
    assert not unnamed, f"URLs without a name escape the permission matrix: {unnamed}"


def test_known_bugs_name_real_cases():
    stale = []
    for path, module in route_modules().items():
        ids = {param.id for param in module.CASES}
        stale += [f"{path}: {bug}" for bug in set(getattr(module, "KNOWN_BUGS", {})) - ids]
    assert not stale, sorted(stale)


def test_the_role_table_here_is_the_one_the_app_enforces():
    assert {role: set(caps) for role, caps in CAPABILITIES.items()} == ROLE_CAN
