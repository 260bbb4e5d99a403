#!/usr/bin/env python
"""Benchmark of the roster page (personnel:roster) with 50.000 people in the province.

    .venv/bin/python bench/roster_page.py [--people 50000] [--runs 15] [--json F]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chqs_roster_bench \\
        .venv/bin/python bench/roster_page.py

It never touches a real database: like the test runner (and bench/import_people.py) it
creates a throw-away one (`test_<name>`; for SQLite a file in the temporary directory),
runs the migrations, loads the demo province (`seed_demo`), then adds people until the
province holds `--people`: half of them in one big agency (by default CT-TTYTNK, the
clerk `vanthu`'s own, so that the clerk's roster is a large one too), the rest over the
other demo agencies in proportion to their staff. Rows are written with
`bulk_create_with_history` (which fills the search text and sort key); most people get a
service record (80% serving, 3% postponed, both open; 5% a completed, closed record), with a
joining date over the last four years, so that about 6% have a term ending within 90
days. Deterministic (a fixed seed). On PostgreSQL the tables are ANALYZEd after the
load, as autovacuum would do within a minute; SQLite is left as Django leaves it.

With Django's test Client logged in (force_login) as `troly.tinh` (provincial staff
officer: the whole province), `troly` (regional staff officer, PTKV 1), `vanthu`
(clerk of CT-TTYTNK) and `chihuy` (provincial commander: masked CCCD and phone), the
roster page is timed for each case below: 2 warm-ups then `--runs` timed requests,
median and p95 in ms (the whole request: middleware, session, queries, template),
and the median CPU time of this process (less sensitive to a loaded machine).
The queries of one more request are captured (CaptureQueriesContext): their number
and the database's share of the time. The same count is taken on the seeded demo alone
(≈1.400 people) before the load: equal counts mean the page's queries do not grow
with the people (a page that finds nobody, marked *, skips fetching rows).

The figures of the latest runs are in bench/RESULTS.md (from bench/roster_page.md).
"""

import argparse
import datetime as dt
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import database_version, machine, test_database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chqs.settings")

SEED = 50_023
WORK = Path(tempfile.gettempdir()) / "chqs-bench"
BIG_AGENCY = "CT-TTYTNK"
BIG_SHARE = 0.5
BATCH = 2000
TARGET_MS = 300
AS_OF = dt.date(2026, 11, 1)
CCCD_SERIAL_START = 200_000  # the demo's serials are below 2.000

PERSONAS = [
    ("troly.tinh", "Trợ lý tỉnh"),
    ("troly", "Trợ lý PTKV 1"),
    ("vanthu", "Văn thư TTYT"),
    ("chihuy", "Chỉ huy tỉnh"),
]
# What the "agency subtree" case asks each persona for: a unit inside their scope.
SUBTREE = {"troly.tinh": "CT-KV1", "troly": "CT-PTA", "vanthu": BIG_AGENCY, "chihuy": "CT-KV1"}


def cases(persona: str) -> list[tuple[str, dict]]:
    return [
        ("Không lọc, trang 1", {}),
        ("Trang 500", {"page": "500"}),
        ("Tìm “nguyen van”", {"q": "nguyen van"}),
        ("Giới tính Nữ", {"gioi_tinh": "F"}),
        ("Sắp hết thời hạn", {"sap_het_han": "1"}),
        ("Sắp xếp ngày sinh", {"sap_xep": "ngay_sinh"}),
        (f"Đơn vị {SUBTREE[persona]} (cả cấp dưới)", {"don_vi": SUBTREE[persona]}),
    ]


# --- the people ------------------------------------------------------------------------------

FAMILY = [("Nguyễn", 31), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Huỳnh", 5), ("Hoàng", 3),
          ("Phan", 4), ("Võ", 4), ("Vũ", 2), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2),
          ("Ngô", 2), ("Dương", 2), ("Lý", 1), ("Trương", 2), ("Lâm", 2), ("Châu", 1),
          ("Thạch", 1), ("Danh", 1), ("Quách", 1)]  # fmt: skip
MALE_MIDDLE = [("Văn", 40), ("Hữu", 8), ("Đức", 7), ("Minh", 8), ("Thanh", 6), ("Quốc", 6),
               ("Công", 5), ("Hoàng", 4), ("Tấn", 5), ("Chí", 4), ("Ngọc", 3), ("Trọng", 3),
               ("Xuân", 3)]  # fmt: skip
