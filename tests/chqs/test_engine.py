"""The engine's contract, seen through a throw-away kind (any future kind gets the same)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chqs.imports import engine, registry
from chqs.imports.columns import Column, code
from units.models import Unit, UnitKind

from .sheets import unit_row, write_workbook

pytestmark = pytest.mark.django_db


class RootImporter(engine.Importer):
    """Creates root units from (code, name); refuses to write the code "BOOM"."""

    def plan(self, rows):
        for row in rows:
            if not row.errors:
                row.outcome, row.label = engine.NEW, row.values["code"]

    def write(self, row):
        if row.values["code"] == "BOOM":
            raise ValidationError({"code": ["Không ghi được mã này."]})
        Unit.objects.create(code=row.values["code"], name=row.values["name"],
                            kind=UnitKind.objects.get(code="province"))  # fmt: skip


@pytest.fixture
def roots():
    kind = registry.register(
        registry.Kind(
            code="roots",
            title="Đơn vị gốc (thử)",
            columns=(
                Column("code", "Mã đơn vị", required=True, parse=code),
                Column("name", "Tên đơn vị", required=True),
            ),
            importer=RootImporter,
            export_rows=lambda scope, unit=None: [],
        )
    )
    yield kind
    registry.unregister("roots")


def test_a_failure_while_writing_rolls_back_the_rows_already_written(roots, tmp_path):
    path = write_workbook(
        tmp_path / "ds.xlsx", [["G1", "Gốc 1"], ["BOOM", "Nổ"], ["G2", "Gốc 2"]],
        header=["Mã đơn vị", "Tên đơn vị"],
    )  # fmt: skip

    result = engine.apply(roots, path, scope=registry.scope_for(None))

    assert not result.applied
    assert [str(error) for error in result.rows[1].errors] == [
        "cột “Mã đơn vị” (giá trị “BOOM”): Không ghi được mã này."
    ]
    assert not Unit.objects.filter(code__in=["G1", "G2"]).exists()


def test_a_registered_kind_is_listed_by_the_command_and_the_page(roots, world, client_for):
    from django.urls import reverse

    from .sheets import run

    assert "roots\tĐơn vị gốc (thử)" in run("export_template", "--list")[1]
    page = client_for(world.admin).get(reverse("imports:index")).content.decode()
    assert "Đơn vị gốc (thử)" in page


def queries(action) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


def test_planning_an_import_costs_the_same_queries_for_5_rows_or_50(world, tmp_path):
    kind = registry.get_kind("units")
    scope = registry.scope_for(world.staff)

    def file_of(count):
        rows = [unit_row(f"N{i}", f"Cơ quan {i}", parent="X1", valid_from="15/07/2023",
                         agency_type="state", staff_count=10) for i in range(count)]  # fmt: skip
        rows.append(unit_row("A1", "Sở Y tế thành phố Cần Thơ", parent="X1", staff_count=121))
        return write_workbook(tmp_path / f"{count}.xlsx", rows)

    small, large = file_of(5), file_of(50)
    scope.unit_ids  # noqa: B018 - the scope's own cached query, outside the count

    assert queries(lambda: engine.preview(kind, small, scope=scope)) == queries(
        lambda: engine.preview(kind, large, scope=scope)
    )
    assert engine.preview(kind, large, scope=scope).counts["new"] == 50


def test_exporting_costs_the_same_queries_for_a_small_or_a_large_tree(world):
    kind = registry.get_kind("units")
    scope = registry.scope_for(None)
    before = queries(lambda: list(kind.export_rows(scope)))
    for i in range(30):
        Unit.objects.create(code=f"N{i}", name=f"Cơ quan {i}", kind=world.agency1.kind)

    assert queries(lambda: list(kind.export_rows(scope))) == before


def test_applying_the_valid_rows_only_leaves_out_rows_that_needed_a_rejected_row(world, tmp_path):
    kind = registry.get_kind("units")
    path = write_workbook(
        tmp_path / "ds.xlsx",
        [
            unit_row("X3", "Ban CHQS phường Mới", kind="Bệnh viện", parent="R1",
                     valid_from="15/07/2023"),  # unknown kind: rejected
            unit_row("A3", "Trường ĐH", parent="X3", valid_from="15/07/2023"),  # needs X3
            unit_row("A4", "Bệnh viện", parent="X1", valid_from="15/07/2023"),
        ],
    )  # fmt: skip

    result = engine.apply(kind, path, scope=registry.scope_for(None), valid_only=True)

    assert result.applied and result.valid_only
    assert result.counts == {"new": 1, "updated": 0, "moved": 0, "unchanged": 0, "rejected": 2}
    assert "Không tìm thấy đơn vị cấp trên" in str(result.rows[1].errors[0])
    assert list(
        Unit.objects.filter(code__in=["X3", "A3", "A4"]).values_list("code", flat=True)
    ) == ["A4"]


class BatchImporter(RootImporter):
    batch_size = 2
    batches: list[list[str]] = []

    def write_batch(self, rows):
        type(self).batches.append([row.values["code"] for row in rows])
        for row in rows:
            self.write(row)


def test_an_importer_may_write_its_rows_in_batches(roots, tmp_path):
    kind = registry.Kind(**{**vars(roots), "importer": BatchImporter})
    BatchImporter.batches = []
    path = write_workbook(tmp_path / "ds.xlsx", [[f"G{i}", f"Gốc {i}"] for i in range(5)],
                          header=["Mã đơn vị", "Tên đơn vị"])  # fmt: skip

    result = engine.apply(kind, path, scope=registry.scope_for(None))

    assert result.applied
    assert BatchImporter.batches == [["G0", "G1"], ["G2", "G3"], ["G4"]]
    assert Unit.objects.filter(code__startswith="G").count() == 5


def test_bulk_insert_writes_rows_and_insert_history_their_records(world):
    province = UnitKind.objects.get(code="province")
    rows = [{"code": f"B{i}", "name": f"Gốc {i}", "kind_id": province.pk, "search_text": ""}
            for i in range(3)]  # fmt: skip

    assert engine.bulk_insert(Unit, rows) == 3
    ids = list(Unit.objects.filter(code__in=["B0", "B1", "B2"]).values_list("pk", flat=True))
    assert engine.insert_history(Unit, ids, user=world.admin, reason="Thử") == 3

    unit = Unit.objects.get(code="B1")
    assert (unit.name, unit.short_name, unit.level) == ("Gốc 1", "", "")  # defaults filled in
    record = unit.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        world.admin,
        "Thử",
    )
    ids = engine.allocate_ids(Unit, 2)
    assert ids is None or (len(ids) == 2 and min(ids) > unit.pk)
