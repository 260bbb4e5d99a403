#!/usr/bin/env python
"""Benchmark of the national-scale return on PostgreSQL (reports.indicators.compute).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chqs_national_bench \\
        .venv/bin/python bench/national.py [--provinces 34] [--communes 3300] \\
        [--agencies 10000] [--people 1500000] [--runs 3] [--json F] [--keep] [--reuse]

Creates a throw-away database (`test_<name>`), runs the migrations and generates, with
INSERT … SELECT over generate_series (minutes, not hours): a national root above the
provinces, `--provinces` provinces, `--communes` communes and `--agencies` agencies
spread evenly, a Ban CHQS for every agency, `--people` people spread evenly over the
agencies (≈1/7 women, 1/5 Party members) of whom 4 in 5 serve (joined 01/03/2021);
a year (2025) of duty — 2 published turns per agency a month, 4 man-days each — and of
training — per province three courses (board cadres, unit leaders, troops) with a quota
for every agency and nominations of which two in three attend. The tables are VACUUM
ANALYZEd (visibility map and statistics, as autovacuum leaves them in use).

Then `compute` for the national root and for one province, period 2025 (year, TT 58
window 15/12/2024 → 14/12/2025): median of `--runs` runs after a warm-up, and the query
count; `client_cpu_ms` is this process's CPU time (Django and psycopg, not the
database's). Targets (issue 6): national JSON < 5 s, a province < 500 ms.

To iterate without regenerating (minutes): `--keep` leaves `test_<name>` in place at the
end, and a later `--reuse` runs the new migrations on it, ANALYZEs and measures at once
(the sizes given are then ignored); a run without `--keep` drops it at the end.
"""

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

from _common import database_version, machine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chqs.settings")


def insert_select(model, exprs: dict[str, str], source: str, params=()) -> int:
    """INSERT INTO model's table (every concrete column but the id) SELECT the given SQL
    expressions, the field's constant default or NULL/'' for the others, FROM `source`."""
    from django.db import connection
    from django.db.models import NOT_PROVIDED

    columns, values, args = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.name in exprs:
            values.append(exprs[field.name])
        elif field.default is not NOT_PROVIDED and not callable(field.default):
            values.append("%s")
            args.append(field.default)
        elif field.null:
            values.append("NULL")
        else:
            values.append("''")
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM {source}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*args, *params])
        return cursor.rowcount


