"""The `people` import kind: a clerk's staff list (danh sách trích ngang) in and out of
Excel, through the command line as a clerk or a staff officer would run it."""

import datetime as dt

import openpyxl
import pytest

from chqs.imports import engine, registry
from personnel.imports import PEOPLE_COLUMNS, PeopleImporter, education, health_grade
from personnel.models import (
    Ethnicity,
    Gender,
    Person,
    Service,
    ServicePosition,
    ServiceStatus,
    StatusReason,
    add_years,
)
from personnel.roster_export import ROSTER_COLUMNS
from personnel.services import service_change_status, service_open
from tests.chqs.sheets import run
from units.models import ForceKind, Formation, today

pytestmark = pytest.mark.django_db

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Dân tộc", "Chức vụ",
          "Chức vụ tự vệ", "Đơn vị", "Thành phần", "Ngày vào tự vệ", "Số điện thoại"]  # fmt: skip
A_YEAR_AGO = today() - dt.timedelta(days=365)


def person_row(name="Nguyễn Văn An", born="15/07/1990", gender="Nam", cccd="092090000123",
               ethnicity="Kinh", job="Chuyên viên", position=None, formation=None,
               force_kind=None, joined=None, phone="0912345678"):  # fmt: skip
    """A data row in HEADER order."""
    return [None, name, born, gender, cccd, ethnicity, job, position, formation, force_kind,
            joined, phone]  # fmt: skip


def people_file(tmp_path, rows, *, header=HEADER, name="ds.xlsx", above=()):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách"
    for line in above:
        sheet.append(list(line))
    sheet.append(list(header))
    for number, row in enumerate(rows, start=1):
        row = list(row)
        if header and header[0] == "STT" and row and row[0] is None:
            row[0] = number
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def import_people(path, *options):
    return run("import_data", "people", str(path), *options)


def snapshot():
    """Counts any write would change: people, services and their history."""
    return (
        Person.objects.count(),
        Service.objects.count(),
        Person.history.count(),
        Service.history.count(),
    )


def person(cccd="092090000123") -> Person:
    return Person.objects.get(cccd=cccd)


# --- a list goes in --------------------------------------------------------------------------


def test_a_clerks_list_creates_the_people_and_opens_the_members_service(world, tmp_path):
    path = people_file(tmp_path, [
        person_row(position="Chiến sĩ", formation="TD1", joined=A_YEAR_AGO),
        person_row("Lê Thị Bình", "02/03/1995", "Nữ", "092195000124", job="Kế toán",
                   position="Chiến sĩ", force_kind="cơ động", joined=A_YEAR_AGO),
        person_row("Trần Văn Cường", "1980-01-20", "Nam", "092080000125", job="Giám đốc"),
    ])  # fmt: skip

    code, output = import_people(path, "--unit", "A1")

    assert code == 0, output
    assert "Mới: 3" in output and "Đã áp dụng: ghi 3 dòng." in output
    an = person()
    assert (an.full_name, an.birth_date, an.gender, an.agency) == (
        "Nguyễn Văn An",
        dt.date(1990, 7, 15),
        Gender.MALE,
        world.agency1,
    )
    assert an.ethnicity.name == "Kinh" and an.phone == "0912345678"
    assert an.search_text == "nguyen van an 092090000123"
    service = an.services.get()
    assert (service.formation, service.position.code, service.force_kind.code) == (
        world.formation1,
        "chien-si",
        "tai-cho",
    )
    assert (service.joined_on, service.term_end) == (A_YEAR_AGO, add_years(A_YEAR_AGO, 4))
    assert service.status == ServiceStatus.SERVING and service.agency == world.agency1
    binh = person("092195000124").services.get()
    assert binh.formation is None and binh.force_kind.code == "co-dong"
    assert not person("092080000125").services.exists()
    assert an.history.get().history_change_reason == "Nhập từ Excel"
    assert service.history.get().history_type == "+"


def test_the_person_and_service_history_name_the_user_who_imported(world, tmp_path):
    path = people_file(tmp_path, [person_row(position="Chiến sĩ", formation="TD1")])

    code, output = import_people(path, "--user", "chi")

    assert code == 0, output
    assert person().history.get().history_user == world.clerk
    assert Service.history.get().history_user == world.clerk


def test_uploading_the_same_file_again_changes_nothing(world, tmp_path):
    path = people_file(tmp_path, [
        person_row(position="Tiểu đội trưởng", formation="TD1", joined=A_YEAR_AGO),
        person_row("Lê Thị Bình", 1995, "Nữ", "092195000124"),
    ])  # fmt: skip
    assert import_people(path, "--unit", "A1")[0] == 0
    before = snapshot()

    code, output = import_people(path, "--unit", "A1")

    assert code == 0, output
    assert "Không đổi: 2" in output and "Không có gì thay đổi." in output
    assert snapshot() == before


