"""Shared by the fault drills: throwaway databases, processes, waiting, printing."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PY = sys.executable
ADMIN_URL = os.environ.get("FAULT_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {text}", flush=True)


def create_database(name: str, admin_url: str = ADMIN_URL) -> str:
    """A new empty database `name` (dropped first if left over); returns its URL."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def drop_database(name: str, admin_url: str = ADMIN_URL) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(*args, env: dict, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=check,
                          capture_output=True, text=True)  # fmt: skip


def start_worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [PY, "manage.py", "db_worker", "--queue-name", "*", "--interval", "0.2", "--no-reload",
         "--no-startup-delay", "--verbosity", "0"], cwd=ROOT, env=env,
    )  # fmt: skip


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(condition, *, timeout: float, what: str, every: float = 0.2) -> float:
    """Seconds it took `condition()` to become true; exits after `timeout`."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise SystemExit(f"KHÔNG ĐẠT: quá {timeout:.0f} s chờ {what}")
        time.sleep(every)
    return time.monotonic() - started
