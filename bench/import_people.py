#!/usr/bin/env python
"""Benchmark of the people upload: a 50.000-row staff list of one big agency.

    .venv/bin/python bench/import_people.py [--rows 50000] [--stock-rows 10000] [--json F]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chqs_bench \\
        .venv/bin/python bench/import_people.py

It never touches a real database: like the test runner it creates a throw-away one
(`test_<name>`; for SQLite a file in the temporary directory, not memory, since a real
SQLite database is a file) and drops it at the end. Measured on that database:

- the raw time to read the workbook with python-calamine and with openpyxl;
- our preview of the file for an empty agency (read + parse + plan, nothing written,
  the parsed rows kept next to the upload), our apply (which takes the parsed rows the
  preview kept, plans again, then writes people, self-defence services and the history
  of both, and commits), the preview of the same file uploaded again
  (every row "Không đổi"), then preview + apply of a file where 10% of the people
  changed (a phone number, or a squad: a transfer); rows/s, CPU seconds, the phases of
  each step, the queries of each step and per 2.000-row batch (a COPY counts as one);
- the peak memory (VmHWM) of the process doing those steps: a child process of its
  own, so the figure is the upload's, not this script's;
- in the same run, on the same rows, stock django-import-export: a plain
  `resources.ModelResource` for Person with the same columns, matched by CCCD,
  `import_data(dry_run=False)`, and its `use_bulk=True` variant; by default on the
  first `--stock-rows` rows (at ~250 rows/s the whole file takes minutes; rows/s is
  what is compared). The stock resource writes people only, no service records, and
  is timed without reading the file: both favour it.

The figures of the latest runs are in bench/RESULTS.md.
"""

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import database_version, test_database
from _common import machine as common_machine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chqs.settings")

AGENCY = "BENCH"
SEED = 50_000
WORK = Path(tempfile.gettempdir()) / "chqs-bench"
FILE_VERSION = 3  # bump when the generated rows change
BATCH = 2000

# --- the generated list --------------------------------------------------------------------

FAMILY = "Nguyễn Trần Lê Phạm Huỳnh Hoàng Phan Võ Vũ Đặng Bùi Đỗ Hồ Ngô Dương Lý Trương".split()
MALE_MIDDLE = "Văn Hữu Đức Minh Thanh Quốc Công Hoàng Tấn Chí Ngọc Xuân Đình".split()
FEMALE_MIDDLE = "Thị Ngọc Thu Kim Thanh Mỹ Bích Hồng Phương".split()
MALE_GIVEN = (
    "An Bình Cường Dũng Duy Đạt Hải Hiếu Hùng Huy Khang Khoa Long Luân Nam Nghĩa Phát Phong "
    "Phúc Quang Sơn Tài Tâm Thắng Thành Thiện Toàn Trí Trung Tuấn Vinh Vũ Khải Lộc Hậu"
).split()
FEMALE_GIVEN = (
    "Anh Châu Chi Diễm Hà Hạnh Hằng Hoa Hương Lan Linh Mai Ngân Nhung Oanh Phương Thảo Trang "
    "Tuyết Vy Yến Loan Nga Thủy"
).split()
PLACES = [
    "phường Ninh Kiều, thành phố Cần Thơ", "phường Cái Răng, thành phố Cần Thơ",
    "xã Phong Điền, thành phố Cần Thơ", "phường Bình Thủy, thành phố Cần Thơ",
    "phường Long Xuyên, tỉnh An Giang", "phường Vĩnh Long, tỉnh Vĩnh Long",
    "phường Sóc Trăng, thành phố Cần Thơ", "xã Thới Lai, thành phố Cần Thơ",
]  # fmt: skip
JOBS = ["Công nhân", "Kỹ sư", "Nhân viên", "Chuyên viên", "Kỹ thuật viên", "Tổ trưởng sản xuất",
        "Trưởng phòng", "Phó Trưởng phòng", "Lái xe", "Bảo vệ", "Kế toán viên"]  # fmt: skip