def test_a_changed_cell_updates_only_that_field_with_history(world, tmp_path):
    assert import_people(people_file(tmp_path, [person_row()]), "--unit", "A1")[0] == 0
    path = people_file(
        tmp_path, [person_row(phone="0987654321", job="Phó Giám đốc")], name="2.xlsx"
    )

    code, output = import_people(path, "--unit", "A1")

    assert code == 0, output
    assert "Cập nhật: 1" in output
    assert "Số điện thoại: “0912345678” → “0987654321”" in output
    assert "Chức vụ: “Chuyên viên” → “Phó Giám đốc”" in output
    an = person()
    assert (an.phone, an.job_title) == ("0987654321", "Phó Giám đốc")
    latest = an.history.first()
    assert latest.history_type == "~" and latest.history_change_reason == "Nhập từ Excel"
    assert an.history.count() == 2


def test_a_column_absent_from_the_file_is_left_as_it_is(world, tmp_path):
    assert import_people(people_file(tmp_path, [person_row()]), "--unit", "A1")[0] == 0
    path = people_file(
        tmp_path, [["Nguyễn Văn An", "092090000123", "0909000111"]],
        header=["Họ và tên", "Số CCCD", "Điện thoại"], name="sdt.xlsx",
    )  # fmt: skip

    code, output = import_people(path, "--unit", "A1")

    assert code == 0, output
    an = person()
    assert an.phone == "0909000111"
    assert (an.job_title, an.ethnicity.name, an.birth_date) == (
        "Chuyên viên",
        "Kinh",
        dt.date(1990, 7, 15),
    )


def test_a_dry_run_reports_the_changes_and_writes_nothing(world, tmp_path):
    code, output = import_people(people_file(tmp_path, [person_row()]), "--unit", "A1", "--dry-run")

    assert code == 0
    assert "Sẽ thay đổi:" in output and "Nguyễn Văn An (092090000123)" in output
    assert snapshot() == (0, 0, 0, 0)


# --- how real files write things -------------------------------------------------------------


@pytest.mark.parametrize(
    "born",
    [
        dt.datetime(1990, 7, 15),
        dt.date(1990, 7, 15),
        33069,  # the Excel serial of 15/07/1990
        "15/07/1990",
        "15/7/1990",
        "15-7-1990",
        "15.07.1990",
        "1990-07-15",
        " 15 / 07 / 1990 ",
        "ngày 15 tháng 7 năm 1990",
    ],
)
def test_every_date_form_of_a_real_file_reads_as_the_same_birthday(world, tmp_path, born):
    code, output = import_people(people_file(tmp_path, [person_row(born=born)]), "--unit", "A1")

    assert code == 0, output
    assert (person().birth_date, person().birth_year_only) == (dt.date(1990, 7, 15), False)


@pytest.mark.parametrize("born", [1990, "1990", "00/00/1990", "xx/xx/1990"])
def test_a_year_of_birth_alone_is_accepted_with_a_warning(world, tmp_path, born):
    code, output = import_people(people_file(tmp_path, [person_row(born=born)]), "--unit", "A1")

    assert code == 0, output
    assert "Chỉ có năm sinh: tuổi được tính gần đúng." in output
    assert (person().birth_date, person().birth_year_only) == (dt.date(1990, 1, 1), True)


def test_split_day_month_year_columns_under_a_two_row_header_make_the_birth_date(world, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["DANH SÁCH TRÍCH NGANG CÁN BỘ, NHÂN VIÊN"])
    sheet.append(["STT", "Họ và tên", "Ngày, tháng, năm sinh", None, None, "Giới tính", "Số CCCD"])
    sheet.append([None, None, "Ngày", "Tháng", "Năm", None, None])
    sheet.merge_cells("C2:E2")
    for cell in ("A2:A3", "B2:B3", "F2:F3", "G2:G3"):
        sheet.merge_cells(cell)
    sheet.append([1, "NGUYỄN VĂN AN", 15, 7, 1990, "Nam", "092090000123"])
    sheet.append([2, "Lê Thị Bình", None, None, 1995, "Nữ", "092195000124"])
    path = tmp_path / "tach-ngay.xlsx"
    workbook.save(path)

    code, output = import_people(path, "--unit", "A1")

    assert code == 0, output
    assert person().birth_date == dt.date(1990, 7, 15) and not person().birth_year_only
    binh = person("092195000124")
    assert (binh.birth_date, binh.birth_year_only) == (dt.date(1995, 1, 1), True)
    assert "Dòng 5 (Lê Thị Bình (092195000124)): Chỉ có năm sinh" in output


