#!/usr/bin/env python
"""Fault drill: PostgreSQL restarts while users work.

    .venv/bin/python bench/faults/pg_restart.py [--users 8] [--port 55432]

Never touches the shared PostgreSQL: it makes a throwaway cluster of its own (initdb
under /tmp/chqs-fault-pg, port 55432, run as the `postgres` system user when started
as root), loads the demo province, and serves it with gunicorn under the production
settings. `--users` logged-in users (threads, real HTTP) browse the roster, person
pages and the dashboard without pause. Each round restarts the cluster twice (`pg_ctl
restart -m fast`: every connection is cut): once while requests are in flight (they
must fail cleanly), once while every connection sits idle (users paused: the first
request on each kept connection afterwards is where a stale connection shows). It runs
two rounds: CONN_HEALTH_CHECKS on (the production setting) and off, for comparison.

Shown per phase — before (answered before the first restart began), during (requests
overlapping a restart), after (sent once the server accepted connections again), after
the idle restart — responses by status, whether every failure was the clean error page
(never a traceback). After a restart nothing may fail with health checks on. The
cluster is removed at the end.
"""

import argparse
import os
import random
import re
import secrets
import shutil
import subprocess
import threading
import time
from pathlib import Path

from common import PY, ROOT, manage, say, stop

BIN = Path("/usr/lib/postgresql/15/bin")
HOME = Path("/tmp/chqs-fault-pg")
PASSWORD = "Demo@2026-chqs"
PAGES = ["/nhan-su/", "/nhan-su/?page=3", "/", "/don-vi/cay/", "/nhan-su/?q=nguyen"]


def as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def pg_ctl(*args: str) -> None:
    # Not captured: a (re)started server inherits pg_ctl's stdout/stderr, and a captured
    # pipe would stay open for as long as the server runs. Its log goes to HOME/log.
    command = [str(BIN / "pg_ctl"), "-D", str(HOME / "data"), "-l", str(HOME / "log"), *args]
    subprocess.run(as_postgres(command), check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)  # fmt: skip


def make_cluster(port: int) -> str:
    shutil.rmtree(HOME, ignore_errors=True)
    HOME.mkdir(parents=True)
    if os.geteuid() == 0:
        shutil.chown(HOME, "postgres", "postgres")
    subprocess.run(as_postgres([str(BIN / "initdb"), "-D", str(HOME / "data"), "-A", "trust",
                                "-U", "postgres", "--no-sync", "-E", "UTF8"]),
                   check=True, capture_output=True)  # fmt: skip
    options = f"-p {port} -k {HOME} -c listen_addresses=127.0.0.1 -c fsync=off"
    pg_ctl("-o", options, "-w", "start")
    subprocess.run(as_postgres([str(BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port),
                                "-U", "postgres", "chqs"]), check=True)  # fmt: skip
    return f"postgres://postgres@127.0.0.1:{port}/chqs"


class Users:
    """Logged-in users hammering the site; every answer recorded with its time."""

    def __init__(self, base: str, count: int):
        self.base, self.count = base, count
        self.results: list[tuple[float, float, int, str]] = []  # start, end, status, kind
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.ready = threading.Semaphore(0)
        self.go = threading.Event()
        self.go.set()

    def run(self):
        threads = [threading.Thread(target=self.user, daemon=True) for _ in range(self.count)]
        for thread in threads:
            thread.start()
        for _ in threads:  # every user logged in before anything is measured
            if not self.ready.acquire(timeout=400):
                raise SystemExit("KHÔNG ĐẠT: người dùng không đăng nhập được")
        return threads

    def user(self):
        import requests

        session = requests.Session()
        page = session.get(f"{self.base}/dang-nhap/", timeout=180).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        login = {"username": "troly.tinh", "password": PASSWORD, "csrfmiddlewaretoken": token}
        session.post(f"{self.base}/dang-nhap/", timeout=180, data=login)
        self.ready.release()
        while not self.stop.is_set():
            self.go.wait()  # paused: the users read, their connections sit idle
            url = self.base + random.choice(PAGES)
            started = time.monotonic()
            try:
                response = session.get(url, timeout=60, allow_redirects=False)
                kind = "traceback" if "Traceback" in response.text else (
                    "trang 500 sạch" if "Lỗi hệ thống (500)" in response.text else "")  # fmt: skip
                status = response.status_code
            except Exception as exc:  # connection refused/reset: counted, not raised
                status, kind = 0, type(exc).__name__
            with self.lock:
                self.results.append((started, time.monotonic(), status, kind))


def wait_http(url: str, timeout: float = 120) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except Exception:
            time.sleep(0.5)
    raise SystemExit(f"KHÔNG ĐẠT: gunicorn không trả lời tại {url}")