QUALIFICATIONS = ["Kỹ sư Điện", "Cử nhân Kinh tế", "Trung cấp Điện", "Cao đẳng Cơ khí",
                  "Cử nhân Luật", "Kỹ sư Xây dựng", "Công nhân kỹ thuật", ""]  # fmt: skip
ETHNICITIES = [("Kinh", 90), ("Khơ-me", 5), ("Hoa", 3), ("Chăm", 1), ("Tày", 1)]
RELIGIONS = [("", 70), ("Phật giáo", 18), ("Công giáo", 5), ("Cao Đài", 4), ("Hòa Hảo", 3)]
POSITIONS = [("Chiến sĩ", 88), ("Tiểu đội trưởng", 9), ("Trung đội trưởng", 2),
             ("Phó Trung đội trưởng", 1)]  # fmt: skip
FORMATIONS = 200  # squads of the agency: TD001 … TD200
MEMBER_SHARE = 0.6


def _weighted(rng, pairs):
    return rng.choices([v for v, _ in pairs], [w for _, w in pairs])[0]


def _years_before(day: dt.date, years: int, extra_days: int) -> dt.date:
    return day - dt.timedelta(days=round(years * 365.25) + extra_days)


def _maybe_number(rng, text: str, share: float):
    """A digit string as Excel keeps it when the cell is a number: leading zero lost."""
    return int(text) if rng.random() < share else text


