"""gunicorn config for the load drill: deploy/gunicorn.conf.py plus the CPU each request
costs its thread (`time.thread_time()` between gunicorn's pre_request and post_request
hooks), summed by kind of request like locust's names. Each worker writes its sums to
CHQS_CPU_LOG_DIR/cpu-<pid>.json when it exits; bench/load/run_load.py --cpu-by-request
merges and prints them."""

import json
import os
import re
import threading
import time
from pathlib import Path

_deploy = Path(__file__).resolve().parent.parent.parent / "deploy" / "gunicorn.conf.py"
exec(compile(_deploy.read_text(), str(_deploy), "exec"))  # the production settings

_KINDS = [
    (r"^/$", "home"),
    (r"^/dang-nhap/", "login"),
    (r"^/don-vi/cay/", "tree"),
    (r"^/nhan-su/xuat-excel/", "roster_xlsx"),
    (r"^/nhan-su/\d+/sua/", "person_edit"),
    (r"^/nhan-su/\d+/", "person"),
    (r"^/nhan-su/$", "roster"),
    (r"^/nhap-du-lieu/", "upload"),
]
_sums: dict[str, list] = {}
_lock = threading.Lock()
_local = threading.local()


def _kind(req) -> str:
    path = req.path
    for pattern, name in _KINDS:
        if re.match(pattern, path):
            if name == "roster" and "q=" in (req.query or ""):
                name = "search"
            return f"{req.method} {name}"
    return f"{req.method} other"


def pre_request(worker, req):
    _local.started = time.thread_time()


def post_request(worker, req, environ, resp):
    spent = time.thread_time() - getattr(_local, "started", time.thread_time())
    with _lock:
        entry = _sums.setdefault(_kind(req), [0, 0.0])
        entry[0] += 1
        entry[1] += spent


def worker_exit(server, worker):
    folder = Path(os.environ.get("CHQS_CPU_LOG_DIR", "/tmp/chqs-load"))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"cpu-{os.getpid()}.json").write_text(json.dumps(_sums))