def generate(args) -> dict:
    from django.db import connection

    from chqs.text import name_sort_key
    from personnel.duty.models import DutyKind, DutyTurn
    from personnel.models import Person, Service, ServicePosition
    from training.models import Audience, Course, Nomination, Quota, TrainingPlan
    from units.models import AgencyType, Board, ForceKind, Unit, UnitKind, UnitLink

    kinds = {k.code: k.pk for k in UnitKind.objects.all()}
    national = UnitKind.objects.create(code="national", name="Bộ Quốc phòng", order=1).pk
    state = AgencyType.objects.get(code="state").pk
    start = dt.date(2020, 1, 1)
    timings = {}

    t = time.perf_counter()
    root = Unit.objects.create(code="VN", name="Toàn quốc", kind_id=national)
    # Provinces P01.., communes X0001.., agencies A00001..: parents by integer division.
    p, x, a = args.provinces, args.communes, args.agencies
    for prefix, count, kind, level, parent_prefix, parent_count, width, pwidth, extra in (
        ("P", p, kinds["province"], "tinh", None, 0, 2, 0, {}),
        ("X", x, kinds["commune"], "xa", "P", p, 4, 2, {}),
        ("A", a, kinds["agency"], "", "X", x, 5, 4, {"staff_count": "200"}),
    ):
        insert_select(
            Unit,
            {
                "code": f"'{prefix}' || lpad(g::text, {width}, '0')",
                "name": f"'Đơn vị {prefix}' || g",
                "search_text": f"'{prefix.lower()}' || g",
                "kind": str(kind),
                "level": f"'{level}'",
                "agency_type": str(state) if prefix == "A" else "NULL",
                **extra,
            },
            f"generate_series(1, {count}) g",
        )
        parent = (
            f"(SELECT id FROM units_unit WHERE code = '{parent_prefix}' || "
            f"lpad((1 + (u.n - 1) * {parent_count} / {count})::text, {pwidth}, '0'))"
            if parent_prefix
            else str(root.pk)
        )
        insert_select(
            UnitLink,
            {"unit": "u.id", "parent": parent, "valid_from": f"'{start}'::date"},
            "(SELECT id, substr(code, 2)::int AS n FROM units_unit "
            f"WHERE code ~ '^{prefix}[0-9]+$') u",
        )
    insert_select(
        Board,
        {"unit": "id", "status": "'active'", "decision_date": "'2020-06-01'::date"},
        f"units_unit WHERE kind_id = {kinds['agency']}",
    )
    timings["units_s"] = time.perf_counter() - t

    t = time.perf_counter()
    per_agency = args.people // a
    insert_select(
        Person,
        {
            "agency": "u.id",
            "full_name": "'Nguyễn Văn Người'",
            "birth_date": "date '1980-01-01' + ((g * 37 + u.id) %% 7000)::int",
            "birth_year_only": "false",
            "gender": "CASE WHEN g %% 7 = 0 THEN 'F' ELSE 'M' END",
            "cccd": "lpad((u.id * 1000 + g)::text, 12, '0')",
            "party_joined_on": "CASE WHEN g %% 5 = 0 THEN date '2015-01-01' END",
            "search_text": "'nguyen van nguoi'",
            "sort_key": f"'{name_sort_key('Nguyễn Văn Người')}'",
        },
        f"units_unit u CROSS JOIN generate_series(1, {per_agency}) g "
        f"WHERE u.kind_id = {kinds['agency']}",
    )
    chien_si = ServicePosition.objects.get(code="chien-si").pk
    tai_cho = ForceKind.objects.get(code="tai-cho").pk
    insert_select(
        Service,
        {
            "person": "id",
            "agency": "agency_id",
            "position": str(chien_si),
            "force_kind": str(tai_cho),
            "joined_on": "date '2021-03-01'",
            "term_end": "date '2025-12-31'",
            "status": "'serving'",
            "status_on": "date '2021-03-01'",
        },
        "personnel_person WHERE id %% 5 <> 0",
    )
    timings["people_s"] = time.perf_counter() - t

    t = time.perf_counter()
    kind = DutyKind.objects.get(code="san-sang-chien-dau").pk
    insert_select(
        DutyTurn,
        {
            "unit": "u.id",
            "kind": str(kind),
            "starts_at": "timestamptz '2025-01-01 07:30+07' + (m * 30 + d) * interval '1 day'",
            "ends_at": "timestamptz '2025-01-02 07:30+07' + (m * 30 + d) * interval '1 day'",
            "starts_on": "date '2025-01-01' + (m * 30 + d)::int",
            "state": "'published'",
            "man_days": "4",
        },
        f"units_unit u CROSS JOIN generate_series(0, 11) m CROSS JOIN generate_series(0, 1) d "
        f"WHERE u.kind_id = {kinds['agency']}",
    )
    timings["duty_s"] = time.perf_counter() - t

    t = time.perf_counter()
    audiences = {au.code: au.pk for au in Audience.objects.all()}
    plans = {}
    for province in Unit.objects.filter(kind_id=kinds["province"]):
        plans[province.pk] = TrainingPlan.objects.create(
            organiser=province, year=2025, title="Kế hoạch huấn luyện 2025"
        ).pk
    for n, (code, when) in enumerate(
        (("board-cadre", "2025-03-03"), ("unit-leader", "2025-04-07"), ("in-place", "2025-05-05"))
    ):
        insert_select(
            Course,
            {
                "plan": "pl.id",
                "code": f"'K{n}-' || pl.organiser_id",
                "name": f"'Lớp {code}'",
                "audience": str(audiences[code]),
                "organiser": "pl.organiser_id",
                "starts_on": f"date '{when}'",
                "ends_on": f"date '{when}' + 4",
                "days": "5",
            },
            "training_trainingplan pl",
        )
    # Every agency gets a quota in each of its province's courses: province of an agency
    # through its commune's link.
    agency_province = (
        "(SELECT a.unit_id AS agency_id, x.parent_id AS province_id FROM units_unitlink a "
        "JOIN units_unitlink x ON x.unit_id = a.parent_id "
        f"JOIN units_unit u ON u.id = a.unit_id WHERE u.kind_id = {kinds['agency']})"
    )
    insert_select(
        Quota,
        {"course": "c.id", "agency": "ap.agency_id", "quantity": "6"},
        f"{agency_province} ap JOIN training_course c ON c.organiser_id = ap.province_id",
    )
    insert_select(
        Nomination,
        {
            "course": "c.id",
            "person": "s.person_id",
            "agency": "s.agency_id",
            "state": "'active'",
            "attendance": "CASE WHEN s.rn %% 3 = 0 THEN 'absent' ELSE 'present' END",
            "absence_reason": "CASE WHEN s.rn %% 3 = 0 THEN 'Ốm' ELSE '' END",
            "days_attended": "CASE WHEN s.rn %% 3 = 0 THEN 0 ELSE 5 END",
            "result": "CASE WHEN s.rn %% 3 = 0 THEN '' ELSE 'dat' END",
        },
        "(SELECT person_id, agency_id, row_number() OVER (PARTITION BY agency_id ORDER BY "
        "person_id) AS rn FROM personnel_service) s "
        f"JOIN {agency_province} ap ON ap.agency_id = s.agency_id "
        "JOIN training_course c ON c.organiser_id = ap.province_id "
        "AND s.rn BETWEEN 1 + 6 * substr(c.code, 2, 1)::int AND 6 + 6 * substr(c.code, 2, 1)::int",
    )
    timings["training_s"] = time.perf_counter() - t
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {**generated(), "timings": {k: round(v, 1) for k, v in timings.items()}}