def test_x_marks_in_separate_nam_and_nu_columns_give_the_gender(world, tmp_path):
    header = ["Họ và tên", "Nam", "Nữ", "Ngày sinh", "Số CCCD"]
    rows = [["Nguyễn Văn An", "x", None, "15/07/1990", "092090000123"],
            ["Lê Thị Bình", None, "X", "02/03/1995", "092195000124"]]  # fmt: skip

    code, output = import_people(people_file(tmp_path, rows, header=header), "--unit", "A1")

    assert code == 0, output
    assert person().gender == Gender.MALE and person("092195000124").gender == Gender.FEMALE


def test_a_birth_date_written_under_nam_or_nu_gives_both_gender_and_birth(world, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Họ và tên", "Năm sinh", None, "Số CCCD"])
    sheet.append([None, "Nam", "Nữ", None])
    sheet.merge_cells("B1:C1")
    sheet.append(["Nguyễn Văn An", dt.datetime(1990, 7, 15), None, "092090000123"])
    sheet.append(["Lê Thị Bình", None, 1995, "092195000124"])
    path = tmp_path / "nam-nu.xlsx"
    workbook.save(path)

    code, output = import_people(path, "--unit", "A1")

    assert code == 0, output
    an, binh = person(), person("092195000124")
    assert (an.gender, an.birth_date, an.birth_year_only) == ("M", dt.date(1990, 7, 15), False)
    assert (binh.gender, binh.birth_date, binh.birth_year_only) == ("F", dt.date(1995, 1, 1), True)


def test_both_nam_and_nu_marked_is_refused(world, tmp_path):
    rows = [["Nguyễn Văn An", "x", "x", "15/07/1990", "092090000123"]]
    path = people_file(tmp_path, rows, header=["Họ và tên", "Nam", "Nữ", "Ngày sinh", "Số CCCD"])

    code, output = import_people(path, "--unit", "A1")

    assert code == 1 and "Đánh dấu cả hai cột Nam và Nữ" in output


def test_a_cccd_that_excel_turned_into_a_number_gets_its_leading_zero_back(world, tmp_path):
    code, output = import_people(
        people_file(tmp_path, [person_row(cccd=92090000123)]), "--unit", "A1"
    )

    assert code == 0, output
    assert Person.objects.get().cccd == "092090000123"


def test_a_cccd_written_in_groups_is_read_as_its_digits(world, tmp_path):
    code, output = import_people(
        people_file(tmp_path, [person_row(cccd="092 090 000 123")]), "--unit", "A1"
    )

    assert code == 0, output
    assert Person.objects.get().cccd == "092090000123"


def test_a_nine_digit_cmnd_is_accepted_with_a_warning(world, tmp_path):
    code, output = import_people(
        people_file(tmp_path, [person_row(cccd="361234567")]), "--unit", "A1"
    )

    assert code == 0, output
    assert "Số CMND cũ 9 chữ số: cần cập nhật số CCCD 12 chữ số." in output
    assert Person.objects.get().cccd == "361234567"


@pytest.mark.parametrize(
    ("cccd", "reason"),
    [
        ("12345", "phải gồm 12 chữ số"),
        ("0920900001234", "phải gồm 12 chữ số"),
        ("7,9209E+10", "số mũ"),
        ("09209000012A", "chỉ gồm chữ số"),
    ],
)
def test_a_bad_cccd_is_rejected_with_the_reason(world, tmp_path, cccd, reason):
    code, output = import_people(people_file(tmp_path, [person_row(cccd=cccd)]), "--unit", "A1")

    assert code == 1
    assert "cột “Số CCCD”" in output and reason in output
    assert not Person.objects.exists()


def test_a_cccd_that_disagrees_with_gender_or_birth_year_warns(world, tmp_path):
    code, output = import_people(
        people_file(tmp_path, [person_row(cccd="092195000123")]), "--unit", "A1"
    )

    assert code == 0, output
    assert "Số CCCD không khớp giới tính hoặc năm sinh" in output


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("NGUYỄN VĂN AN", "Nguyễn Văn An"),
        ("nguyễn  văn an", "Nguyễn Văn An"),
        ("ĐẶNG THỊ ÁNH TUYẾT", "Đặng Thị Ánh Tuyết"),
        ("Nguyễn Thị Kim Chi", "Nguyễn Thị Kim Chi"),
    ],
)
def test_names_typed_in_capitals_are_title_cased_for_vietnamese(world, tmp_path, typed, stored):
    code, output = import_people(people_file(tmp_path, [person_row(name=typed)]), "--unit", "A1")

    assert code == 0, output
    assert Person.objects.get().full_name == stored


def test_a_name_with_digits_is_refused(world, tmp_path):
    code, output = import_people(
        people_file(tmp_path, [person_row(name="Nguyễn Văn 2")]), "--unit", "A1"
    )

    assert code == 1 and "không được chứa chữ số" in output


