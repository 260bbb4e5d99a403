#!/usr/bin/env python
"""Benchmark of the periodic return of a province (reports): JSON, PDF, per-person annex.

    .venv/bin/python bench/returns.py [--runs 7] [--json F]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chqs_returns_bench \\
        .venv/bin/python bench/returns.py

Like the other benchmarks it never touches a real database: it creates a throw-away one
(`test_<name>`; for SQLite a file in the temporary directory), runs the migrations and
builds the province of the correctness test (tests/reports/seed_002.py) through the
app's own imports and services: 47 agencies with complete boards, 1.122 members, 48
four-day patrols of 46 people (8.832 man-days) and three training courses. Then, for
the command over the 47 agencies, period 2023-H1 as of 15/07/2023:

- figures (`reports.indicators.compute`, what the JSON view returns): median and p95
  of `--runs` runs after a warm-up, and the number of queries;
- the JSON view through Django's test client (the whole request);
- the return PDF (`reports.documents.return_pdf`: letterhead, text, 8 tables, charts);
- the per-person annex (1.122 rows, `reports.annex.annex_pdf`: letterhead and closing
  by WeasyPrint, the table pages by fpdf2, laid together with pypdf), with the process's
  peak RSS before and after.

Each line also gives the median CPU time of the process (what to compare when other
work loads the machine).

Targets (issue 6): JSON < 300 ms, PDF < 2 s, annex < 5 s and < 400 MB.
"""

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import database_version, machine, test_database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chqs.settings")
WORK = Path(tempfile.gettempdir()) / "chqs-bench-returns"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn, runs: int) -> tuple[tuple[list[float], list[float]], object]:
    fn()  # warm-up (templates, fonts, query plans)
    times, cpu, result = [], [], None
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return (times, cpu), result


def summary(measured: tuple[list[float], list[float]]) -> dict:
    times, cpu = measured
    ordered = sorted(times)
    return {
        "median_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 1),
        "cpu_median_ms": round(statistics.median(cpu), 1),
        "runs": len(ordered),
    }


def run(args) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from reports import indicators, services
    from reports.annex import annex_pdf
    from reports.documents import letterhead, return_pdf
    from reports.selectors import period_for
    from tests.personas import make_world
    from tests.reports import seed_002

    world = make_world()
    started = time.perf_counter()
    with override_settings(PRIVATE_ROOT=WORK):
        command = seed_002.build(WORK, world.admin)
    built_s = time.perf_counter() - started
    period = period_for(command, seed_002.PERIOD)
    as_of = seed_002.AS_OF

    figures_times, figures = timed(lambda: indicators.compute(command, period, as_of), args.runs)
    with CaptureQueriesContext(connection) as queries:
        indicators.compute(command, period, as_of)
    if args.profile:
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.runcall(indicators.compute, command, period, as_of)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)

    client = Client()
    client.force_login(world.admin)
    url = f"/bao-cao/{command.code}/{period.label}/so-lieu.json?ngay=15/07/2023"
    json_times, response = timed(lambda: client.get(url), args.runs)
    assert response.status_code == 200, response.status_code

    doc = letterhead(command, period)
    pdf_times, pdf = timed(lambda: return_pdf(figures, doc), max(3, args.runs // 2))

    ret = services.return_create(unit=command, period=period, as_of=as_of, user=world.admin)
    before = peak_mb()
    annex_times, annex = timed(lambda: annex_pdf(ret), args.runs)
    after = peak_mb()
    return {
        "machine": machine(),
        "database": database_version(),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "build_s": round(built_s, 1),
        "members": figures["members"]["total"],
        "agencies": figures["agencies"]["total"],
        "figures": {**summary(figures_times), "queries": len(queries)},
        "json_view": {**summary(json_times), "bytes": len(response.content)},
        "pdf": {**summary(pdf_times), "bytes": len(pdf)},
        "annex": {
            **summary(annex_times),
            "bytes": len(annex),
            "peak_rss_mb_before": round(before),
            "peak_rss_mb_after": round(after),
        },
    }


def times(s: dict) -> str:
    return f"{s['median_ms']} ms | {s['p95_ms']} ms | {s['cpu_median_ms']} ms | {s['runs']}"


def report(f: dict) -> str:
    m = f["machine"]
    lines = [
        f"{f['date']} · {m['nproc']} CPU ({m['cpu']}), {m['memory']} RAM · {f['database']} · "
        f"Python {m['python']}, Django {m['django']}",
        f"province: {f['agencies']} agencies, {f['members']} members (built in {f['build_s']} s "
        "through the imports and services)",
        "",
        "| what | median | p95 | CPU median | runs | notes |",
        "|---|---|---|---|---|---|",
        f"| figures (indicators.compute) | {times(f['figures'])} | "
        f"{f['figures']['queries']} queries |",
        f"| JSON view (whole request) | {times(f['json_view'])} | "
        f"{f['json_view']['bytes']} bytes |",
        f"| return PDF | {times(f['pdf'])} | {f['pdf']['bytes']} bytes |",
        f"| annex PDF (1.122 rows) | {times(f['annex'])} | {f['annex']['bytes']} bytes; peak RSS "
        f"{f['annex']['peak_rss_mb_before']} → {f['annex']['peak_rss_mb_after']} MB |",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--profile", action="store_true", help="print where compute() goes")
    args = parser.parse_args()

    with test_database("returns", work=WORK):
        figures = run(args)
    print(report(figures))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
