"""The clerk's main job, in the browser: her agency's staff list (danh sách trích ngang)
goes in from Excel. She uploads a list with mistakes, reads why rows are refused,
downloads her own file marked in red, uploads the fixed file, applies it and finds the
people on the roster; the same file a second time changes nothing."""

import datetime as dt
import re

import openpyxl
import pytest
from django.utils import timezone
from openpyxl.styles import Alignment, Font
from playwright.sync_api import expect

from chqs.imports.tasks import preview_job
from chqs.models import ImportJob, ImportStatus
from personnel.models import Person, ServicePosition, add_years
from personnel.services import service_open
from tests.personas import START
from units.models import today
from units.services import unit_create

TITLE = "DANH SÁCH TRÍCH NGANG CÁN BỘ, CÔNG NHÂN VIÊN CHỨC"
HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Dân tộc", "Chức vụ tự vệ",
          "Thành phần", "Ngày vào tự vệ"]  # fmt: skip
FILE_NAME = "Danh sách trích ngang Sở Y tế.xlsx"
RED = "00FFC7CE"
YELLOW = "00FFEB9C"
QUEUE = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
# The roster's order: by given name (Bảy, Hoa, Hùng, Mai, Tâm), not by family name.
SHOWN_NAMES = ["Phạm Văn Bảy", "Võ Thị Hoa", "Nguyễn Văn Hùng", "Trần Thị Mai", "Lê Văn Tâm"]


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    """Uploads land in a temporary folder, not in the project's var/private."""
    settings.PRIVATE_ROOT = tmp_path / "private"


def dmy(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def elder():
    """A man of 60 (born 60 years and 100 days ago), and the day he "joined": 60 days
    ago, aged 60, far past the 45 of Luật DQTV Điều 8."""
    born = add_years(today(), -60) - dt.timedelta(days=100)
    return born, today() - dt.timedelta(days=60), f"0920{born.year % 100:02d}001237"


def rows(*, fixed: bool) -> list[list]:
    """The five people, as a clerk types them: names in capitals, dates as text or as
    date cells, one CCCD typed as a number (Excel dropped its leading zero)."""
    joined = dmy(today() - dt.timedelta(days=400))
    born, elder_joined, elder_cccd = elder()
    return [
        [1, "NGUYỄN VĂN HÙNG", "15/07/1990", "Nam", 92090001234, "Kinh", "Chiến sĩ",
         "Tại chỗ", joined],
        [2, "TRẦN THỊ MAI", "28/02/1990" if fixed else "31/02/1990", "Nữ", "092190001235",
         "Kinh", "Chiến sĩ", "Cơ động", joined],
        [3, "LÊ VĂN TÂM", dt.datetime(1985, 5, 20), "Nam",
         "092085001236" if fixed else "0920850012", "Kinh", "Tiểu đội trưởng", "Tại chỗ",
         joined],
        # Fixed: at 60 he stays on the staff list, not in the self-defence force.
        [4, "PHẠM VĂN BẢY", dmy(born), "Nam", elder_cccd, "Kinh",
         *([None, None, None] if fixed else ["Chiến sĩ", "Tại chỗ", dmy(elder_joined)])],
        [5, "VÕ THỊ HOA", 1988, "Nữ", "092188001238", "Khơ-me", None, None, None],
    ]  # fmt: skip


def clerks_list(path, *, fixed: bool):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "DS trích ngang"
    sheet.append([TITLE])
    sheet.merge_cells("A1:I1")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(["(Kèm theo Công văn số 125/SYT-TCCB ngày 10/11/2026 của Sở Y tế)"])
    sheet.merge_cells("A2:I2")
    sheet.append(HEADER)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in rows(fixed=fixed):
        sheet.append(row)
    sheet["C6"].number_format = "DD/MM/YYYY"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def menu(page):
    return page.locator("nav.navbar")


def open_upload(page):
    menu(page).get_by_role("link", name="Nhập/xuất Excel").click()
    expect(page.get_by_role("heading", name="Nhập/xuất Excel")).to_be_visible()
    people = page.locator('tr[data-kind="people"]')
    expect(people).to_contain_text("Danh sách trích ngang")
    people.get_by_role("link", name="Tải lên").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tải lên: Danh sách trích ngang (cán bộ, nhân viên, tự vệ)"
    )


