"""Ban CHQS appointments: the rules on who may hold a seat, and the writes that propose,
confirm, reject and end an appointment.

The rules are plain functions so the boards import (personnel/imports.py) and the pages
apply the same ones:

- the holder is on the agency's staff list (refused);
- at most `BoardPositionKind.max_count` confirmed holders of a seat on one day
  (NĐ 72/2020 Điều 4.2: Phó Chỉ huy trưởng at most 2 — law, refused);
- Chỉ huy trưởng is the agency head or a deputy, Chính trị viên (and deputy) the Party
  secretary or deputy (Luật DQTV 2019 Điều 21 — practice, checkable only by the job title
  typed in the staff list: a warning).

A clerk proposes; a staff officer (or an admin) confirms, rejects or ends.
"""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from chqs.text import fold
from units.models import Board, BoardPositionKind, BoardStatus
from units.scope import Scope

from .models import AppointmentState, BoardAppointment, Person

# Luật DQTV 2019 Điều 21, read against the job title (folded words).
HEAD_WORDS = ("giam doc", "truong", "pho", "chu tich", "thu truong", "chanh", "chu nhiem",
              "tong bien tap", "hieu truong", "vien truong")  # fmt: skip
SECRETARY_WORDS = ("bi thu",)
HEAD_POSITIONS = {"chi-huy-truong"}
SECRETARY_POSITIONS = {"chinh-tri-vien", "chinh-tri-vien-pho"}

# A holding: (holder's name, starts_on, ends_on or None while held).
Holding = tuple[str, dt.date, dt.date | None]


# -- the rules (shared with the boards import) -----------------------------------------


def overlaps(starts: dt.date, ends: dt.date | None, other_starts, other_ends) -> bool:
    """Whether [starts, ends) meets [other_starts, other_ends) (None: still open)."""
    return (ends is None or other_starts < ends) and (other_ends is None or starts < other_ends)


def most_at_once(holdings: Iterable[Holding], starts: dt.date, ends: dt.date | None) -> int:
    """The most of `holdings` held on one day of [starts, ends)."""
    holdings = list(holdings)
    days = {starts, *(h[1] for h in holdings if h[1] > starts)}
    days = {d for d in days if ends is None or d < ends}
    return max(
        (sum(1 for h in holdings if overlaps(day, day + dt.timedelta(days=1), h[1], h[2]))
         for day in days),
        default=0,
    )  # fmt: skip


def staff_list_error(person: Person, agency) -> str | None:
    """The holder must be on the agency's staff list (refused otherwise)."""
    if person.agency_id == agency.pk:
        return None
    return (
        f"{person.full_name} thuộc {person.agency.name}, không thuộc {agency.name}: "
        "người giữ chức vụ phải trong danh sách nhân sự của cơ quan."
    )


def seat_limit_error(
    kind: BoardPositionKind, confirmed: Iterable[Holding], starts: dt.date, ends: dt.date | None
) -> str | None:
    """One more holder of `kind` over [starts, ends) would exceed `max_count`
    (NĐ 72/2020 Điều 4): the refusal, naming who holds the seat then."""
    busy = [h for h in confirmed if overlaps(starts, ends, h[1], h[2])]
    if most_at_once(busy, starts, ends) + 1 <= kind.max_count:
        return None
    names = ", ".join(f"{name} (từ {since:%d/%m/%Y})" for name, since, _ in busy)
    return (
        f"Vượt số {kind.name} tối đa cùng lúc ({kind.max_count}, NĐ 72/2020 Điều 4): "
        f"đang có {names}."
    )


def other_seat_message(person: Person, seat_name: str) -> str:
    """One person holding two seats of the same board at once."""
    return f"{person.full_name} cùng lúc giữ chức vụ {seat_name}."