@pytest.mark.parametrize(
    ("typed", "group"),
    [("Khmer", "Khơ-me"), ("Khơ me", "Khơ-me"), ("KHƠ-ME", "Khơ-me"), ("Hmông", "Mông"),
     ("H'Mông", "Mông"), ("Mèo", "Mông"), ("Ê Đê", "Ê-đê"), ("kinh", "Kinh"), ("Hoa", "Hoa")],
)  # fmt: skip
def test_ethnic_groups_are_matched_by_their_other_names(world, tmp_path, typed, group):
    code, output = import_people(
        people_file(tmp_path, [person_row(ethnicity=typed)]), "--unit", "A1"
    )

    assert code == 0, output
    assert Person.objects.get().ethnicity == Ethnicity.objects.get(name=group)


def test_an_unknown_ethnic_group_is_refused_listing_the_groups(world, tmp_path):
    code, output = import_people(
        people_file(tmp_path, [person_row(ethnicity="Việt Kiều")]), "--unit", "A1"
    )

    assert code == 1 and "Không có dân tộc này" in output and "Khơ-me" in output


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("0912345678", "0912345678"), (912345678, "0912345678"), ("+84 912 345 678", "0912345678"),
     ("84912345678", "0912345678"), ("0912.345.678", "0912345678"),
     ("02923 812 345", "02923812345")],
)  # fmt: skip
def test_phone_numbers_keep_their_leading_zero(world, tmp_path, typed, stored):
    code, output = import_people(people_file(tmp_path, [person_row(phone=typed)]), "--unit", "A1")

    assert code == 0, output
    assert Person.objects.get().phone == stored


def test_the_other_columns_of_a_staff_list_are_read(world, tmp_path):
    header = [
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "CCCD/CMND",
        "Tôn giáo",
        "Quê quán",
        "Nơi ở hiện nay",
        "Trình độ văn hóa",
        "Trình độ chuyên môn",
        "Ngày vào Đảng",
        "Ngày chính thức",
        "Ngày vào Đoàn",
        "Quân nhân dự bị",
        "Sức khỏe",
        "Ghi chú",
    ]
    rows = [
        ["Nguyễn Văn An", "15/07/1990", "Nam", "092090000123", "Phật giáo", "Cần Thơ",
         "Ninh Kiều, Cần Thơ", dt.datetime(2026, 12, 12), "Kỹ sư Điện", "03/02/2015",
         "03/02/2016", "26/03/2006", "x", "Loại 2", "Đã qua huấn luyện"],
        ["Lê Thị Bình", "02/03/1995", "Nữ", "092195000124", "Không", "Hậu Giang", "Cái Răng",
         "9", "Cử nhân", None, None, None, "Không", 1, None],
    ]  # fmt: skip

    code, output = import_people(people_file(tmp_path, rows, header=header), "--unit", "A1")

    assert code == 0, output
    an, binh = person(), person("092195000124")
    assert (an.religion, an.hometown, an.residence, an.education, an.qualification) == (
        "Phật giáo",
        "Cần Thơ",
        "Ninh Kiều, Cần Thơ",
        "12/12",
        "Kỹ sư Điện",
    )
    assert (an.party_joined_on, an.party_official_on, an.youth_union_joined_on) == (
        dt.date(2015, 2, 3),
        dt.date(2016, 2, 3),
        dt.date(2006, 3, 26),
    )
    assert (an.is_reservist, an.health_grade, an.notes) == (True, 2, "Đã qua huấn luyện")
    assert (binh.religion, binh.education, binh.is_reservist, binh.health_grade) == (
        "",
        "9/12",
        False,
        1,
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12/12", "12/12"), ("12 / 12", "12/12"), (12, "12/12"), ("9", "9/12"), ("10/10", "10/10"),
     (dt.datetime(2026, 12, 12), "12/12"), (dt.datetime(2026, 12, 9), "9/12")],
)  # fmt: skip
def test_general_education_is_read_as_grade_over_system(value, expected):
    assert education(value) == expected


@pytest.mark.parametrize(("value", "grade"), [(2, 2), ("2", 2), ("Loại 2", 2), ("loại II", 2),
                                              ("L3", 3), ("LOẠI 1", 1)])  # fmt: skip
def test_health_grades_are_read_in_the_forms_lists_use(value, grade):
    assert health_grade(value) == grade


def test_a_party_official_date_before_joining_is_refused(world, tmp_path):
    header = ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Ngày vào Đảng", "Ngày chính thức"]
    rows = [["Nguyễn Văn An", "15/07/1990", "Nam", "092090000123", "03/02/2016", "03/02/2015"]]

    code, output = import_people(people_file(tmp_path, rows, header=header), "--unit", "A1")

    assert code == 1 and "Ngày chính thức trước ngày vào Đảng." in output


# --- conflicts and all-or-nothing ----------------------------------------------------------