def generate(rows: int) -> list[dict]:
    """`rows` people of one agency, as a clerk's file holds them: dates as date cells and
    as text, some CCCDs and phones as numbers (leading zero lost), names in capitals,
    60% of them self-defence members in 200 squads or in none. Every row is valid."""
    rng, today = random.Random(SEED), dt.date.today()
    out = []
    for number in range(1, rows + 1):
        female = rng.random() < 0.15
        member = rng.random() < MEMBER_SHARE
        joined = today - dt.timedelta(days=rng.randint(30, 1400))
        if member:
            born = _years_before(joined, rng.randint(19, 39 if female else 44), rng.randint(0, 300))
        else:
            born = _years_before(today, rng.randint(18, 60), rng.randint(0, 364))
        middle = rng.choice(FEMALE_MIDDLE if female else MALE_MIDDLE)
        given = rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)
        name = f"{rng.choice(FAMILY)} {middle} {given}"
        code = (born.year // 100 - 19) * 2 + (1 if female else 0)
        adult = born + dt.timedelta(days=round(18 * 365.25) + 1)
        party = official = youth = None
        if rng.random() < 0.3 and (today - adult).days > 800:
            party = adult + dt.timedelta(days=rng.randint(400, (today - adult).days - 1))
            if (today - party).days > 400:
                official = party + dt.timedelta(days=366)
        if rng.random() < 0.5:
            youth = adult - dt.timedelta(days=rng.randint(10, 700))
        row = {
            "stt": number,
            "full_name": name.upper() if rng.random() < 0.2 else name,
            "birth_date": born if rng.random() < 0.85 else born.strftime("%d/%m/%Y"),
            "gender": "Nữ" if female else "Nam",
            "cccd": _maybe_number(rng, f"092{code}{born.year % 100:02d}{number:06d}", 0.1),
            "ethnicity": _weighted(rng, ETHNICITIES),
            "religion": _weighted(rng, RELIGIONS),
            "hometown": rng.choice(PLACES),
            "residence": rng.choice(PLACES),
            "education": "12/12" if rng.random() < 0.9 else "9/12",
            "qualification": rng.choice(QUALIFICATIONS),
            "party_joined_on": party,
            "party_official_on": official,
            "youth_union_joined_on": youth,
            "job_title": rng.choice(JOBS),
            "position": None,
            "formation": None,
            "force_kind": None,
            "joined_on": None,
            "status": None,
            "is_reservist": "x" if rng.random() < 0.05 else None,
            "health_grade": f"Loại {rng.choice([1, 1, 2, 2, 2, 3])}",
            "phone": _maybe_number(rng, f"09{rng.randint(10**7, 10**8 - 1)}", 0.1),
            "notes": "",
        }
        if member:
            row["position"] = _weighted(rng, POSITIONS)
            if rng.random() < 0.7:
                row["formation"] = f"TD{rng.randint(1, FORMATIONS):03d}"
            else:
                row["force_kind"] = "Tự vệ tại chỗ" if rng.random() < 0.7 else "Tự vệ cơ động"
            row["joined_on"] = joined if rng.random() < 0.85 else joined.strftime("%d/%m/%Y")
            row["status"] = "Đang tham gia"
        out.append(row)
    return out


def changed(rows: list[dict]) -> tuple[list[dict], int]:
    """The same list with one person in ten changed: a new phone number, or, for a member
    in a squad, another squad (a transfer). Returns (rows, how many changed)."""
    rng, out, count = random.Random(SEED + 1), [], 0
    for row in rows:
        row = dict(row)
        if rng.random() < 0.1:
            count += 1
            if row["formation"] and rng.random() < 0.3:
                row["formation"] = f"TD{rng.randint(1, FORMATIONS):03d}"
                if row["formation"] == rows[row["stt"] - 1]["formation"]:
                    row["phone"] = f"08{rng.randint(10**7, 10**8 - 1)}"
            else:
                row["phone"] = f"08{rng.randint(10**7, 10**8 - 1)}"
        out.append(row)
    return out, count


def write_file(rows: list[dict], path: Path) -> None:
    """The rows in the people template's layout (headers, notes row, dropdowns)."""
    from chqs.imports import registry
    from chqs.imports.xlsx import write_xlsx

    partial = path.with_suffix(".partial")
    with open(partial, "wb") as target:
        write_xlsx(registry.get_kind("people"), rows, target)
    partial.replace(path)


# --- database ------------------------------------------------------------------------------


def make_agency():
    from units.models import ForceKind, Formation, Unit, UnitKind

    agency = Unit.objects.create(
        code=AGENCY, name="Tổng công ty thử tải", kind=UnitKind.objects.get(code="agency")
    )
    tai_cho = ForceKind.objects.get(code="tai-cho")
    Formation.objects.bulk_create(
        Formation(agency=agency, code=f"TD{i:03d}", name=f"Tiểu đội tự vệ {i}", level="tieu_doi",
                  force_kind=tai_cho)
        for i in range(1, FORMATIONS + 1)
    )  # fmt: skip
    return agency


def clear_people() -> None:
    from django.db import connection

    from personnel.models import Person, Service

    with connection.cursor() as cursor:
        for model in (Service.history.model, Service, Person.history.model, Person):
            table = connection.ops.quote_name(model._meta.db_table)
            if connection.vendor == "postgresql":
                cursor.execute(f"TRUNCATE {table} CASCADE")
            else:
                cursor.execute(f"DELETE FROM {table}")


# --- steps ---------------------------------------------------------------------------------


def raw_reads(path: Path) -> dict:
    from openpyxl import load_workbook
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    workbook = CalamineWorkbook.from_path(str(path))
    sum(1 for _ in workbook.get_sheet_by_name(workbook.sheet_names[0]).iter_rows())
    calamine = time.perf_counter() - started
    started = time.perf_counter()
    book = load_workbook(path, read_only=True, data_only=True)
    sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return {"calamine_s": calamine, "openpyxl_s": time.perf_counter() - started}


class Phases:
    """Times the engine's phases from its progress calls: reading and parsing end when
    checking starts; then checking (the plan), writing, and the commit after it."""

    def __init__(self):
        self.start = time.perf_counter()
        self.marks: dict[str, float] = {}

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if phase == "checking" and done == 0:
            self.marks.setdefault("read", now)
        elif phase == "checking" and done >= total:
            self.marks["plan"] = now
        elif phase == "writing":
            self.marks["write"] = now

    def durations(self, end: float) -> dict[str, float]:
        points = [("read", self.start), *sorted(self.marks.items(), key=lambda m: m[1])]
        names = [name for name, _ in points[1:]]
        if "write" in self.marks:
            names.append("commit")
        times = [at for _, at in points] + ([end] if "write" in self.marks else [])
        return {
            {"read": "read_parse"}.get(name, name): times[i + 1] - times[i]
            for i, name in enumerate(names)
        }


def child(paths: list[Path], rows: int, changes: int) -> dict:
    """The upload in this fresh process, against the database the parent created:
    preview, apply, preview again, then preview and apply of the changed file."""
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chqs.imports import engine, registry, rowcache

    kind = registry.get_kind("people")
    scope = registry.scope_for(None)
    out = {"baseline_rss_mb": peak_rss_mb()}
    first, second = paths
    steps = [
        ("preview", engine.preview, first, {"new": rows}),
        ("apply", engine.apply, first, {"new": rows}),
        ("reupload_preview", engine.preview, first, {"unchanged": rows}),
        ("update_preview", engine.preview, second, {"updated": changes}),
        ("update_apply", engine.apply, second, {"updated": changes}),
    ]
    for name, run, path, expected in steps:
        if run is engine.preview:
            rowcache.discard(path)  # a new upload: nothing parsed yet
        phases = Phases()
        with CaptureQueriesContext(connection) as queries:
            started, cpu = phases.start, time.process_time()
            result = run(kind, path, scope=scope, unit=AGENCY, filename=path.name,
                         progress=phases)  # fmt: skip
            end = time.perf_counter()
        counts = result.counts
        if any(counts[outcome] != number for outcome, number in expected.items()):
            errors = [str(e) for r in result.rejected_rows[:5] for e in r.errors]
            raise SystemExit(f"{name}: expected {expected}, got {counts}: {errors}")
        out[name] = {
            "seconds": end - started,
            "cpu_seconds": time.process_time() - cpu,
            "phases": phases.durations(end),
            "queries": len(queries),
            "counts": counts,
        }
        del result
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not getrusage's ru_maxrss, which on
    Linux keeps the parent's size from before the fork and exec."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def stock(rows: list[dict], agency_id: int, bulk: bool) -> float:
    """Stock django-import-export on `rows`: seconds for import_data(dry_run=False)."""
    import tablib
    from import_export import fields, resources, widgets

    from personnel.imports import PEOPLE_COLUMNS
    from personnel.models import Ethnicity, Person

    headers = {c.key: c.header for c in PEOPLE_COLUMNS}

    class Mapped(widgets.Widget):
        def __init__(self, mapping):
            super().__init__()
            self.mapping = mapping

        def clean(self, value, row=None, **kwargs):
            return self.mapping.get(value, self.mapping.get(None))

    def field(attribute, widget=None):
        return fields.Field(attribute=attribute, column_name=headers[attribute],
                            widget=widget or widgets.CharWidget())  # fmt: skip

    date = widgets.DateWidget(format="%d/%m/%Y")
    names = ["full_name", "birth_date", "gender", "cccd", "ethnicity", "religion", "hometown",
             "residence", "education", "qualification", "party_joined_on", "party_official_on",
             "youth_union_joined_on", "job_title", "is_reservist", "health_grade", "phone",
             "notes"]  # fmt: skip

    class PersonResource(resources.ModelResource):
        full_name = field("full_name")
        birth_date = field("birth_date", date)
        gender = field("gender", Mapped({"Nam": "M", "Nữ": "F"}))
        cccd = field("cccd")
        ethnicity = field("ethnicity", widgets.ForeignKeyWidget(Ethnicity, "name"))
        religion = field("religion")
        hometown = field("hometown")
        residence = field("residence")
        education = field("education")
        qualification = field("qualification")
        party_joined_on = field("party_joined_on", date)
        party_official_on = field("party_official_on", date)
        youth_union_joined_on = field("youth_union_joined_on", date)
        job_title = field("job_title")
        is_reservist = field("is_reservist", Mapped({"x": True, None: False}))
        health_grade = field("health_grade", Mapped({f"Loại {i}": i for i in range(1, 7)}))
        phone = field("phone")
        notes = field("notes")

        class Meta:
            model = Person
            import_id_fields = ("cccd",)
            fields = names
            use_bulk = bulk
            batch_size = BATCH

        def before_import_row(self, row, **kwargs):
            # What a plain resource cannot know: the zeros Excel dropped.
            row[headers["cccd"]] = str(row[headers["cccd"]]).zfill(12)
            row[headers["phone"]] = str(row[headers["phone"]]).zfill(10)

        def before_save_instance(self, instance, row, **kwargs):
            instance.agency_id = agency_id

    dataset = tablib.Dataset(headers=[headers[name] for name in names])
    for row in rows:
        dataset.append([row[name] if row[name] != "" else None for name in names])
    started = time.perf_counter()
    result = PersonResource().import_data(dataset, dry_run=False, use_transactions=True)
    spent = time.perf_counter() - started
    if result.has_errors() or result.has_validation_errors():
        raise SystemExit(f"stock import failed: {result.row_errors()[:3]}")
    if Person.objects.count() != len(rows):
        raise SystemExit("stock import did not write every row")
    return spent


# --- the run ---------------------------------------------------------------------------------


def machine() -> dict:
    import import_export

    return {**common_machine(), "django_import_export": import_export.__version__}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--stock-rows", type=int, default=10_000,
                        help="rows given to stock django-import-export (0: skip)")  # fmt: skip
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--changes", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child([Path(p) for p in args.child], args.rows, args.changes)))
        return

    with test_database("bench", work=WORK) as test_name:
        figures = run(args, test_name)
    print(report(figures))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, ensure_ascii=False))


