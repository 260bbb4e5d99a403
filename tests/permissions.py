"""The permission matrix's machinery: every URL × every persona × in/out of scope.

The rules (units/scope.py): a logged-out visitor is sent to the login page; an object
outside the user's subtree is a 404 — checked before the role, so it never tells that the
object exists; a role that may not do something to an object it can see gets a 403.

Each app that owns URLs has its route table and its stage in tests/<app>/test_permissions.py:
`ROUTES` classifies the app's URL names (the capability a GET and a POST need, how to name
the in-scope and the out-of-scope object, a valid POST payload); `stage` builds, once for
the module, only the objects those routes name. This module holds what they share: the
personas, the case generator, the expected answers, the request and its checks, and the
walk of Django's URL resolver that tests/test_permissions.py compares with the union of
every route table — an unclassified URL name fails there.

The objects: A1, its formations and its people — every persona sees them (Chi the clerk
sees nothing above A1) — and the same under A2, outside every persona's subtree but An's,
the admin. Uploads and exports belong to their user: another user's is a 404.

Adding a URL: an entry in its app's ROUTES (and, if it names a new kind of object, that
object in the app's stage). A view known to answer the wrong code: an entry in the app's
KNOWN_BUGS (case id → why), passed to `build_cases`; the case is a strict xfail.
"""

import datetime as dt
import gc
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from personnel.models import Person, ServicePosition
from personnel.services import service_open
from tests.personas import World, make_world
from units.models import Formation, Role

# What each role may do inside its subtree — written out here on purpose: changing a
# role's rights is a policy decision that must change this table too.
ROLE_CAN: dict[str, set[str]] = {
    Role.ADMIN: {"view", "change_structure", "change_people", "approve", "manage_users"},
    Role.STAFF: {"view", "change_structure", "change_people"},
    Role.CLERK: {"view", "change_people"},
    Role.COMMANDER: {"view", "approve"},
}
ANONYMOUS = "anonymous"
PERSONAS = [ANONYMOUS, Role.ADMIN, Role.STAFF, Role.CLERK, Role.COMMANDER]
IN, OUT = "in_scope", "out_of_scope"
OTHER = "other"  # the owner of the out-of-scope upload or export: Giang, at A2

# Capabilities beyond the roles' own: anyone (logged in or not); the login page (logged-in
# users are sent home); any logged-in user whatever the role.
PUBLIC, GUEST, LOGGED_IN = "public", "guest", "logged_in"
CHANGE, PEOPLE = "change_structure", "change_people"

# URL prefixes that are not ours to classify: Django's admin has its own permissions.
NOT_OURS = ("quan-tri/", "static/", "media/")
OUR_PACKAGES = {"chqs", "units", "personnel", "training", "reports"}
TESTS = Path(__file__).parent


@dataclass(frozen=True)
class Stage:
    """What an app's cases need, built once for its module."""

    world: World
    sides: dict[str, Any]  # IN: the app's target under A1, OUT: under A2
    # Objects that belong to a user (an upload, an export), as fields of the target:
    # persona -> theirs (in scope), OTHER -> Giang's (out of scope for everyone).
    owned: dict[str, dict] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)  # persona -> session key

    def target(self, variant: str, persona: str):
        t = self.sides[variant]
        if not self.owned:
            return t
        if variant == OUT:
            return replace(t, **self.owned[OTHER])
        return replace(t, **self.owned[persona if persona != ANONYMOUS else Role.ADMIN])


@dataclass(frozen=True)
class Route:
    get: str | None  # capability a GET needs; None: the view refuses GET (405)
    post: str | None = None  # capability a POST needs; None: the view does not write
    fixed: dict = field(default_factory=dict)  # URL kwargs that name no object (a kind)
    kwargs: Callable[[Any], dict] | None = None  # the object in the URL, from the target
    query: Callable[[Any], dict] | None = None  # ... or in the query string
    payload: Callable[[Stage, Any], dict] | None = None  # a valid POST for the target
    post_ok: int = 302  # what an allowed POST with that payload answers
    writes: bool = True  # an allowed POST changes rows (checked, so the payload is valid)
    owner_only: bool = False  # the object is the user's own: another's is a 404 for all
    download: bool = False  # answers a file (an .xlsx written while the response is built)

    @property
    def has_object(self) -> bool:
        return self.kwargs is not None or self.query is not None

    @property
    def login_required(self) -> bool:
        return any(cap not in (None, PUBLIC, GUEST) for cap in (self.get, self.post))


# -- how a URL names its object, shared by several apps -------------------------------


def agency(t) -> dict:
    return {"code": t.agency.code}


