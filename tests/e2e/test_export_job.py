"""A big roster export: Bình (trợ lý) clicks "Xuất Excel" on a list larger than what is
written in the request; he lands on the export's page, which shows it done (the
default backend runs the task at once) and offers the file, which he downloads."""

import datetime as dt
import io
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

from personnel import exports
from personnel.models import Person


def test_a_staff_officer_downloads_a_big_export_from_its_page(
    page, world, login, monkeypatch, settings, tmp_path, screenshot
):
    monkeypatch.setattr(exports, "INLINE_ROWS", 1)
    settings.PRIVATE_ROOT = tmp_path / "private"
    for n, name in enumerate(("Nguyễn Văn Hùng", "Trần Thị Mai")):
        Person.objects.create(
            agency=world.agency1, full_name=name, gender="M",
            birth_date=dt.date(1990, 1, 1 + n), cccd=f"09209000{n:04d}",
        )  # fmt: skip
    login(page, world.staff)
    page.goto("/nhan-su/")

    page.get_by_role("link", name="Xuất Excel", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Xuất danh sách trích ngang")
    expect(page.locator("#export-progress")).to_contain_text("Đã xuất xong")
    expect(page.get_by_text("Đã xuất 2 người")).to_be_visible()
    screenshot(page, "export_job")
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải tệp Excel").click()
    download = info.value
    assert download.suggested_filename.startswith("danh-sach-trich-ngang-")
    # Playwright keeps the download under a name without extension: read its bytes.
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).worksheets[0]
    assert {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)} == {
        "Nguyễn Văn Hùng",
        "Trần Thị Mai",
    }
