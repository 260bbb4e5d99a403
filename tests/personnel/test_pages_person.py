"""The person page and the form that creates or edits a person."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from personnel.forms import PersonForm, person_version
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
        person_form(
            world,
            full_name="Nguyễn Văn Hùng",
            gender="M",
            cccd=person.cccd,
            version=person_version(person),
        ),  # fmt: skip
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

    data = person_form(world, full_name="Nguyễn Văn Hùng (sửa)", cccd=mine.cccd,
                       version=person_version(mine))  # fmt: skip
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
    data = person_form(world, agency=world.agency2.pk, cccd=person.cccd,
                       version=person_version(person))  # fmt: skip
    client.post(reverse("personnel:person_edit", args=[person.pk]), data)

    person.refresh_from_db()
    assert person.agency == world.agency1
    assert (
        "Điều chuyển"
        in client.get(reverse("personnel:person_edit", args=[person.pk])).content.decode()
    )


# --- two staff officers editing the same person ----------------------------------------


def edit_page_version(client, person) -> str:
    page = client.get(reverse("personnel:person_edit", args=[person.pk])).content.decode()
    return re.search(r'name="version" value="(\d+)"', page).group(1)


def test_the_second_of_two_simultaneous_edits_is_told_and_overwrites_nothing(world, client_for):
    binh, an = client_for(world.staff), client_for(world.admin)
    binh.post(reverse("personnel:person_create"), person_form(world))
    person = Person.objects.get(cccd="001195012345")
    url = reverse("personnel:person_edit", args=[person.pk])
    opened_by_binh = edit_page_version(binh, person)
    opened_by_an = edit_page_version(an, person)
    assert opened_by_binh == opened_by_an == person_version(person)

    # An changes the phone and the health grade; Bình, at the same time, the job title
    # and the health grade.
    first = an.post(url, person_form(world, phone="0909000111", health_grade="3",
                                     version=opened_by_an))  # fmt: skip
    assert first.status_code == 302
    second = binh.post(url, person_form(world, job_title="Trưởng khoa", health_grade="1",
                                        version=opened_by_binh))  # fmt: skip

    assert second.status_code == 200
    text = second.content.decode()
    assert "Hồ sơ này vừa được Nguyễn Văn An sửa lúc" in text
    assert "Thay đổi của đồng chí CHƯA được lưu." in text
    assert "Đã cập nhật theo bản mới: Số điện thoại." in text
    assert "Cả hai cùng sửa: Sức khỏe (loại)" in text
    assert 'value="0909000111"' in text  # An's phone, on Bình's form now
    assert 'value="Trưởng khoa"' in text  # what Bình typed is kept
    person.refresh_from_db()
    assert (person.phone, person.job_title, person.health_grade) == ("0909000111", "Điều dưỡng", 3)

    # Having read the message, Bình saves the form as it came back: An's phone stays.
    newer = re.search(r'name="version" value="(\d+)"', text).group(1)
    assert newer == person_version(person) != opened_by_binh
    again = binh.post(url, person_form(world, job_title="Trưởng khoa", health_grade="1",
                                       phone="0909000111", version=newer))  # fmt: skip
    assert again.status_code == 302
    person.refresh_from_db()
    assert (person.phone, person.job_title, person.health_grade) == ("0909000111", "Trưởng khoa", 1)


def test_a_person_form_opened_before_a_change_is_refused_without_a_version_too(world):
    """The form alone: a stale or missing version is a non-field error in Vietnamese; the
    current version is valid; a new person needs none."""
    from units.scope import Scope

    person = make_person(world.agency1, "Nguyễn Văn Hùng", cccd="092090000123")
    scope = Scope(world.staff)
    options = {"scope": scope, "agencies": scope.units().agencies(), "instance": person}
    opened = person_version(person)
    person.phone = "0909000111"
    person.save()

    for version in (opened, "", "abc"):
        data = person_form(world, full_name="Nguyễn Văn Hùng", gender="M", cccd=person.cccd,
                           version=version)  # fmt: skip
        form = PersonForm(data, **options)
        assert not form.is_valid()
        assert "Thay đổi của đồng chí CHƯA được lưu." in form.non_field_errors()[0]
    fresh = person_form(world, full_name="Nguyễn Văn Hùng", gender="M", cccd=person.cccd,
                        version=person_version(person))  # fmt: skip
    assert PersonForm(fresh, **options).is_valid()
    assert PersonForm(person_form(world), scope=scope, agencies=options["agencies"]).is_valid()
