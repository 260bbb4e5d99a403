#!/usr/bin/env python
"""Benchmark of the rota planner: one year of daily turns of 5 people for an agency of
500 members, 10% of whom are away two weeks (leave, training, sickness, travel).

    .venv/bin/python bench/duty_planner.py [--runs 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chqs_duty_bench \\
        .venv/bin/python bench/duty_planner.py

Times (median of --runs after a warm-up): `propose()` — loading members, services,
unavailability, other turns and the year's history (a fixed number of queries), then
the pure planner — and the pure `plan()` alone; then `plan_save()` of the result
(365 draft turns, 1.825 crew rows). Target (issue 4): planning under 2 s.
Checks the result: no shortfall, turn counts within one of each other among members
who were never away.
"""

import argparse
import datetime as dt
import json
from collections import Counter

from _common import database_version, machine
from _duty import members, province_with_agencies, test_database, timed

TARGET_MS = 2000


def run(args) -> dict:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from personnel.duty.calendar import holidays
    from personnel.duty.models import DutyKind, Unavailability
    from personnel.duty.planner import Rules, plan
    from personnel.duty.planning import (
        Request,
        build_slots,
        load_members,
        plan_save,
        propose,
    )

    _, agencies, _ = province_with_agencies(1)
    agency = agencies[0]
    people = members(agency, args.members, unavailable_share=0.10)
    kind = DutyKind.objects.get(code="san-sang-chien-dau", province__isnull=True)
    req = Request(
        unit=agency, kinds=[kind], starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31),
        crew_size=5,
    )  # fmt: skip
    ids = [agency.pk]
    with CaptureQueriesContext(connection) as ctx:
        result = propose(req, ids)
    queries = len(ctx)
    whole = timed(lambda: propose(req, ids), args.runs)
    days_off = holidays(req.starts_on, req.ends_on)
    slots = build_slots(req, days_off)
    loaded = load_members(req, ids, days_off)
    pure = timed(lambda: plan(slots, loaded, Rules()), args.runs)
    with transaction.atomic():
        import time

        t0 = time.perf_counter()
        plan_save(req=req, planned=result)
        save_ms = (time.perf_counter() - t0) * 1000
        transaction.set_rollback(True)
    away = set(Unavailability.objects.values_list("person_id", flat=True))
    counts = Counter(p.pk for r in result for p in r.picks)
    present = [counts[p.pk] for p in people if p.pk not in away]
    return {
        "machine": machine(),
        "database": database_version(),
        "members": len(people),
        "away": len(away),
        "turns": len(result),
        "shortfall": sum(r.shortfall for r in result),
        "spread_never_away": max(present) - min(present),
        "queries": queries,
        "propose": whole,
        "plan_only": pure,
        "save_ms": save_ms,
    }


def report(f: dict) -> str:
    ok = "đạt" if f["propose"]["median_ms"] < TARGET_MS else "KHÔNG đạt"
    m = f["machine"]
    return "\n".join(
        [
            f"{m['cpu']} · {m['nproc']} CPU · {m['memory']} · Python {m['python']} · "
            f"Django {m['django']} · {f['database']}",
            f"{f['members']} members ({f['away']} away two weeks), {f['turns']} turns of 5, "
            f"shortfall {f['shortfall']}, spread among never-away members {f['spread_never_away']}",
            f"propose (load + plan): median {f['propose']['median_ms']:.0f} ms, "
            f"p95 {f['propose']['p95_ms']:.0f} ms, CPU {f['propose']['cpu_ms']:.0f} ms, "
            f"{f['queries']} queries — target < {TARGET_MS} ms: {ok}",
            f"plan() alone: median {f['plan_only']['median_ms']:.0f} ms",
            f"plan_save (365 drafts + crew): {f['save_ms']:.0f} ms",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--json")
    args = parser.parse_args()
    with test_database("duty_planner"):
        figures = run(args)
    print(report(figures))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(figures, out, indent=2, ensure_ascii=False)


if __name__ == "__main__":
    main()
