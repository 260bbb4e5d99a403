#!/usr/bin/env python
"""Benchmark of the training compliance page (training:compliance) for the province.

    .venv/bin/python bench/training_compliance.py [--runs 15]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chqs_training_bench \\
        .venv/bin/python bench/training_compliance.py

Like the test runner it creates a throw-away database (`test_<name>`), runs the
migrations and loads the demo province (`seed_demo`: ≈50 agencies, ≈1.100 members, the
2026 training plans: ≈56 courses with quotas, nominations, attendance and results).
With Django's test Client logged in as `troly.tinh` (provincial staff officer: the whole
province) the page is timed for the province, sorted by name and by rate, and for one
agency (the drill-down with the people short of their required days): 2 warm-ups then
`--runs` timed requests, median and p95 in ms (the whole request), and the number of
queries of one more request. Figures go to bench/RESULTS.md, section "Training".
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from _common import database_version, machine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chqs.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    import django

    django.setup()
    from io import StringIO

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("seed_demo", stdout=StringIO())
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        from personnel.models import Service
        from training.models import Course, Nomination
        from units.models import Unit, User

        size = {
            "agencies": Unit.objects.agencies().count(),
            "members": Service.objects.serving_on().count(),
            "courses": Course.objects.count(),
            "nominations": Nomination.objects.count(),
        }
        agency = Nomination.objects.values_list("agency__code", flat=True).first()
        client = Client()
        client.force_login(User.objects.get(username="troly.tinh"))
        cases = {
            "province, by name": "/huan-luyen/theo-doi/?nam=2026",
            "province, by rate": "/huan-luyen/theo-doi/?nam=2026&sap_xep=-ty_le",
            f"agency {agency} (drill-down)": f"/huan-luyen/theo-doi/?nam=2026&don_vi={agency}",
        }
        print(f"# {database_version()} · {machine()}")
        print(f"# size: {size}")
        print("| case | median ms | p95 ms | queries |")
        print("|---|---:|---:|---:|")
        for label, url in cases.items():
            for _ in range(2):
                assert client.get(url).status_code == 200
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            times.sort()
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            print(f"| {label} | {statistics.median(times):.0f} | {p95:.0f} | {len(queries)} |")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
