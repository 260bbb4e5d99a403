"""A periodic return in the browser: Dũng (commander of R1) opens his dashboard, opens the
return his staff officer submitted, drills down from a figure to the people behind it,
approves the return and downloads the PDF, whose text carries the number and figures."""

import datetime as dt
import io
import re

from playwright.sync_api import expect
from pypdf import PdfReader

from reports import services
from reports.periods import parse_period
from tests.reports.helpers import member


def test_a_commander_drills_down_approves_and_downloads_the_return(
    page, world, login, screenshot, settings, tmp_path
):
    settings.PRIVATE_ROOT = tmp_path
    member(world.agency1, world.formation1, gender="F", name="Lê Thị Hoa")
    member(world.agency1, world.formation1, name="Trần Văn Nam")
    ret = services.return_create(
        unit=world.region1, period=parse_period("2023-H1"), as_of=dt.date(2023, 7, 15),
        user=world.staff,
    )  # fmt: skip
    ret = services.return_update(
        ret=ret, data={"signer_name": "Phạm Quốc Dũng", "situation": "Tình hình ổn định."}
    )
    services.return_submit(ret=ret, user=world.staff)

    login(page, world.commander)
    dashboard = page.locator("[data-dashboard]")
    expect(dashboard).to_contain_text("Quân số tự vệ")
    expect(dashboard.locator("img[src^='data:image/svg+xml']")).to_have_count(4)
    screenshot(page, "dashboard")

    page.get_by_role("link", name="Báo cáo", exact=True).click()
    page.get_by_role("link", name="6 tháng đầu năm 2023").click()
    expect(page.locator("[data-state]")).to_have_text("Đã trình")
    page.get_by_role("link", name="Xem số liệu chi tiết").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("6 tháng đầu năm 2023")
    screenshot(page, "return-figures")
    page.locator('[data-figure="female"]').click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("nữ")
    expect(page.locator("table")).to_contain_text("Lê Thị Hoa")
    expect(page.locator("table")).not_to_contain_text("Trần Văn Nam")
    page.get_by_role("link", name="Lê Thị Hoa").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lê Thị Hoa")

    page.goto(f"/bao-cao/so/{ret.pk}/")
    page.get_by_role("button", name="Phê duyệt").click()
    expect(page.get_by_role("alert").first).to_contain_text("Đã phê duyệt")
    expect(page.locator("[data-state]")).to_have_text("Đã phê duyệt")
    expect(page.locator("[data-sha]")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    screenshot(page, "return-approved")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải PDF đã phê duyệt").click()
    with open(download.value.path(), "rb") as downloaded:
        data = downloaded.read()
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)
    assert "Số: 01/BC-BCHQS" in text
    assert "là 2 đồng chí, trong đó nữ là 1 đồng chí" in text
    assert "Phạm Quốc Dũng" in text
