import datetime as dt

import pytest

from units.models import Unit, UnitLink

from .sheets import run, snapshot, unit_row, write_csv, write_workbook

pytestmark = pytest.mark.django_db

START = dt.date(2020, 1, 1)
REFORM = dt.date(2025, 7, 1)


def import_units(path, *options):
    return run("import_data", "units", str(path), *options)


def new_units_file(tmp_path):
    """A commune and two agencies; the agency under the new commune comes first."""
    return write_workbook(
        tmp_path / "don-vi.xlsx",
        [
            unit_row("A4", "Bệnh viện Đa khoa Ô Môn", parent="X3", valid_from="15/07/2023",
                     agency_type="Đơn vị sự nghiệp", staff_count=450, address="Ô Môn"),
            unit_row("X3", "Ban CHQS phường Cái Khế", kind="Ban CHQS xã/phường", parent="R1",
                     valid_from=dt.date(2023, 7, 15)),
            unit_row("A3", "Trường Đại học Cần Thơ", parent="X1", valid_from="2023-07-15",
                     short_name="ĐHCT", level="Cấp tỉnh", agency_type="state",
                     staff_count="1.500"),
        ],
    )  # fmt: skip


def test_a_valid_file_creates_the_units_with_their_parent_links(world, tmp_path):
    code, output = import_units(new_units_file(tmp_path))

    assert code == 0, output
    assert "Mới: 3" in output and "Đã áp dụng: ghi 3 dòng." in output
    a4 = Unit.objects.get(code="A4")
    assert a4.parent_on(dt.date(2023, 7, 15)).code == "X3"
    assert a4.parent_on(dt.date(2023, 7, 14)) is None
    assert a4.agency_type.code == "public-service" and a4.staff_count == 450
    assert Unit.objects.get(code="X3").level == "xa"  # the kind's default level
    a3 = Unit.objects.get(code="A3")
    assert (a3.short_name, a3.level, a3.staff_count) == ("ĐHCT", "tinh", 1500)
    assert a3.history.get().history_change_reason == "Nhập từ Excel"
    assert "A4" in Unit.objects.subtree(world.region1).values_list("code", flat=True)


def test_running_the_same_file_again_changes_nothing_and_adds_no_history(world, tmp_path):
    path = new_units_file(tmp_path)
    import_units(path)
    before = snapshot()

    code, output = import_units(path)

    assert code == 0
    assert "Không đổi: 3" in output and "Không có gì thay đổi." in output
    assert snapshot() == before


def test_a_dry_run_reports_what_would_change_and_writes_nothing(world, tmp_path):
    before = snapshot()

    code, output = import_units(new_units_file(tmp_path), "--dry-run")

    assert code == 0
    assert "Sẽ thay đổi:" in output and "--dry-run" in output
    assert snapshot() == before


def test_a_changed_field_updates_the_unit_and_records_history(world, tmp_path):
    path = write_workbook(
        tmp_path / "sua.xlsx",
        [unit_row("A1", "Sở Y tế thành phố Cần Thơ", parent="X1", staff_count=135,
                  agency_type="Cơ quan nhà nước")],
    )  # fmt: skip

    code, output = import_units(path)

    assert code == 0, output
    assert "Cập nhật: 1" in output and "Tổng số CBCNV: “120” → “135”" in output
    world.agency1.refresh_from_db()
    assert world.agency1.staff_count == 135
    assert world.agency1.history.count() == 2
    assert world.agency1.parent_links.count() == 1


def test_a_different_parent_moves_the_unit_closing_the_old_link(world, tmp_path):
    path = write_workbook(
        tmp_path / "chuyen.xlsx",
        [unit_row("A1", "Sở Y tế thành phố Cần Thơ", parent="X2", valid_from="01/07/2025",
                  agency_type="state", staff_count=120)],
    )  # fmt: skip

    code, output = import_units(path)

    assert code == 0, output
    assert "Chuyển cấp trên: 1" in output
    links = list(world.agency1.parent_links.order_by("valid_from"))
    assert [(link.parent.code, link.valid_from, link.valid_to) for link in links] == [
        ("X1", START, REFORM),
        ("X2", REFORM, None),
    ]