def member(t) -> dict:
    return {"pk": t.member.pk}


def don_vi(t) -> dict:
    return {"don_vi": t.agency.code}


def nothing(s: Stage, t) -> dict:
    return {}


# -- expectations ----------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    status: int
    to: str = ""  # for a 302: "login" (with ?next=), "home", or "" (anywhere else)


@dataclass(frozen=True)
class Case:
    name: str
    persona: str
    variant: str
    method: str
    route: Route = field(repr=False)

    @property
    def id(self) -> str:
        return f"{self.name}-{self.persona}-{self.variant}-{self.method}"


def expect(case: Case) -> Expect:
    route, persona = case.route, case.persona
    cap = route.get if case.method == "GET" else route.post
    ok = Expect(200) if case.method == "GET" else Expect(route.post_ok)
    if cap is None:
        if persona == ANONYMOUS and route.login_required:
            return Expect(302, "login")
        return Expect(405)
    if cap == PUBLIC:
        return ok
    if cap == GUEST:
        return ok if persona == ANONYMOUS else Expect(302, "home")
    if persona == ANONYMOUS:
        return Expect(302, "login")
    if case.variant == OUT and (persona != Role.ADMIN or route.owner_only):
        return Expect(404)
    if cap != LOGGED_IN and cap not in ROLE_CAN[persona]:
        return Expect(403)
    return ok


def build_cases(routes: dict[str, Route], known_bugs: dict[str, str] | None = None) -> list:
    """A case per route × persona × variant (in/out of scope, for a route with an object)
    × method; a read-only view (post=None) is asked with POST too: it must answer 405."""
    known_bugs = known_bugs or {}
    params = []
    for name, route in routes.items():
        variants = [IN, OUT] if route.has_object else [IN]
        for persona in PERSONAS:
            for variant in variants:
                for method in ["GET", "POST"]:
                    case = Case(name, persona, variant, method, route)
                    marks = []
                    if case.id in known_bugs:
                        marks = [pytest.mark.xfail(strict=True, reason=known_bugs[case.id])]
                    params.append(pytest.param(case, id=case.id, marks=marks))
    return params


# -- the stage -------------------------------------------------------------------------


def stage_fixture(build: Callable[[World, Path], Stage]):
    """The module's `stage`: the personas' tree (tests/personas.py) and what `build` adds
    to it, made once inside a transaction rolled back after the module; each test runs in
    a savepoint of it, so its writes are undone too. Files go to a temporary PRIVATE_ROOT,
    handed to `build`."""

    @pytest.fixture(scope="module", name="stage")
    def stage(django_db_setup, django_db_blocker, tmp_path_factory):
        private = tmp_path_factory.mktemp("private")
        fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        with (
            django_db_blocker.unblock(),
            override_settings(PRIVATE_ROOT=private, PASSWORD_HASHERS=fast),
            transaction.atomic(),
        ):
            stage = build(make_world(), private)
            yield replace(stage, sessions=sessions(stage.world))
            transaction.set_rollback(True)

    return stage


def sessions(w: World) -> dict[str, str]:
    """A session for each persona, logged in once for the module: a case sends its cookie
    (what a logged-in browser does) instead of logging in again; what a case writes to
    its session is undone with the case's savepoint."""
    keys = {}
    for persona in PERSONAS[1:]:
        client = Client()
        client.force_login(w.user(persona))
        keys[persona] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return keys


def owned_files(w: World, private: Path, folder: str, content: bytes, make: Callable) -> dict:
    """A file under PRIVATE_ROOT/folder for each persona and for Giang (OTHER), and the
    record `make(user, stored_path)` that owns it: persona or OTHER -> record."""
    owners = {persona: w.user(persona) for persona in PERSONAS[1:]}
    owners[OTHER] = w.other_clerk
    (private / folder).mkdir()
    records = {}
    for key, user in owners.items():
        stored = f"{folder}/{user.username}.xlsx"
        (private / stored).write_bytes(content)
        records[key] = make(user, stored)
    return records


def serving(formation: Formation, full_name: str, birth_date: dt.date, cccd: str) -> Person:
    """A person of the formation's agency serving in it (a private) since 2023."""
    person = Person.objects.create(
        agency=formation.agency,
        full_name=full_name,
        birth_date=birth_date,
        gender="M",
        cccd=cccd,
    )
    service_open(
        person=person,
        joined_on=dt.date(2023, 1, 15),
        position=ServicePosition.objects.get(code="chien-si"),
        formation=formation,
    )
    return person


# -- a case: the request and its checks ------------------------------------------------


