"""Ban CHQS appointments in the browser: Chi (clerk of A1) proposes the director as
Chỉ huy trưởng; Bình (staff officer) confirms; the unit page shows the holder."""

import datetime as dt
import re

from playwright.sync_api import expect

from personnel.models import Gender, Person


def vacancies(page):
    return page.locator("#ban-chqs tr.vacant")


def test_a_clerk_proposes_a_commander_and_a_staff_officer_confirms(page, world, login, screenshot):
    Person.objects.create(
        agency=world.agency1, full_name="Trần Văn Giám", birth_date=dt.date(1975, 5, 5),
        gender=Gender.MALE, cccd="092075000001", job_title="Giám đốc Sở",
        party_joined_on=dt.date(2000, 1, 1),
    )  # fmt: skip

    login(page, world.clerk)
    page.goto("/don-vi/A1/")
    vacant_before = vacancies(page).count()
    page.locator("#ban-chqs").get_by_role("link", name="Bổ nhiệm, xác nhận").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ban CHQS Sở Y tế thành phố Cần Thơ")
    page.get_by_role("link", name="Đề xuất bổ nhiệm").click()
    page.get_by_label("Chức vụ").select_option(label="Chỉ huy trưởng")
    page.get_by_label("Người đảm nhiệm").select_option(label="Trần Văn Giám (1975)")
    page.get_by_label("Từ ngày").fill("01/03/2024")
    page.get_by_label("Số quyết định").fill("15/QĐ-BCH")
    page.get_by_label("Ngày quyết định").fill("20/02/2024")
    screenshot(page, "appointment-propose")
    page.get_by_role("button", name="Gửi đề xuất").click()

    expect(page).to_have_url(re.compile(r"/nhan-su/ban-chqs/A1/$"))
    expect(page.get_by_role("alert").first).to_contain_text("Đã đề xuất Trần Văn Giám")
    proposals = page.locator("#de-xuat")
    expect(proposals).to_contain_text("Trần Văn Giám")
    expect(proposals).to_contain_text("Chờ trợ lý xác nhận")
    expect(proposals.get_by_role("button", name="Xác nhận")).to_have_count(0)

    page.context.clear_cookies()
    login(page, world.staff)
    page.goto("/don-vi/A1/")
    expect(page.locator("#ban-chqs").get_by_title("Đề xuất chờ xác nhận")).to_have_text("1")
    page.locator("#ban-chqs").get_by_role("link", name="Bổ nhiệm, xác nhận").click()
    screenshot(page, "board")
    page.locator("#de-xuat").get_by_role("button", name="Xác nhận").click()

    expect(page.get_by_role("alert").first).to_contain_text("Đã xác nhận Trần Văn Giám")
    expect(page.locator("#de-xuat")).to_contain_text("Không có đề xuất nào chờ xác nhận.")
    page.goto("/don-vi/A1/")
    commander = page.locator("#ban-chqs tr", has_text="Chỉ huy trưởng").first
    expect(commander).to_contain_text("Trần Văn Giám")
    expect(vacancies(page)).to_have_count(vacant_before - 1)
