#!/usr/bin/env python
"""Benchmark of the duty pages: the month calendar with 150 turns, and the tallies of a
province over six months (50 agencies, 5.000 turns).

    .venv/bin/python bench/duty_pages.py [--runs 15]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chqs_duty_bench \\
        .venv/bin/python bench/duty_pages.py

Data: a province P with 50 agencies of 40 members each; agency A001 has 5 turns a day
for the 30 days of 06/2026 (150 turns, 4 people each); all 50 agencies together have
5.000 published turns over 01/2026–06/2026 (3 people each). Logged in (force_login) as
the provincial staff officer, each page is requested `--runs` times after 2 warm-ups:
median and p95 of the whole request, median CPU time of this process, and the queries
of one request (counted by a connection execute_wrapper). `duty_figures` alone is timed too.
Targets (issue 4): calendar < 200 ms with a fixed number of queries, tallies < 300 ms.
"""

import argparse
import datetime as dt
import json

from _common import database_version, machine
from _duty import members, province_with_agencies, test_database, timed, turns

CALENDAR_TARGET_MS, TALLIES_TARGET_MS = 200, 300


def run(args) -> dict:
    from django.db import connection
    from django.test import Client

    from personnel.duty.figures import duty_figures

    province, agencies, user = province_with_agencies(50)
    june = [dt.date(2026, 6, d) for d in range(1, 31)]
    half_year = [dt.date(2026, 1, 1) + dt.timedelta(days=i) for i in range(181)]
    total = 0
    for i, agency in enumerate(agencies):
        people = members(agency, 40, seed=i)
        if i == 0:
            total += len(turns(agency, people, june, per_day=5, crew=4))
        else:
            # 4.850 more turns spread over the other 49 agencies and six months.
            count = 4850 // 49 + (1 if i <= 4850 % 49 else 0)
            step = len(half_year) / count
            days = [half_year[int(k * step)] for k in range(count)]
            total += len(turns(agency, people, days, per_day=1, crew=3, seed=i))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = Client()
    client.force_login(user)
    calendar_url = "/truc/don-vi/A001/?thang=2026-06"
    tallies_url = "/truc/thong-ke/?don_vi=P&tu=01/01/2026&den=30/06/2026"

    def get(url):
        def go():
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        return go

    figures = {"machine": machine(), "database": database_version(), "turns": total}
    for name, url in (("calendar", calendar_url), ("tallies", tallies_url)):
        seen: list[str] = []

        def count(execute, sql, params, many, context, seen=seen):
            seen.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            get(url)()
        figures[name] = {**timed(get(url), args.runs, warmups=2), "queries": len(seen)}
    ids = [a.pk for a in agencies]
    figures["duty_figures"] = timed(
        lambda: duty_figures(ids, dt.date(2026, 1, 1), dt.date(2026, 6, 30)), args.runs
    )
    check = duty_figures(ids, dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    figures["tallied_turns"] = check["turns"]
    return figures


def report(f: dict) -> str:
    m = f["machine"]
    lines = [
        f"{m['cpu']} · {m['nproc']} CPU · {m['memory']} · Python {m['python']} · "
        f"Django {m['django']} · {f['database']}",
        f"{f['turns']} turns in the database; tallies count {f['tallied_turns']}",
    ]
    for name, target in (("calendar", CALENDAR_TARGET_MS), ("tallies", TALLIES_TARGET_MS)):
        r = f[name]
        ok = "đạt" if r["median_ms"] < target else "KHÔNG đạt"
        lines.append(
            f"{name}: median {r['median_ms']:.0f} ms, p95 {r['p95_ms']:.0f} ms, "
            f"CPU {r['cpu_ms']:.0f} ms, {r['queries']} queries — target < {target} ms: {ok}"
        )
    lines.append(f"duty_figures() alone: median {f['duty_figures']['median_ms']:.0f} ms")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json")
    args = parser.parse_args()
    with test_database("duty_pages"):
        figures = run(args)
    print(report(figures))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(figures, out, indent=2, ensure_ascii=False)


if __name__ == "__main__":
    main()
