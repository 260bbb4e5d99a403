"""What every benchmark shares: the throw-away database it runs on, and what it prints
about the machine and that database."""

import contextlib
import os
import platform
import subprocess
import tempfile
from pathlib import Path

WORK = Path(tempfile.gettempdir()) / "chqs-bench"


@contextlib.contextmanager
def test_database(name: str, *, work: Path = WORK, debug: bool | None = None):
    """Like the test runner: create `test_<NAME>` (for SQLite a file under `work`, not
    memory, since a real SQLite database is a file), yield its name, drop it at the end.
    A benchmark never touches a real database."""
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    work.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        connection.settings_dict.setdefault("TEST", {})["NAME"] = str(work / f"{name}.sqlite3")
    setup_test_environment(debug=debug)
    old_name = connection.settings_dict["NAME"]
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield test_name
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        cursor.execute("select sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"


def machine() -> dict:
    import django

    with open("/proc/cpuinfo") as info:
        cpu = next((line.split(":", 1)[1].strip() for line in info if "model name" in line), "")
    free = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu or platform.processor(),
        "memory": free[1].split()[1] if len(free) > 1 else "",
        "python": platform.python_version(),
        "django": django.get_version(),
    }


def cpu_reference_ms() -> float:
    """CPU milliseconds of a fixed piece of work that runs no project code (PBKDF2-SHA256,
    1.000.000 iterations: one Django login), best of three. The VMs these benchmarks run
    on differ in per-core speed from day to day (2,2× between 04/12 and 06/12/2026):
    print it beside the figures so rounds on different machines can be compared."""
    import hashlib
    import time

    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        hashlib.pbkdf2_hmac("sha256", b"chqs", b"reference", 1_000_000)
        best = min(best, time.process_time() - started)
    return round(best * 1000, 1)