def test_a_cccd_of_another_agency_is_rejected_naming_it_and_nothing_is_written(world, tmp_path):
    Person.objects.create(
        agency=world.agency2, full_name="Võ Văn Tám", birth_date=dt.date(1988, 1, 1),
        gender=Gender.MALE, cccd="092088000777",
    )  # fmt: skip
    before = snapshot()
    path = people_file(tmp_path, [person_row(), person_row("Võ Văn Tám", cccd="092088000777")])

    code, output = import_people(path, "--unit", "A1")

    assert code == 1
    assert (
        "cột “Số CCCD” (giá trị “092088000777”): Số CCCD đã thuộc Công ty Điện lực Cần Thơ: "
        "chuyển cơ quan là một thao tác riêng." in output
    )
    assert snapshot() == before
    assert Person.objects.get(cccd="092088000777").agency == world.agency2


def test_one_bad_row_writes_nothing_and_exits_1(world, tmp_path):
    path = people_file(tmp_path, [
        person_row(),
        person_row("Lê Thị Bình", "31/02/1995", "Nữ", "092195000124"),
        person_row("Trần Văn Cường", "20/01/1980", "Nam", "092080000125"),
    ])  # fmt: skip

    code, output = import_people(path, "--unit", "A1")

    assert code == 1
    assert "Dòng 3 (Lê Thị Bình (092195000124)), cột “Ngày sinh” (giá trị “31/02/1995”)" in output
    assert "Ngày 31/02/1995 không tồn tại." in output
    assert "Không ghi gì vào cơ sở dữ liệu: 1 dòng bị từ chối." in output
    assert snapshot() == (0, 0, 0, 0)


def test_the_same_cccd_twice_in_a_file_rejects_both_rows(world, tmp_path):
    path = people_file(tmp_path, [person_row(), person_row("Nguyễn Văn Ân")])

    code, output = import_people(path, "--unit", "A1")

    assert code == 1
    assert "Số CCCD trùng với dòng 3 trong tệp." in output
    assert "Số CCCD trùng với dòng 2 trong tệp." in output


def test_applying_the_valid_rows_only_writes_the_good_rows(world, tmp_path):
    path = people_file(tmp_path, [
        person_row(),
        person_row("Lê Thị Bình", "31/02/1995", "Nữ", "092195000124"),
        person_row("Trần Văn Cường", "20/01/1980", "Nam", "092080000125"),
    ])  # fmt: skip

    code, output = import_people(path, "--unit", "A1", "--valid-only")

    assert code == 0, output
    assert "Đã áp dụng: ghi 2 dòng, bỏ qua 1 dòng bị từ chối." in output
    assert set(Person.objects.values_list("cccd", flat=True)) == {"092090000123", "092080000125"}


def test_the_engine_applies_the_valid_rows_only_when_asked(world, tmp_path):
    path = people_file(tmp_path, [person_row(), person_row(cccd="123")])
    kind, scope = registry.get_kind("people"), registry.scope_for(world.clerk)

    refused = engine.apply(kind, path, scope=scope, user=world.clerk)
    assert not refused.applied and not Person.objects.exists()

    result = engine.apply(kind, path, scope=scope, user=world.clerk, valid_only=True)

    assert result.applied and result.valid_only
    assert result.counts["new"] == 1 and result.counts["rejected"] == 1
    assert Person.objects.get().agency == world.agency1


# --- who may import where --------------------------------------------------------------------


def test_a_clerk_imports_into_their_own_agency_by_default(world, tmp_path):
    code, output = import_people(people_file(tmp_path, [person_row()]), "--user", "chi")

    assert code == 0, output
    assert person().agency == world.agency1


def test_a_clerk_may_not_import_into_another_agency(world, tmp_path):
    code, output = import_people(
        people_file(tmp_path, [person_row()]), "--user", "chi", "--unit", "A2"
    )

    assert code == 2
    assert "Không tìm thấy cơ quan, tổ chức “A2” trong phạm vi của đồng chí." in output
    assert not Person.objects.exists()


def test_a_staff_officer_must_name_an_agency_in_scope(world, tmp_path):
    path = people_file(tmp_path, [person_row()])

    assert "Cần chọn cơ quan, tổ chức" in import_people(path, "--user", "binh")[1]
    code, output = import_people(path, "--user", "binh", "--unit", "X1")
    assert code == 2 and "không phải cơ quan, tổ chức" in output
    assert import_people(path, "--user", "binh", "--unit", "A2")[0] == 2
    assert import_people(path, "--user", "binh", "--unit", "A1")[0] == 0


def test_a_commander_may_not_import_people(world, tmp_path):
    code, output = import_people(
        people_file(tmp_path, [person_row()]), "--user", "dung", "--unit", "A1"
    )

    assert code == 2 and "không được" in output


