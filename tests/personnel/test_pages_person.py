"""The person page and the form that creates or edits a person."""

import datetime as dt

import pytest
from django.urls import reverse

from personnel.models import BoardAppointment, Person, ServiceExtension
from personnel.services import service_extend
from tests.personnel.test_pages import JOIN, enlist, make_person
from units.models import BoardPositionKind

pytestmark = pytest.mark.django_db


def person_form(world, **overrides):
    data = {
        "agency": world.agency1.pk,
        "full_name": "Phan Thị Hồng Nhung",
        "birth_date": "02/09/1995",
        "gender": "F",
        "cccd": "001195012345",
        "ethnicity": "",
        "religion": "Không",
        "hometown": "Phường Tân An, thành phố Cần Thơ",
        "residence": "",
        "education": "12/12",
        "qualification": "Cử nhân Điều dưỡng",
        "party_joined_on": "",
        "party_official_on": "",
        "youth_union_joined_on": "26/03/2010",
        "job_title": "Điều dưỡng",
        "phone": "0912345678",
        "health_grade": "2",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_the_person_page_shows_service_history_extension_seat_and_audit(world, client_for):
    client = client_for(world.staff)
    person = make_person(world.agency1, "Nguyễn Văn Hùng", born=dt.date(1985, 5, 1))
    enlist(person, world.formation1, decision="03/QĐ-UBND", term_end=dt.date(2025, 1, 15))
    service_extend(
        person=person, new_end=dt.date(2026, 1, 15), decision="07/QĐ-GĐ", decided_on=JOIN
    )
    BoardAppointment.objects.create(
        board=world.agency1.board,
        position=BoardPositionKind.objects.get(code="chi-huy-truong"),
        person=person,
        starts_on=JOIN,
        decision_number="15/QĐ-BCH",
        state="confirmed",
    )
    client.post(
        reverse("personnel:person_edit", args=[person.pk]),
        person_form(world, full_name="Nguyễn Văn Hùng", gender="M", cccd=person.cccd),
    )
    page = client.get(reverse("personnel:person", args=[person.pk])).content.decode()

    assert "Tiểu đội tự vệ 1" in page and "15/01/2023" in page and "03/QĐ-UBND" in page
    assert "07/QĐ-GĐ" in page and "15/01/2026" in page  # the extension and the new end
    assert "Chỉ huy trưởng" in page and "15/QĐ-BCH" in page
    assert "Trần Thanh Bình" in page  # who edited
    assert "Điều dưỡng" in page  # a field set by the edit, shown in the audit trail
    assert ServiceExtension.objects.filter(service__person=person).count() == 1


def test_a_commander_reads_the_person_page_with_masked_personal_data(world, client_for):
    person = make_person(world.agency1, cccd="092090000123", phone="0912345678",
                         residence="Số 5 hẻm 3, phường Cái Khế, thành phố Cần Thơ")  # fmt: skip
    page = client_for(world.commander).get(reverse("personnel:person", args=[person.pk]))
    text = page.content.decode()

    assert page.status_code == 200
    assert "0920******23" in text and "0912****78" in text
    assert "•••, phường Cái Khế, thành phố Cần Thơ" in text
    assert "092090000123" not in text and "0912345678" not in text  # nor in the history
    assert "hẻm 3" not in text
    assert "Sửa thông tin" not in text


def test_a_staff_officer_adds_a_person_to_the_agency_named_in_the_link(world, client_for):
    client = client_for(world.staff)
    url = reverse("personnel:person_create") + "?don_vi=A1"
    assert f'value="{world.agency1.pk}" selected' in client.get(url).content.decode()

    response = client.post(url, person_form(world))
    person = Person.objects.get(cccd="001195012345")
    assert response.url == reverse("personnel:person", args=[person.pk])
    assert (person.agency, person.birth_date) == (world.agency1, dt.date(1995, 9, 2))
    assert person.health_grade == 2


def test_a_clerks_person_always_lands_in_the_clerks_agency(world, client_for):
    client = client_for(world.clerk)
    client.post(reverse("personnel:person_create"), person_form(world, agency=world.agency2.pk))

    assert Person.objects.get(cccd="001195012345").agency == world.agency1


def test_a_legacy_nine_digit_id_is_saved_with_a_warning(world, client_for):
    client = client_for(world.clerk)
    response = client.post(
        reverse("personnel:person_create"), person_form(world, cccd="361 234 567"), follow=True
    )

    assert Person.objects.filter(cccd="361234567").exists()
    assert "CMND cũ 9 chữ số" in response.content.decode()


@pytest.mark.parametrize("cccd", ["09209000012", "0920900001234", "09209000012a"])
def test_a_malformed_citizen_id_is_refused_in_vietnamese(world, client_for, cccd):
    response = client_for(world.clerk).post(
        reverse("personnel:person_create"), person_form(world, cccd=cccd)
    )

    assert "Số CCCD phải gồm 12 chữ số" in response.content.decode()
    assert not Person.objects.filter(full_name="Phan Thị Hồng Nhung").exists()


def test_a_duplicate_id_in_scope_links_to_the_person_who_has_it(world, client_for):
    other = make_person(world.agency1, "Lê Văn Tám", cccd="001195012345")
    response = client_for(world.clerk).post(reverse("personnel:person_create"), person_form(world))
    text = response.content.decode()

    assert "Số CCCD này đã có trong hệ thống" in text
    assert f'href="{reverse("personnel:person", args=[other.pk])}"' in text
    assert "Lê Văn Tám" in text
    assert Person.objects.filter(cccd="001195012345").count() == 1


def test_a_duplicate_id_outside_the_scope_names_neither_person_nor_agency(world, client_for):
    make_person(world.agency2, "Võ Văn Kiệt", cccd="001195012345")
    response = client_for(world.clerk).post(reverse("personnel:person_create"), person_form(world))
    text = response.content.decode()

    assert "Số CCCD này đã có trong hệ thống và đã thuộc một cơ quan khác" in text
    assert "Võ Văn Kiệt" not in text
    assert world.agency2.name not in text


def test_dates_are_read_as_day_month_year_and_checked(world, client_for):
    client = client_for(world.clerk)
    response = client.post(
        reverse("personnel:person_create"),
        person_form(world, birth_date="31/02/1995", party_official_on="01/01/2020"),
    )
    text = response.content.decode()

    assert "Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy." in text
    assert "Có ngày chính thức thì cần ngày vào Đảng." in text


def test_a_clerk_edits_people_of_their_own_agency_only(world, client_for):
    mine = make_person(world.agency1, "Nguyễn Văn Hùng")
    theirs = make_person(world.agency2, "Võ Văn Kiệt")
    client = client_for(world.clerk)

    data = person_form(world, full_name="Nguyễn Văn Hùng (sửa)", cccd=mine.cccd)
    assert client.post(reverse("personnel:person_edit", args=[mine.pk]), data).status_code == 302
    mine.refresh_from_db()
    assert mine.full_name == "Nguyễn Văn Hùng (sửa)"
    assert client.get(reverse("personnel:person_edit", args=[theirs.pk])).status_code == 404


def test_a_commander_may_not_edit_a_person(world, client_for):
    person = make_person(world.agency1)
    response = client_for(world.commander).get(reverse("personnel:person_edit", args=[person.pk]))

    assert response.status_code == 403
    assert "thay đổi danh sách nhân sự" in response.content.decode()


def test_a_member_changes_agency_only_by_a_transfer(world, client_for):
    person = make_person(world.agency1)
    enlist(person, world.formation1)
    client = client_for(world.admin)
    data = person_form(world, agency=world.agency2.pk, cccd=person.cccd)
    client.post(reverse("personnel:person_edit", args=[person.pk]), data)

    person.refresh_from_db()
    assert person.agency == world.agency1
    assert (
        "Điều chuyển"
        in client.get(reverse("personnel:person_edit", args=[person.pk])).content.decode()
    )
