"""The people upload costs a fixed number of queries per file and per 2.000-row batch,
never one per row (the timings are in bench/import_people.py, not in tests)."""

import datetime as dt

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chqs.imports import engine, registry
from personnel.imports import PeopleImporter
from personnel.models import Person, Service
from units.models import Board, ForceKind, Formation, Unit, UnitKind

pytestmark = pytest.mark.django_db

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Dân tộc", "Chức vụ",
          "Chức vụ tự vệ", "Đơn vị", "Thành phần", "Ngày vào tự vệ", "Số điện thoại"]  # fmt: skip


def staff_list(path, count: int, *, first: int = 1):
    """`count` people, two in three of them members (squad TD1 or no squad)."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách")
    sheet.append(HEADER)
    for n in range(first, first + count):
        born = dt.date(1985 + n % 15, 1 + n % 12, 1 + n % 28)
        member = n % 3 != 0
        sheet.append([
            n, f"Nguyễn Văn An {chr(65 + n % 26)}".replace(" A", " Á"), born, "Nam",
            f"0920{born.year % 100:02d}{n:06d}", "Kinh", "Chuyên viên",
            "Chiến sĩ" if member else None, "TD1" if member and n % 2 else None,
            "Tại chỗ" if member and not n % 2 else None,
            dt.date(2024, 1, 1) if member else None, f"09{n:08d}",
        ])  # fmt: skip
    workbook.save(path)
    return path


def count_queries(action) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


def agency(code: str) -> Unit:
    unit = Unit.objects.create(code=code, name=f"Cơ quan {code}",
                               kind=UnitKind.objects.get(code="agency"))  # fmt: skip
    Board.objects.create(unit=unit)
    Formation.objects.create(agency=unit, code="TD1", name="Tiểu đội 1", level="tieu_doi",
                             force_kind=ForceKind.objects.get(code="tai-cho"))  # fmt: skip
    return unit


def test_preview_and_apply_of_200_or_2000_rows_cost_the_same_queries(world, tmp_path):
    kind, scope = registry.get_kind("people"), registry.scope_for(None)
    small = staff_list(tmp_path / "200.xlsx", 200)
    large = staff_list(tmp_path / "2000.xlsx", 2000, first=1000)
    agency("B1"), agency("B2")

    def preview(path, unit):
        return lambda: engine.preview(kind, path, scope=scope, unit=unit)

    def apply(path, unit):
        return lambda: engine.apply(kind, path, scope=scope, unit=unit)

    assert count_queries(preview(small, "B1")) == count_queries(preview(large, "B2"))
    assert count_queries(apply(small, "B1")) == count_queries(apply(large, "B2"))
    assert Person.objects.filter(agency__code="B2").count() == 2000
    assert Service.objects.filter(agency__code="B2").count() == 1334
    # Uploaded again: every row unchanged, for the same queries whatever the size.
    assert count_queries(preview(small, "B1")) == count_queries(preview(large, "B2"))
    assert engine.preview(kind, large, scope=scope, unit="B2").counts["unchanged"] == 2000


def test_writing_costs_a_fixed_number_of_queries_per_batch(world, tmp_path, monkeypatch):
    monkeypatch.setattr(PeopleImporter, "batch_size", 250)
    kind, scope = registry.get_kind("people"), registry.scope_for(None)
    files = {n: staff_list(tmp_path / f"{n}.xlsx", n, first=10_000 * i)
             for i, n in enumerate((250, 500, 1000), start=1)}  # fmt: skip
    used, results = {}, {}

    def apply(n):
        results[n] = engine.apply(kind, files[n], scope=scope, unit=f"C{n}")

    for n in files:
        agency(f"C{n}")
        used[n] = count_queries(lambda n=n: apply(n))
        assert results[n].applied and results[n].counts["new"] == n

    per_batch = used[500] - used[250]  # one batch more
    assert 0 < per_batch <= 8
    assert used[1000] - used[500] == 2 * per_batch  # two batches more
