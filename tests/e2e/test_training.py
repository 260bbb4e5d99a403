"""Training in the browser: Chi (clerk of A1) nominates qualifying people to the
province's course and is warned over quota; Bình (staff officer of R1, the organiser)
records attendance and results; the compliance page shows the rate."""

import datetime as dt
import re

from playwright.sync_api import expect

from tests.training import factories as f
from training.models import Nomination

ON = dt.date(2025, 4, 7)


def members(world, *names, joined=dt.date(2022, 1, 10)):
    people = [f.person(world.agency1, name) for name in names]
    for p in people:
        f.member(p, position="tieu-doi-truong", joined=joined, formation=world.formation1)
    return people


def test_a_clerk_nominates_qualifying_people_and_is_warned_over_quota(
    page, world, login, screenshot
):
    course = f.course(world.region1, "TH-CBDV-2025", "unit-leader", ON, days=5)
    f.quota(course, world.agency1, 1)
    members(world, "Trần Văn An", "Lê Văn Bảo")
    f.member(f.person(world.agency1, "Phạm Văn Lính"), joined=dt.date(2022, 1, 10))

    login(page, world.clerk)
    page.goto("/huan-luyen/?nam=2025")
    page.get_by_role("link", name="TH-CBDV-2025").click()
    page.get_by_role("link", name="Cử người").click()
    candidates = page.locator("#ung-vien")
    expect(candidates.locator("tr", has_text="Phạm Văn Lính")).to_contain_text(
        "không thuộc đối tượng này"
    )
    expect(
        candidates.locator("tr", has_text="Phạm Văn Lính").get_by_role("checkbox")
    ).to_be_disabled()
    page.get_by_label("Trần Văn An").check()
    page.get_by_label("Lê Văn Bảo").check()
    screenshot(page, "training-nominate")
    page.get_by_role("button", name="Cử những người đã chọn").click()

    expect(page).to_have_url(re.compile(r"/huan-luyen/lop/\d+/cu-nguoi/A1/$"))
    alerts = page.get_by_role("alert")
    expect(alerts.filter(has_text="Đã cử 2 người vào lớp")).to_have_count(1)
    expect(alerts.filter(has_text="vượt chỉ tiêu 1")).to_have_count(1)
    expect(page.locator("#da-cu")).to_contain_text("Trần Văn An")
    assert Nomination.objects.active().filter(course=course).count() == 2


def test_the_organiser_records_attendance_and_results(page, world, login, screenshot):
    course = f.course(world.region1, "TH-CBDV-2025", "unit-leader", ON, days=5)
    f.quota(course, world.agency1, 2)
    an, bao = members(world, "Trần Văn An", "Lê Văn Bảo")
    for p in (an, bao):
        Nomination.objects.create(course=course, person=p, agency=world.agency1)

    login(page, world.staff)
    page.goto(f"/huan-luyen/lop/{course.pk}/")
    page.get_by_role("link", name="Điểm danh, kết quả").click()
    page.get_by_label("Tham gia: Trần Văn An").select_option(label="Có mặt")
    page.get_by_label("Kết quả: Trần Văn An").select_option(label="Khá")
    page.get_by_label("Tham gia: Lê Văn Bảo").select_option(label="Vắng mặt")
    page.get_by_role("button", name="Lưu kết quả").click()
    expect(page.get_by_role("alert").first).to_contain_text("Vắng mặt cần ghi lý do")

    page.get_by_label("Lý do vắng: Lê Văn Bảo").fill("Ốm")
    screenshot(page, "training-results")
    page.get_by_role("button", name="Lưu kết quả").click()
    expect(page.get_by_role("alert").first).to_contain_text("Đã lưu kết quả (2 người thay đổi)")
    expect(page.get_by_label("Số ngày: Trần Văn An")).to_have_value("5")

    page.goto("/huan-luyen/theo-doi/?nam=2025&don_vi=R1")
    row = page.locator("#theo-co-quan tr", has_text="Sở Y tế")
    expect(row).to_contain_text("50%")
    row.get_by_role("link").click()
    expect(page.locator("#nguoi-duoc-cu")).to_contain_text("Khá")
