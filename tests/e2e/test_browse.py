"""Reading the command tree and the unit list, as a staff officer does."""

import re

from playwright.sync_api import expect


def menu(page):
    """The top menu bar."""
    return page.locator("nav.navbar")


def tree_node(page, code: str):
    """One unit in the tree: a <details> with children, a leaf otherwise (data-unit)."""
    return page.locator(f'.tree [data-unit="{code}"]')


def test_a_staff_officer_sees_his_region_in_the_command_tree_and_folds_it(
    page, world, login, screenshot
):
    login(page, world.staff)
    expect(page.get_by_role("heading", name="Tổng quan: Ban Chỉ huy PTKV 1")).to_be_visible()
    expect(menu(page)).to_contain_text("Trợ lý")
    expect(page.locator('[data-figure="agencies"]')).to_have_text("1")
    expect(page.locator('[data-figure="staff"]')).to_have_text("120")
    screenshot(page, "home")

    menu(page).get_by_role("link", name="Cây tổ chức").click()
    expect(page).to_have_title(re.compile("^Cây tổ chức"))
    expect(page.get_by_role("heading", name="Cây tổ chức")).to_be_visible()
    tree = page.locator(".tree")
    region, commune, agency = tree_node(page, "R1"), tree_node(page, "X1"), tree_node(page, "A1")
    # His region is the root, open; what lies under it is folded.
    expect(tree.get_by_role("link", name="Ban Chỉ huy PTKV 1")).to_be_visible()
    expect(region.locator("> .node-label")).to_contain_text(
        "Ban Chỉ huy phòng thủ khu vực · 1 cơ quan · 1 Ban CHQS · 1 đơn vị tự vệ"
    )
    expect(tree.get_by_role("link", name="Ban CHQS phường Ninh Kiều")).to_be_visible()
    expect(commune.locator("> .node-label")).to_contain_text("Ban CHQS xã/phường · 1 cơ quan")
    expect(tree.get_by_role("link", name="Sở Y tế thành phố Cần Thơ")).to_be_hidden()
    # Nothing of the other region, not even its name.
    expect(tree).not_to_contain_text("PTKV 2")
    expect(tree).not_to_contain_text("Điện lực")
    expect(tree).not_to_contain_text("Bộ CHQS")

    page.get_by_role("button", name="Mở tất cả").click()
    expect(tree.get_by_role("link", name="Sở Y tế thành phố Cần Thơ")).to_be_visible()
    expect(agency.locator("> .node-label")).to_contain_text(
        "Cơ quan, tổ chức · 1 cơ quan · 1 Ban CHQS · 1 đơn vị tự vệ"
    )
    screenshot(page, "tree")

    page.get_by_role("button", name="Thu gọn").click()
    expect(tree.get_by_role("link", name="Ban Chỉ huy PTKV 1")).to_be_visible()
    expect(tree.get_by_role("link", name="Ban CHQS phường Ninh Kiều")).to_be_hidden()

    # A click on a summary (beside its link) opens one level at a time.
    region.locator("> summary .counts").click()
    expect(tree.get_by_role("link", name="Ban CHQS phường Ninh Kiều")).to_be_visible()
    expect(tree.get_by_role("link", name="Sở Y tế thành phố Cần Thơ")).to_be_hidden()
    commune.locator("> summary .counts").click()
    expect(tree.get_by_role("link", name="Sở Y tế thành phố Cần Thơ")).to_be_visible()

    # The unit's name in the tree leads to its page.
    tree.get_by_role("link", name="Sở Y tế thành phố Cần Thơ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sở Y tế thành phố Cần Thơ")


