"""The top-left block of a return (NĐ 30/2020, Phụ lục I): the superior body (cơ quan chủ
quản) in upper case above the issuer. A command under another takes its parent's name;
a top unit (a province command) the superior body kept on it ("Quân khu 9")."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from reports import services
from reports.annex import annex_pdf
from reports.periods import parse_period
from tests.pdfs import pdf_fragments
from units.models import Unit

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path


def draft(world, unit):
    ret = services.return_create(
        unit=unit, period=parse_period("2023-H1"), as_of=D(2023, 7, 15), user=world.admin
    )
    return services.return_update(ret=ret, data={"signer_name": "Phạm Quốc Dũng"})


def return_page(client, ret):
    response = client.get(reverse("reports:return_pdf", args=[ret.pk]))
    assert response.status_code == 200
    return PdfReader(io.BytesIO(response.content)).pages[0]


def left_block(page) -> str:
    """The text of the letterhead's left column (above the title), top to bottom; a long
    issuer's name wraps there, so its lines are joined with spaces."""
    width = float(page.mediabox.width)
    fragments = pdf_fragments(page)
    title = max(y for _, y, text in fragments if text in ("BÁO CÁO", "DANH SÁCH"))
    left = [(y, text) for x, y, text in fragments if x < width * 0.42 and y > title]
    return " ".join(" ".join(text for _, text in sorted(left, reverse=True)).split())


def test_a_province_return_prints_its_superior_body_above_its_name(world, client_for):
    Unit.objects.filter(pk=world.province.pk).update(superior_body="Quân khu 9")
    ret = draft(world, Unit.objects.get(pk=world.province.pk))

    block = left_block(return_page(client_for(world.admin), ret))

    assert block == "QUÂN KHU 9 BỘ CHQS THÀNH PHỐ CẦN THƠ Số: /"


def test_a_province_annex_carries_the_same_letterhead(world):
    Unit.objects.filter(pk=world.province.pk).update(superior_body="Quân khu 9")
    ret = draft(world, Unit.objects.get(pk=world.province.pk))

    page = PdfReader(io.BytesIO(annex_pdf(ret))).pages[0]

    assert left_block(page) == "QUÂN KHU 9 BỘ CHQS THÀNH PHỐ CẦN THƠ Số: /"


def test_a_command_under_another_prints_its_parents_name_whatever_is_kept_on_it(world, client_for):
    # The field is not offered for a unit with a parent; set behind the form's back, the
    # tree still wins: one source for that line.
    Unit.objects.filter(pk=world.region1.pk).update(superior_body="Quân khu 9")
    ret = draft(world, Unit.objects.get(pk=world.region1.pk))

    block = left_block(return_page(client_for(world.admin), ret))

    assert block == "BỘ CHQS THÀNH PHỐ CẦN THƠ BAN CHỈ HUY PTKV 1 Số: /"


def test_an_agency_return_prints_the_agency_above_its_board(world, client_for):
    ret = draft(world, world.agency1)

    block = left_block(return_page(client_for(world.admin), ret))

    assert block == "SỞ Y TẾ THÀNH PHỐ CẦN THƠ BAN CHỈ HUY QUÂN SỰ Số: /"
