"""The Ban CHQS pages: Chi (clerk of A1) proposes, Bình (staff) confirms or rejects;
Dũng (commander) only reads; A2's board is not found for any of them."""

import datetime as dt

import pytest
from django.urls import reverse

from personnel.models import AppointmentState, BoardAppointment, Gender, Person
from units.models import BoardPositionKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def director(world):
    return Person.objects.create(
        agency=world.agency1, full_name="Trần Văn Giám", birth_date=dt.date(1975, 5, 5),
        gender=Gender.MALE, cccd="092075000001", job_title="Giám đốc Sở",
    )  # fmt: skip


@pytest.fixture
def commander_seat(db):
    return BoardPositionKind.objects.get(code="chi-huy-truong")


def board_url(name="personnel:board", code="A1", **kwargs):
    return reverse(name, kwargs={"code": code, **kwargs})


def proposal_of(person, seat):
    return {
        "position": seat.pk,
        "person": person.pk,
        "starts_on": "01/03/2024",
        "decision_number": "15/QĐ-BCH",
        "decision_date": "20/02/2024",
    }


def test_the_propose_form_lists_the_agencys_people_by_name_and_birth_year(
    world, director, client_for
):
    Person.objects.create(
        agency=world.agency2, full_name="Võ Văn Điện", birth_date=dt.date(1980, 1, 1),
        gender=Gender.MALE, cccd="092080000009",
    )  # fmt: skip
    page = client_for(world.clerk).get(board_url("personnel:appointment_propose")).content.decode()

    assert "Trần Văn Giám (1975)" in page
    assert "Võ Văn Điện" not in page


def test_a_clerk_proposes_and_a_staff_officer_confirms(
    world, director, commander_seat, client, client_for
):
    response = client_for(world.clerk).post(
        board_url("personnel:appointment_propose"), proposal_of(director, commander_seat)
    )

    assert response.status_code == 302
    appointment = BoardAppointment.objects.get()
    assert appointment.state == AppointmentState.PROPOSED
    page = client.get(board_url()).content.decode()
    assert "Đề xuất chờ xác nhận (1)" in page

    client.force_login(world.staff)
    response = client.post(board_url("personnel:appointment_confirm", pk=appointment.pk))

    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.state == AppointmentState.CONFIRMED
    unit_page = client.get(reverse("units:detail", kwargs={"code": "A1"})).content.decode()
    assert "Trần Văn Giám" in unit_page


def test_a_refused_proposal_is_a_form_error_in_vietnamese(world, commander_seat, client_for):
    other = Person.objects.create(agency=world.agency2, full_name="Võ Văn Điện",
                                  birth_date=dt.date(1980, 1, 1), gender=Gender.MALE,
                                  cccd="092080000009")  # fmt: skip
    response = client_for(world.admin).post(
        board_url("personnel:appointment_propose"), proposal_of(other, commander_seat)
    )

    assert response.status_code == 200
    assert "người này không có trong danh sách nhân sự" in response.content.decode()
    assert not BoardAppointment.objects.exists()


def test_a_rejection_without_a_reason_is_refused_with_a_message(
    world, director, commander_seat, client_for
):
    client = client_for(world.clerk)
    client.post(board_url("personnel:appointment_propose"), proposal_of(director, commander_seat))
    appointment = BoardAppointment.objects.get()
    client.force_login(world.staff)

    response = client.post(
        board_url("personnel:appointment_reject", pk=appointment.pk), {"reason": ""}, follow=True
    )

    assert "Cần ghi lý do không chấp thuận." in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.state == AppointmentState.PROPOSED

    client.post(board_url("personnel:appointment_reject", pk=appointment.pk), {"reason": "Sai"})
    appointment.refresh_from_db()
    assert appointment.state == AppointmentState.REJECTED
    assert "Sai" in client.get(board_url()).content.decode()


def test_a_clerk_cannot_confirm(world, director, commander_seat, client_for):
    client = client_for(world.clerk)
    client.post(board_url("personnel:appointment_propose"), proposal_of(director, commander_seat))
    appointment = BoardAppointment.objects.get()

    response = client.post(board_url("personnel:appointment_confirm", pk=appointment.pk))

    assert response.status_code == 403
    appointment.refresh_from_db()
    assert appointment.state == AppointmentState.PROPOSED


def test_a_commander_cannot_propose(world, director, commander_seat, client_for):
    client = client_for(world.commander)

    assert client.get(board_url("personnel:appointment_propose")).status_code == 403
    response = client.post(
        board_url("personnel:appointment_propose"), proposal_of(director, commander_seat)
    )
    assert response.status_code == 403
    assert not BoardAppointment.objects.exists()


def test_another_agencys_board_is_not_found(world, client_for):
    client = client_for(world.clerk)

    assert client.get(board_url(code="A2")).status_code == 404
    assert client.get(board_url("personnel:appointment_propose", code="A2")).status_code == 404


def test_an_appointment_is_found_only_under_its_own_board(
    world, director, commander_seat, client_for
):
    client = client_for(world.admin)
    client.post(board_url("personnel:appointment_propose"), proposal_of(director, commander_seat))
    appointment = BoardAppointment.objects.get()

    url = board_url("personnel:appointment_confirm", code="A2", pk=appointment.pk)
    assert client.post(url).status_code == 404


def test_a_staff_officer_ends_an_appointment(world, director, commander_seat, client_for):
    client = client_for(world.staff)
    client.post(
        board_url("personnel:appointment_propose"),
        {**proposal_of(director, commander_seat), "confirm": "on"},
    )
    appointment = BoardAppointment.objects.get(state=AppointmentState.CONFIRMED)

    url = board_url("personnel:appointment_end", pk=appointment.pk)
    response = client.post(url, {"on": "01/01/2025", "reason": "Nghỉ hưu"})

    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.ends_on == dt.date(2025, 1, 1)
    page = client.get(board_url()).content.decode()
    assert "Nghỉ hưu" in page


def test_the_unit_page_links_to_the_board_with_the_waiting_proposals(
    world, director, commander_seat, client_for
):
    client = client_for(world.clerk)
    client.post(board_url("personnel:appointment_propose"), proposal_of(director, commander_seat))

    page = client.get(reverse("units:detail", kwargs={"code": "A1"})).content.decode()

    assert f'href="{board_url()}"' in page
    assert "Bổ nhiệm, xác nhận" in page
    assert 'title="Đề xuất chờ xác nhận">1</span>' in page