def run(args, test_name: str) -> dict:
    from django.db import connection

    started = time.perf_counter()
    rows = generate(args.rows)
    rows2, changes = changed(rows)
    paths = [WORK / f"people-{args.rows}-v{FILE_VERSION}{suffix}.xlsx" for suffix in ("", "-b")]
    for path, content in zip(paths, (rows, rows2), strict=True):
        if not path.exists():
            write_file(content, path)  # the dropdown lists come from the database
    size = paths[0].stat().st_size / 1024 / 1024
    print(f"Tệp thử: {paths[0]} ({size:.1f} MB, {args.rows} dòng; "
          f"{time.perf_counter() - started:.0f} s)", flush=True)  # fmt: skip
    figures = {"date": dt.date.today().isoformat(), "rows": args.rows, "changes": changes,
               "file_mb": size, **machine(), "database": database_version(),
               "load_before": os.getloadavg()[0]}  # fmt: skip
    agency = make_agency()
    print("Đọc thô…", flush=True)
    figures["raw"] = raw_reads(paths[0])

    print("Tải lên (tiến trình riêng)…", flush=True)
    # The files stand where the upload page keeps uploads (PRIVATE_ROOT), so the apply
    # reuses the rows its preview parsed (chqs/imports/rowcache.py), as on the site.
    env = dict(os.environ, IMPORT_MAX_ROWS=str(max(args.rows + 10, 60_000)),
               PRIVATE_ROOT=str(WORK))  # fmt: skip
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
        env["DATABASE_URL"] = f"postgres://{settings['USER']}@{host}:{port}/{test_name}"
        if settings.get("PASSWORD"):
            env["PGPASSWORD"] = settings["PASSWORD"]
    else:
        env["DATABASE_URL"] = f"sqlite:///{test_name}"
    connection.close()  # SQLite: leave the file to the child
    command = [sys.executable, __file__, "--child", *map(str, paths), "--rows", str(args.rows),
               "--changes", str(changes)]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"the upload failed:\n{done.stdout}\n{done.stderr}")
    figures["ours"] = json.loads(done.stdout.strip().splitlines()[-1])

    stock_rows = min(args.stock_rows, args.rows)
    for name, bulk in (("stock", False), ("stock_bulk", True)):
        if not stock_rows:
            break
        label = "use_bulk=True" if bulk else "mặc định"
        print(f"django-import-export {label}: {stock_rows} dòng…", flush=True)
        clear_people()
        figures[name] = {"rows": stock_rows, "seconds": stock(rows[:stock_rows], agency.pk, bulk)}
    figures["load_after"] = os.getloadavg()[0]
    return figures