FEMALE_MIDDLE = [("Thị", 55), ("Ngọc", 10), ("Thu", 6), ("Kim", 7), ("Thanh", 5), ("Mỹ", 6),
                 ("Bích", 4), ("Hồng", 5), ("Phương", 2)]  # fmt: skip
MALE_GIVEN = (
    "An Bình Cường Dũng Duy Đạt Hải Hiếu Hùng Huy Khang Khoa Long Luân Nam Nghĩa Phát Phong "
    "Phúc Quang Sơn Tài Tâm Thắng Thành Thiện Toàn Trí Trung Tuấn Vinh Vũ Khải Lộc Hậu Tú "
    "Kiệt Nhân Hòa Lực Sang Thịnh Tiến"
).split()
FEMALE_GIVEN = (
    "Anh Châu Chi Diễm Hà Hạnh Hằng Hoa Hương Lan Linh Mai Ngân Nhung Oanh Phương Thảo Trang "
    "Tuyết Vy Yến Loan Nga Thủy Trinh Quyên Ngọc Nhi"
).split()
PLACES = [
    "phường Ninh Kiều, thành phố Cần Thơ", "phường Cái Răng, thành phố Cần Thơ",
    "xã Phong Điền, thành phố Cần Thơ", "phường Bình Thủy, thành phố Cần Thơ",
    "phường Long Xuyên, tỉnh An Giang", "phường Vĩnh Long, tỉnh Vĩnh Long",
    "phường Sóc Trăng, thành phố Cần Thơ", "xã Thới Lai, thành phố Cần Thơ",
    "phường Vị Thanh, thành phố Cần Thơ", "xã Cờ Đỏ, thành phố Cần Thơ",
]  # fmt: skip
JOBS = ["Nhân viên", "Chuyên viên", "Kỹ thuật viên", "Kế toán viên", "Công nhân", "Kỹ sư",
        "Lái xe", "Bảo vệ", "Điều dưỡng", "Y sĩ", "Trưởng phòng", "Phó Trưởng phòng"]  # fmt: skip
QUALIFICATIONS = ["Cử nhân Kinh tế", "Kỹ sư Điện", "Cử nhân Luật", "Trung cấp", "Cao đẳng",
                  "Kỹ sư Xây dựng", "Cử nhân Công nghệ thông tin", "Cao đẳng Điều dưỡng",
                  ""]  # fmt: skip
RELIGIONS = [("", 70), ("Phật giáo", 18), ("Công giáo", 5), ("Cao Đài", 4), ("Hòa Hảo", 3)]


def _pick(rng, pairs):
    return rng.choices([v for v, _ in pairs], [w for _, w in pairs])[0]


def _years_before(day: dt.date, years: int, extra_days: int) -> dt.date:
    return day - dt.timedelta(days=round(years * 365.25) + extra_days)