def url_for(route: Route, name: str, t) -> str:
    kwargs = {**route.fixed, **(route.kwargs(t) if route.kwargs else {})}
    url = reverse(name, kwargs=kwargs or None)
    if route.query:
        url += "?" + urlencode(route.query(t))
    return url


def tracked_columns() -> list[tuple[str, str]]:
    """(label, SQL) of what db_state reads: the rows of every model of our apps — history
    tables included, so any write to a tracked model shows — and the last `updated_at` of
    those that keep one (a job)."""
    qn = connection.ops.quote_name
    columns = []
    for config in apps.get_app_configs():
        if config.name.split(".")[0] not in OUR_PACKAGES:
            continue
        for model in config.get_models():
            table = qn(model._meta.db_table)
            columns.append((model._meta.label, f"(SELECT COUNT(*) FROM {table})"))
            if any(f.name == "updated_at" for f in model._meta.concrete_fields):
                column = qn(model._meta.get_field("updated_at").column)
                label = f"{model._meta.label}.updated_at"
                columns.append((label, f"(SELECT MAX({column}) FROM {table})"))
    return columns


def db_state() -> dict[str, object]:
    """What tracked_columns names, read in one query (a refused POST is checked against
    every table: some fifty counts, twice for each POST case)."""
    columns = tracked_columns()
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(sql for _, sql in columns))
        values = cursor.fetchone()
    return dict(zip([label for label, _ in columns], values, strict=True))


def check(response, expected: Expect, url: str) -> None:
    got = response.status_code
    where = f"{url}: expected {expected.status}, got {got}"
    assert got == expected.status, where
    if expected.to == "login":
        location = urlsplit(response.url)
        assert location.path == reverse("login"), where
        assert parse_qs(location.query)["next"] == [url], where
    elif expected.to == "home":
        assert response.url == reverse("home"), where
    elif got == 302:
        location = urlsplit(response.url)
        bounced = location.path == reverse("login") and "next" in parse_qs(location.query)
        assert not bounced, f"{where}, but to the login page"
    if got in (403, 404):
        text = "Không có quyền" if got == 403 else "Không tìm thấy"
        assert text in response.content.decode(), f"{url}: the {got} page is not in Vietnamese"


def run_case(case: Case, stage: Stage, client) -> None:
    """Ask the case's URL as its persona and check the answer; a POST that is refused (or
    writes nothing by design) must leave every row as it was, an allowed one must write."""
    route = case.route
    t = stage.target(case.variant, case.persona)
    url = url_for(route, case.name, t)
    if case.persona != ANONYMOUS:
        client.cookies[settings.SESSION_COOKIE_NAME] = stage.sessions[case.persona]
    expected = expect(case)

    if case.method == "GET":
        response = client.get(url)
        if route.download and response.status_code != 200:
            # A refused download may leave a half-written workbook behind: finalize it now,
            # so its warning names this case and no later ast.parse trips over it (CPython
            # 3.11 gh-106905: "AST constructor recursion depth mismatch").
            gc.collect()
        check(response, expected, url)
        return

    payload = route.payload(stage, t) if route.payload else {}
    before = db_state()
    response = client.post(url, payload)
    check(response, expected, url)
    after = db_state()
    if expected == Expect(route.post_ok) and route.writes:
        assert after != before, f"{url}: an allowed POST changed nothing (is the payload valid?)"
    else:
        changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
        assert not changed, f"{url}: a refused POST changed rows {changed}"


# -- the route tables and the URLs they must cover -------------------------------------


def route_modules() -> dict[str, ModuleType]:
    """Every app's permission module (tests/<app>/test_permissions.py), by its path."""
    modules = {}
    for path in sorted(TESTS.glob("*/test_permissions.py")):
        name = ".".join(path.relative_to(TESTS.parent).with_suffix("").parts)
        modules[str(path.relative_to(TESTS.parent))] = importlib.import_module(name)
    return modules


def our_urls() -> tuple[dict[str, str], list[str]]:
    """Named URLs of our apps (name with namespaces → route), and routes without a name."""
    named: dict[str, str] = {}
    unnamed: list[str] = []

    def walk(patterns, prefix: str, namespaces: list[str]) -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if route.startswith(NOT_OURS):
                continue
            if isinstance(p, URLResolver):
                walk(
                    p.url_patterns, route, [*namespaces, p.namespace] if p.namespace else namespaces
                )
            elif isinstance(p, URLPattern):
                if p.name:
                    named.setdefault(":".join([*namespaces, p.name]), route)
                else:
                    unnamed.append(route)

    walk(get_resolver().url_patterns, "", [])
    return named, unnamed
