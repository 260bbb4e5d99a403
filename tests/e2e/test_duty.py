"""The staff officer's duty journey in Chromium: plan a month, adjust one turn, publish,
print the rota as PDF and read it.

Bình (trợ lý, PTKV 1) plans March 2024 for Sở Y tế (A1): the planner's proposal says
why each member was picked; he saves it as drafts, moves one turn to another place,
publishes the month and prints the rota, whose text is checked (pypdf).
"""

import datetime as dt
import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from personnel.duty.models import DutyTurn, TurnState
from tests.duty.conftest import make_members


@pytest.fixture
def members(world):
    return make_members(world.agency1, 10)


def test_plan_adjust_publish_and_print_a_month(page, world, members, login, screenshot):
    login(page, world.staff)
    page.get_by_role("link", name="Lịch trực").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lịch trực tháng")

    page.goto("/truc/don-vi/A1/lap-lich/")
    page.get_by_label("Trực sẵn sàng chiến đấu").check()
    page.get_by_label("Từ ngày").fill("01/03/2024")
    page.get_by_label("Đến ngày").fill("31/03/2024")
    page.get_by_label("Số người mỗi lượt").fill("2")
    page.get_by_role("button", name="Xem đề xuất").click()
    expect(page.get_by_role("heading", name="Đề xuất: 31 lượt")).to_be_visible()
    expect(page.get_by_text("lần trực gần nhất: chưa trực lần nào").first).to_be_visible()
    screenshot(page, "duty-planner")
    page.get_by_role("button", name="Lưu thành lịch dự kiến").click()

    expect(page.get_by_text("Đã lưu 31 lượt trực dự kiến")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lịch trực tháng 03/2024")
    screenshot(page, "duty-month")

    first = DutyTurn.objects.order_by("starts_at").first()
    page.locator(f"[data-turn='{first.pk}'] a").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Trực sẵn sàng chiến đấu")
    page.get_by_role("link", name="Sửa lượt trực").click()
    page.get_by_label("Địa điểm").fill("Cổng chính bệnh viện")
    page.get_by_label("Địa điểm").press("Tab")  # a change: the form checks itself live
    expect(page.get_by_text("Không có xung đột.")).to_be_visible()
    page.get_by_role("button", name="Lưu lượt trực").click()
    expect(page.get_by_text("Đã lưu lượt trực.")).to_be_visible()
    expect(page.get_by_text("Cổng chính bệnh viện")).to_be_visible()

    page.goto("/truc/don-vi/A1/?thang=2024-03")
    page.get_by_role("button", name="Ban hành 31 lượt dự kiến").click()
    expect(page.get_by_text("Đã ban hành 31 lượt trực tháng 03/2024.")).to_be_visible()
    assert DutyTurn.objects.filter(state=TurnState.PUBLISHED).count() == 31

    href = page.get_by_role("link", name="In lịch trực (PDF)").get_attribute("href")
    response = page.request.get(href)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    text = " ".join(reader.pages[0].extract_text().split())
    assert len(reader.pages) == 1
    assert "LỊCH TRỰC" in text and "Tháng 03/2024 – Sở Y tế thành phố Cần Thơ" in text
    assert "Cổng chính bệnh viện" in text
    assert "(dự kiến)" not in text
    first.refresh_from_db()
    assert first.officer.full_name in text
    assert dt.date(2024, 3, 31).strftime("%d/%m/%Y") in text