def report(f: dict) -> str:
    ours, rows = f["ours"], f["rows"]
    upload = ours["preview"]["seconds"] + ours["apply"]["seconds"]
    batches = -(-rows // BATCH)
    lines = [
        f"{f['database']} · {f['cpu']} ×{f['nproc']} · RAM {f['memory']} · Python {f['python']}"
        f" · Django {f['django']} · tải máy {f['load_before']:.1f} → {f['load_after']:.1f}",
        "",
        f"{'Bước':<50}{'giây':>7}{'CPU':>7}{'dòng/s':>9}{'truy vấn':>10}",
    ]

    def line(label, seconds, count=None, cpu=None, queries=""):
        speed = f"{count / seconds:,.0f}".replace(",", ".") if count and seconds else ""
        cpu_text = f"{cpu:.2f}" if cpu is not None else ""
        lines.append(f"{label:<50}{seconds:>7.2f}{cpu_text:>7}{speed:>9}{queries!s:>10}")

    def phases(step):
        parts = ", ".join(f"{name} {seconds:.2f}" for name, seconds in step["phases"].items())
        lines.append(f"{'':<4}({parts})")

    line("Đọc thô: python-calamine", f["raw"]["calamine_s"], rows)
    line("Đọc thô: openpyxl (read_only)", f["raw"]["openpyxl_s"], rows)
    for key, label, count in (
        ("preview", "CHQS xem trước (cơ quan chưa có ai)", rows),
        ("apply", "CHQS áp dụng (đọc, kiểm tra lại, ghi)", rows),
        ("reupload_preview", "CHQS tải lại cùng tệp: xem trước (không đổi)", rows),
        ("update_preview", f"CHQS tệp có {f['changes']} người thay đổi: xem trước", rows),
        ("update_apply", f"CHQS tệp có {f['changes']} người thay đổi: áp dụng", rows),
    ):
        step = ours[key]
        line(label, step["seconds"], count, step["cpu_seconds"], step["queries"])
        phases(step)
    line("CHQS tải lên = xem trước + áp dụng", upload, rows)
    speedups = []
    for name, label in (("stock", "django-import-export import_data"),
                        ("stock_bulk", "django-import-export use_bulk=True")):  # fmt: skip
        if name in f:
            s = f[name]
            line(f"{label} ({s['rows']} dòng)", s["seconds"], s["rows"])
            speedups.append((label, (rows / upload) / (s["rows"] / s["seconds"])))
    writes = ours["apply"]["queries"] - ours["preview"]["queries"]
    lines += [
        "",
        f"Truy vấn khi ghi: {writes} cho {batches} lô {BATCH} dòng = {writes / batches:.1f} "
        "mỗi lô (một COPY hay một executemany tính là một truy vấn).",
        f"Bộ nhớ đỉnh (VmHWM) của tiến trình tải lên: {ours['peak_rss_mb']:.0f} MB "
        f"(Python + Django lúc khởi động: {ours['baseline_rss_mb']:.0f} MB).",
    ]
    for label, ratio in speedups:
        lines.append(f"CHQS (xem trước + áp dụng) nhanh gấp {ratio:.1f} lần {label} (dòng/s).")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
