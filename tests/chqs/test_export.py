import openpyxl
import pytest
from django.urls import reverse

from units.imports import COLUMNS
from units.models import Unit

from .sheets import run, snapshot

pytestmark = pytest.mark.django_db


def exported_codes(path):
    sheet = openpyxl.load_workbook(path, read_only=True)["Đơn vị"]
    return [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]


def test_export_template_list_names_every_registered_kind():
    code, output = run("export_template", "--list")

    assert code == 0
    assert "units\tĐơn vị (cây tổ chức)" in output


def test_the_template_has_headers_notes_a_frozen_header_and_dropdowns(tmp_path):
    path = tmp_path / "mau.xlsx"
    assert run("export_template", "units", "-o", str(path))[0] == 0

    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Đơn vị"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:3] == ["Mã đơn vị (*)", "Tên đơn vị (*)", "Tên viết tắt"]
    assert len(headers) == len(COLUMNS) and sheet["A1"].font.bold
    assert sheet["E2"].value.startswith("Mã đơn vị cấp trên") and sheet["E2"].font.italic
    assert sheet.freeze_panes == "A3"
    assert sheet.max_row == 2  # no data
    assert sheet.column_dimensions["B"].width == 40
    dropdowns = {
        str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation
    }
    assert set(dropdowns) == {"D3", "G3", "H3"}  # kind, level, agency type
    lists = workbook["Danh mục"]
    assert lists.sheet_state == "hidden"
    assert "Cơ quan, tổ chức" in [cell.value for cell in lists["A"]]
    assert dropdowns["D3"] == "'Danh mục'!$A$2:$A$6"


def test_an_export_imports_back_with_every_row_unchanged(world, tmp_path):
    path = tmp_path / "don-vi.xlsx"
    code, output = run("export_data", "units", "-o", str(path))
    assert code == 0, output
    assert exported_codes(path) == ["P", "R1", "X1", "A1", "R2", "X2", "A2"]  # parents first
    before = snapshot()

    code, output = run("import_data", "units", str(path))

    assert code == 0, output
    assert "Không đổi: 7" in output and "Bị từ chối: 0" in output
    assert snapshot() == before


def test_a_users_export_is_limited_to_their_scope_and_imports_back_unchanged(world, tmp_path):
    path = tmp_path / "pham-vi.xlsx"
    assert run("export_data", "units", "--user", "binh", "-o", str(path))[0] == 0
    assert exported_codes(path) == ["R1", "X1", "A1"]

    code, output = run("import_data", "units", str(path), "--user", "binh")

    assert code == 0, output
    assert "Không đổi: 3" in output


def test_an_export_of_one_subtree_contains_only_that_subtree(world, tmp_path):
    path = tmp_path / "x1.xlsx"
    assert run("export_data", "units", "--unit", "X1", "-o", str(path))[0] == 0
    assert exported_codes(path) == ["X1", "A1"]
    code, output = run("export_data", "units", "--unit", "X2", "--user", "binh", "-o", str(path))
    assert code != 0 and "Không tìm thấy đơn vị “X2”" in output


def test_exported_cells_keep_dates_and_numbers_and_never_become_formulas(world, tmp_path):
    Unit.objects.filter(pk=world.agency1.pk).update(
        name='=HYPERLINK("http://x.example","Bấm vào")', short_name="@SUM(1)", address="-1+2"
    )
    path = tmp_path / "don-vi.xlsx"
    run("export_data", "units", "--unit", "A1", "-o", str(path))

    sheet = openpyxl.load_workbook(path)["Đơn vị"]
    _code, name, short_name, *_ = sheet[3]
    assert name.data_type == "s" and name.value.startswith("=HYPERLINK")
    assert name.quotePrefix and short_name.quotePrefix and sheet["J3"].quotePrefix
    assert sheet["F3"].is_date and sheet["F3"].number_format == "DD/MM/YYYY"
    assert sheet["I3"].value == 120
    assert sheet["D3"].value == "Cơ quan, tổ chức" and sheet["H3"].value == "Cơ quan nhà nước"
    assert run("import_data", "units", str(path))[1].count("Không đổi: 1") == 1


def test_a_command_line_export_is_in_the_export_log(world, tmp_path, client_for):
    from chqs.audit import ExportRecord
    from tests.personnel.test_pages import make_person

    make_person(world.agency1, "Nguyễn Văn Hùng")
    make_person(world.agency1, "Trần Thị Mai")
    code, output = run("export_data", "people", "--unit", "A1", "--user", "binh",
                       "-o", str(tmp_path / "a1.xlsx"))  # fmt: skip
    assert code == 0, output
    code, output = run("export_data", "units", "-o", str(tmp_path / "don-vi.xlsx"))
    assert code == 0, output

    units, people = ExportRecord.objects.order_by("-at", "-id")
    assert (people.username, people.role, people.unit_code) == ("binh", "Trợ lý", "R1")
    assert people.rows == 2 and people.filters["unit"] == "A1" and not people.masked
    assert people.filters["command"] == "export_data" and people.filters["os_user"]
    assert units.user is None and units.username == f"{units.filters['os_user']} (dòng lệnh)"
    assert units.what == "Đơn vị (cây tổ chức)" and units.rows == 7
    log = client_for(world.admin).get(reverse("personnel:export_log")).content.decode()
    assert "binh" in log and "unit=A1" in log and "(dòng lệnh)" in log


def test_a_refused_command_line_export_is_not_logged(world, tmp_path):
    from chqs.audit import ExportRecord

    code, _ = run("export_data", "units", "--unit", "X2", "--user", "binh",
                  "-o", str(tmp_path / "x.xlsx"))  # fmt: skip
    assert code != 0
    assert not ExportRecord.objects.exists()