def test_searching_the_unit_list_ignores_accents(page, world, login, screenshot):
    login(page, world.staff)
    menu(page).get_by_role("link", name="Danh sách đơn vị").click()
    expect(page.get_by_role("heading", name="Danh sách đơn vị")).to_be_visible()
    expect(page.get_by_text("Tìm thấy 3 đơn vị.")).to_be_visible()

    search = page.get_by_role("search")
    search.get_by_label("Tìm kiếm").fill("can tho")
    search.get_by_label("Tìm kiếm").press("Enter")

    expect(page).to_have_url(re.compile(r"[?&]q=can\+tho"))
    expect(page.get_by_text("Tìm thấy 1 đơn vị.")).to_be_visible()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Sở Y tế thành phố Cần Thơ")
    expect(rows.first).to_contain_text("Cơ quan nhà nước")
    # The other region's "Công ty Điện lực Cần Thơ" matches too, but is not his to see.
    expect(page.get_by_text("Điện lực")).to_have_count(0)
    expect(search.get_by_label("Tìm kiếm")).to_have_value("can tho")
    screenshot(page, "unit_list_search")

    search.get_by_label("Tìm kiếm").fill("CẦN   THƠ y te")
    search.get_by_role("button", name="Lọc").click()
    expect(page.get_by_text("Tìm thấy 1 đơn vị.")).to_be_visible()

    search.get_by_label("Tìm kiếm").fill("hà nội")
    search.get_by_role("button", name="Lọc").click()
    expect(page.get_by_text("Không có đơn vị nào khớp điều kiện lọc.")).to_be_visible()


def test_the_tree_on_a_date_before_a_move_still_shows_the_old_parent(
    page, world, login, screenshot
):
    login(page, world.admin)
    page.goto("/don-vi/A1/")
    page.get_by_role("link", name="Chuyển trực thuộc").click()
    expect(
        page.get_by_role("heading", name="Chuyển trực thuộc: Sở Y tế thành phố Cần Thơ")
    ).to_be_visible()
    page.get_by_label("Đơn vị cấp trên mới").select_option(label="Ban CHQS xã Phong Điền (X2)")
    page.get_by_label("Từ ngày").fill("01/07/2025")
    page.get_by_label("Căn cứ (quyết định)").fill("Nghị quyết 1656/NQ-UBTVQH15")
    page.get_by_role("button", name="Lưu").click()

    expect(page.get_by_role("alert")).to_have_text(
        "Đã chuyển “Sở Y tế thành phố Cần Thơ” sang “Ban CHQS xã Phong Điền”."
    )
    links = page.locator(".card", has_text="Quá trình trực thuộc").locator("tbody tr")
    expect(links).to_have_count(2)
    expect(links.nth(0).get_by_role("cell")).to_have_text(
        ["Ban CHQS xã Phong Điền", "01/07/2025", "nay", "Nghị quyết 1656/NQ-UBTVQH15"]
    )
    expect(links.nth(1).get_by_role("cell")).to_have_text(
        ["Ban CHQS phường Ninh Kiều", "01/01/2020", "01/07/2025", ""]
    )

    # Today's tree: the agency sits under its new commune, in the other region.
    menu(page).get_by_role("link", name="Cây tổ chức").click()
    page.get_by_role("button", name="Mở tất cả").click()
    agency = page.get_by_role("link", name="Sở Y tế thành phố Cần Thơ")
    expect(tree_node(page, "X2").locator(agency)).to_be_visible()
    expect(tree_node(page, "X1").locator(agency)).to_have_count(0)
    expect(tree_node(page, "R1").locator("> .node-label")).to_contain_text("· 0 cơ quan")
    expect(tree_node(page, "R2").locator("> .node-label")).to_contain_text("· 2 cơ quan")

    # The tree as it stood in 2023: the agency is still under its old commune.
    page.get_by_label("Xem cây tại ngày").fill("15/07/2023")
    page.get_by_role("button", name="Xem", exact=True).click()
    expect(page).to_have_url(re.compile(r"ngay=15%2F07%2F2023"))
    expect(page.get_by_role("heading", name="Cây tổ chức tại ngày 15/07/2023")).to_be_visible()
    expect(page.get_by_label("Xem cây tại ngày")).to_have_value("15/07/2023")
    page.get_by_role("button", name="Mở tất cả").click()
    expect(tree_node(page, "X1").locator(agency)).to_be_visible()
    expect(tree_node(page, "X2").locator(agency)).to_have_count(0)
    expect(tree_node(page, "R1").locator("> .node-label")).to_contain_text("· 1 cơ quan")
    expect(tree_node(page, "R2").locator("> .node-label")).to_contain_text("· 1 cơ quan")
    screenshot(page, "tree_on_a_date")

    # The day the move takes effect, the new parent holds it.
    page.goto("/don-vi/cay/?ngay=01/07/2025")
    page.get_by_role("button", name="Mở tất cả").click()
    expect(tree_node(page, "X2").locator(agency)).to_be_visible()
    expect(tree_node(page, "X1").locator(agency)).to_have_count(0)
