"""Ban CHQS appointment rules (personnel.appointments): a clerk proposes, a staff
officer confirms; law refuses (NĐ 72/2020 Điều 4), practice warns (Luật DQTV Điều 21)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from personnel import appointments as svc
from personnel.models import AppointmentState, BoardAppointment, Gender, Person
from units.models import BoardPositionKind

pytestmark = pytest.mark.django_db
DAY = dt.date(2024, 3, 1)


@pytest.fixture
def seat(db):
    return {k.code: k for k in BoardPositionKind.objects.all()}


@pytest.fixture
def staff_list(world):
    def make(agency, name, cccd, job, party=True):
        return Person.objects.create(
            agency=agency, full_name=name, birth_date=dt.date(1975, 5, 5), gender=Gender.MALE,
            cccd=cccd, job_title=job, party_joined_on=dt.date(2000, 1, 1) if party else None,
        )  # fmt: skip

    a1 = world.agency1
    return {
        "director": make(a1, "Trần Văn Giám", "092075000001", "Giám đốc Sở"),
        "deputy": make(a1, "Lê Văn Phó", "092075000002", "Phó Giám đốc"),
        "secretary": make(a1, "Phạm Văn Thư", "092075000003", "Bí thư Đảng ủy"),
        "head": make(a1, "Ngô Văn Trưởng", "092075000004", "Trưởng phòng Tổ chức"),
        "clerk": make(a1, "Đỗ Văn Viên", "092075000005", "Chuyên viên", party=False),
        "other": make(world.agency2, "Võ Văn Điện", "092075000006", "Giám đốc Công ty"),
    }


def propose(world, seat_kind, person, by, **extra):
    extra.setdefault("starts_on", DAY)
    return svc.appointment_propose(
        board=world.agency1.board, position=seat_kind, person=person, by=by, **extra
    )


def test_a_clerks_proposal_waits_for_confirmation(world, seat, staff_list):
    appointment, warnings = propose(world, seat["chi-huy-truong"], staff_list["director"],
                                    world.clerk, decision_number="15/QĐ-BCH")  # fmt: skip

    assert appointment.state == AppointmentState.PROPOSED
    assert appointment.proposed_by == world.clerk
    assert warnings == []
    assert not BoardAppointment.objects.current().exists()
    assert appointment.history.latest().history_user == world.clerk


def test_a_clerk_may_not_create_a_confirmed_appointment(world, seat, staff_list):
    with pytest.raises(PermissionDenied):
        propose(world, seat["chi-huy-truong"], staff_list["director"], world.clerk, confirm=True)


def test_a_person_of_another_agency_is_refused(world, seat, staff_list):
    with pytest.raises(ValidationError) as exc:
        propose(world, seat["chi-huy-truong"], staff_list["other"], world.clerk)

    assert exc.value.messages == [
        "Võ Văn Điện thuộc Công ty Điện lực Cần Thơ, không thuộc Sở Y tế thành phố Cần Thơ: "
        "người giữ chức vụ phải trong danh sách nhân sự của cơ quan."
    ]


def test_a_third_deputy_commander_is_refused_at_confirmation(world, seat, staff_list):
    deputy = seat["pho-chi-huy-truong"]
    for who in ("deputy", "head"):
        propose(world, deputy, staff_list[who], world.staff, confirm=True)
    third, warnings = propose(world, deputy, staff_list["clerk"], world.clerk)
    assert any("Vượt số Phó Chỉ huy trưởng tối đa cùng lúc (2" in w for w in warnings)

    with pytest.raises(ValidationError) as exc:
        svc.appointment_confirm(appointment=third, by=world.staff)

    assert "NĐ 72/2020 Điều 4" in exc.value.messages[0]
    assert "Lê Văn Phó (từ 01/03/2024), Ngô Văn Trưởng (từ 01/03/2024)" in exc.value.messages[0]
    third.refresh_from_db()
    assert third.state == AppointmentState.PROPOSED


def test_a_third_deputy_created_confirmed_is_refused_at_once(world, seat, staff_list):
    deputy = seat["pho-chi-huy-truong"]
    for who in ("deputy", "head"):
        propose(world, deputy, staff_list[who], world.staff, confirm=True)

    with pytest.raises(ValidationError):
        propose(world, deputy, staff_list["clerk"], world.staff, confirm=True)
    assert BoardAppointment.objects.filter(position=deputy).count() == 2


def test_a_deputy_who_has_left_frees_the_seat(world, seat, staff_list):
    deputy = seat["pho-chi-huy-truong"]
    first, _ = propose(world, deputy, staff_list["deputy"], world.staff, confirm=True)
    propose(world, deputy, staff_list["head"], world.staff, confirm=True)
    svc.appointment_end(appointment=first, on=dt.date(2024, 6, 1), reason="Nghỉ hưu")

    third, _ = propose(
        world, deputy, staff_list["clerk"], world.clerk, starts_on=dt.date(2024, 6, 1)
    )
    svc.appointment_confirm(appointment=third, by=world.staff)

    assert (
        BoardAppointment.objects.current(dt.date(2024, 7, 1)).filter(position=deputy).count() == 2
    )


def test_one_person_cannot_hold_two_seats_of_the_same_board(world, seat, staff_list):
    propose(world, seat["chi-huy-truong"], staff_list["director"], world.staff, confirm=True)

    with pytest.raises(ValidationError) as exc:
        propose(world, seat["chinh-tri-vien"], staff_list["director"], world.clerk)

    assert exc.value.messages == [
        "Trần Văn Giám cùng lúc giữ chức vụ Chỉ huy trưởng. Một người không giữ hai chức vụ "
        "của cùng một Ban CHQS."
    ]


def test_a_commander_whose_job_title_is_not_a_leaders_is_warned(world, seat, staff_list):
    _, warnings = propose(world, seat["chi-huy-truong"], staff_list["clerk"], world.clerk)

    assert warnings == [
        "Chỉ huy trưởng thường là người đứng đầu hoặc cấp phó của cơ quan; chức vụ của Đỗ Văn "
        "Viên: “Chuyên viên”."
    ]


def test_a_political_officer_outside_the_party_or_not_secretary_is_warned(world, seat, staff_list):
    _, warnings = propose(world, seat["chinh-tri-vien"], staff_list["clerk"], world.clerk)

    assert warnings == [
        "Chính trị viên thường là bí thư hoặc phó bí thư cấp ủy; chức vụ của Đỗ Văn Viên: "
        "“Chuyên viên”.",
        "Chính trị viên Đỗ Văn Viên chưa có ngày vào Đảng trong hồ sơ.",
    ]


def test_the_party_secretary_as_political_officer_raises_no_warning(world, seat, staff_list):
    _, warnings = propose(world, seat["chinh-tri-vien"], staff_list["secretary"], world.clerk)

    assert warnings == []


def test_a_confirmed_proposal_shows_its_holder_on_the_unit_page(world, seat, staff_list, client):
    appointment, _ = propose(world, seat["chi-huy-truong"], staff_list["director"], world.clerk)
    client.force_login(world.commander)
    url = reverse("units:detail", kwargs={"code": "A1"})
    before = client.get(url).content.decode()
    assert "Trần Văn Giám" not in before

    confirmed = svc.appointment_confirm(appointment=appointment, by=world.staff)

    assert confirmed.state == AppointmentState.CONFIRMED
    assert confirmed.decided_by == world.staff
    after = client.get(url).content.decode()
    assert "Trần Văn Giám" in after
    assert after.count("Còn trống") == before.count("Còn trống") - 1


def test_a_rejected_proposal_keeps_its_reason_and_frees_the_person(world, seat, staff_list):
    appointment, _ = propose(world, seat["chi-huy-truong"], staff_list["head"], world.clerk)

    svc.appointment_reject(appointment=appointment, by=world.staff, reason="Không phải cấp phó")

    appointment.refresh_from_db()
    assert appointment.state == AppointmentState.REJECTED
    assert appointment.rejected_reason == "Không phải cấp phó"
    again, _ = propose(world, seat["pho-chi-huy-truong"], staff_list["head"], world.clerk)
    assert again.state == AppointmentState.PROPOSED


def test_a_rejection_needs_a_reason_and_a_staff_officer(world, seat, staff_list):
    appointment, _ = propose(world, seat["chi-huy-truong"], staff_list["head"], world.clerk)

    with pytest.raises(ValidationError, match="Cần ghi lý do"):
        svc.appointment_reject(appointment=appointment, by=world.staff, reason="  ")
    with pytest.raises(PermissionDenied):
        svc.appointment_reject(appointment=appointment, by=world.clerk, reason="Không")
    with pytest.raises(PermissionDenied):
        svc.appointment_confirm(appointment=appointment, by=world.commander)


def test_ending_an_appointment_leaves_the_seat_vacant_from_that_day(world, seat, staff_list):
    appointment, _ = propose(world, seat["chi-huy-truong"], staff_list["director"], world.staff,
                             confirm=True)  # fmt: skip

    svc.appointment_end(appointment=appointment, on=dt.date(2025, 1, 1), reason="Nghỉ hưu")

    appointment.refresh_from_db()
    assert appointment.ends_on == dt.date(2025, 1, 1)
    assert appointment.end_reason == "Nghỉ hưu"
    assert BoardAppointment.objects.current(dt.date(2024, 12, 31)).exists()
    assert not BoardAppointment.objects.current(dt.date(2025, 1, 1)).exists()
    with pytest.raises(ValidationError, match="đã kết thúc"):
        svc.appointment_end(appointment=appointment, on=dt.date(2025, 2, 1), reason="Lần nữa")


def test_an_end_before_the_start_is_refused(world, seat, staff_list):
    appointment, _ = propose(world, seat["chi-huy-truong"], staff_list["director"], world.staff,
                             confirm=True)  # fmt: skip

    with pytest.raises(ValidationError, match="phải sau ngày bắt đầu"):
        svc.appointment_end(appointment=appointment, on=DAY, reason="Nhầm")