def practice_warnings(kind: BoardPositionKind, person: Person) -> list[str]:
    """Luật DQTV 2019 Điều 21 as practice: warnings when the job title does not read like
    the agency head/deputy (Chỉ huy trưởng) or Party secretary/deputy (Chính trị viên)."""
    title = fold(person.job_title)
    shown = person.job_title or "chưa ghi"
    warnings = []
    if kind.code in HEAD_POSITIONS and not any(word in title for word in HEAD_WORDS):
        warnings.append(
            f"Chỉ huy trưởng thường là người đứng đầu hoặc cấp phó của cơ quan; chức vụ "
            f"của {person.full_name}: “{shown}”."
        )
    if kind.code in SECRETARY_POSITIONS:
        if not any(word in title for word in SECRETARY_WORDS):
            warnings.append(
                f"{kind.name} thường là bí thư hoặc phó bí thư cấp ủy; chức vụ của "
                f"{person.full_name}: “{shown}”."
            )
        if not person.is_party_member:
            warnings.append(f"{kind.name} {person.full_name} chưa có ngày vào Đảng trong hồ sơ.")
    return warnings


def decision_date_warning(decision_date: dt.date | None, starts: dt.date) -> str | None:
    if decision_date is not None and decision_date > starts:
        return "Ngày quyết định sau ngày bắt đầu giữ chức vụ."
    return None


# -- the writes -------------------------------------------------------------------------


def _require(by, capability: str, doing: str) -> None:
    if by is not None and not Scope(by).can(capability):
        raise PermissionDenied(f"Vai trò của đồng chí không được {doing}.")


def _others(appointment_or_none, board: Board, person: Person, starts, ends, *, states):
    """Appointments on the board overlapping [starts, ends), in `states`, but this one."""
    qs = BoardAppointment.objects.filter(board=board, state__in=states).select_related(
        "person", "position"
    )
    if appointment_or_none is not None and appointment_or_none.pk:
        qs = qs.exclude(pk=appointment_or_none.pk)
    return [a for a in qs if overlaps(starts, ends, a.starts_on, a.ends_on)]


def _check_person(board, position, person, starts, ends, *, appointment, states) -> None:
    """Refusals about the holder: staff list, and one seat per person at once."""
    error = staff_list_error(person, board.unit)
    if error:
        raise ValidationError(error)
    for other in _others(appointment, board, person, starts, ends, states=states):
        if other.person_id != person.pk:
            continue
        if other.position_id == position.pk:
            raise ValidationError(
                f"{person.full_name} đã giữ (hoặc được đề xuất) chức vụ {position.name} từ "
                f"{other.starts_on:%d/%m/%Y}: ghi ngày thôi cho lần trước."
            )
        raise ValidationError(
            other_seat_message(person, other.position.name)
            + " Một người không giữ hai chức vụ của cùng một Ban CHQS."
        )


def _check_seat(appointment: BoardAppointment) -> None:
    confirmed = [
        (a.person.full_name, a.starts_on, a.ends_on)
        for a in _others(
            appointment,
            appointment.board,
            appointment.person,
            appointment.starts_on,
            appointment.ends_on,
            states=[AppointmentState.CONFIRMED],
        )  # fmt: skip
        if a.position_id == appointment.position_id
    ]
    error = seat_limit_error(
        appointment.position, confirmed, appointment.starts_on, appointment.ends_on
    )
    if error:
        raise ValidationError(error)


def _save(appointment: BoardAppointment, by, reason: str) -> None:
    appointment.full_clean(exclude=["board", "position", "person", "proposed_by", "decided_by"])
    appointment._change_reason = reason
    if by is not None:
        appointment._history_user = by
    appointment.save()


