"""Logging in, and what a user outside a unit's scope or role meets."""

import re

from playwright.sync_api import expect

from tests.personas import PASSWORD


def test_a_wrong_password_is_refused_with_a_vietnamese_message(page, world, screenshot):
    page.goto("/dang-nhap/")
    expect(page.get_by_role("heading", name="Đăng nhập hệ thống CHQS")).to_be_visible()
    screenshot(page, "login")
    page.get_by_label("Tên đăng nhập").fill("binh")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()

    expect(page.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/dang-nhap/$"))
    expect(page.get_by_label("Tên đăng nhập")).to_have_value("binh")
    expect(page.get_by_label("Mật khẩu")).to_have_value("")
    expect(page.get_by_role("button", name="Đăng xuất")).to_have_count(0)


def test_a_logged_out_visitor_is_sent_to_the_login_page_and_then_back(page, world):
    page.goto("/don-vi/cay/")
    expect(page).to_have_url(re.compile(r"/dang-nhap/\?next=/don-vi/cay/$"))
    expect(page.get_by_role("heading", name="Đăng nhập hệ thống CHQS")).to_be_visible()
    expect(page.get_by_role("link", name="Cây tổ chức")).to_have_count(0)

    page.get_by_label("Tên đăng nhập").fill("binh")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/don-vi/cay/$"))
    expect(page.get_by_role("heading", name="Cây tổ chức")).to_be_visible()

    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/dang-nhap/$"))
    page.goto("/don-vi/A1/")
    expect(page).to_have_url(re.compile(r"/dang-nhap/\?next=/don-vi/A1/$"))


def test_a_clerk_cannot_reach_another_agency_nor_edit_her_own(page, world, login, screenshot):
    login(page, world.clerk)
    expect(page.get_by_role("heading", name="Tổng quan: Sở Y tế thành phố Cần Thơ")).to_be_visible()

    response = page.goto("/don-vi/A2/")
    assert response.status == 404
    expect(page).to_have_title(re.compile("^Không tìm thấy"))
    expect(page.get_by_role("heading", name="Không tìm thấy trang (lỗi 404)")).to_be_visible()
    expect(page.get_by_text("nằm ngoài phạm vi quản lý của đồng chí")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Điện lực")
    screenshot(page, "not_found_404")
    page.get_by_role("link", name="Về trang tổng quan").click()
    expect(page.get_by_role("heading", name="Tổng quan: Sở Y tế thành phố Cần Thơ")).to_be_visible()

    page.get_by_role("link", name="Đơn vị của tôi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sở Y tế thành phố Cần Thơ")
    expect(page.locator("#tu-ve").get_by_role("cell", name="Tiểu đội tự vệ 1")).to_be_visible()
    for action in ("Sửa", "Chuyển trực thuộc", "Giải thể", "+ Thêm"):
        expect(page.get_by_role("link", name=action, exact=True)).to_have_count(0)

    response = page.goto("/don-vi/A1/sua/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Không có quyền thực hiện (lỗi 403)")).to_be_visible()
    expect(
        page.get_by_text(
            "Vai trò của đồng chí không được thay đổi tổ chức (đơn vị, Ban CHQS, đơn vị tự vệ)."
        )
    ).to_be_visible()