def upload(page, path, *, choose_agency: bool = True):
    """A clerk may pick her agency (the only one offered) or leave it: it is hers."""
    page.get_by_label("Tệp danh sách").set_input_files(str(path))
    agency = page.get_by_label("Cơ quan, tổ chức")
    expect(agency.locator("option")).to_have_text(["— chọn —", "Sở Y tế thành phố Cần Thơ"])
    if choose_agency:
        agency.select_option(label="Sở Y tế thành phố Cần Thơ")
    page.get_by_role("button", name="Tải lên và kiểm tra").click()


def counts(page):
    return page.locator("#counts")


def badge(page, outcome: str):
    return counts(page).locator(f'[data-outcome="{outcome}"]')


def fill(cell) -> str | None:
    return cell.fill.fgColor.rgb if cell.fill and cell.fill.fill_type == "solid" else None


def test_a_clerk_uploads_her_list_fixes_the_marked_file_and_finds_the_people_on_the_roster(
    page, world, login, screenshot, settings, tmp_path
):
    login(page, world.clerk)
    open_upload(page)

    # 1. The list with mistakes. A worker would check it; none runs yet: the page shows
    # the job waiting, then its progress, then (reloaded by htmx) the result.
    inline, settings.TASKS = settings.TASKS, QUEUE
    upload(page, clerks_list(tmp_path / "sai" / FILE_NAME, fixed=False))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Đang xử lý: {FILE_NAME}")
    progress = page.locator("#job-progress")
    expect(progress).to_contain_text("Đang chờ xử lý")
    job = ImportJob.objects.get(user=world.clerk)
    assert job.status == ImportStatus.QUEUED and job.unit == "A1"
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, phase="checking", progress=40, updated_at=timezone.now()
    )
    expect(progress).to_contain_text("40%", timeout=15000)
    expect(progress).to_contain_text("Đang kiểm tra")
    preview_job.call(job.pk)  # what the worker does
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Kết quả kiểm tra: {FILE_NAME}", timeout=15000
    )
    settings.TASKS = inline  # the rest is checked and applied as the page is asked

    expect(page.locator("main")).to_contain_text("dòng tiêu đề 3")
    expect(badge(page, "new")).to_have_text("Mới: 2")
    expect(badge(page, "rejected")).to_have_text("Bị từ chối: 3")
    expect(page.get_by_role("button", name="Áp dụng", exact=True)).to_have_count(0)
    expect(page.get_by_text("Có dòng bị từ chối nên chưa ghi gì.")).to_be_visible()
    rejected = page.locator("#rejected tbody tr")
    expect(rejected).to_have_count(3)
    # Row number in the sheet, the person, the column, the value typed, the reason.
    expect(rejected.nth(0).get_by_role("cell")).to_have_text(
        ["5", "Trần Thị Mai (092190001235)", "Ngày sinh", "31/02/1990",
         "Ngày 31/02/1990 không tồn tại."]
    )  # fmt: skip
    expect(rejected.nth(1).get_by_role("cell")).to_have_text(
        ["6", "Lê Văn Tâm", "Số CCCD", "0920850012",
         "Số CCCD phải gồm 12 chữ số (CMND cũ: 9 chữ số), đang có 10."]
    )  # fmt: skip
    born, elder_joined, elder_cccd = elder()
    expect(rejected.nth(2).get_by_role("cell")).to_have_text(
        ["7", f"Phạm Văn Bảy ({elder_cccd})", "Ngày vào tự vệ", dmy(elder_joined),
         re.compile(r"^Quá tuổi tham gia tự vệ đối với nam \(60 tuổi, quy định đến hết 45 "
                    r"tuổi\); chỉ được nếu tình nguyện .*nhập người này trên trang nhân sự\.$")]
    )  # fmt: skip
    # A year of birth alone is accepted, with a warning that blocks nothing.
    expect(page.locator("#warnings")).to_contain_text("Chỉ có năm sinh: tuổi được tính gần đúng.")
    expect(page.locator("#warnings")).to_contain_text("Võ Thị Hoa (092188001238)")
    screenshot(page, "upload_job_errors")
    assert not Person.objects.exists()  # a check writes nothing

    # 2. Her own file back, the bad cells in red and a "Lý do" column.
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải tệp đã đánh dấu lỗi").click()
    download = info.value
    assert download.suggested_filename == "Danh sách trích ngang Sở Y tế - đánh dấu lỗi.xlsx"
    marked = tmp_path / "marked.xlsx"
    download.save_as(marked)
    sheet = openpyxl.load_workbook(marked)["DS trích ngang"]
    assert sheet["A1"].value == TITLE and "A1:I1" in sheet.merged_cells
    assert sheet["J3"].value == "Lý do"
    assert [fill(sheet[cell]) for cell in ("C5", "E6", "I7")] == [RED] * 3
    assert fill(sheet["B5"]) is None and fill(sheet["E5"]) is None
    assert "Ngày 31/02/1990 không tồn tại." in sheet["J5"].value
    assert sheet["J5"].value.startswith("Cột “Ngày sinh” (giá trị “31/02/1990”)")
    assert "đang có 10" in sheet["J6"].value
    assert "Quá tuổi tham gia tự vệ đối với nam (60 tuổi" in sheet["J7"].value
    assert sheet["J4"].value is None  # a good row has no reason
    assert sheet["J8"].value == "Lưu ý: Chỉ có năm sinh: tuổi được tính gần đúng."
    assert fill(sheet["J8"]) == YELLOW

    # 3. The fixed file, checked inline this time, then applied.
    page.get_by_role("link", name="Tải lên tệp khác").click()
    upload(page, clerks_list(tmp_path / "sua" / FILE_NAME, fixed=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Kết quả kiểm tra: {FILE_NAME}", timeout=15000
    )
    expect(badge(page, "new")).to_have_text("Mới: 5")
    expect(badge(page, "rejected")).to_have_text("Bị từ chối: 0")
    expect(page.locator("#rejected")).to_have_count(0)
    changed = page.locator("#changed tbody tr")
    expect(changed).to_have_count(5)
    expect(changed.filter(has_text="Nguyễn Văn Hùng (092090001234)")).to_contain_text(
        "Vào tự vệ: Chiến sĩ (Tự vệ tại chỗ)"
    )
    page.get_by_role("button", name="Áp dụng", exact=True).click()

    expect(page.get_by_role("alert")).to_have_text("Đã áp dụng: ghi 5 dòng.", timeout=15000)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Đã áp dụng: {FILE_NAME}")
    expect(page.get_by_role("heading", name="Các dòng đã ghi")).to_be_visible()
    expect(page.get_by_role("button", name="Áp dụng", exact=True)).to_have_count(0)
    screenshot(page, "upload_job_applied")

    # 4. The roster: the new people, their names no longer in capitals.
    menu(page).get_by_role("link", name="Nhân sự").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sở Y tế thành phố Cần Thơ")
    expect(page.get_by_text("Tìm thấy 5 người.")).to_be_visible()
    names = page.locator("table.roster tbody tr td:nth-child(3) > a")
    expect(names).to_have_text(SHOWN_NAMES)
    hung = page.locator("table.roster tbody tr", has_text="Nguyễn Văn Hùng")
    expect(hung).to_contain_text("092090001234")  # the leading zero is back
    expect(hung).to_contain_text("Chiến sĩ")
    expect(hung).to_contain_text("Đang tham gia")
    bay = page.locator("table.roster tbody tr", has_text="Phạm Văn Bảy")
    expect(bay).to_contain_text("Chưa tham gia")
    hoa = page.locator("table.roster tbody tr", has_text="Võ Thị Hoa")
    expect(hoa.get_by_role("cell").nth(3)).to_have_text("1988")
    screenshot(page, "roster_after_upload")

    # 5. The same file again: every row unchanged, nothing to apply.
    page.goto("/nhap-du-lieu/people/tai-len/")
    upload(page, clerks_list(tmp_path / "sua" / FILE_NAME, fixed=True), choose_agency=False)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Kết quả kiểm tra: {FILE_NAME}", timeout=15000
    )
    expect(badge(page, "unchanged")).to_have_text("Không đổi: 5")
    expect(badge(page, "new")).to_have_text("Mới: 0")
    expect(badge(page, "updated")).to_have_text("Cập nhật: 0")
    expect(
        page.get_by_text("Không có gì thay đổi: dữ liệu trong tệp đã có sẵn trong hệ thống.")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Áp dụng", exact=True)).to_have_count(0)
    expect(page.locator("#changed")).to_have_count(0)
    assert Person.objects.filter(agency=world.agency1).count() == 5


def test_the_check_names_a_serving_member_missing_from_the_file(page, world, login, tmp_path):
    khanh = Person.objects.create(
        agency=world.agency1, full_name="Đỗ Văn Khánh", birth_date=dt.date(1989, 6, 1),
        gender="M", cccd="092089001239",
    )  # fmt: skip
    service_open(
        person=khanh, joined_on=add_years(today(), -1),
        position=ServicePosition.objects.get(code="chien-si"), formation=world.formation1,
    )  # fmt: skip
    login(page, world.clerk)
    page.goto("/nhap-du-lieu/people/tai-len/")
    upload(page, clerks_list(tmp_path / FILE_NAME, fixed=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Kết quả kiểm tra: {FILE_NAME}", timeout=15000
    )
    expect(badge(page, "new")).to_have_text("Mới: 5")
    note = (
        "Không có trong tệp: 1 người của Sở Y tế thành phố Cần Thơ, 1 người đang tham gia tự "
        "vệ — không bị xóa, không bị cho thôi tham gia tự vệ: Đỗ Văn Khánh (092089001239)."
    )
    assert ImportJob.objects.get(user=world.clerk).summary["notes"] == [note]  # checked, kept

    expect(page.locator("main")).to_contain_text(note, timeout=2000)


def test_a_staff_officer_who_forgets_the_agency_is_told_beside_the_agency_field(
    page, world, login, tmp_path
):
    # With two agencies in his region the choice is his to make (with one, it is implied).
    unit_create(
        parent=world.commune1, valid_from=START, code="A3", name="Trường Đại học Cần Thơ",
        kind=world.agency1.kind,
    )  # fmt: skip
    login(page, world.staff)
    open_upload(page)
    page.get_by_label("Tệp danh sách").set_input_files(
        str(clerks_list(tmp_path / FILE_NAME, fixed=True))
    )
    agency = page.get_by_label("Cơ quan, tổ chức")
    expect(agency.locator("option:checked")).to_have_text("— chọn —")
    with page.expect_response(re.compile(r"/tai-len/$")) as info:
        page.get_by_role("button", name="Tải lên và kiểm tra").click()
    assert info.value.status == 400
    expect(page.get_by_text("Cần chọn cơ quan, tổ chức")).to_be_visible()
    assert not Person.objects.exists()

    expect(agency).to_have_class(re.compile(r"\bis-invalid\b"), timeout=2000)
    expect(page.locator("main")).not_to_contain_text("--unit", timeout=2000)
