"""Two journeys of the people pages that protect the records.

Bình (trợ lý) and An (quản trị) open the same person's form at the same time: An saves
first; Bình is told, in Vietnamese, who changed what, sees An's new phone number on his
form next to what he typed, and saves knowingly without undoing An's work. Then Bình
lists the members serving past the age limit ("Quá tuổi"), next to "Sắp hết thời hạn".
"""

import datetime as dt

import pytest
from playwright.sync_api import expect

from personnel.models import Ethnicity, Person, ServicePosition, add_years
from personnel.services import service_open
from units.models import today


@pytest.fixture
def hung(world) -> Person:
    person = Person.objects.create(
        agency=world.agency1, full_name="Nguyễn Văn Hùng", birth_date=dt.date(1990, 7, 15),
        gender="M", cccd="092090001234", phone="0912345678", job_title="Chuyên viên",
        ethnicity=Ethnicity.objects.get(name="Kinh"),
    )  # fmt: skip
    return person


def open_edit(browser, base_url, login, user, person):
    context = browser.new_context(base_url=base_url, locale="vi-VN")
    page = context.new_page()
    login(page, user)
    page.goto(f"/nhan-su/{person.pk}/sua/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Sửa thông tin: {person}")
    return context, page


def test_the_second_of_two_officers_editing_a_person_is_told_and_undoes_nothing(
    browser, base_url, world, hung, login, screenshot
):
    an_context, an = open_edit(browser, base_url, login, world.admin, hung)
    binh_context, binh = open_edit(browser, base_url, login, world.staff, hung)
    try:
        an.get_by_label("Số điện thoại").fill("0909000111")
        an.get_by_role("button", name="Lưu").click()
        expect(an.get_by_text("Đã lưu thay đổi của “Nguyễn Văn Hùng”.")).to_be_visible()

        binh.get_by_label("Chức vụ trong cơ quan").fill("Trưởng phòng")
        binh.get_by_role("button", name="Lưu").click()
        alert = binh.locator(".alert-danger")
        expect(alert).to_contain_text("Hồ sơ này vừa được Nguyễn Văn An sửa lúc")
        expect(alert).to_contain_text("Thay đổi của đồng chí CHƯA được lưu.")
        expect(alert).to_contain_text("Đã cập nhật theo bản mới: Số điện thoại.")
        expect(binh.get_by_label("Số điện thoại")).to_have_value("0909000111")
        expect(binh.get_by_label("Chức vụ trong cơ quan")).to_have_value("Trưởng phòng")
        screenshot(binh, "person_edit_conflict")

        binh.get_by_role("button", name="Lưu").click()
        expect(binh.get_by_text("Đã lưu thay đổi của “Nguyễn Văn Hùng”.")).to_be_visible()
        hung.refresh_from_db()
        assert (hung.phone, hung.job_title) == ("0909000111", "Trưởng phòng")
    finally:
        an_context.close()
        binh_context.close()


def test_a_staff_officer_lists_the_members_past_the_age_limit(page, world, login, screenshot):
    fighter = ServicePosition.objects.get(code="chien-si")
    day = today()
    for name, age in (("Trần Văn Lão", 47), ("Lê Văn Trẻ", 30)):
        person = Person.objects.create(
            agency=world.agency1, full_name=name, gender="M", cccd=f"0920700{age:05d}",
            birth_date=add_years(day, -age) - dt.timedelta(days=10),
        )  # fmt: skip
        service_open(person=person, joined_on=add_years(day, -3), position=fighter,
                     formation=world.formation1)  # fmt: skip
    login(page, world.staff)
    page.goto("/nhan-su/")
    expect(page.get_by_role("link", name="Sắp hết thời hạn (90 ngày)")).to_be_visible()

    page.get_by_role("link", name="Quá tuổi", exact=True).click()

    expect(page.get_by_text("Tìm thấy 1 người.")).to_be_visible()
    row = page.locator("table.roster tbody tr")
    expect(row).to_contain_text("Trần Văn Lão")
    expect(row.locator(".badge", has_text="Quá tuổi")).to_be_visible()
    expect(page.get_by_label("Quá tuổi")).to_have_value("1")
    screenshot(page, "roster_over_age")
