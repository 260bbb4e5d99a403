"""Writes on returns: create, edit, submit, approve (freeze), send back, correct.

Each is one transaction with a row lock on the return; a step not allowed from the
current state raises ValidationError in Vietnamese. Approval freezes the return: the
figures as computed then (`snapshot`) and the PDF rendered from that very snapshot,
stored under PRIVATE_ROOT with its SHA-256. Later edits to people or units never
change an approved return; a correction is a new version.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from units.models import Unit, today

from . import indicators
from .documents import letterhead, return_pdf
from .models import Return, ReturnState
from .periods import Period
from .selectors import place_for

EDITABLE_FIELDS = (
    "as_of", "place", "issued_on", "signing_form", "signer_name", "recipients", "symbol",
    "situation", "leadership", "shortcomings", "next_tasks", "proposals",
)  # fmt: skip


def _locked(ret: Return) -> Return:
    return Return.objects.select_for_update().select_related("unit").get(pk=ret.pk)


def _require_state(ret: Return, *states: str, action: str) -> None:
    if ret.state not in states:
        raise ValidationError(
            f"Không thể {action}: báo cáo đang ở trạng thái “{ret.get_state_display()}”."
        )


@transaction.atomic
def return_create(*, unit: Unit, period: Period, as_of: dt.date, user) -> Return:
    """Open a draft return of `unit` for `period`, or give back the one already open
    (a unit has one return per period; corrections are versions of it)."""
    existing = (
        Return.objects.select_for_update()
        .filter(unit=unit, period_label=period.label)
        .order_by("-version")
        .first()
    )
    if existing is not None:
        return existing
    return Return.objects.create(
        unit=unit,
        period_label=period.label,
        period_kind=period.kind,
        start=period.start,
        end=period.end,
        as_of=as_of,
        place=place_for(unit),
        recipients="Cơ quan quân sự cấp trên\nLưu: VT",
        created_by=user,
    )


@transaction.atomic
def return_update(*, ret: Return, data: dict) -> Return:
    """Save the staff's text and document details; only a draft or a returned one."""
    ret = _locked(ret)
    _require_state(ret, ReturnState.DRAFT, ReturnState.RETURNED, action="sửa")
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(ret, name, data[name])
    ret.save()
    return ret


@transaction.atomic
def return_submit(*, ret: Return, user) -> Return:
    """A staff officer submits the draft (or the returned one, corrected) for approval."""
    ret = _locked(ret)
    _require_state(ret, ReturnState.DRAFT, ReturnState.RETURNED, action="trình")
    if not ret.signer_name.strip():
        raise ValidationError("Cần ghi họ tên người ký trước khi trình.")
    ret.state = ReturnState.SUBMITTED
    ret.submitted_by, ret.submitted_at = user, timezone.now()
    ret.save()
    return ret


@transaction.atomic
def return_send_back(*, ret: Return, user, comment: str) -> Return:
    """The commander returns a submitted return with a comment saying what to fix."""
    ret = _locked(ret)
    _require_state(ret, ReturnState.SUBMITTED, action="trả lại")
    if not comment.strip():
        raise ValidationError("Cần ghi ý kiến khi trả lại báo cáo.")
    ret.state = ReturnState.RETURNED
    ret.comment = comment.strip()
    ret.decided_by, ret.decided_at = user, timezone.now()
    ret.save()
    return ret


def _next_number(unit: Unit, year: int, symbol: str) -> int:
    last = Return.objects.filter(unit=unit, number_year=year, symbol=symbol).aggregate(
        n=Max("number")
    )["n"]
    return (last or 0) + 1


@transaction.atomic
def return_approve(*, ret: Return, user) -> Return:
    """The commander approves: the return gets its number (from 01 each year per issuing
    unit, NĐ 30/2020) and date, and is frozen with its figures and PDF."""
    ret = _locked(ret)
    _require_state(ret, ReturnState.SUBMITTED, action="phê duyệt")
    # Lock the unit's returns so two approvals cannot take the same number.
    list(Return.objects.select_for_update().filter(unit=ret.unit).values_list("pk"))
    ret.issued_on = ret.issued_on or today()
    ret.number_year = ret.issued_on.year
    ret.number = _next_number(ret.unit, ret.number_year, ret.symbol)
    figures = indicators.compute(ret.unit, ret.period, ret.as_of)
    pdf = return_pdf(figures, letterhead(ret.unit, ret.period, ret), ret)
    ret.snapshot = figures
    ret.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    name = f"{ret.unit.code}-{ret.period_label}-v{ret.version}-{ret.pdf_sha256[:12]}.pdf"
    ret.pdf_file.save(name, ContentFile(pdf), save=False)
    ret.state = ReturnState.APPROVED
    ret.decided_by, ret.decided_at = user, timezone.now()
    ret.comment = ""
    ret.save()
    return ret


@transaction.atomic
def return_correct(*, ret: Return, user) -> Return:
    """Correct an approved return: a new draft version with the same texts; the approved
    one stays as it was, downloadable."""
    ret = _locked(ret)
    _require_state(ret, ReturnState.APPROVED, action="đính chính")
    if Return.objects.filter(supersedes=ret).exists():
        raise ValidationError("Báo cáo này đã có bản đính chính.")
    fields = {name: getattr(ret, name) for name in EDITABLE_FIELDS if name != "issued_on"}
    return Return.objects.create(
        unit=ret.unit,
        period_label=ret.period_label,
        period_kind=ret.period_kind,
        start=ret.start,
        end=ret.end,
        version=ret.version + 1,
        supersedes=ret,
        created_by=user,
        **fields,
    )


def compare(ret: Return) -> list[dict]:
    """What moved since approval: each top-level figure frozen vs. computed today."""
    if not ret.snapshot:
        return []
    live = indicators.compute(ret.unit, ret.period, ret.as_of)
    return diff_figures(ret.snapshot, live)


COMPARED = (
    ("agencies", "total", "Cơ quan, tổ chức"),
    ("boards", "total", "Ban CHQS đã thành lập"),
    ("boards", "complete", "Ban CHQS đủ thành phần"),
    ("boards", "vacant_positions", "Vị trí Ban CHQS còn thiếu"),
    ("formations", "total", "Đơn vị tự vệ"),
    ("members", "total", "Quân số tự vệ"),
    ("members", "female", "Nữ"),
    ("members", "party", "Đảng viên"),
    ("members", "youth_union", "Đoàn viên"),
    ("members", "joined", "Kết nạp mới trong kỳ"),
    ("members", "left", "Ra khỏi lực lượng trong kỳ"),
    ("staff_share", "staff", "Tổng số CBCNV"),
    ("duty", "turns", "Lượt trực"),
    ("duty", "man_days", "Ngày công trực"),
)


def diff_figures(frozen: dict, live: dict) -> list[dict]:
    rows = []
    for section, key, label in COMPARED:
        before = frozen.get(section, {}).get(key)
        after = live.get(section, {}).get(key)
        rows.append(
            {
                "label": label,
                "frozen": before,
                "live": after,
                "delta": (after - before)
                if isinstance(before, int) and isinstance(after, int)
                else None,
            }
        )
    return rows


def annex_queue(*, ret: Return) -> None:
    """Queue the per-person annex (reports.tasks.build_annex) and mark it waiting."""
    from . import tasks

    Return.objects.filter(pk=ret.pk).update(
        annex_status=tasks.QUEUED, annex_progress=0, updated_at=timezone.now()
    )
    tasks.build_annex.enqueue(ret.pk)