def test_a_move_not_dated_after_the_current_link_is_rejected(world, tmp_path):
    path = write_workbook(
        tmp_path / "chuyen.xlsx",
        [unit_row("A1", "Sở Y tế thành phố Cần Thơ", parent="X2", valid_from="01/01/2020",
                  agency_type="state", staff_count=120)],
    )  # fmt: skip

    code, output = import_units(path)

    assert code == 1
    assert "Phải sau ngày bắt đầu trực thuộc hiện tại (01/01/2020)" in output
    assert world.agency1.parent_on().code == "X1"


def test_each_date_form_in_a_real_workbook_is_read(world, tmp_path):
    forms = [dt.datetime(2023, 7, 15), 45122, "15/07/2023", "15-7-2023", "15.07.2023",
             "2023-07-15"]  # fmt: skip
    rows = [
        unit_row(f"D{i}", f"Cơ quan {i}", parent="X1", valid_from=v) for i, v in enumerate(forms)
    ]
    code, output = import_units(write_workbook(tmp_path / "ngay.xlsx", rows))

    assert code == 0, output
    starts = set(
        UnitLink.objects.filter(unit__code__startswith="D").values_list("valid_from", flat=True)
    )
    assert starts == {dt.date(2023, 7, 15)}


def test_a_utf8_csv_with_bom_is_imported(world, tmp_path):
    path = write_csv(tmp_path / "ds.csv", [unit_row("A3", "Trường Đại học Cần Thơ", parent="X1",
                                                     valid_from="15/07/2023")])  # fmt: skip
    code, output = import_units(path)

    assert code == 0, output
    assert Unit.objects.get(code="A3").name == "Trường Đại học Cần Thơ"


REJECTED_FILES = {
    "unknown parent": (
        [unit_row("A3", "Trường ĐH", parent="X9", valid_from="15/07/2023")],
        "cột “Mã đơn vị cấp trên” (giá trị “X9”): Không tìm thấy đơn vị cấp trên",
    ),
    "duplicate code": (
        [
            unit_row("A3", "Trường ĐH", parent="X1", valid_from="15/07/2023"),
            unit_row("A3", "Trường CĐ", parent="X1", valid_from="15/07/2023"),
        ],
        "Mã đơn vị trùng với dòng 2 trong tệp",
    ),
    "cycle in the file": (
        [
            unit_row("C1", "Cơ quan 1", parent="C2", valid_from="15/07/2023"),
            unit_row("C2", "Cơ quan 2", parent="C1", valid_from="15/07/2023"),
        ],
        "Tạo thành vòng lặp: C1 → C2 → C1",
    ),
    "cycle with the database": (
        [unit_row("R1", "Ban Chỉ huy PTKV 1", kind="region", parent="A1", valid_from="01/07/2025")],
        "Tạo thành vòng lặp: R1 → A1 → X1 → R1",
    ),
    "unknown kind": (
        [unit_row("A3", "Trường ĐH", kind="Bệnh viện", parent="X1", valid_from="15/07/2023")],
        "Không có loại đơn vị này",
    ),
    "unknown agency type": (
        [unit_row("A3", "Trường ĐH", parent="X1", valid_from="15/07/2023", agency_type="Quỹ")],
        "Không có loại hình cơ quan này",
    ),
    "bad date": (
        [unit_row("A3", "Trường ĐH", parent="X1", valid_from="31/02/2023")],
        "Ngày 31/02/2023 không tồn tại",
    ),
    "non-numeric head count": (
        [unit_row("A3", "Trường ĐH", parent="X1", valid_from="15/07/2023", staff_count="nhiều")],
        "cột “Tổng số CBCNV” (giá trị “nhiều”): Không phải số nguyên",
    ),
    "missing valid-from for a new link": (
        [unit_row("A3", "Trường ĐH", parent="X1")],
        "Cần ngày hiệu lực",
    ),
    "bad code": (
        [unit_row("A/3", "Trường ĐH", parent="X1", valid_from="15/07/2023")],
        "Mã chỉ gồm chữ không dấu",
    ),
}


