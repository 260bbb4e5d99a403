"""Browser tests: the real pages in Debian's Chromium, driven by Playwright.

No browser is ever downloaded (`playwright install` is not needed): the tests use
/usr/bin/chromium (or the path in CHQS_CHROMIUM). Without it they are skipped with a
visible reason; with CHQS_REQUIRE_ALL=1 (CI) a missing Chromium fails them.

Every test here gets the `browser` marker, so `pytest -m "not browser"` leaves them out.
CHQS_SCREENS=/some/dir saves one screenshot per main page there (see `screenshot`); a
failing test leaves a screenshot of its last page in test-artifacts/.

The pages are served by pytest-django's `live_server` (another thread), so the database
is transactional: flushed after each test, the reference data the migrations seeded
(unit kinds, agency types...) put back before the next by a serialized rollback.
"""

import contextlib
import os
import re
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHQS_CHROMIUM") or "/usr/bin/chromium"
REQUIRE_ALL = os.environ.get("CHQS_REQUIRE_ALL") == "1"
SKIP_REASON = "Chromium không có trên máy này: bỏ qua kiểm thử trình duyệt (cài gói chromium)"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
TIMEOUT_MS = 10_000
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


def chromium_missing() -> str | None:
    """What is missing for the browser tests to run here, or None when nothing is."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"không thấy {CHROMIUM}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "thiếu gói Python playwright (pip install -e '.[test]')"
    return None


def pytest_collection_modifyitems(config, items):
    """Mark every test under tests/e2e `browser`; skip them up front without Chromium.

    Skipping here (not in a fixture) means no test database or live server is set up
    for nothing. With CHQS_REQUIRE_ALL=1 nothing is skipped: the `browser` fixture fails.
    """
    missing = chromium_missing()
    for item in items:
        if HERE not in item.path.parents:
            continue  # this hook sees the whole session's items
        item.add_marker(pytest.mark.browser)
        if missing and not REQUIRE_ALL:
            item.add_marker(pytest.mark.skip(reason=f"{SKIP_REASON} [{missing}]"))


FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash.setdefault(FAILED, False)
        if report.failed:
            item.stash[FAILED] = True
    return report


@pytest.fixture(scope="package")
def browser(request):
    """One Chromium for all the browser tests (package scope: Playwright is stopped, and
    the thread given back as it was, before the rest of the suite runs)."""
    missing = chromium_missing()
    if missing:
        if REQUIRE_ALL:
            pytest.fail(
                f"Chromium là bắt buộc khi CHQS_REQUIRE_ALL=1 (CI): {missing}. "
                "Cài gói chromium (apt-get install chromium) hoặc đặt CHQS_CHROMIUM.",
                pytrace=False,
            )
        pytest.skip(f"{SKIP_REASON} [{missing}]")
    # The test database first, so that its connections exist before Playwright starts.
    request.getfixturevalue("django_db_setup")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    opened = {alias: connections[alias] for alias in connections}
    # Playwright's sync API keeps an asyncio loop marked as running in this thread;
    # Django would then refuse the ORM calls the tests make between two browser steps.
    # Set for the browser tests only: a subprocess started by another test (manage.py
    # check --deploy) must not inherit it.
    async_unsafe = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    playwright = None
    try:
        playwright = sync_playwright().start()
        # Its greenlets also leave this thread in a fresh contextvars context, where
        # Django's connection handler (an asgiref Local) would open new connection
        # objects, without what pytest-django set up on the old ones (the serialized
        # data: the rollback would silently restore nothing). Hand it the ones we had.
        for alias, connection in opened.items():
            connections[alias] = connection
        try:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
        except Exception as exc:
            pytest.fail(f"Không khởi động được Chromium ({CHROMIUM}): {exc}", pytrace=False)
        yield chromium
        chromium.close()
    finally:
        if playwright is not None:
            playwright.stop()
        if async_unsafe is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = async_unsafe


@pytest.fixture
def base_url(browser, live_server, django_db_serialized_rollback):
    """The live server's address. Its database is transactional and flushed after each
    test; the serialized rollback puts back what the migrations seeded, and the flush
    also clears django-axes' failed attempts, so a failed-login test locks nobody out."""
    return live_server.url


@pytest.fixture
def world(base_url):
    from tests.personas import make_world

    return make_world()


@pytest.fixture
def page(request, browser, base_url):
    context = browser.new_context(
        base_url=base_url,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": 1366, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    if request.node.stash.get(FAILED, False):
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid.split("::")[-1])
        with contextlib.suppress(Exception):  # a crashed page must not hide the failure
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


@pytest.fixture
def screenshot():
    """screenshot(page, "tree"): saves $CHQS_SCREENS/tree.png when CHQS_SCREENS is set."""
    folder = os.environ.get("CHQS_SCREENS")

    def take(page, name: str) -> None:
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def login():
    """login(page, user): logs in through the real login form, as a person would
    (django-axes sees a real attempt); returns once the next page has loaded."""
    from tests.personas import PASSWORD

    def log_in(page, user, password: str = PASSWORD) -> None:
        page.goto("/dang-nhap/")
        page.get_by_label("Tên đăng nhập").fill(user.username)
        page.get_by_label("Mật khẩu").fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="Đăng nhập").click()

    return log_in
