"""The `duty` import kind: historical duty logs from Excel, and its template/export."""

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest

from personnel.duty.models import DutyAssignment, DutyTurn, TurnState
from tests.chqs.sheets import run
from tests.duty.conftest import make_members

pytestmark = pytest.mark.django_db

HEADER = ["Số hiệu lượt", "Mã đơn vị", "Loại trực", "Bắt đầu", "Kết thúc", "Địa điểm",
          "Họ và tên", "Số CCCD", "Số ngày công", "Lý do vắng", "Chỉ huy lượt trực"]  # fmt: skip


def duty_file(tmp_path, rows, name="so-truc.xlsx"):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def row(ref, person, *, start="02/03/2024 07:30", end="03/03/2024 07:30", days=None,
        absence=None, officer=None, kind="trực sẵn sàng chiến đấu", unit="A1"):  # fmt: skip
    return [ref, unit, kind, start, end, "Trụ sở", person.full_name, person.cccd, days, absence,
            officer]  # fmt: skip


def test_a_log_creates_published_turns_with_crew_and_man_days(world, members, tmp_path):
    path = duty_file(tmp_path, [
        row("T1", members[0], officer="x"),
        row("T1", members[1]),
        row("T1", members[2], absence="Ốm đau"),
        row("T2", members[3], start="05/03/2024 19:00", end="06/03/2024 07:00",
            kind="TUAN TRA CANH GAC"),
        row("T2", members[4], start="05/03/2024 19:00", end="06/03/2024 07:00",
            kind="Tuần tra canh gác", days="1"),
    ])  # fmt: skip

    code, output = run("import_data", "duty", str(path), "--unit", "A1", "--user", "binh")

    assert code == 0, output
    first, second = DutyTurn.objects.order_by("starts_at")
    assert first.state == TurnState.PUBLISHED and first.reference == "T1"
    assert first.officer == members[0]
    assert first.man_days == Decimal(2)  # two present for 24 h, one sick
    assert first.assignments.get(person=members[2]).absence_reason == "sick"
    assert second.kind.code == "tuan-tra-canh-gac"
    assert second.man_days == Decimal("1.5")  # 12 h = 0,5 + one day as written


def test_importing_the_same_log_again_changes_nothing(world, members, tmp_path):
    path = duty_file(tmp_path, [row("T1", members[0]), row("T1", members[1])])
    assert run("import_data", "duty", str(path), "--unit", "A1")[0] == 0
    before = (DutyTurn.objects.count(), DutyAssignment.objects.count(), DutyTurn.history.count())

    code, output = run("import_data", "duty", str(path), "--unit", "A1")

    assert code == 0, output
    assert "Không đổi: 2" in output
    assert (DutyTurn.objects.count(), DutyAssignment.objects.count(),
            DutyTurn.history.count()) == before  # fmt: skip


def test_a_dry_run_writes_nothing(world, members, tmp_path):
    path = duty_file(tmp_path, [row("T1", members[0])])

    code, output = run("import_data", "duty", str(path), "--unit", "A1", "--dry-run")

    assert code == 0, output
    assert not DutyTurn.objects.exists()


def test_bad_rows_are_refused_in_vietnamese_and_nothing_is_written(world, members, tmp_path):
    stranger = make_members(world.agency2, 1)[0]
    path = duty_file(tmp_path, [
        row("T1", members[0]),
        row("T2", members[0], start="02/03/2024 19:00", end="02/03/2024 23:00"),  # overlap
        row("T3", stranger),
        row("T4", members[1], kind="Trực cấp cứu"),
        row("T5", members[2], start="05/03/2024 07:30", end="04/03/2024 07:30"),
    ])  # fmt: skip

    code, output = run("import_data", "duty", str(path), "--unit", "A1")

    assert code != 0
    assert "đã có lượt trực trùng thời gian" in output
    assert "không thuộc Sở Y tế thành phố Cần Thơ" in output
    assert "Không có loại trực này" in output
    assert "Thời điểm kết thúc phải sau thời điểm bắt đầu." in output
    assert not DutyTurn.objects.exists()


def test_the_template_and_the_export_have_the_columns_of_the_import(
    world, members, make_turn, tmp_path
):
    make_turn(dt.date(2024, 3, 4), members[:2])
    code, output = run("export_template", "duty", "-o", str(tmp_path / "mau.xlsx"))
    assert code == 0, output
    template = openpyxl.load_workbook(tmp_path / "mau.xlsx").worksheets[0]
    headers = [str(c.value).removesuffix(" (*)") for c in template[1]]
    assert headers[: len(HEADER)] == HEADER

    code, output = run("export_data", "duty", "-o", str(tmp_path / "xuat.xlsx"), "--user", "an")
    assert code == 0, output
    path = tmp_path / "xuat.xlsx"
    DutyTurn.objects.all().delete()
    code, output = run("import_data", "duty", str(path), "--user", "an")
    assert code == 0, output
    turn = DutyTurn.objects.get()
    assert turn.man_days == 2 and set(turn.assignments.values_list("person", flat=True)) == {
        members[0].pk,
        members[1].pk,
    }
