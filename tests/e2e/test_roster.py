"""The roster, as a staff officer reads and changes it and a commander reads it.

Bình (trợ lý, PTKV 1) finds people without typing accents, narrows the list by the
term ending soon and by gender, records a transfer and an extension through their
forms and reads them back in the person's history. Dũng (chỉ huy, same region) reads
the same people with the CCCD and phone masked and nothing to change.
"""

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from personnel.models import Ethnicity, Person, ServicePosition, add_years
from personnel.services import service_open
from units.models import ForceKind, Formation, today


@dataclass
class Staff:
    hung: Person  # serving in TD1 for two years
    long: Person  # term ends in 30 days
    lan: Person  # a woman, serving without a formation
    nam: Person  # on the staff list, not in the force
    dien: Person  # in A2, the other region
    squad2: Formation
    joined_hung: dt.date
    term_long: dt.date


def person(agency, name, born, gender, cccd, **extra) -> Person:
    kinh = Ethnicity.objects.get(name="Kinh")
    return Person.objects.create(
        agency=agency, full_name=name, birth_date=born, gender=gender, cccd=cccd,
        ethnicity=kinh, **extra,
    )  # fmt: skip


@pytest.fixture
def staff(world) -> Staff:
    a1 = world.agency1
    fighter = ServicePosition.objects.get(code="chien-si")
    squad2 = Formation.objects.create(
        agency=a1, code="TD2", name="Tiểu đội tự vệ 2", level="tieu_doi",
        force_kind=ForceKind.objects.get(code="tai-cho"),
    )  # fmt: skip
    hung = person(a1, "Nguyễn Văn Hùng", dt.date(1990, 7, 15), "M", "092090001234",
                  phone="0912345678", job_title="Chuyên viên")  # fmt: skip
    joined_hung = add_years(today(), -2)
    service_open(person=hung, joined_on=joined_hung, position=fighter, formation=world.formation1)
    long = person(a1, "Nguyễn Văn Long", dt.date(1988, 3, 3), "M", "092088001235")
    joined_long = add_years(today(), -4) + dt.timedelta(days=30)
    service, _ = service_open(
        person=long, joined_on=joined_long, position=fighter, formation=world.formation1
    )
    lan = person(a1, "Nguyễn Thị Lan", dt.date(1992, 9, 2), "F", "092192001236")
    service_open(
        person=lan, joined_on=add_years(today(), -1), position=fighter,
        force_kind=ForceKind.objects.get(code="co-dong"),
    )  # fmt: skip
    nam = person(a1, "Trần Văn Nam", dt.date(1995, 1, 9), "M", "092095001237")
    dien = person(world.agency2, "Nguyễn Văn Điện", dt.date(1991, 4, 4), "M", "092091001238")
    return Staff(hung, long, lan, nam, dien, squad2, joined_hung, service.term_end)