def generated() -> dict:
    """The root, the province measured and the sizes of a generated database."""
    from personnel.duty.models import DutyTurn
    from personnel.models import Person, Service
    from training.models import Nomination
    from units.models import Unit, UnitKind

    kinds = {k.code: k.pk for k in UnitKind.objects.all()}
    return {
        "root": Unit.objects.get(code="VN"),
        "province": Unit.objects.get(code="P01"),
        "counts": {
            "provinces": Unit.objects.filter(kind_id=kinds["province"]).count(),
            "communes": Unit.objects.filter(kind_id=kinds["commune"]).count(),
            "agencies": Unit.objects.filter(kind_id=kinds["agency"]).count(),
            "people": Person.objects.count(),
            "services": Service.objects.count(),
            "duty_turns": DutyTurn.objects.count(),
            "nominations": Nomination.objects.count(),
        },
    }


def reuse_database() -> bool:
    """Point the connection at a kept `test_<name>` and bring it to the latest
    migrations; False when there is none to reuse."""
    from django.core.management import call_command
    from django.db import connection

    test_name = connection.creation._get_test_db_name()
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [test_name])
        if cursor.fetchone() is None:
            return False
    connection.close()
    connection.settings_dict["NAME"] = test_name
    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return True


def measure(unit, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.indicators import compute
    from reports.periods import parse_period

    period = parse_period("2025")
    figures = compute(unit, period)  # warm-up
    times, cpu = [], []
    for _ in range(runs):
        start, client = time.perf_counter(), time.process_time()
        figures = compute(unit, period)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - client) * 1000)
    with CaptureQueriesContext(connection) as queries:
        compute(unit, period)
    if os.environ.get("BENCH_PROFILE"):
        slow = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:8]
        for q in slow:
            print(q["time"], q["sql"][:300], file=sys.stderr)
    return {
        "median_ms": round(statistics.median(times)),
        "max_ms": round(max(times)),
        "runs": runs,
        "client_cpu_ms": round(statistics.median(cpu)),
        "queries": len(queries),
        "short_of_days": figures["training"]["short_of_days"],
        "members": figures["members"]["total"],
        "agencies": figures["agencies"]["total"],
        "man_days": figures["duty"]["man_days"],
        "training": f"{figures['training']['total']['attended']}/"
        f"{figures['training']['total']['quota']}",
        "json_bytes": len(json.dumps(figures, ensure_ascii=False)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--provinces", type=int, default=34)
    parser.add_argument("--communes", type=int, default=3300)
    parser.add_argument("--agencies", type=int, default=10000)
    parser.add_argument("--people", type=int, default=1_500_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument(
        "--reuse", action="store_true", help="measure on a kept database (no generation)"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    if connection.vendor != "postgresql":
        sys.exit("bench/national.py needs PostgreSQL: set DATABASE_URL.")
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    reused = args.reuse and reuse_database()
    if not reused:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        data = {**generated(), "timings": "reused"} if reused else generate(args)
        result = {
            "machine": machine(),
            "database": database_version(),
            "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "counts": data["counts"],
            "generation": data["timings"],
            "national": measure(data["root"], args.runs),
            "province": measure(data["province"], args.runs),
        }
    finally:
        if args.keep:
            connection.close()
            print(f"kept {connection.settings_dict['NAME']}", file=sys.stderr)
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