def quotas(agencies, big, wanted: int) -> dict[int, int]:
    """How many people each agency gets: BIG_SHARE of them in the big agency, the rest
    in proportion to the others' staff counts."""
    big_count = round(wanted * BIG_SHARE)
    others = [a for a in agencies if a.pk != big.pk]
    staff = sum(a.staff_count or 50 for a in others)
    rest = wanted - big_count
    out = {a.pk: rest * (a.staff_count or 50) // staff for a in others}
    out[big.pk] = big_count + rest - sum(out.values())
    return out


def add_people(wanted: int) -> dict:
    """Bring the province to `wanted` people; returns what was written."""
    from django.db import transaction
    from simple_history.utils import bulk_create_with_history

    from personnel.models import (
        Ethnicity,
        Gender,
        Person,
        Service,
        ServicePosition,
        ServiceStatus,
        add_years,
    )
    from units.models import ForceKind, Formation, Unit

    rng = random.Random(SEED)
    missing = wanted - Person.objects.count()
    if missing <= 0:
        return {"people": 0, "services": 0}
    agencies = list(Unit.objects.filter(kind__is_agency=True).order_by("code"))
    big = next(a for a in agencies if a.code == BIG_AGENCY)
    ethnicities = {e.name: e for e in Ethnicity.objects.filter(name__in=["Kinh", "Khơ-me", "Hoa"])}
    ethnic_weights = [(ethnicities["Kinh"], 90), (ethnicities["Khơ-me"], 6),
                      (ethnicities["Hoa"], 4)]  # fmt: skip
    positions = {p.code: p for p in ServicePosition.objects.all()}
    position_weights = [(positions["chien-si"], 90), (positions["tieu-doi-truong"], 8),
                        (positions["trung-doi-truong"], 2)]  # fmt: skip
    tai_cho = ForceKind.objects.get(code="tai-cho")
    squads: dict[int, list] = {}
    for formation in Formation.objects.filter(dissolved_on__isnull=True).select_related(
        "force_kind"
    ):
        if formation.level in ("tieu_doi", "khau_doi", "to"):
            squads.setdefault(formation.agency_id, []).append(formation)

    serial = CCCD_SERIAL_START
    written = {"people": 0, "services": 0}
    plan = quotas(agencies, big, missing)
    by_agency = {a.pk: a for a in agencies}
    todo = [pk for pk, n in plan.items() for _ in range(n)]
    for start in range(0, len(todo), BATCH):
        people, drafts = [], []
        for agency_pk in todo[start : start + BATCH]:
            agency = by_agency[agency_pk]
            serial += 1
            female = rng.random() < 0.2
            gender = Gender.FEMALE if female else Gender.MALE
            roll = rng.random()
            serving = roll < 0.88
            if serving:
                joined = AS_OF - dt.timedelta(days=rng.randint(20, 4 * 365 - 1))
                born = _years_before(joined, rng.randint(19, 38 if female else 43),
                                     rng.randint(0, 300))  # fmt: skip
            else:
                joined = None
                born = _years_before(AS_OF, rng.randint(20, 58), rng.randint(0, 364))
            middle = _pick(rng, FEMALE_MIDDLE if female else MALE_MIDDLE)
            given = rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)
            century = 0 if born.year < 2000 else 2
            code = century + (1 if female else 0)
            adult = add_years(born, 18)
            party = official = None
            if rng.random() < 0.3 and (AS_OF - adult).days > 800:
                party = adult + dt.timedelta(days=rng.randint(400, (AS_OF - adult).days - 1))
                if (AS_OF - party).days > 400:
                    official = add_years(party, 1)
            person = Person(
                agency=agency,
                full_name=f"{_pick(rng, FAMILY)} {middle} {given}",
                birth_date=born,
                gender=gender,
                cccd=f"092{code}{born.year % 100:02d}{serial:06d}",
                ethnicity=_pick(rng, ethnic_weights),
                religion=_pick(rng, RELIGIONS),
                hometown=rng.choice(PLACES),
                residence=rng.choice(PLACES),
                education="12/12" if rng.random() < 0.9 else "9/12",
                qualification=rng.choice(QUALIFICATIONS),
                party_joined_on=party,
                party_official_on=official,
                youth_union_joined_on=adult - dt.timedelta(days=rng.randint(10, 700))
                if rng.random() < 0.5
                else None,
                job_title=rng.choice(JOBS),
                phone=f"09{rng.randint(10**7, 10**8 - 1)}",
                is_reservist=rng.random() < 0.05,
                health_grade=rng.choice([1, 1, 2, 2, 2, 3]),
            )
            people.append(person)
            if serving:
                squad_list = squads.get(agency_pk)
                formation = rng.choice(squad_list) if squad_list and rng.random() < 0.8 else None
                if roll < 0.80:
                    status, status_on, ended = ServiceStatus.SERVING, joined, None
                elif roll < 0.83:
                    status, ended = ServiceStatus.POSTPONED, None
                    status_on = joined + dt.timedelta(days=rng.randint(1, (AS_OF - joined).days))
                else:  # a finished term, closed
                    joined = joined - dt.timedelta(days=4 * 365 + 30)
                    status, status_on = ServiceStatus.COMPLETED, add_years(joined, 4)
                    ended = status_on
                drafts.append((person, agency, formation, joined, status, status_on, ended))
        with transaction.atomic():
            bulk_create_with_history(people, Person, batch_size=500)
            ids = dict(
                Person.objects.filter(cccd__in=[p.cccd for p in people]).values_list("cccd", "pk")
            )
            services = []
            for person, agency, formation, joined, status, status_on, ended in drafts:
                services.append(
                    Service(
                        person_id=ids[person.cccd], agency=agency, formation=formation,
                        position=_pick(rng, position_weights) if formation else positions[
                            "chien-si"],
                        force_kind=formation.force_kind if formation else tai_cho,
                        joined_on=joined, term_end=add_years(joined, 4), status=status,
                        status_on=status_on, ended_on=ended,
                    )
                )  # fmt: skip
            bulk_create_with_history(services, Service, batch_size=500)
        written["people"] += len(people)
        written["services"] += len(services)
        print(f"  {start + len(people):>6}/{len(todo)} người", end="\r", flush=True)
    print()
    return written


# --- measuring ----------------------------------------------------------------------------------