def dmy(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def menu(page):
    return page.locator("nav.navbar")


def card(page, title: str):
    """A card of the person page, by its header."""
    header = page.locator(".card-header", has_text=re.compile(f"^{re.escape(title)}$"))
    return page.locator(".card", has=header)


def roster_rows(page):
    return page.locator("table.roster tbody tr")


def names(page):
    return page.locator("table.roster tbody td:nth-child(3) > a")


def test_a_staff_officer_finds_people_and_records_a_transfer_and_an_extension(
    page, world, staff, login, screenshot
):
    login(page, world.staff)
    menu(page).get_by_role("link", name="Nhân sự").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Danh sách cán bộ, nhân viên")
    expect(page.get_by_text("Tìm thấy 4 người.")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Nguyễn Văn Điện")  # PTKV 2's
    # A staff officer reads the CCCD in full.
    expect(roster_rows(page).filter(has_text="Nguyễn Văn Hùng")).to_contain_text("092090001234")
    screenshot(page, "roster")

    # Typed without accents, in any case.
    search = page.get_by_role("search")
    search.get_by_label("Họ tên hoặc số CCCD").fill("nguyen VAN")
    search.get_by_role("button", name="Lọc").click()
    expect(page).to_have_url(re.compile(r"[?&]q=nguyen\+VAN"))
    expect(page.get_by_text("Tìm thấy 2 người.")).to_be_visible()
    expect(names(page)).to_have_text(["Nguyễn Văn Hùng", "Nguyễn Văn Long"])
    screenshot(page, "roster_search")

    # By gender, the search kept.
    search.get_by_label("Giới tính").select_option(label="Nữ")
    search.get_by_role("button", name="Lọc").click()
    expect(page.get_by_text("Không có người nào khớp điều kiện lọc.")).to_be_visible()
    search.get_by_label("Họ tên hoặc số CCCD").fill("")
    search.get_by_role("button", name="Lọc").click()
    expect(names(page)).to_have_text(["Nguyễn Thị Lan"])
    expect(roster_rows(page).first).to_contain_text("Tự vệ cơ động")
    page.get_by_role("link", name="Xóa lọc").click()
    expect(page.get_by_text("Tìm thấy 4 người.")).to_be_visible()

    # A transfer, from the person's page.
    page.get_by_role("link", name="Nguyễn Văn Hùng").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nguyễn Văn Hùng")
    page.get_by_role("link", name="Điều chuyển").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Điều chuyển: Nguyễn Văn Hùng")
    expect(page.locator(".alert-light")).to_contain_text("Hiện nay: Chiến sĩ, Tiểu đội tự vệ 1")
    page.get_by_label("Chuyển đến đơn vị tự vệ").select_option(label="Tiểu đội tự vệ 2")
    expect(page.get_by_label("Từ ngày")).to_have_value(dmy(today()))
    page.get_by_label("Chức vụ tự vệ mới").select_option(label="Tiểu đội trưởng")
    page.get_by_label("Quyết định").fill("45/QĐ-SYT")
    page.get_by_role("button", name="Điều chuyển").click()

    expect(page.get_by_role("alert")).to_have_text(
        "Đã chuyển Nguyễn Văn Hùng sang “Tiểu đội tự vệ 2”."
    )
    now = card(page, "Tham gia tự vệ hiện nay")
    expect(now.get_by_role("row", name="Chức vụ tự vệ")).to_contain_text("Tiểu đội trưởng")
    expect(now.get_by_role("row", name="Đơn vị tự vệ")).to_contain_text("Tiểu đội tự vệ 2")
    expect(now.get_by_role("row", name="Vào tự vệ")).to_contain_text(dmy(staff.joined_hung))
    expect(now.get_by_role("row", name="Ở đơn vị hiện nay từ")).to_contain_text(dmy(today()))
    records = card(page, "Quá trình tham gia tự vệ").locator("tbody tr")
    expect(records).to_have_count(2)
    expect(records.nth(0).get_by_role("cell")).to_have_text(
        [dmy(today()), "nay", "Sở Y tế thành phố Cần Thơ · Tiểu đội tự vệ 2 (Tự vệ tại chỗ)",
         "Tiểu đội trưởng", f"Đang tham gia {dmy(today())}", "", "45/QĐ-SYT"]
    )  # fmt: skip
    expect(records.nth(1).get_by_role("cell")).to_have_text(
        [dmy(staff.joined_hung), dmy(today()),
         "Sở Y tế thành phố Cần Thơ · Tiểu đội tự vệ 1 (Tự vệ tại chỗ)", "Chiến sĩ",
         f"Chuyển đơn vị {dmy(today())}", "Chuyển đơn vị tự vệ hoặc cơ quan, tổ chức", ""]
    )  # fmt: skip
    history = page.locator("#lich-su tbody tr")
    by_binh = history.filter(has_text="Trần Thanh Bình")
    expect(by_binh).to_have_count(2)
    expect(by_binh.filter(has_text=f"Tự vệ (từ {dmy(today())})")).to_contain_text("Tạo mới")
    closed = by_binh.filter(has_text=f"Tự vệ (từ {dmy(staff.joined_hung)})")
    expect(closed).to_contain_text("Sửa")
    expect(closed).to_contain_text("Tình trạng: Đang tham gia → Chuyển đơn vị")
    screenshot(page, "person_after_transfer")

    # The term ending soon, then an extension by decision.
    menu(page).get_by_role("link", name="Nhân sự").click()
    page.get_by_role("link", name="Sắp hết thời hạn (90 ngày)").click()
    expect(page).to_have_url(re.compile(r"[?&]sap_het_han=1"))
    expect(page.get_by_label("Thời hạn")).to_have_value("1")
    expect(names(page)).to_have_text(["Nguyễn Văn Long"])
    expect(roster_rows(page).first.locator(".badge.text-bg-warning")).to_have_text(
        dmy(staff.term_long)
    )
    page.get_by_role("link", name="Nguyễn Văn Long").click()
    expect(page.locator(".alert-warning")).to_have_text(
        f"Sắp hết thời hạn tham gia tự vệ: {dmy(staff.term_long)} (còn 30 ngày)."
    )
    page.get_by_role("link", name="Gia hạn").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gia hạn: Nguyễn Văn Long")
    new_end = add_years(staff.term_long, 1)
    page.get_by_label("Hạn mới").fill(dmy(new_end))
    page.get_by_label("Số quyết định gia hạn").fill("12/QĐ-SYT")
    expect(page.get_by_label("Ngày quyết định")).to_have_value(dmy(today()))
    page.get_by_role("button", name="Gia hạn").click()

    expect(page.get_by_role("alert")).to_have_text(
        f"Đã gia hạn cho Nguyễn Văn Long đến {dmy(new_end)}."
    )
    extensions = card(page, "Gia hạn").locator("tbody tr")
    expect(extensions.get_by_role("cell")).to_have_text(
        [dmy(today()), "12/QĐ-SYT", dmy(staff.term_long), dmy(new_end)]
    )
    expect(card(page, "Tham gia tự vệ hiện nay")).to_contain_text(dmy(new_end))
    expect(page.locator("#lich-su")).to_contain_text("Gia hạn")
    expect(page.locator("#lich-su tbody tr", has_text="Gia hạn")).to_contain_text("Trần Thanh Bình")
    menu(page).get_by_role("link", name="Nhân sự").click()
    page.get_by_role("link", name="Sắp hết thời hạn (90 ngày)").click()
    expect(page.get_by_text("Không có người nào khớp điều kiện lọc.")).to_be_visible()


def test_a_commander_reads_the_roster_masked_and_cannot_change_it(
    page, world, staff, login, screenshot
):
    login(page, world.commander)
    menu(page).get_by_role("link", name="Nhân sự").click()
    expect(page.get_by_text("Tìm thấy 4 người.")).to_be_visible()
    hung = roster_rows(page).filter(has_text="Nguyễn Văn Hùng")
    expect(hung).to_contain_text("0920******34")
    expect(page.locator("main")).not_to_contain_text("092090001234")
    expect(page.get_by_role("link", name="+ Thêm người")).to_have_count(0)
    expect(page.locator('input[name="chon"]')).to_have_count(0)
    expect(page.get_by_text("Thao tác với những người đã đánh dấu")).to_have_count(0)
    expect(page.get_by_role("link", name="Xuất Excel", exact=True)).to_be_visible()
    screenshot(page, "roster_commander")

    page.get_by_role("link", name="Nguyễn Văn Hùng").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nguyễn Văn Hùng")
    info = card(page, "Thông tin cá nhân")
    expect(info.get_by_role("row", name="Số CCCD")).to_contain_text("0920******34")
    expect(info.get_by_role("row", name="Số điện thoại")).to_contain_text("0912****78")
    # Nor in the audit trail, where the creation lists every field.
    expect(page.locator("#lich-su")).to_contain_text("Số CCCD: 0920******34")
    expect(page.locator("main")).not_to_contain_text("092090001234")
    expect(page.locator("main")).not_to_contain_text("0912345678")
    for action in ("Sửa thông tin", "Điều chuyển", "Gia hạn", "Vào tự vệ"):
        expect(page.get_by_role("link", name=action, exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Thay đổi tình trạng")).to_have_count(0)
    screenshot(page, "person_commander")

    response = page.goto(f"/nhan-su/{staff.hung.pk}/dieu-chuyen/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Không có quyền thực hiện (lỗi 403)")).to_be_visible()
    response = page.goto(f"/nhan-su/{staff.dien.pk}/")
    assert response.status == 404  # PTKV 2's person: not even named
    expect(page.locator("main")).not_to_contain_text("Nguyễn Văn Điện")