def test_the_upload_page_offers_the_agencies_in_scope(world):
    clerk = registry.scope_for(world.clerk)
    staff = registry.scope_for(world.staff)

    assert PeopleImporter.unit_choices(clerk) == [("A1", "Sở Y tế thành phố Cần Thơ")]
    assert PeopleImporter.unit_choices(staff) == [("A1", "Sở Y tế thành phố Cần Thơ")]
    assert [code for code, _ in PeopleImporter.unit_choices(registry.scope_for(None))] == [
        "A2", "A1",
    ]  # fmt: skip


# --- self-defence service ----------------------------------------------------------------------


def test_joining_outside_the_legal_ages_is_refused_with_the_reason(world, tmp_path):
    path = people_file(tmp_path, [
        person_row("Phạm Văn Lão", "10/01/1970", "Nam", "092070000201", position="Chiến sĩ",
                   formation="TD1", joined="01/06/2024"),
        person_row("Lê Thị Hoa", "10/01/1980", "Nữ", "092180000202", position="Chiến sĩ",
                   formation="TD1", joined="01/06/2024"),
        person_row("Trần Văn Nhỏ", "10/01/2008", "Nam", "092208000203", position="Chiến sĩ",
                   formation="TD1", joined="01/06/2024"),
    ])  # fmt: skip

    code, output = import_people(path, "--unit", "A1")

    assert code == 1
    assert "Quá tuổi tham gia tự vệ đối với nam (54 tuổi, quy định đến hết 45 tuổi)" in output
    assert "Quá tuổi tham gia tự vệ đối với nữ (44 tuổi, quy định đến hết 40 tuổi)" in output
    assert "Tệp không có cột tình nguyện: nhập người này trên trang nhân sự." in output
    assert "Chưa đủ 18 tuổi khi vào tự vệ (16 tuổi)." in output
    assert snapshot() == (0, 0, 0, 0)


def test_a_term_ending_within_90_days_warns(world, tmp_path):
    joined = add_years(today(), -4) + dt.timedelta(days=30)
    path = people_file(tmp_path, [person_row(position="Chiến sĩ", formation="TD1", joined=joined)])

    code, output = import_people(path, "--unit", "A1")

    assert code == 0, output
    assert f"Sắp hết thời hạn tham gia ({add_years(joined, 4):%d/%m/%Y})." in output


def test_a_position_kept_to_one_gender_warns(world, tmp_path):
    ServicePosition.objects.filter(code="tieu-doi-truong").update(allowed_gender=Gender.MALE)
    path = people_file(
        tmp_path,
        [
            person_row(
                "Lê Thị Bình",
                "02/03/1995",
                "Nữ",
                "092195000124",
                position="Tiểu đội trưởng",
                formation="TD1",
            )
        ],
    )

    code, output = import_people(path, "--unit", "A1")

    assert code == 0, output
    assert "Chức vụ “Tiểu đội trưởng” được cấu hình chỉ dành cho nam." in output


def test_a_service_without_a_formation_needs_its_kind_of_force(world, tmp_path):
    code, output = import_people(
        people_file(tmp_path, [person_row(position="Chiến sĩ")]), "--unit", "A1"
    )

    assert code == 1 and "Cần “Thành phần” (tại chỗ, cơ động...)" in output


def test_an_unknown_formation_is_refused_listing_the_agencys_own(world, tmp_path):
    path = people_file(tmp_path, [person_row(position="Chiến sĩ", formation="Tiểu đội 9")])

    code, output = import_people(path, "--unit", "A1")

    assert (
        code == 1 and "Không có đơn vị tự vệ này" in output and "TD1 (Tiểu đội tự vệ 1)" in output
    )


def test_a_formation_is_found_by_code_or_by_name(world, tmp_path):
    path = people_file(tmp_path, [
        person_row(position="Chiến sĩ", formation="td1"),
        person_row("Lê Thị Bình", "02/03/1995", "Nữ", "092195000124", position="Chiến sĩ",
                   formation="TIỂU ĐỘI TỰ VỆ 1"),
    ])  # fmt: skip

    assert import_people(path, "--unit", "A1")[0] == 0
    assert set(Service.objects.values_list("formation", flat=True)) == {world.formation1.pk}