FOUND = re.compile(r"Tìm thấy <strong>([\d.,\s]+)</strong> người(?: · trang (\d+)/)?")


def request(client, url: str, params: dict):
    response = client.get(url, params)
    if response.status_code != 200:
        raise SystemExit(f"{url} {params}: HTTP {response.status_code}")
    return response


def query_count(client, url, params) -> tuple[int, float, str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = request(client, url, params)
    sql_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
    return len(queries), sql_ms, response.content.decode()


def clients() -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    users = get_user_model().objects
    out = {}
    for username, _ in PERSONAS:
        client = Client()
        client.force_login(users.get(username=username))
        out[username] = client
    return out


def small_counts() -> dict:
    """Query counts of every case on the seeded demo alone, before the load."""
    from django.urls import reverse

    url, out = reverse("personnel:roster"), {}
    for username, client in clients().items():
        for label, params in cases(username):
            request(client, url, params)  # warm: session, caches
            queries, _, page = query_count(client, url, params)
            found = FOUND.search(page)
            empty = found is None or not int(re.sub(r"\D", "", found.group(1)))
            out[f"{username}|{label}"] = f"{queries}{'*' if empty else ''}"
    return out


def measure(runs: int, warmups: int) -> list[dict]:
    from django.urls import reverse

    url, rows = reverse("personnel:roster"), []
    for username, client in clients().items():
        for label, params in cases(username):
            for _ in range(warmups):
                request(client, url, params)
            times, cpu = [], []
            for _ in range(runs):
                started, cpu_started = time.perf_counter(), time.process_time()
                request(client, url, params)
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - cpu_started) * 1000)
            queries, sql_ms, page = query_count(client, url, params)
            found = FOUND.search(page)
            rows.append({
                "persona": username, "case": label, "params": params,
                "median_ms": statistics.median(times),
                "p95_ms": statistics.quantiles(times, n=20, method="inclusive")[18],
                "min_ms": min(times), "cpu_ms": statistics.median(cpu),
                "queries": queries, "sql_ms": sql_ms,
                "found": int(re.sub(r"\D", "", found.group(1))) if found else None,
                "page": int(found.group(2)) if found and found.group(2) else 1,
            })  # fmt: skip
            print(f"  {username:<11} {label:<32} {rows[-1]['median_ms']:>7.1f} ms", flush=True)
    return rows


def measure_export(runs: int, profile: str | None) -> dict:
    """The roster's "Xuất Excel" of the whole province (troly.tinh: every person), timed
    whole: query, rows, workbook (a background task, inline with the default backend)
    and the download. Median of `runs`; CPU of this process."""
    from django.urls import reverse

    client, url = clients()["troly.tinh"], reverse("personnel:roster_export")

    def export() -> int:
        # A big export is a task (inline here: the immediate backend), then a download.
        response = client.get(url)
        if response.status_code == 302:
            response = client.get(response.url.rstrip("/") + "/tai-ve/")
        if response.status_code != 200:
            raise SystemExit(f"export: HTTP {response.status_code}")
        return len(b"".join(response)) if response.streaming else len(response.content)

    times, cpu, size = [], [], 0
    for _ in range(max(runs, 1)):
        started, cpu_started = time.perf_counter(), time.process_time()
        size = export()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        print(f"  Xuất Excel toàn tỉnh: {times[-1]:.2f} s", flush=True)
    if profile:
        import cProfile

        cProfile.runctx("export()", globals(), locals(), profile)
    return {"median_s": statistics.median(times), "min_s": min(times),
            "cpu_s": statistics.median(cpu), "bytes": size, "runs": len(times)}  # fmt: skip


# --- the run -----------------------------------------------------------------------------------


def analyze() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def run(args) -> dict:
    from django.core.management import call_command

    from personnel.models import Person, Service

    figures = {"date": dt.date.today().isoformat(), **machine(), "database": database_version()}
    started = time.perf_counter()
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    figures["demo_people"] = Person.objects.count()
    print(f"seed_demo: {figures['demo_people']} người ({time.perf_counter() - started:.0f} s)")
    figures["small_counts"] = small_counts()
    started = time.perf_counter()
    figures["written"] = add_people(args.people)
    analyze()
    figures["load_s"] = time.perf_counter() - started
    figures["people"] = Person.objects.count()
    figures["open_services"] = Service.objects.filter(ended_on__isnull=True).count()
    print(f"Nạp: {figures['people']} người, {figures['open_services']} đang tham gia/tạm hoãn "
          f"({figures['load_s']:.0f} s)", flush=True)  # fmt: skip
    figures["load_before"] = os.getloadavg()
    figures["rows"] = measure(args.runs, args.warmups) if not args.export_only else []
    figures["export"] = (
        measure_export(args.export_runs, args.profile_export) if args.export_runs else None
    )
    figures["load_after"] = os.getloadavg()
    figures["runs"], figures["warmups"] = args.runs, args.warmups
    return figures


