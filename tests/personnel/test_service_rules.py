import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from personnel.models import (
    BoardAppointment,
    Person,
    Service,
    ServicePosition,
    ServiceStatus,
    StatusReason,
)
from personnel.services import (
    service_change_status,
    service_extend,
    service_open,
    service_transfer,
)
from units.models import BoardPositionKind, Formation

pytestmark = pytest.mark.django_db
JOIN = dt.date(2023, 1, 15)


def person(world, *, born, gender="M", cccd="092090000123", agency=None, **extra):
    return Person.objects.create(
        agency=agency or world.agency1,
        full_name=extra.pop("full_name", "Nguyễn Văn Hùng"),
        birth_date=born,
        gender=gender,
        cccd=cccd,
        **extra,
    )


@pytest.fixture
def soldier():
    return ServicePosition.objects.get(code="chien-si")


def test_a_new_member_serves_four_years_by_default(world, soldier):
    member = person(world, born=dt.date(1995, 5, 1))
    service, warnings = service_open(
        person=member, joined_on=JOIN, position=soldier, formation=world.formation1
    )

    assert service.term_end == dt.date(2027, 1, 15)
    assert service.force_kind == world.formation1.force_kind
    assert warnings == []


def test_a_member_under_eighteen_is_refused(world, soldier):
    member = person(world, born=dt.date(2005, 2, 1))
    with pytest.raises(ValidationError, match="Chưa đủ 18 tuổi"):
        service_open(person=member, joined_on=JOIN, position=soldier, formation=world.formation1)


@pytest.mark.parametrize(
    ("gender", "born", "volunteer", "refused"),
    [
        ("M", dt.date(1977, 6, 1), False, False),  # 45 on joining: still in range
        ("M", dt.date(1977, 1, 15), False, True),  # turned 46 that day
        ("M", dt.date(1977, 1, 15), True, False),  # a volunteer may serve to 50
        ("F", dt.date(1982, 1, 15), False, True),  # a woman of 41
        ("F", dt.date(1982, 1, 15), True, False),  # volunteering to 45
        ("F", dt.date(1977, 1, 15), True, True),  # 46: past even the volunteer limit
    ],
)
def test_age_limits_at_joining_follow_article_8(world, soldier, gender, born, volunteer, refused):
    member = person(world, born=born, gender=gender)

    def join():
        return service_open(
            person=member,
            joined_on=JOIN,
            position=soldier,
            formation=world.formation1,
            volunteer=volunteer,
        )

    if refused:
        with pytest.raises(ValidationError, match="Quá tuổi"):
            join()
    else:
        join()


def test_a_term_running_past_the_age_limit_is_refused(world, soldier):
    member = person(world, born=dt.date(1979, 6, 1))  # ends 45 on 31/05/2025
    with pytest.raises(ValidationError, match="vượt quá độ tuổi"):
        service_open(
            person=member,
            joined_on=JOIN,
            position=soldier,
            formation=world.formation1,
            term_end=dt.date(2027, 1, 15),
        )


def test_the_default_term_stops_at_the_age_limit(world, soldier):
    member = person(world, born=dt.date(1979, 6, 1))
    service, warnings = service_open(
        person=member, joined_on=JOIN, position=soldier, formation=world.formation1
    )

    assert service.term_end == dt.date(2025, 5, 31)
    assert warnings == ["Thời hạn rút ngắn đến 31/05/2025 (hết độ tuổi tham gia)."]


def test_a_member_without_a_squad_needs_a_kind_of_force(world, soldier):
    member = person(world, born=dt.date(1995, 5, 1))
    with pytest.raises(ValidationError, match="Cần thành phần lực lượng"):
        service_open(person=member, joined_on=JOIN, position=soldier)

    service, _ = service_open(
        person=member, joined_on=JOIN, position=soldier, force_kind=world.formation1.force_kind
    )
    assert service.formation is None


def test_a_formation_of_another_agency_is_refused(world, soldier):
    member = person(world, born=dt.date(1995, 5, 1))
    with pytest.raises(ValidationError, match="không thuộc cơ quan"):
        service_open(person=member, joined_on=JOIN, position=soldier, formation=world.formation2)


def test_a_legacy_nine_digit_id_is_accepted_with_a_warning(world, soldier):
    member = person(world, born=dt.date(1990, 5, 1), cccd="361234567")
    _, warnings = service_open(
        person=member, joined_on=JOIN, position=soldier, formation=world.formation1
    )
    assert any("CMND cũ 9 chữ số" in w for w in warnings)


def test_a_position_restricted_by_configuration_warns(world, soldier):
    soldier.allowed_gender = "M"
    soldier.save()
    member = person(world, born=dt.date(1995, 5, 1), gender="F")
    _, warnings = service_open(
        person=member, joined_on=JOIN, position=soldier, formation=world.formation1
    )
    assert warnings == ["Chức vụ “Chiến sĩ” được cấu hình chỉ dành cho nam."]


