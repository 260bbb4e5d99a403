#!/usr/bin/env python
"""The load drill: gunicorn (production settings) + one db_worker + PostgreSQL on
loopback, locust with 50 users for 3 minutes, figures printed and saved as JSON.

    .venv/bin/pip install -e ".[bench]"          # locust
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chqs_load \\
        .venv/bin/python bench/load/scale_demo.py --people 50000
    .venv/bin/python bench/load/run_load.py [--database-url URL] [--users 50]
        [--time 3m] [--gunicorn-workers NPROC] [--gunicorn-threads 4] [--json FILE]

Everything runs as in production (CHQS_ENV=production, whitenoise, CSP, axes, the
database task queue) except TLS (plain HTTP on 127.0.0.1, CHQS_TLS=false). Files go
under /tmp/chqs-load. The database must be one of its own (people edits and uploads
write to it). Printed: requests, failures, req/s, median/p95/p99 per group and per
page, CPU seconds of gunicorn, the worker, PostgreSQL and locust, and the machine's
load average (other people's work shares these cores).
"""

import argparse
import datetime as dt
import json
import os
import resource
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "bench"))
WORK = Path("/tmp/chqs-load")
PY = sys.executable


def server_env(args) -> dict:
    env = dict(os.environ)
    env.update(
        CHQS_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=args.database_url,
        CHQS_TLS="false",
        STATIC_ROOT=str(WORK / "static"),
        PRIVATE_ROOT=str(WORK / "private"),
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        GUNICORN_BIND=f"127.0.0.1:{args.port}",
        GUNICORN_WORKERS=str(args.gunicorn_workers),
        GUNICORN_THREADS=str(args.gunicorn_threads),
        GUNICORN_LOG_LEVEL="warning",
        GUNICORN_ACCESSLOG="",  # locust counts the requests; a log line each costs CPU
        LOG_LEVEL="ERROR",
    )
    return env