@transaction.atomic
def appointment_propose(
    *,
    board: Board,
    position: BoardPositionKind,
    person: Person,
    starts_on: dt.date,
    decision_number: str = "",
    decision_date: dt.date | None = None,
    by,
    confirm: bool = False,
) -> tuple[BoardAppointment, list[str]]:
    """Propose `person` for `position` on `board` from `starts_on`; returns the new
    appointment and the warnings (practice, Điều 21).

    Refuses (ValidationError, Vietnamese) a dissolved board, a person not on the
    agency's staff list, and a person already holding or proposed for a seat of this
    board at that time. `confirm=True` (staff/admin only, else PermissionDenied) creates
    it CONFIRMED, and then also refuses a full seat (NĐ 72/2020 Điều 4); a mere proposal
    on a full seat only warns — the refusal comes at confirmation.
    """
    _require(by, "change_people", "đề xuất bổ nhiệm Ban CHQS")
    if confirm:
        _require(by, "change_structure", "xác nhận bổ nhiệm Ban CHQS")
    if board.status == BoardStatus.DISSOLVED:
        raise ValidationError("Ban CHQS của cơ quan đã giải thể.")
    active = [AppointmentState.PROPOSED, AppointmentState.CONFIRMED]
    _check_person(board, position, person, starts_on, None, appointment=None, states=active)
    appointment = BoardAppointment(
        board=board, position=position, person=person, starts_on=starts_on,
        decision_number=decision_number or "", decision_date=decision_date,
        state=AppointmentState.CONFIRMED if confirm else AppointmentState.PROPOSED,
        proposed_by=by, decided_by=by if confirm else None,
    )  # fmt: skip
    warnings = practice_warnings(position, person)
    if late := decision_date_warning(decision_date, starts_on):
        warnings.append(late)
    try:
        _check_seat(appointment)
    except ValidationError as exc:
        if confirm:
            raise
        warnings.append(
            f"{exc.messages[0]} Cần ghi ngày thôi của người đang giữ trước khi xác nhận."
        )
    _save(appointment, by, "Xác nhận bổ nhiệm" if confirm else "Đề xuất bổ nhiệm")
    return appointment, warnings


@transaction.atomic
def appointment_confirm(*, appointment: BoardAppointment, by) -> BoardAppointment:
    """Confirm a proposal (staff/admin). Re-checks every refusal as of now: the staff
    list, one seat per person, and the seat's maximum (NĐ 72/2020 Điều 4.2)."""
    _require(by, "change_structure", "xác nhận bổ nhiệm Ban CHQS")
    appointment = (
        BoardAppointment.objects.select_for_update()
        .select_related("board__unit", "person__agency", "position")
        .get(pk=appointment.pk)
    )
    if appointment.state != AppointmentState.PROPOSED:
        raise ValidationError("Chỉ xác nhận được đề xuất đang chờ xác nhận.")
    _check_person(
        appointment.board, appointment.position, appointment.person, appointment.starts_on,
        appointment.ends_on, appointment=appointment, states=[AppointmentState.CONFIRMED],
    )  # fmt: skip
    _check_seat(appointment)
    appointment.state = AppointmentState.CONFIRMED
    appointment.decided_by = by
    _save(appointment, by, "Xác nhận bổ nhiệm")
    return appointment


@transaction.atomic
def appointment_reject(*, appointment: BoardAppointment, by, reason: str) -> BoardAppointment:
    """Reject a proposal (staff/admin) with a reason, kept on the row and in the history."""
    _require(by, "change_structure", "không chấp thuận đề xuất bổ nhiệm")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Cần ghi lý do không chấp thuận.")
    appointment = BoardAppointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.state != AppointmentState.PROPOSED:
        raise ValidationError("Chỉ không chấp thuận được đề xuất đang chờ xác nhận.")
    appointment.state = AppointmentState.REJECTED
    appointment.decided_by = by
    appointment.rejected_reason = reason[:255]
    _save(appointment, by, f"Không chấp thuận: {reason}"[:100])
    return appointment


@transaction.atomic
def appointment_end(
    *, appointment: BoardAppointment, on: dt.date, reason: str, by=None
) -> BoardAppointment:
    """End a confirmed appointment on `on` (the first day the person no longer holds the
    seat), with a reason; the seat becomes vacant from that day."""
    _require(by, "change_structure", "kết thúc bổ nhiệm Ban CHQS")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Cần ghi lý do thôi giữ chức vụ.")
    appointment = BoardAppointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.state != AppointmentState.CONFIRMED:
        raise ValidationError("Chỉ kết thúc được bổ nhiệm đã xác nhận.")
    if appointment.ends_on is not None:
        raise ValidationError(f"Bổ nhiệm này đã kết thúc ngày {appointment.ends_on:%d/%m/%Y}.")
    if on <= appointment.starts_on:
        raise ValidationError(
            f"Ngày thôi phải sau ngày bắt đầu giữ chức vụ ({appointment.starts_on:%d/%m/%Y})."
        )
    appointment.ends_on = on
    appointment.end_reason = reason[:255]
    _save(appointment, by, f"Thôi giữ chức vụ: {reason}"[:100])
    return appointment
