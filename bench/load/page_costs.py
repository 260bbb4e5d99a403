#!/usr/bin/env python
"""CPU cost of one request of each kind in the load test's mix, on the scaled province.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chqs_load \\
        .venv/bin/python bench/load/page_costs.py [--runs 20]

On a shared machine the wall time of a request mostly measures the queue for the CPU;
the CPU it costs does not. With Django's test client (logged in without a password
hash: the login itself is measured once, separately) against the database the load
test uses: for each request kind, the median CPU ms of this process (Python: views,
templates, middleware) and of the PostgreSQL backend serving its connection (read from
/proc/<backend pid>/stat: PostgreSQL on the same host). Their sum per request, weighted
by the locustfile's mix, gives requests per second per core — the capacity plan's unit.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chqs.settings")
os.environ.setdefault("AXES_ENABLED", "false")

# (name, account, URL or callable, weight in the mix per request of that kind)
CASES = [
    ("roster", "troly.tinh", "/nhan-su/?page=7", 30),
    ("roster, unit filter", "troly", "/nhan-su/?page=3&don_vi=CT-KV1", 0),
    ("search", "troly.tinh", "/nhan-su/?q=tran+van", 15),
    ("person", "troly.tinh", "person", 15),
    ("home", "troly.tinh", "/", 10),
    ("tree", "troly.tinh", "/don-vi/cay/", 4),
    ("person edit form", "troly.tinh", "edit", 5),
    ("Excel, 513 people", "troly.tinh", "/nhan-su/xuat-excel/?don_vi=CT-XDCR", 2),
]


def backend_cpu(connection) -> float:
    """CPU seconds the PostgreSQL process serving `connection` has used so far."""
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description="CPU per request kind")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from personnel.models import Person
    from units.models import User

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    person = Person.objects.filter(agency__code="CT-TTYTNK").order_by("pk")[100].pk
    clients = {}
    rows = []
    for name, account, url, weight in CASES:
        client = clients.setdefault(account, Client())
        client.force_login(User.objects.get(username=account))
        url = {"person": f"/nhan-su/{person}/", "edit": f"/nhan-su/{person}/sua/"}.get(url, url)
        cpu, db = [], []
        for i in range(args.runs + 2):
            backend = backend_cpu(connection)
            started = time.process_time()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            spent = time.process_time() - started
            assert response.status_code == 200, (url, response.status_code)
            if i >= 2:  # two warm-ups
                cpu.append(spent * 1000)
                db.append((backend_cpu(connection) - backend) * 1000)
        rows.append((name, statistics.median(cpu), statistics.median(db), len(queries), weight))
    started = time.process_time()
    make_password("Demo@2026-chqs")
    login_ms = (time.process_time() - started) * 1000

    print(f"{'request':<22}{'python CPU ms':>15}{'db CPU ms':>11}{'queries':>9}{'weight':>8}")
    for name, cpu, db, count, weight in rows:
        print(f"{name:<22}{cpu:>15.1f}{db:>11.1f}{count:>9}{weight:>8}")
    total = sum(w for *_, w in rows)
    mean = sum((c + d) * w for _, c, d, _, w in rows) / total
    print(f"login (password hash once per session): {login_ms:.0f} ms CPU")
    sys.path.insert(0, str(ROOT / "bench"))
    from _common import cpu_reference_ms

    print(f"CPU reference (PBKDF2, 1.000.000 iterations, best of 3): {cpu_reference_ms()} ms")
    print(f"weighted mean per request (Python + database): {mean:.1f} ms → "
          f"{1000 / mean:.1f} requests/s per fully available core")  # fmt: skip


if __name__ == "__main__":
    main()