def upload_file(path: Path, rows: int = 50) -> None:
    """A 50-row people list for the clerk's agency (CCCD serials 900001…: not the
    scaled province's), uploaded again and again: after the first apply, "không đổi"."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách")
    sheet.append(["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Dân tộc", "Chức vụ"])
    given = "An Bình Cường Dũng Duy Đạt Hải Hiếu Hùng Huy".split()
    for n in range(1, rows + 1):
        sheet.append([n, f"Trần Văn {given[n % 10]}", "15/07/1990", "Nam",
                      f"092090{900000 + n}", "Kinh", "Nhân viên"])  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except Exception:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer at {url}")


def cpu_seconds(pid: int) -> float:
    import psutil

    try:
        process = psutil.Process(pid)
        # With the children it has reaped: gunicorn recycles its workers (max_requests),
        # and a worker's CPU would otherwise vanish with it.
        times = process.cpu_times()
        total = times.user + times.system + times.children_user + times.children_system
        for child in process.children(recursive=True):
            times = child.cpu_times()
            total += times.user + times.system
        return total
    except psutil.NoSuchProcess:
        return 0.0


def postgres_cpu() -> float:
    import psutil

    total = 0.0
    for process in psutil.process_iter(["name", "cpu_times"]):
        if process.info["name"] and process.info["name"].startswith("postgres"):
            times = process.info["cpu_times"]
            total += times.user + times.system
    return total


def others() -> dict:
    """What else runs on the machine: processes not started by this script."""
    import psutil

    names: dict[str, int] = {}
    for process in psutil.process_iter(["name"]):
        name = process.info["name"] or "?"
        if name.startswith(("python", "postgres", "chromium", "chrome", "node")):
            names[name.split(":")[0]] = names.get(name.split(":")[0], 0) + 1
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description="CHQS load drill")
    parser.add_argument("--database-url", default=os.environ.get(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/chqs_load"))  # fmt: skip
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--time", default="3m")
    parser.add_argument("--port", type=int, default=8100)
    # deploy/gunicorn.conf.py's defaults: one process per core, four threads each.
    parser.add_argument("--gunicorn-workers", type=int, default=os.cpu_count())
    parser.add_argument("--gunicorn-threads", type=int, default=4)
    parser.add_argument("--json", help="write the figures here too")
    parser.add_argument("--cpu-by-request", action="store_true",
                        help="also the CPU of each kind of request, measured inside gunicorn "
                             "(bench/load/gunicorn_cpu.py)")  # fmt: skip
    args = parser.parse_args()

    env = server_env(args)
    WORK.mkdir(parents=True, exist_ok=True)
    upload_file(WORK / "upload-50.xlsx")
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT,
                   env=env, check=True)  # fmt: skip
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                   check=True)  # fmt: skip
    config = "bench/load/gunicorn_cpu.py" if args.cpu_by_request else "deploy/gunicorn.conf.py"
    for old in WORK.glob("cpu-*.json"):
        old.unlink()
    gunicorn = subprocess.Popen(
        [str(Path(PY).parent / "gunicorn"), "-c", config, "chqs.wsgi"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    worker = subprocess.Popen(
        [PY, "manage.py", "db_worker", "--queue-name", "*", "--interval", "0.5", "--no-reload",
         "--verbosity", "0"], cwd=ROOT, env=env,
    )  # fmt: skip
    summary = WORK / "summary.json"
    try:
        wait_http(f"http://127.0.0.1:{args.port}/dang-nhap/")
        cpu_before = {"gunicorn": cpu_seconds(gunicorn.pid), "worker": cpu_seconds(worker.pid),
                      "postgres": postgres_cpu()}  # fmt: skip
        load_before = os.getloadavg()
        from _common import cpu_reference_ms

        reference_before = cpu_reference_ms()
        started = time.monotonic()
        before_locust = resource.getrusage(resource.RUSAGE_CHILDREN)  # collectstatic, migrate
        locust_env = dict(os.environ, LOAD_SUMMARY=str(summary),
                          LOAD_UPLOAD_FILE=str(WORK / "upload-50.xlsx"))  # fmt: skip
        locust = subprocess.Popen(
            [str(Path(PY).parent / "locust"), "-f", str(ROOT / "bench/load/locustfile.py"),
             "--headless", "-u", str(args.users), "-r", str(args.spawn_rate), "-t", args.time,
             "--host", f"http://127.0.0.1:{args.port}", "--only-summary", "--loglevel", "WARNING",
             "--stop-timeout", "10"],
            env=locust_env,
        )  # fmt: skip
        locust.wait()
        elapsed = time.monotonic() - started
        reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
        figures = json.loads(summary.read_text())
        figures["run"] = {
            "date": dt.datetime.now().isoformat(timespec="minutes"),
            "users": args.users,
            "duration_s": round(elapsed),
            "gunicorn": f"{args.gunicorn_workers} processes × {args.gunicorn_threads} threads",
            "load_before": [round(x, 2) for x in load_before],
            "load_after": [round(x, 2) for x in os.getloadavg()],
            "cpu_s": {
                "gunicorn": round(cpu_seconds(gunicorn.pid) - cpu_before["gunicorn"], 1),
                "worker": round(cpu_seconds(worker.pid) - cpu_before["worker"], 1),
                "postgres (all databases)": round(postgres_cpu() - cpu_before["postgres"], 1),
                # locust shares the cores: the only child reaped while it ran
                "locust": round(
                    reaped.ru_utime
                    + reaped.ru_stime
                    - before_locust.ru_utime
                    - before_locust.ru_stime,
                    1,
                ),  # fmt: skip
            },
            "other_processes": others(),
            "nproc": os.cpu_count(),
            # PBKDF2 1M iterations before and after (bench/_common.py): the CPU's speed
            "cpu_reference_ms": [reference_before, cpu_reference_ms()],
        }
        requests = max(figures["total"]["requests"], 1)
        figures["run"]["cpu_ms_per_request"] = {
            name: round(seconds * 1000 / requests, 1)
            for name, seconds in figures["run"]["cpu_s"].items()
        }
    finally:
        for process in (gunicorn, worker):
            process.send_signal(signal.SIGTERM)
        for process in (gunicorn, worker):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    if args.cpu_by_request:
        figures["cpu_by_request"] = cpu_by_request()
    print(report(figures))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1, ensure_ascii=False))


def cpu_by_request() -> dict:
    """{kind: {"requests", "cpu_s", "ms_each"}} from the workers' files, dearest first."""
    merged: dict[str, list] = {}
    for path in WORK.glob("cpu-*.json"):
        for kind, (count, seconds) in json.loads(path.read_text()).items():
            entry = merged.setdefault(kind, [0, 0.0])
            entry[0] += count
            entry[1] += seconds
    rows = sorted(merged.items(), key=lambda item: -item[1][1])
    return {kind: {"requests": n, "cpu_s": round(s, 1), "ms_each": round(s * 1000 / max(n, 1), 1)}
            for kind, (n, s) in rows}  # fmt: skip


def report(f: dict) -> str:
    def num(x):
        return f"{x:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")

    lines = [f"Run: {json.dumps(f['run'], ensure_ascii=False)}", "",
             "| group | requests | failures | req/s | median ms | p95 ms | p99 ms | max ms |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    rows = [("**all**", f["total"])] + sorted(f["groups"].items())
    rows += [(f"  {k}", v) for k, v in sorted(f["names"].items())]
    for name, e in rows:
        cells = [e["requests"], e["failures"], num(e["rps"]), e["median_ms"], e["p95_ms"],
                 e["p99_ms"], e["max_ms"]]  # fmt: skip
        lines.append(f"| {name} | " + " | ".join(str(c) for c in cells) + " |")
    for error in f.get("errors", []):
        lines.append(f"error: {error}")
    if f.get("cpu_by_request"):
        lines += [
            "",
            "| request (inside gunicorn) | requests | CPU s | ms each |",
            "|---|---:|---:|---:|",
        ]
        for kind, e in f["cpu_by_request"].items():
            lines.append(f"| {kind} | {e['requests']} | {e['cpu_s']} | {e['ms_each']} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
