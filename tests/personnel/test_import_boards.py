"""The `boards` import kind: a province's first load of Ban CHQS appointments."""

import datetime as dt

import openpyxl
import pytest

from personnel.models import AppointmentState, BoardAppointment, Gender, Person
from tests.chqs.sheets import run
from units.models import Board, BoardPositionKind, Unit

pytestmark = pytest.mark.django_db

HEADER = ["Mã cơ quan", "Tên cơ quan", "Chức vụ", "Họ và tên", "Số CCCD", "Từ ngày",
          "Đến ngày", "Số quyết định", "Ngày quyết định"]  # fmt: skip


def seat(position, cccd, starts="01/03/2024", *, unit="A1", name=None, ends=None,
         decision="15/QĐ-BCH", decided="20/02/2024"):  # fmt: skip
    return [unit, None, position, name, cccd, starts, ends, decision, decided]


def boards_file(tmp_path, rows, name="ban-chqs.xlsx"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def import_boards(path, *options):
    return run("import_data", "boards", str(path), *options)


@pytest.fixture
def staff(world):
    """The Sở Y tế's leaders, and one person of the electricity company."""

    def make(agency, name, cccd, job, party=True, gender=Gender.MALE):
        return Person.objects.create(
            agency=agency, full_name=name, birth_date=dt.date(1975, 5, 5), gender=gender,
            cccd=cccd, job_title=job, party_joined_on=dt.date(2000, 1, 1) if party else None,
        )  # fmt: skip

    return {
        "director": make(world.agency1, "Trần Văn Giám", "092075000001", "Giám đốc Sở"),
        "deputy": make(world.agency1, "Lê Văn Phó", "092075000002", "Phó Giám đốc"),
        "secretary": make(world.agency1, "Phạm Thị Thư", "092175000003", "Bí thư Đảng ủy",
                          gender=Gender.FEMALE),
        "head": make(world.agency1, "Ngô Văn Trưởng", "092075000004", "Trưởng phòng Tổ chức"),
        "clerk": make(world.agency1, "Đỗ Văn Viên", "092075000005", "Chuyên viên", party=False),
        "other": make(world.agency2, "Võ Văn Điện", "092075000006", "Giám đốc Công ty"),
    }  # fmt: skip


def test_a_boards_file_creates_confirmed_appointments(world, staff, tmp_path):
    path = boards_file(tmp_path, [
        seat("Chỉ huy trưởng", "092075000002"),
        seat("CTV", "092175000003"),
        seat("Phó CHT", "092075000004", ends="01/01/2026"),
    ])  # fmt: skip

    code, output = import_boards(path, "--user", "binh")

    assert code == 0, output
    assert "Mới: 3" in output
    held = {
        a.position.code: a for a in BoardAppointment.objects.select_related("position", "person")
    }
    assert held["chi-huy-truong"].person == staff["deputy"]
    assert held["chinh-tri-vien"].person == staff["secretary"]
    assert held["pho-chi-huy-truong"].ends_on == dt.date(2026, 1, 1)
    commander = held["chi-huy-truong"]
    assert commander.board == world.agency1.board and commander.state == AppointmentState.CONFIRMED
    assert (commander.starts_on, commander.decision_number, commander.decision_date) == (
        dt.date(2024, 3, 1),
        "15/QĐ-BCH",
        dt.date(2024, 2, 20),
    )
    record = commander.history.get()
    assert (record.history_user, record.history_change_reason) == (world.staff, "Nhập từ Excel")


def test_running_the_same_boards_file_again_changes_nothing(world, staff, tmp_path):
    path = boards_file(tmp_path, [seat("Chỉ huy trưởng", "092075000002")])
    assert import_boards(path)[0] == 0
    before = (BoardAppointment.objects.count(), BoardAppointment.history.count())

    code, output = import_boards(path)

    assert code == 0, output
    assert "Không đổi: 1" in output and "Không có gì thay đổi." in output
    assert (BoardAppointment.objects.count(), BoardAppointment.history.count()) == before


def test_a_changed_end_date_or_decision_updates_the_appointment(world, staff, tmp_path):
    assert import_boards(boards_file(tmp_path, [seat("Chỉ huy trưởng", "092075000002")]))[0] == 0
    path = boards_file(
        tmp_path, [seat("Chỉ huy trưởng", "092075000002", ends="01/07/2026", decision="16/QĐ")],
        name="sua.xlsx",
    )  # fmt: skip

    code, output = import_boards(path)

    assert code == 0, output
    assert "Cập nhật: 1" in output and "Đến ngày: (trống) → “01/07/2026”" in output
    appointment = BoardAppointment.objects.get()
    assert (appointment.ends_on, appointment.decision_number) == (dt.date(2026, 7, 1), "16/QĐ")


def test_a_proposed_appointment_in_the_file_is_confirmed(world, staff, tmp_path):
    BoardAppointment.objects.create(
        board=world.agency1.board, position=BoardPositionKind.objects.get(code="chi-huy-truong"),
        person=staff["deputy"], starts_on=dt.date(2024, 3, 1), decision_number="15/QĐ-BCH",
        decision_date=dt.date(2024, 2, 20),
    )  # fmt: skip

    code, output = import_boards(boards_file(tmp_path, [seat("Chỉ huy trưởng", "092075000002")]))

    assert code == 0, output
    assert "Xác nhận đề xuất" in output
    assert BoardAppointment.objects.get().state == AppointmentState.CONFIRMED


def test_a_board_is_created_for_a_unit_that_has_none(world, staff, tmp_path):
    Board.objects.filter(unit=world.agency1).delete()

    code, output = import_boards(boards_file(tmp_path, [seat("Chỉ huy trưởng", "092075000002")]))

    assert code == 0, output
    assert "Lập Ban CHQS cho cơ quan" in output
    assert BoardAppointment.objects.get().board.unit == world.agency1


def test_more_holders_at_once_than_the_seat_allows_are_refused(world, staff, tmp_path):
    path = boards_file(tmp_path, [
        seat("Phó Chỉ huy trưởng", "092075000004"),
        seat("Phó Chỉ huy trưởng", "092075000005", starts="01/06/2024"),
        seat("Phó Chỉ huy trưởng", "092075000001", starts="01/09/2024"),
        seat("Chỉ huy trưởng", "092075000002"),
        seat("Chỉ huy trưởng", "092075000001", starts="01/05/2024"),
    ])  # fmt: skip

    code, output = import_boards(path)

    assert code == 1
    assert (
        "Dòng 4 (A1 — Phó Chỉ huy trưởng — Trần Văn Giám), cột “Chức vụ” (giá trị “Phó Chỉ huy "
        "trưởng”): Vượt số Phó Chỉ huy trưởng tối đa cùng lúc (2, NĐ 72/2020 Điều 4): đang có "
        "Ngô Văn Trưởng (từ 01/03/2024), Đỗ Văn Viên (từ 01/06/2024)." in output
    )
    assert "Vượt số Chỉ huy trưởng tối đa cùng lúc (1" in output
    assert not BoardAppointment.objects.exists()


def test_a_holder_who_left_before_the_next_began_is_no_conflict(world, staff, tmp_path):
    path = boards_file(tmp_path, [
        seat("Chỉ huy trưởng", "092075000001", starts="01/01/2020", ends="01/03/2024"),
        seat("Chỉ huy trưởng", "092075000002", starts="01/03/2024"),
    ])  # fmt: skip

    code, output = import_boards(path)

    assert code == 0, output
    assert BoardAppointment.objects.current().get().person == staff["deputy"]


def test_the_holder_must_be_on_the_agencys_staff(world, staff, tmp_path):
    path = boards_file(tmp_path, [seat("Chỉ huy trưởng", "092075000006"),
                                  seat("Chính trị viên", "092099999999")])  # fmt: skip

    code, output = import_boards(path)

    assert code == 1
    assert (
        "Võ Văn Điện thuộc Công ty Điện lực Cần Thơ, không thuộc Sở Y tế thành phố Cần Thơ: "
        "người giữ chức vụ phải trong danh sách nhân sự của cơ quan." in output
    )
    assert "Không có người có số CCCD này trong danh sách nhân sự." in output


def test_job_titles_and_party_membership_that_do_not_fit_the_seat_warn(world, staff, tmp_path):
    path = boards_file(tmp_path, [
        seat("Chỉ huy trưởng", "092075000005"),
        seat("Chính trị viên", "092075000001"),
        seat("Chính trị viên phó", "092075000005", starts="01/04/2024"),
    ])  # fmt: skip

    code, output = import_boards(path)

    assert code == 0, output
    assert (
        "Chỉ huy trưởng thường là người đứng đầu hoặc cấp phó của cơ quan; chức vụ của Đỗ Văn "
        "Viên: “Chuyên viên”." in output
    )
    assert "Chính trị viên thường là bí thư hoặc phó bí thư cấp ủy" in output
    assert "Chính trị viên phó Đỗ Văn Viên chưa có ngày vào Đảng trong hồ sơ." in output
    assert "Đỗ Văn Viên cùng lúc giữ chức vụ Chỉ huy trưởng." in output


def test_a_fitting_board_raises_no_warning(world, staff, tmp_path):
    path = boards_file(tmp_path, [seat("Chỉ huy trưởng", "092075000001", name="TRẦN VĂN GIÁM"),
                                  seat("Chính trị viên", "092175000003")])  # fmt: skip

    code, output = import_boards(path)

    assert code == 0, output
    assert "Lưu ý:" not in output


def test_a_clerk_may_not_import_boards(world, staff, tmp_path):
    code, output = import_boards(
        boards_file(tmp_path, [seat("Chỉ huy trưởng", "092075000002")]), "--user", "chi"
    )

    assert code == 2 and "không được" in output


def test_a_staff_officer_may_not_touch_a_board_outside_scope(world, staff, tmp_path):
    path = boards_file(tmp_path, [seat("Chỉ huy trưởng", "092075000006", unit="A2")])

    code, output = import_boards(path, "--user", "binh")

    assert code == 1 and "Không tìm thấy cơ quan này trong phạm vi của đồng chí." in output


def test_the_unit_option_fills_blank_codes_and_keeps_out_other_units(world, staff, tmp_path):
    path = boards_file(tmp_path, [
        seat("Chỉ huy trưởng", "092075000002", unit=None),
        seat("Chỉ huy trưởng", "092075000006", unit="A2"),
    ])  # fmt: skip

    code, output = import_boards(path, "--unit", "A1")

    assert (
        code == 1 and "Không thuộc Sở Y tế thành phố Cần Thơ (đơn vị đã chọn khi nhập)." in output
    )
    code, output = import_boards(path, "--unit", "A1", "--valid-only")
    assert code == 0, output
    assert BoardAppointment.objects.get().board.unit == world.agency1
    assert import_boards(path, "--unit", "Z9")[0] == 2


def test_an_exported_board_list_imports_back_unchanged(world, staff, tmp_path):
    path = boards_file(tmp_path, [
        seat("Chỉ huy trưởng", "092075000002"),
        seat("Chính trị viên", "092175000003", decision=None, decided=None),
        seat("Chỉ huy trưởng", "092075000006", unit="A2", starts="05/05/2023"),
    ])  # fmt: skip
    assert import_boards(path)[0] == 0
    exported = tmp_path / "xuat.xlsx"
    code, output = run("export_data", "boards", "-o", str(exported))
    assert code == 0 and "Đã xuất 3 dòng" in output
    sheet = openpyxl.load_workbook(exported)["Ban CHQS"]
    assert sheet["B3"].value == "Sở Y tế thành phố Cần Thơ"
    before = BoardAppointment.history.count()

    code, output = import_boards(exported)

    assert code == 0, output
    assert "Không đổi: 3" in output
    assert BoardAppointment.history.count() == before
    assert Unit.objects.get(code="A2").board.appointments.count() == 1