def round_(label: str, url: str, users: int, health: bool, http_port: int) -> dict:
    env = dict(os.environ, CHQS_ENV="production", SECRET_KEY=secrets.token_urlsafe(50),
               ALLOWED_HOSTS="127.0.0.1", DATABASE_URL=url, CHQS_TLS="false",
               STATIC_ROOT=str(HOME / "static"), PRIVATE_ROOT=str(HOME / "private"),
               CONN_MAX_AGE="60", CONN_HEALTH_CHECKS="true" if health else "false",
               GUNICORN_BIND=f"127.0.0.1:{http_port}", GUNICORN_WORKERS="2",
               GUNICORN_THREADS="2", GUNICORN_LOG_LEVEL="critical", LOG_LEVEL="CRITICAL",
               AXES_ENABLED="false", GUNICORN_ACCESSLOG="")  # fmt: skip
    manage("collectstatic", "--noinput", "-v", "0", env=env)
    command = [str(Path(PY).parent / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "chqs.wsgi"]
    gunicorn = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        wait_http(f"http://127.0.0.1:{http_port}/dang-nhap/")
        crowd = Users(f"http://127.0.0.1:{http_port}", users)
        threads = crowd.run()
        time.sleep(10)
        # 1. A restart while requests are in flight: they must fail cleanly.
        down = time.monotonic()
        say(f"{label}: pg_ctl restart -m fast (người dùng đang làm việc)")
        pg_ctl("-w", "-m", "fast", "restart")
        up = time.monotonic()
        time.sleep(10)
        # 2. A restart while every connection is idle (users reading a page): the first
        # request on each kept connection afterwards is where a stale one would show.
        crowd.go.clear()
        time.sleep(3)
        quiet = time.monotonic()
        say(f"{label}: pg_ctl restart -m fast (kết nối đang rảnh)")
        pg_ctl("-w", "-m", "fast", "restart")
        crowd.go.set()
        back = time.monotonic()
        time.sleep(10)
        crowd.stop.set()
        for thread in threads:
            thread.join(timeout=15)
    finally:
        stop(gunicorn)
    # Before: answered before the restart began. After: sent once the server accepted
    # connections again (pg_ctl -w returned): a failure there is a stale connection.
    # During: every request that overlapped the restart.
    phases = {"trước": [], "trong lúc khởi động lại": [], "sau": [],
              "sau lần khởi động lại lúc rảnh": []}  # fmt: skip
    for start, end, status, kind in crowd.results:
        if start >= back:
            phase = "sau lần khởi động lại lúc rảnh"
        elif end < down:
            phase = "trước"
        elif start >= up and end < quiet:
            phase = "sau"
        else:
            phase = "trong lúc khởi động lại"
        phases[phase].append((status, kind))
    return {"label": label, "restart_s": round(up - down, 2), "phases": phases}


def describe(result: dict) -> str:
    lines = [f"{result['label']} (khởi động lại mất {result['restart_s']} s):"]
    for phase, answers in result["phases"].items():
        counts: dict[str, int] = {}
        for status, kind in answers:
            key = f"{status}" + (f" ({kind})" if kind else "")
            counts[key] = counts.get(key, 0) + 1
        text = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "không có"
        lines.append(f"  {phase}: {len(answers)} yêu cầu — {text}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Restart PostgreSQL under users")
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--port", type=int, default=55432)
    parser.add_argument("--http-port", type=int, default=8200)
    args = parser.parse_args()
    say(f"cụm PostgreSQL riêng: {HOME}, cổng {args.port}")
    url = make_cluster(args.port)
    try:
        env = dict(os.environ, DATABASE_URL=url)
        say("migrate + seed_demo")
        manage("migrate", "--noinput", "-v", "0", env=env)
        manage("seed_demo", "-v", "0", env=env)
        results = [
            round_("CONN_HEALTH_CHECKS bật (cấu hình sản xuất)", url, args.users, True,
                   args.http_port),
            round_("CONN_HEALTH_CHECKS tắt (để so sánh)", url, args.users, False,
                   args.http_port),
        ]  # fmt: skip
    finally:
        try:
            pg_ctl("-m", "immediate", "stop")
        finally:
            shutil.rmtree(HOME, ignore_errors=True)
    for result in results:
        print(describe(result))
    on = results[0]["phases"]
    clean = all(
        status in (200, 302) for status, _ in on["sau"] + on["sau lần khởi động lại lúc rảnh"]
    )
    no_traceback = all(kind != "traceback" for p in on.values() for _, kind in p)
    print("ĐẠT" if clean and no_traceback else "KHÔNG ĐẠT",
          "(sau khi khởi động lại: mọi yêu cầu thành công; không có traceback)")  # fmt: skip


if __name__ == "__main__":
    main()
