"""A return's life: draft → submitted (staff) → approved (commander, frozen) or returned
with a comment; corrections as new versions; who may do what."""

import datetime as dt
import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from personnel.models import ServiceStatus, StatusReason
from personnel.services import service_change_status
from reports import services
from reports.models import Return, ReturnState
from reports.periods import parse_period
from tests.personas import make_user
from units.models import Role

from .helpers import member

D = dt.date


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def draft(world, label="2023-H1", unit=None) -> Return:
    period = parse_period(label)
    ret = services.return_create(
        unit=unit or world.region1, period=period, as_of=D(2023, 7, 15), user=world.staff
    )
    return services.return_update(
        ret=ret, data={"signer_name": "Phạm Quốc Dũng", "situation": "Tình hình ổn định."}
    )


def test_staff_submits_commander_approves_and_the_return_is_numbered_and_frozen(world, client_for):
    member(world.agency1, world.formation1, gender="F")
    ret = draft(world)
    staff = client_for(world.staff)
    assert staff.post(reverse("reports:return_submit", args=[ret.pk])).status_code == 302
    ret.refresh_from_db()
    assert ret.state == ReturnState.SUBMITTED and ret.submitted_by == world.staff

    commander = client_for(world.commander)
    assert commander.post(reverse("reports:return_approve", args=[ret.pk])).status_code == 302
    ret.refresh_from_db()
    assert ret.state == ReturnState.APPROVED and ret.decided_by == world.commander
    assert ret.reference == "01/BC-BCHQS"
    stored = ret.pdf_file.open("rb").read()
    assert hashlib.sha256(stored).hexdigest() == ret.pdf_sha256
    assert ret.snapshot["members"]["total"] == 1

    response = commander.get(reverse("reports:return_pdf", args=[ret.pk]))
    body = b"".join(response.streaming_content)
    assert body == stored
    text = pdf_text(body)
    assert "Số: 01/BC-BCHQS" in text
    assert "là 1 đồng chí, trong đó nữ là 1 đồng chí" in text


def test_later_edits_never_change_an_approved_return_and_the_comparison_shows_them(
    world, client_for
):
    people = [member(world.agency1, world.formation1) for _ in range(3)]
    ret = services.return_submit(ret=draft(world), user=world.staff)
    ret = services.return_approve(ret=ret, user=world.commander)
    frozen_pdf = ret.pdf_file.open("rb").read()

    # A member left "back then": today's figures for the same period change...
    reason = StatusReason.objects.get(code="thoi-nhap-ngu")
    service_change_status(
        person=people[0], status=ServiceStatus.RELEASED, on=D(2023, 3, 1), reason=reason
    )
    ret.refresh_from_db()
    assert ret.snapshot["members"]["total"] == 3
    assert ret.pdf_file.open("rb").read() == frozen_pdf

    page = client_for(world.commander).get(reverse("reports:return_compare", args=[ret.pk]))
    html = page.content.decode()
    assert 'data-compare="Quân số tự vệ"' in html
    row = html.split('data-compare="Quân số tự vệ"')[1].split("</tr>")[0]
    assert ">3<" in row and ">2<" in row and "-1" in row


def test_a_commander_sends_back_with_a_comment_and_staff_resubmits(world, client_for):
    ret = services.return_submit(ret=draft(world), user=world.staff)
    commander = client_for(world.commander)
    empty = commander.post(reverse("reports:return_send_back", args=[ret.pk]), {"comment": ""})
    assert empty.status_code == 302
    ret.refresh_from_db()
    assert ret.state == ReturnState.SUBMITTED  # no comment, nothing happened
    commander.post(
        reverse("reports:return_send_back", args=[ret.pk]), {"comment": "Bổ sung kiến nghị"}
    )
    ret.refresh_from_db()
    assert (ret.state, ret.comment) == (ReturnState.RETURNED, "Bổ sung kiến nghị")
    page = client_for(world.staff).get(reverse("reports:return", args=[ret.pk]))
    assert "Bổ sung kiến nghị" in page.content.decode()
    services.return_submit(ret=ret, user=world.staff)
    ret.refresh_from_db()
    assert ret.state == ReturnState.SUBMITTED


def test_a_clerk_cannot_approve_and_a_commander_of_another_subtree_gets_404(world, client_for):
    ret = services.return_submit(ret=draft(world, unit=world.agency1), user=world.staff)
    clerk = client_for(world.clerk)
    assert clerk.post(reverse("reports:return_approve", args=[ret.pk])).status_code == 403
    other = make_user("hai", Role.COMMANDER, world.region2, "Lê Văn Hải")
    other_client = client_for(other)
    assert other_client.post(reverse("reports:return_approve", args=[ret.pk])).status_code == 404
    assert other_client.get(reverse("reports:return", args=[ret.pk])).status_code == 404
    staff = client_for(world.staff)
    assert staff.post(reverse("reports:return_approve", args=[ret.pk])).status_code == 403
    ret.refresh_from_db()
    assert ret.state == ReturnState.SUBMITTED


def test_a_correction_is_a_new_version_and_the_old_stays_downloadable(world, client_for):
    first = services.return_approve(
        ret=services.return_submit(ret=draft(world), user=world.staff), user=world.commander
    )
    second = services.return_correct(ret=first, user=world.staff)
    assert (second.version, second.state, second.supersedes) == (2, ReturnState.DRAFT, first)
    assert second.situation == first.situation
    with pytest.raises(ValidationError):
        services.return_correct(ret=first, user=world.staff)
    second = services.return_approve(
        ret=services.return_submit(ret=second, user=world.staff), user=world.commander
    )
    assert second.reference == "02/BC-BCHQS"  # numbers run on per issuing unit and year
    old = client_for(world.commander).get(reverse("reports:return_pdf", args=[first.pk]))
    assert b"".join(old.streaming_content) == first.pdf_file.open("rb").read()
    assert list(Return.objects.current()) == [second]


def test_an_approved_return_cannot_be_edited_or_approved_twice(world):
    ret = services.return_approve(
        ret=services.return_submit(ret=draft(world), user=world.staff), user=world.commander
    )
    with pytest.raises(ValidationError, match="Đã phê duyệt"):
        services.return_update(ret=ret, data={"situation": "khác"})
    with pytest.raises(ValidationError):
        services.return_approve(ret=ret, user=world.commander)


def test_submitting_needs_a_signer(world):
    ret = services.return_create(
        unit=world.region1, period=parse_period("2023-H1"), as_of=D(2023, 7, 15), user=world.staff
    )
    with pytest.raises(ValidationError, match="người ký"):
        services.return_submit(ret=ret, user=world.staff)


def test_the_higher_command_sees_who_submitted_who_is_late_and_who_is_missing(world, client_for):
    ret = services.return_submit(ret=draft(world, unit=world.agency1), user=world.staff)
    services.return_approve(ret=ret, user=world.commander)
    page = client_for(world.admin).get(reverse("reports:status", args=["P", "2023-H1"]))
    html = page.content.decode()
    assert 'data-unit="A1" data-status="approved"' in html
    assert 'data-unit="A2" data-status="missing"' in html
    assert 'data-count="missing">' in html
    # Submitted today, long after the 2023-H1 deadline (19/06/2023): late.
    row = html.split('data-unit="A1"')[1].split("</tr>")[0]
    assert "Quá hạn" in row
    assert "Công ty Điện lực Cần Thơ" in html.split("Chưa có báo cáo được trình")[1]
