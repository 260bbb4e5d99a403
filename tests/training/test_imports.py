"""The `courses`, `quotas` and `attendance` import kinds: same preview, errors and
--dry-run as people; a rejected file writes nothing; an export imports back unchanged."""

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest

from tests.chqs.sheets import run
from training.models import Course, Nomination, Quota, TrainingPlan

from . import factories as f

pytestmark = pytest.mark.django_db


def sheet(tmp_path, header, rows, name="tep.xlsx"):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    path = tmp_path / name
    book.save(path)
    return str(path)


COURSES = ["Năm kế hoạch", "Mã đơn vị tổ chức", "Mã lớp", "Tên lớp", "Đối tượng", "Từ ngày",
           "Đến ngày", "Số ngày", "Địa điểm"]  # fmt: skip


def test_a_courses_file_creates_the_plan_and_courses(world, tmp_path):
    path = sheet(tmp_path, COURSES, [
        [2025, "R1", "TH-CBDV-25", "Tập huấn cán bộ tiểu đội", "Cán bộ đơn vị (trung đội, "
         "tiểu đội, khẩu đội)", "07/04/2025", "11/04/2025", 5, "Hội trường PTKV 1"],
        [2025, "R1", "HL-N1-25", "Huấn luyện năm thứ nhất", "first-year", "02/06/2025",
         "20/06/2025", "15", ""],
    ])  # fmt: skip

    code, output = run("import_data", "courses", path, "--user", "binh", "--dry-run")
    assert code == 0, output
    assert "Mới: 2" in output
    assert not Course.objects.exists()

    code, output = run("import_data", "courses", path, "--user", "binh")
    assert code == 0, output
    plan = TrainingPlan.objects.get()
    assert (plan.organiser, plan.year) == (world.region1, 2025)
    course = Course.objects.get(code="TH-CBDV-25")
    assert (course.audience.code, course.days, course.organiser) == (
        "unit-leader",
        Decimal("5"),
        world.region1,
    )


def test_a_course_out_of_scope_or_with_bad_dates_rejects_the_file(world, tmp_path):
    path = sheet(tmp_path, COURSES, [
        [2025, "R2", "TH-1", "Lớp ngoài phạm vi", "in-place", "07/04/2025", "11/04/2025", 5, ""],
        [2025, "R1", "TH-2", "Lớp ngày sai", "in-place", "07/04/2025", "01/04/2025", 5, ""],
        [2025, "R1", "TH-3", "Lớp quá ngày", "in-place", "07/04/2025", "08/04/2025", 5, ""],
        [2025, "R1", "TH-4", "Lớp hợp lệ", "in-place", "07/04/2025", "13/04/2025", 7, ""],
    ])  # fmt: skip

    code, output = run("import_data", "courses", path, "--user", "binh")

    assert code == 1
    assert "Không tìm thấy đơn vị tổ chức trong phạm vi quản lý." in output
    assert "Ngày kết thúc trước ngày bắt đầu." in output
    assert "Nhiều hơn số ngày từ ngày bắt đầu đến ngày kết thúc." in output
    assert not Course.objects.exists()


QUOTAS = ["Mã lớp", "Mã đơn vị", "Chỉ tiêu"]


def test_quotas_are_set_for_agencies_the_course_trains(world, tmp_path):
    course = f.course(world.region1, "TH-1", "unit-leader", dt.date(2025, 4, 7))
    f.quota(course, world.agency1, 3)
    ok = sheet(tmp_path, QUOTAS, [["TH-1", "A1", "1.200"]])
    code, output = run("import_data", "quotas", ok, "--user", "binh")
    assert code == 0, output
    assert "Cập nhật: 1" in output
    assert Quota.objects.get(course=course).quantity == 1200

    bad = sheet(tmp_path, QUOTAS, [["TH-1", "A2", 5], ["TH-9", "A1", 5]], name="sai.xlsx")
    code, output = run("import_data", "quotas", bad, "--user", "an")
    assert code == 1
    assert "Cơ quan này không thuộc Ban Chỉ huy PTKV 1." in output
    assert "Không tìm thấy lớp có mã này." in output


ATTENDANCE = ["Mã lớp", "Số CCCD", "Họ và tên", "Số ngày tham gia", "Lý do vắng", "Kết quả"]


def test_attendance_records_days_results_and_absences(world, tmp_path):
    course = f.course(world.region1, "TH-1", "unit-leader", dt.date(2025, 4, 7), days=5)
    leader = f.person(world.agency1, "Trần Văn An")
    f.member(leader, position="tieu-doi-truong", joined=dt.date(2021, 1, 1))
    private = f.person(world.agency1, "Lê Văn Bảo")
    f.member(private, joined=dt.date(2021, 1, 1))
    Nomination.objects.create(course=course, person=leader, agency=world.agency1)
    path = sheet(tmp_path, ATTENDANCE, [
        ["TH-1", leader.cccd, "Trần Văn An", None, None, "Khá"],
        ["TH-1", private.cccd, "Lê Văn Bảo", "2,5", None, "Đạt"],
    ])  # fmt: skip

    code, output = run("import_data", "attendance", path, "--user", "binh")

    assert code == 0, output
    assert "Không thuộc đối tượng" in output  # a warning: the organiser's list stands
    an = Nomination.objects.get(person=leader)
    assert (an.attendance, an.days_attended, an.result) == ("present", Decimal("5"), "kha")
    bao = Nomination.objects.get(person=private)
    assert (bao.agency, bao.days_attended, bao.result) == (world.agency1, Decimal("2.5"), "dat")


def test_an_absence_needs_a_reason_and_has_no_result(world, tmp_path):
    f.course(world.region1, "TH-1", "in-place", dt.date(2025, 4, 7), days=5)
    who = f.person(world.agency1, "Trần Văn An")
    path = sheet(tmp_path, ATTENDANCE, [["TH-1", who.cccd, None, 0, None, "Đạt"]])

    code, output = run("import_data", "attendance", path, "--user", "binh")

    assert code == 1
    assert "Vắng mặt (0 ngày) thì không có kết quả." in output
    assert "Vắng mặt cần ghi lý do." in output
    assert not Nomination.objects.exists()


@pytest.mark.parametrize("kind", ["courses", "quotas", "attendance"])
def test_an_export_imports_back_unchanged(world, tmp_path, kind):
    course = f.course(world.region1, "TH-1", "unit-leader", dt.date(2025, 4, 7), days=5)
    f.quota(course, world.agency1, 4)
    f.attend(course, f.people(world.agency1, 3), 2, results=["gioi", "dat"])
    out = tmp_path / f"{kind}.xlsx"
    code, output = run("export_data", kind, "--user", "binh", "-o", str(out))
    assert code == 0, output

    code, output = run("import_data", kind, str(out), "--user", "binh", "--dry-run")
    assert code == 0, output
    assert "Mới: 0 · Cập nhật: 0" in output


@pytest.mark.parametrize("kind", ["courses", "quotas", "attendance"])
def test_each_kind_has_a_template(world, tmp_path, kind):
    out = tmp_path / f"mau-{kind}.xlsx"
    code, output = run("export_template", kind, "-o", str(out))
    assert code == 0, output
    header = [c.value for c in next(openpyxl.load_workbook(out).active.iter_rows(max_row=1))]
    assert "Mã lớp (*)" in header
