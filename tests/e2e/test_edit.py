"""Changing the command tree through its forms, as a staff officer does."""

import re

import pytest
from playwright.sync_api import expect

from units.models import Unit

NEW_AGENCY = "Trường Đại học Cần Thơ"


def fill_new_agency(page, *, code="DHCT", valid_from="01/03/2024"):
    """The create form, reached from the commune's page, filled for an agency under X1."""
    page.goto("/don-vi/X1/")
    page.get_by_role("link", name="Thêm đơn vị trực thuộc").click()
    expect(page.get_by_role("heading", name="Thêm đơn vị")).to_be_visible()
    # The commune the officer came from is already chosen as the parent.
    parent = page.get_by_label("Đơn vị cấp trên")
    expect(parent.locator("option:checked")).to_have_text("Ban CHQS phường Ninh Kiều (X1)")
    page.get_by_label("Mã đơn vị").fill(code)
    page.get_by_label("Tên đơn vị").fill(NEW_AGENCY)
    page.get_by_label("Loại đơn vị").select_option(label="Cơ quan, tổ chức")
    page.get_by_label("Loại hình cơ quan").select_option(label="Đơn vị sự nghiệp")
    page.get_by_label("Tổng số CBCNV").fill("45")
    parent.select_option(label="Ban CHQS phường Ninh Kiều (X1)")
    page.get_by_label("Trực thuộc từ ngày").fill(valid_from)


def history_rows(page):
    return page.locator("#lich-su tbody tr")


def test_a_staff_officer_creates_an_agency_then_sees_his_edit_in_its_history(
    page, world, login, screenshot
):
    login(page, world.staff)
    fill_new_agency(page)
    page.get_by_label("Căn cứ (quyết định)").fill("QĐ 15/QĐ-BCH")
    page.get_by_role("button", name="Lưu").click()

    expect(page).to_have_url(re.compile(r"/don-vi/DHCT/$"))
    expect(page.get_by_role("alert")).to_have_text(f"Đã tạo đơn vị “{NEW_AGENCY}”.")
    expect(page.get_by_role("heading", level=1)).to_have_text(NEW_AGENCY)
    breadcrumb = page.get_by_role("navigation", name="breadcrumb")
    expect(breadcrumb).to_contain_text("Ban Chỉ huy PTKV 1")
    expect(breadcrumb).to_contain_text("Ban CHQS phường Ninh Kiều")
    info = page.locator(".card", has_text="Thông tin chung")
    expect(info.get_by_role("row", name="Loại hình cơ quan")).to_contain_text("Đơn vị sự nghiệp")
    expect(info.get_by_role("row", name="Tổng số CBCNV")).to_contain_text("45")
    links = page.locator(".card", has_text="Quá trình trực thuộc").locator("tbody tr")
    expect(links.get_by_role("cell")).to_have_text(
        ["Ban CHQS phường Ninh Kiều", "01/03/2024", "nay", "QĐ 15/QĐ-BCH"]
    )
    expect(history_rows(page).filter(has_text="Tạo mới")).to_have_count(2)  # unit + link

    page.get_by_role("link", name="Sửa", exact=True).first.click()
    expect(page.get_by_role("heading", name=f"Sửa đơn vị: {NEW_AGENCY}")).to_be_visible()
    expect(page.get_by_label("Tổng số CBCNV")).to_have_value("45")
    page.get_by_label("Tên đơn vị").fill("Trường Đại học Cần Thơ (cơ sở 2)")
    page.get_by_label("Tổng số CBCNV").fill("1250")
    page.get_by_role("button", name="Lưu").click()

    expect(page.get_by_role("alert")).to_have_text("Đã lưu thay đổi.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Trường Đại học Cần Thơ (cơ sở 2)")
    expect(info.get_by_role("row", name="Tổng số CBCNV")).to_contain_text("1.250")
    edit = history_rows(page).filter(has_text="Sửa").first
    expect(edit.get_by_role("cell").nth(2)).to_have_text("Đơn vị")
    expect(edit).to_contain_text(
        "Tên đơn vị: Trường Đại học Cần Thơ → Trường Đại học Cần Thơ (cơ sở 2)"
    )
    expect(edit).to_contain_text("Tổng số CBCNV: 45 → 1.250")
    # Who did it: the officer, family name first as Vietnamese names are written.
    expect(edit.get_by_role("cell").nth(1)).to_have_text("Trần Thanh Bình")
    expect(edit.get_by_role("cell").first).to_have_text(re.compile(r"^\d\d/\d\d/\d{4} \d\d:\d\d$"))
    screenshot(page, "unit_detail_history")


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("code", "A1", "Mã đơn vị này đã có; chọn mã khác."),
        ("valid_from", "31/02/2024", "Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy."),
    ],
    ids=["duplicate_code", "impossible_date"],
)
def test_a_wrong_entry_in_the_create_form_is_explained_in_vietnamese_and_creates_nothing(
    page, world, login, field, value, error
):
    login(page, world.staff)
    units_before = Unit.objects.count()
    if field == "code":
        fill_new_agency(page, code=value)
        label = "Mã đơn vị"
    else:
        fill_new_agency(page, valid_from=value)
        label = "Trực thuộc từ ngày"
    page.get_by_role("button", name="Lưu").click()

    expect(page.get_by_role("heading", name="Thêm đơn vị")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/don-vi/them/"))
    message = page.get_by_text(error, exact=True)
    expect(message).to_be_visible()
    expect(message).to_have_class(re.compile("text-danger"))
    # The message sits under the field it is about, and what was typed is kept.
    field_box = page.locator(".mb-3", has=page.get_by_label(label))
    expect(field_box).to_contain_text(error)
    expect(page.get_by_label(label)).to_have_value(value)
    expect(page.get_by_label("Tên đơn vị")).to_have_value(NEW_AGENCY)
    assert Unit.objects.count() == units_before
    assert not Unit.objects.filter(name=NEW_AGENCY).exists()