@pytest.mark.parametrize("case", REJECTED_FILES)
def test_a_file_with_a_bad_row_exits_1_and_writes_nothing(world, tmp_path, case):
    bad_rows, message = REJECTED_FILES[case]
    good = unit_row("A5", "Trung tâm Y tế", parent="X1", valid_from="15/07/2023")
    path = write_workbook(tmp_path / "loi.xlsx", [*bad_rows, good])
    before = snapshot()

    code, output = import_units(path)

    assert code == 1
    assert message in output
    assert "Bị từ chối:" in output and "Không ghi gì vào cơ sở dữ liệu" in output
    assert snapshot() == before
    assert not Unit.objects.filter(code="A5").exists()


def test_a_parent_outside_the_users_scope_is_rejected(world, tmp_path):
    path = write_workbook(
        tmp_path / "ds.xlsx",
        [unit_row("A3", "Trường ĐH", parent="X1", valid_from="15/07/2023"),
         unit_row("A5", "Trạm điện", parent="X2", valid_from="15/07/2023")],
    )  # fmt: skip
    before = snapshot()

    code, output = import_units(path, "--user", "binh")

    assert code == 1
    assert "Dòng 3 (A5 — Trạm điện), cột “Mã đơn vị cấp trên” (giá trị “X2”)" in output
    assert "ngoài phạm vi quản lý" in output
    assert snapshot() == before


def test_an_existing_unit_outside_the_users_scope_is_rejected(world, tmp_path):
    path = write_workbook(
        tmp_path / "ds.xlsx", [unit_row("A2", "Công ty Điện lực", parent="X2", staff_count=900)]
    )

    code, output = import_units(path, "--user", "binh")

    assert code == 1
    assert "Đơn vị đã có trong hệ thống nhưng ngoài phạm vi quản lý" in output
    world.agency2.refresh_from_db()
    assert world.agency2.staff_count == 800


def test_a_staff_officer_may_not_create_a_unit_without_a_parent(world, tmp_path):
    path = write_workbook(tmp_path / "ds.xlsx", [unit_row("P2", "Bộ CHQS tỉnh", kind="province")])

    assert import_units(path, "--user", "binh")[0] == 1
    assert import_units(path)[0] == 0  # the system (no --user) may
    assert Unit.objects.get(code="P2").parent_on() is None


@pytest.mark.parametrize("username", ["chi", "dung"])
def test_a_clerk_or_commander_may_not_import_units_from_the_command_line(world, tmp_path, username):
    code, output = import_units(new_units_file(tmp_path), "--user", username)

    assert code == 2
    assert "không được" in output
    assert not Unit.objects.filter(code="A3").exists()


@pytest.mark.parametrize(
    ("content", "name"), [(b"", "rong.xlsx"), (bytes(range(256)) * 4, "ngau-nhien.xlsx")]
)
def test_an_unreadable_file_exits_2_with_a_vietnamese_message(world, tmp_path, content, name):
    path = tmp_path / name
    path.write_bytes(content)

    code, output = import_units(path)

    assert code == 2
    assert f"Không đọc được tệp “{name}”" in output
    assert "Traceback" not in output


def test_an_unknown_kind_or_user_is_a_usage_error(world, tmp_path):
    path = new_units_file(tmp_path)
    assert run("import_data", "people", str(path))[0] == 2
    assert run("import_data", "units", str(path), "--user", "khong-co")[0] == 2