def report(f: dict) -> str:
    before, after = f["load_before"], f["load_after"]
    lines = [
        f"{f['database']} · {f['cpu']} ×{f['nproc']} · RAM {f['memory']} · Python {f['python']}"
        f" · Django {f['django']}",
        f"{f['people']:,} người ({f['demo_people']:,} của seed_demo), {f['open_services']:,} "
        f"đang tham gia/tạm hoãn · {f['warmups']} lượt khởi động + {f['runs']} lượt đo mỗi ô"
        f" · tải máy (1/5/15 phút) {before[0]:.2f}/{before[1]:.2f}/{before[2]:.2f} → "
        f"{after[0]:.2f}/{after[1]:.2f}/{after[2]:.2f}".replace(",", "."),
        "",
        f"{'Người dùng':<12}{'Trường hợp':<34}{'kết quả':>8}{'trang':>6}{'trung vị':>10}"
        f"{'p95':>8}{'CPU':>7}{'SQL':>7}{'truy vấn':>10}{'ít dữ liệu':>12}",
    ]
    for row in f["rows"]:
        small = f["small_counts"].get(f"{row['persona']}|{row['case']}")
        found = f"{row['found']:,}".replace(",", ".") if row["found"] is not None else "?"
        lines.append(
            f"{row['persona']:<12}{row['case']:<34}{found:>8}{row['page']:>6}"
            f"{row['median_ms']:>8.1f}ms{row['p95_ms']:>6.1f}ms{row['cpu_ms']:>5.0f}ms{row['sql_ms']:>5.0f}ms"
            f"{row['queries']:>10}{small!s:>12}"
        )
    export = f.get("export")
    if export:
        lines.append(
            f"{'troly.tinh':<12}{'Xuất Excel toàn tỉnh (giây)':<34}{f['people']:>8,}"
            f"{'':>6}{export['median_s']:>9.2f}s{export['min_s']:>7.2f}s{export['cpu_s']:>6.2f}s".replace(
                ",", "."
            )
        )
    if not f["rows"]:
        return "\n".join(lines)
    slowest = max(f["rows"], key=lambda r: r["p95_ms"])
    worst_median = max(r["median_ms"] for r in f["rows"])
    fixed = all(f["small_counts"].get(f"{r['persona']}|{r['case']}") == str(r["queries"])
                for r in f["rows"] if not f["small_counts"].get(f"{r['persona']}|{r['case']}",
                                                                "").endswith("*"))  # fmt: skip
    met = worst_median < TARGET_MS
    lines += [
        "",
        f"Trung vị chậm nhất: {worst_median:.1f} ms; p95 chậm nhất: {slowest['p95_ms']:.1f} ms "
        f"({slowest['persona']}, {slowest['case']}). Mục tiêu < {TARGET_MS} ms: "
        f"{'ĐẠT' if met else 'CHƯA ĐẠT'} (theo trung vị"
        f"{'' if slowest['p95_ms'] < TARGET_MS else '; p95 vượt'}).",
        "Số truy vấn như khi chỉ có dữ liệu mẫu (cột 'ít dữ liệu'; * = trang không có ai, "
        "bỏ qua truy vấn lấy dòng): "
        f"{'CÓ, mọi ô có người' if fixed else 'KHÔNG, có ô khác'}.",
        "CPU: trung vị thời gian CPU của tiến trình Python mỗi lượt (với SQLite gồm cả CSDL; "
        "với PostgreSQL không gồm máy chủ), ít phụ thuộc tải máy hơn thời gian thực. "
        "SQL: thời gian các truy vấn của một lượt đo thêm (CaptureQueriesContext).",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmups", type=int, default=2)
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--export-runs", type=int, default=3,
                        help="timed exports of the whole province's roster (0: none)")  # fmt: skip
    parser.add_argument("--export-only", action="store_true",
                        help="time the export only, not the roster page")  # fmt: skip
    parser.add_argument("--profile-export", help="also write a cProfile of one export here")
    args = parser.parse_args()

    with test_database("roster", work=WORK):
        figures = run(args)
    print(report(figures))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