def test_a_new_formation_for_a_member_is_a_transfer_dated_today(world, tmp_path):
    first = people_file(
        tmp_path, [person_row(position="Chiến sĩ", formation="TD1", joined=A_YEAR_AGO)]
    )
    assert import_people(first, "--unit", "A1")[0] == 0
    squad2 = Formation.objects.create(
        agency=world.agency1, code="TD2", name="Tiểu đội tự vệ 2", level="tieu_doi",
        force_kind=ForceKind.objects.get(code="co-dong"),
    )  # fmt: skip
    moved = people_file(
        tmp_path, [person_row(position="Tiểu đội trưởng", formation="TD2", joined=A_YEAR_AGO)],
        name="chuyen.xlsx",
    )  # fmt: skip

    code, output = import_people(moved, "--unit", "A1")

    assert code == 0, output
    assert "Cập nhật: 1" in output
    assert (
        "Tự vệ: Chiến sĩ · Tiểu đội tự vệ 1 (Tự vệ tại chỗ) → Tiểu đội trưởng · Tiểu đội tự vệ 2 "
        f"(Tự vệ cơ động) (chuyển từ {today():%d/%m/%Y})" in output
    )
    old, new = person().services.order_by("joined_on")
    assert (old.status, old.ended_on, old.status_reason.code) == (
        ServiceStatus.TRANSFERRED,
        today(),
        "chuyen-don-vi",
    )
    assert (new.formation, new.position.code, new.force_kind.code, new.joined_on) == (
        squad2,
        "tieu-doi-truong",
        "co-dong",
        today(),
    )
    assert new.term_end == old.term_end and new.ended_on is None
    assert import_people(moved, "--unit", "A1")[1].count("Không đổi: 1") == 1


def test_a_member_missing_from_the_file_or_left_blank_is_not_discharged(world, tmp_path):
    path = people_file(tmp_path, [
        person_row(position="Chiến sĩ", formation="TD1", joined=A_YEAR_AGO),
        person_row("Lê Thị Bình", "02/03/1995", "Nữ", "092195000124", position="Chiến sĩ",
                   formation="TD1", joined=A_YEAR_AGO),
    ])  # fmt: skip
    assert import_people(path, "--unit", "A1")[0] == 0
    shorter = people_file(tmp_path, [person_row()], name="thieu.xlsx")

    code, output = import_people(shorter, "--unit", "A1")

    assert code == 0, output
    assert (
        "Không có trong tệp: 1 người của Sở Y tế thành phố Cần Thơ, 1 người đang tham gia tự "
        "vệ — không bị xóa, không bị cho thôi tham gia tự vệ: Lê Thị Bình (092195000124)." in output
    )
    assert "để trống “Chức vụ tự vệ” không làm thôi tham gia" in output
    assert Service.objects.filter(ended_on__isnull=True).count() == 2
    assert Person.objects.count() == 2


def test_a_status_the_record_does_not_have_is_refused(world, tmp_path):
    path = people_file(
        tmp_path, [person_row(position="Chiến sĩ", formation="TD1", joined=A_YEAR_AGO)]
    )
    assert import_people(path, "--unit", "A1")[0] == 0
    header = ["Họ và tên", "Số CCCD", "Chức vụ tự vệ", "Đơn vị", "Tình trạng"]
    rows = [["Nguyễn Văn An", "092090000123", "Chiến sĩ", "TD1", "Tạm hoãn"]]

    code, output = import_people(
        people_file(tmp_path, rows, header=header, name="tt.xlsx"), "--unit", "A1"
    )

    assert code == 1
    assert "Tình trạng trong tệp (“Tạm hoãn”) khác hồ sơ (“Đang tham gia”)" in output


# --- template and export ------------------------------------------------------------------


def test_the_template_has_the_roster_columns_notes_a_frozen_header_and_dropdowns(world, tmp_path):
    path = tmp_path / "mau.xlsx"
    assert run("export_template", "people", "-o", str(path))[0] == 0

    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Danh sách trích ngang"]
    headers = [str(cell.value).removesuffix(" (*)") for cell in sheet[1]]
    assert headers == [column.header for column in PEOPLE_COLUMNS]
    roster = [column.header for column in ROSTER_COLUMNS]
    assert [h for h in headers if h in roster] == roster  # the roster's columns, its order
    assert sheet.freeze_panes == "A3" and sheet.max_row == 2 and sheet["B1"].font.bold
    assert sheet["E2"].value.startswith("Bắt buộc, 12 chữ số")
    letters = {column.header: openpyxl.utils.get_column_letter(i)
               for i, column in enumerate(PEOPLE_COLUMNS, start=1)}  # fmt: skip
    validated = {str(v.sqref).split(":")[0] for v in sheet.data_validations.dataValidation}
    for header in ("Giới tính", "Dân tộc", "Tôn giáo", "Trình độ văn hóa", "Chức vụ tự vệ",
                   "Thành phần", "Tình trạng"):  # fmt: skip
        assert f"{letters[header]}3" in validated, header
    lists = {cell.value: i for i, cell in enumerate(workbook["Danh mục"][1], start=1)}
    column = workbook["Danh mục"][openpyxl.utils.get_column_letter(lists["Dân tộc"])]
    assert len([c for c in column if c.value]) == 55 and column[5].value == "Khơ-me"


