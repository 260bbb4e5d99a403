"""Correctness: seed 002's return comes out of equivalent records, exactly, in the JSON,
the PDF text and the Excel cells; its annex lists the 1.122 members."""

import io
import json
import re

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from openpyxl import load_workbook
from pypdf import PdfReader

from chqs.text import format_int
from reports import services
from reports.annex import annex_pdf
from reports.selectors import period_for
from tests.pdfs import top_margin_text
from tests.personas import make_world

from . import seed_002

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def province(django_db_setup, django_db_blocker, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("seed002")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast, PRIVATE_ROOT=tmp),
        transaction.atomic(),
    ):
        world = make_world()
        command = seed_002.build(tmp, world.admin)
        out = {}
        for fmt in ("json", "pdf", "xlsx"):
            path = tmp / f"bao-cao.{fmt}"
            call_command("report", unit=seed_002.COMMAND, period=seed_002.PERIOD,
                         as_of="2023-07-15", format=fmt, output=str(path), verbosity=0)  # fmt: skip
            out[fmt] = path.read_bytes()
        ret = services.return_create(unit=command, period=period_for(command, seed_002.PERIOD),
                                     as_of=seed_002.AS_OF, user=world.admin)  # fmt: skip
        out["progress"] = []
        out["annex"] = annex_pdf(ret, lambda done, total: out["progress"].append((done, total)))
        yield out
        transaction.set_rollback(True)


def test_json_shows_seed_002_figures(province):
    data = json.loads(province["json"])
    assert data["agencies"]["total"] == 47
    assert (data["boards"]["total"], data["boards"]["complete"]) == (47, 47)
    assert (data["members"]["total"], data["members"]["female"]) == (1122, 166)
    assert (data["duty"]["turns"], data["duty"]["man_days"]) == (48, 8832)
    audiences = {a["audience"]: a for a in data["training"]["by_audience"]}
    assert (audiences["board-cadre"]["attended"], audiences["board-cadre"]["quota"]) == (81, 89)
    assert audiences["board-cadre"]["rate_text"] == "91,01%"
    assert (audiences["unit-leader"]["attended"], audiences["unit-leader"]["quota"]) == (116, 121)
    assert audiences["unit-leader"]["rate_text"] == "95,87%"
    troops = data["training"]["by_kind"]["troops"]
    assert (troops["attended"], troops["quota"], troops["rate_text"]) == (519, 842, "61,64%")
    assert sum(row["members"] for row in data["rows"]) == 1122
    assert len(data["rows"]) == 47


def test_pdf_text_shows_seed_002_figures(province):
    reader = PdfReader(io.BytesIO(province["pdf"]))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for expected in (
        "Tổng số 47 cơ quan, tổ chức; đã thành lập 47 Ban CHQS, trong đó 47 Ban đủ thành phần",
        "Tổng số cán bộ và chiến sĩ tự vệ của 47 Ban CHQS cơ quan, tổ chức tính đến ngày "
        "15/07/2023 là 1.122 đồng chí, trong đó nữ là 166 đồng chí",
        "trực 48 lượt với 8.832 ngày công",
        "Cán bộ Ban CHQS tham gia 81/89 đồng chí, đạt 91,01% chỉ tiêu",
        "tham gia 116/121 đồng chí, đạt 95,87% chỉ tiêu",
        "huấn luyện cho lực lượng tự vệ được 519/842 đồng chí, đạt 61,64%",
        "BÁO CÁO",
        "6 tháng đầu năm 2023",
    ):
        assert expected in text, expected


def test_excel_cells_show_seed_002_figures(province):
    book = load_workbook(io.BytesIO(province["xlsx"]))
    summary = {row[1]: row[2] for row in book["Tổng hợp"].iter_rows(values_only=True) if row[1]}
    assert summary["Cơ quan, tổ chức"] == 47
    assert summary["Ban CHQS đủ thành phần"] == 47
    assert summary["Quân số tự vệ"] == 1122
    assert summary["Trong đó: nữ"] == 166
    assert summary["Lượt trực"] == 48
    assert summary["Ngày công trực"] == 8832
    training = {
        row[1]: row[2:5]
        for row in book["Tổng hợp"].iter_rows(values_only=True)
        if row[1] and row[2] is not None and len(row) > 4 and row[4]
    }
    assert training["Cán bộ Ban CHQS"] == (89, 81, "91,01%")
    assert training["Cán bộ đơn vị (trung đội, tiểu đội, khẩu đội)"] == (121, 116, "95,87%")
    agencies = book["Theo cơ quan"]
    total = [row for row in agencies.iter_rows(values_only=True) if row[1] == "Cộng"][0]
    assert total[5] == 1122 and total[6] == 166


def test_annex_lists_the_1122_members_numbered_on_pages_numbered_at_the_top(province):
    reader = PdfReader(io.BytesIO(province["annex"]))
    texts = [" ".join(page.extract_text().split()) for page in reader.pages]
    text = " ".join(texts)
    numbers = re.findall(r"(?:^| )(\d{1,3}(?:\.\d{3})?) \D+? \d\d/\d\d/\d{4} (?:Nam|Nữ) ", text)
    assert numbers == [format_int(n) for n in range(1, 1123)]
    # Each agency's members by given name, then middle and family names: the last
    # agency's "Quang"s (Vũ the last of them) before its "Sơn"s.
    assert "1.115 Vũ Hữu Quang 20/02/1990 Nam Sở ngành số 47" in text
    assert "1.116 Hoàng Hữu Sơn 20/02/1990 Nam Sở ngành số 47" in text
    assert "1.122 Trần Hữu Sơn 20/02/1990 Nam Sở ngành số 47" in text
    assert "Tổng cộng: 1.122 đồng chí." in texts[-1]
    assert all("STT Họ và tên Ngày sinh" in t for t in texts)
    assert [top_margin_text(page) for page in reader.pages] == [[]] + [
        [str(n)] for n in range(2, len(texts) + 1)
    ]
    assert province["progress"] == [(250, 1122), (500, 1122), (750, 1122), (1000, 1122),
                                    (1122, 1122)]  # fmt: skip
