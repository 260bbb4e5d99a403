"""Production-path helpers: a real `db_worker` process against the test database, and
people lists of any length for the clerk of A1 to upload."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent.parent
HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Dân tộc", "Chức vụ"]
FAMILY = "Nguyễn Trần Lê Phạm Huỳnh Hoàng Phan Võ Vũ Đặng Bùi Đỗ Hồ Ngô Dương".split()
MIDDLE = "Văn Hữu Đức Minh Thanh Quốc Công Tấn Chí Xuân Đình".split()
GIVEN = "An Bình Cường Dũng Duy Đạt Hải Hiếu Hùng Huy Khang Khoa Long Nam Phong Sơn".split()


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path / "private"
    return settings.PRIVATE_ROOT


def people_file(path: Path, count: int) -> Path:
    """`count` valid people born 15/07/1990, CCCDs 092090000001…, in the people layout."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách")
    sheet.append(HEADER)
    for n in range(1, count + 1):
        name = f"{FAMILY[n % 15]} {MIDDLE[n // 15 % 11]} {GIVEN[n // 165 % 16]}"
        sheet.append([n, name, "15/07/1990", "Nam", f"092090{n:06d}", "Kinh", "Chuyên viên"])
    workbook.save(path)
    return path


def requires_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("Cần PostgreSQL (DATABASE_URL=postgres://…) cho hàng đợi của db_worker.")


def worker_env(private_root: Path) -> dict:
    """The environment of a worker on the test database (the one this test writes to)."""
    db = connection.settings_dict
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}@{host}:{port}/{db['NAME']}",
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        PRIVATE_ROOT=str(private_root),
        IMPORT_MAX_ROWS="60000",
    )
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


@pytest.fixture
def start_worker(private_root):
    """Start `manage.py db_worker` processes; every one still running is stopped after."""
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "0.2",
             "--no-startup-delay", "--no-reload", "--verbosity", "0"],
            cwd=ROOT, env=worker_env(private_root),
        )  # fmt: skip
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(condition, *, timeout: float = 120, message: str = "") -> None:
    """Poll until `condition()` is true; fail with `message` after `timeout` seconds.

    A deadline for a background process to finish, not a speed assertion."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(message or "hết thời gian chờ")
        time.sleep(0.2)