def test_export_template_lists_the_people_and_boards_kinds():
    code, output = run("export_template", "--list")

    assert code == 0
    assert "people\tDanh sách trích ngang" in output and "boards\tBổ nhiệm Ban CHQS" in output


def test_an_exported_list_imports_back_with_every_row_unchanged(world, tmp_path):
    rows = [
        person_row(position="Tiểu đội trưởng", formation="TD1", joined=A_YEAR_AGO),
        person_row("LÊ THỊ BÌNH", 1995, "Nữ", "092195000124", ethnicity="Khmer",
                   position="Chiến sĩ", force_kind="Tự vệ cơ động", joined="01/03/2024"),
        person_row("Trần Văn Cường", "20/01/1980", "Nam", "092080000125", job="-Giám đốc",
                   phone=None),
        person_row("Võ Văn Dũng", "11/11/1991", "Nam", "361234567"),
    ]  # fmt: skip
    header = [*HEADER, "Ngày vào Đảng", "Ngày chính thức", "Quân nhân dự bị", "Sức khỏe",
              "Tôn giáo", "Ghi chú"]  # fmt: skip
    extra = [["05/05/2015", "05/05/2016", "x", "Loại 2", "Phật giáo", "+ ghi chú"],
             [None, None, None, 1, "Không", None], [None] * 6, [None] * 6]  # fmt: skip
    source = people_file(tmp_path, [r + e for r, e in zip(rows, extra, strict=True)], header=header)
    code, output = import_people(source, "--unit", "A1")
    assert code == 0, output
    # A member whose service was opened on the person page, then moved by hand.
    dung = person("361234567")
    service_open(
        person=dung,
        joined_on=dt.date(2023, 5, 1),
        position=ServicePosition.objects.get(code="chien-si"),
        formation=world.formation1,
    )
    exported = tmp_path / "xuat.xlsx"
    code, output = run("export_data", "people", "--unit", "A1", "-o", str(exported))
    assert code == 0 and "Đã xuất 4 dòng" in output
    before = snapshot()

    code, output = import_people(exported, "--unit", "A1")

    assert code == 0, output
    assert "Không đổi: 4" in output and "Bị từ chối: 0" in output
    assert snapshot() == before


def test_the_roster_export_of_the_pages_imports_back_unchanged(world, tmp_path, client_for):
    from django.urls import reverse

    header = [*HEADER, "Ngày vào Đảng", "Ngày chính thức"]
    path = people_file(tmp_path, [
        person_row(position="Chiến sĩ", formation="TD1", joined=A_YEAR_AGO)
        + ["05/05/2015", "05/05/2016"],
        person_row("Lê Thị Bình", 1995, "Nữ", "092195000124") + [None, None],
        person_row("Phan Văn Hòa", "02/02/1990", "Nam", "092090000126", position="Chiến sĩ",
                   formation="TD1", joined=A_YEAR_AGO) + [None, None],
    ], header=header)  # fmt: skip
    assert import_people(path, "--unit", "A1")[0] == 0
    postponed = StatusReason.objects.filter(status=ServiceStatus.POSTPONED).first()
    service_change_status(
        person=person("092090000126"), status=ServiceStatus.POSTPONED, on=today(),
        reason=postponed,
    )  # fmt: skip
    response = client_for(world.clerk).get(reverse("personnel:roster_export"))
    exported = tmp_path / "roster.xlsx"
    exported.write_bytes(response.content)
    sheet = openpyxl.load_workbook(exported).worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    written = {
        row[headers.index("Họ và tên")]: row for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    an = written["Nguyễn Văn An"]
    assert an[headers.index("Ngày chính thức")] == dt.datetime(2016, 5, 5)
    assert an[headers.index("Tình trạng")] == "Đang tham gia"
    assert written["Phan Văn Hòa"][headers.index("Tình trạng")] == "Tạm hoãn"
    assert written["Lê Thị Bình"][headers.index("Tình trạng")] is None
    before = snapshot()

    code, output = import_people(exported, "--user", "chi")

    assert code == 0, output
    assert "Không đổi: 3" in output
    assert snapshot() == before


def test_a_department_written_under_unit_for_a_non_member_is_ignored_with_a_warning(
    world, tmp_path
):
    path = people_file(tmp_path, [person_row(formation="Phòng Kế toán")])

    code, output = import_people(path, "--unit", "A1")

    assert code == 0, output
    assert "“Phòng Kế toán” không phải đơn vị tự vệ của cơ quan: bỏ qua." in output
    assert not Service.objects.exists()


def test_a_squad_without_a_position_is_refused(world, tmp_path):
    code, output = import_people(
        people_file(tmp_path, [person_row(formation="TD1")]), "--unit", "A1"
    )

    assert code == 1 and "Có “Đơn vị” nhưng thiếu chức vụ tự vệ." in output