def test_one_person_has_at_most_one_open_service(world, soldier):
    member = person(world, born=dt.date(1995, 5, 1))
    service_open(person=member, joined_on=JOIN, position=soldier, formation=world.formation1)

    with pytest.raises(ValidationError, match="chưa kết thúc"):
        service_open(person=member, joined_on=JOIN, position=soldier, formation=world.formation1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Service.objects.create(
            person=member,
            agency=world.agency1,
            position=soldier,
            force_kind=world.formation1.force_kind,
            joined_on=JOIN,
            term_end=dt.date(2027, 1, 1),
        )


def test_a_cccd_is_unique_across_the_whole_system(world):
    person(world, born=dt.date(1995, 5, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        person(world, born=dt.date(1990, 1, 1), agency=world.agency2, full_name="Trần Văn B")


def test_a_transfer_closes_one_record_and_opens_the_next(world, soldier):
    member = person(world, born=dt.date(1995, 5, 1))
    first, _ = service_open(
        person=member, joined_on=JOIN, position=soldier, formation=world.formation1
    )
    platoon = Formation.objects.create(
        agency=world.agency1,
        code="TRD1",
        name="Trung đội 1",
        level="trung_doi",
        force_kind=world.formation1.force_kind,
    )
    second = service_transfer(person=member, on=dt.date(2024, 3, 1), formation=platoon)

    first.refresh_from_db()
    assert (first.status, first.ended_on) == (ServiceStatus.TRANSFERRED, dt.date(2024, 3, 1))
    assert (second.formation, second.ended_on, second.term_end) == (platoon, None, first.term_end)
    assert Service.objects.serving_on(dt.date(2024, 2, 29)).get(person=member) == first
    assert Service.objects.serving_on(dt.date(2024, 3, 1)).get(person=member) == second


def test_a_transfer_to_another_agency_moves_the_person(world, soldier):
    member = person(world, born=dt.date(1995, 5, 1))
    service_open(person=member, joined_on=JOIN, position=soldier, formation=world.formation1)
    service_transfer(person=member, on=dt.date(2024, 3, 1), formation=world.formation2)

    member.refresh_from_db()
    assert member.agency == world.agency2
    assert member.history.count() == 2


def test_a_discharge_needs_a_reason_of_that_status(world, soldier):
    member = person(world, born=dt.date(1995, 5, 1))
    service_open(person=member, joined_on=JOIN, position=soldier, formation=world.formation1)
    death = StatusReason.objects.get(code="loai-tu-tran")

    with pytest.raises(ValidationError, match="Cần chọn lý do"):
        service_change_status(person=member, status="released", on=JOIN, reason=None)
    with pytest.raises(ValidationError, match="không thuộc tình trạng"):
        service_change_status(person=member, status="released", on=JOIN, reason=death)

    health = StatusReason.objects.get(code="thoi-suc-khoe")
    service = service_change_status(
        person=member, status="released", on=dt.date(2024, 6, 1), reason=health
    )
    assert service.ended_on == dt.date(2024, 6, 1)
    assert not Service.objects.serving_on(dt.date(2024, 6, 1)).filter(person=member).exists()


def test_a_postponed_member_is_not_counted_as_serving(world, soldier):
    member = person(world, born=dt.date(1995, 5, 1), gender="F")
    service_open(person=member, joined_on=JOIN, position=soldier, formation=world.formation1)
    maternity = StatusReason.objects.get(code="hoan-thai-san")
    service_change_status(
        person=member, status="postponed", on=dt.date(2024, 1, 1), reason=maternity
    )

    assert Service.objects.serving_on(dt.date(2023, 12, 31)).filter(person=member).exists()
    assert not Service.objects.serving_on(dt.date(2024, 1, 1)).filter(person=member).exists()


def test_an_extension_is_recorded_and_never_passes_the_age_limit(world, soldier):
    member = person(world, born=dt.date(1980, 6, 1))  # last day at 45: 31/05/2026
    service, _ = service_open(
        person=member,
        joined_on=JOIN,
        position=soldier,
        formation=world.formation1,
        term_end=dt.date(2025, 1, 15),
    )
    with pytest.raises(ValidationError, match="vượt quá độ tuổi"):
        service_extend(
            person=member, new_end=dt.date(2027, 1, 15), decision="05/QĐ", decided_on=JOIN
        )

    extension, _ = service_extend(
        person=member, new_end=dt.date(2026, 5, 31), decision="05/QĐ", decided_on=JOIN
    )
    service.refresh_from_db()
    assert service.term_end == dt.date(2026, 5, 31)
    assert extension.previous_end == dt.date(2025, 1, 15)


def test_terms_ending_within_ninety_days_are_listed(world, soldier):
    member = person(world, born=dt.date(1995, 5, 1))
    service_open(
        person=member,
        joined_on=JOIN,
        position=soldier,
        formation=world.formation1,
        term_end=dt.date(2027, 1, 15),
    )
    day = dt.date(2026, 11, 1)
    assert Service.objects.term_ending_within(90, day).filter(person=member).exists()
    assert not Service.objects.term_ending_within(60, day).filter(person=member).exists()


def test_the_board_page_shows_confirmed_holders_and_the_remaining_vacancies(world, client_for):
    holder = person(world, born=dt.date(1975, 5, 1), full_name="Lê Văn Tám")
    board = world.agency1.board
    commander = BoardPositionKind.objects.get(code="chi-huy-truong")
    BoardAppointment.objects.create(
        board=board, position=commander, person=holder, starts_on=JOIN, state="confirmed"
    )
    page = client_for(world.clerk).get(f"/don-vi/{world.agency1.code}/").content.decode()

    assert "Lê Văn Tám" in page
    assert page.count("Còn trống 1") == 3
