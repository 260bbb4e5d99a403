#!/usr/bin/env python
"""Scale the demo province (seed_demo) to N people for the load test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chqs_load \\
        .venv/bin/python bench/load/scale_demo.py --people 50000

Unlike the other benchmarks this one writes to the database DATABASE_URL names (the
load test needs a database a gunicorn can serve): give it a database of its own. It
runs `migrate` and `seed_demo`, then adds people the way bench/roster_page.py does
(half of them in CT-TTYTNK, the clerk `vanthu`'s agency, the rest over the other demo
agencies by staff; search text filled, history written, services over four years)
until the province holds N, then ANALYZEs. Idempotent: run it again, nothing changes.
"""

import argparse
import os
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chqs.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description="Scale the demo province for the load test.")
    parser.add_argument("--people", type=int, default=50_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from roster_page import add_people, analyze

    from personnel.models import Person

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", verbosity=0)
    if Person.objects.count() < args.people:
        add_people(args.people)
        analyze()
    print(f"{Person.objects.count()} người ({time.perf_counter() - started:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
