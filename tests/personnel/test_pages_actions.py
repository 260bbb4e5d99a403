"""Explicit service actions (join, status, transfer, extend) and the roster's bulk
actions: happy paths, Vietnamese refusals shown as form errors, all-or-nothing."""

import datetime as dt

import pytest
from django.urls import reverse

from personnel.models import Service, ServiceExtension, ServicePosition, StatusReason
from tests.personnel.test_pages import JOIN, enlist, make_person
from units.models import Formation

pytestmark = pytest.mark.django_db


@pytest.fixture
def platoon(world):
    return Formation.objects.create(
        agency=world.agency1,
        code="TRD1",
        name="Trung đội 1",
        level="trung_doi",
        force_kind=world.formation1.force_kind,
    )


def url(name, person, **query):
    path = reverse(f"personnel:{name}", args=[person.pk])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def join_form(world, **overrides):
    data = {
        "position": ServicePosition.objects.get(code="chien-si").pk,
        "formation": world.formation1.pk,
        "force_kind": "",
        "joined_on": "15/01/2023",
        "term_end": "",
        "decision": "03/QĐ-UBND",
    }
    data.update(overrides)
    return data


def test_a_clerk_enlists_a_person_and_reads_the_warnings(world, client_for):
    person = make_person(world.agency1, cccd="361234567")  # a legacy id: a warning
    response = client_for(world.clerk).post(
        url("service_open", person), join_form(world), follow=True
    )
    service = Service.objects.get(person=person)

    assert (service.formation, service.term_end) == (world.formation1, dt.date(2027, 1, 15))
    text = response.content.decode()
    assert "Đã ghi nhận" in text
    assert "CMND cũ 9 chữ số" in text and "alert-warning" in text


def test_enlisting_a_person_under_eighteen_is_refused_as_a_form_error(world, client_for):
    person = make_person(world.agency1, born=dt.date(2006, 1, 1))
    response = client_for(world.clerk).post(url("service_open", person), join_form(world))

    assert response.status_code == 200
    assert "Chưa đủ 18 tuổi khi vào tự vệ" in response.content.decode()
    assert not Service.objects.filter(person=person).exists()


def test_enlisting_without_squad_needs_a_kind_of_force(world, client_for):
    person = make_person(world.agency1)
    response = client_for(world.clerk).post(
        url("service_open", person), join_form(world, formation="")
    )

    assert "Chọn thành phần khi chưa xếp vào đơn vị tự vệ." in response.content.decode()


def test_a_status_change_first_asks_which_status_then_lists_only_its_reasons(world, client_for):
    person = make_person(world.agency1, gender="F")
    enlist(person, world.formation1)
    client = client_for(world.clerk)

    step1 = client.get(url("service_status", person)).content.decode()
    assert "Tạm hoãn" in step1 and "Thôi trước thời hạn" in step1
    step2 = client.get(url("service_status", person, tinh_trang="postponed")).content.decode()
    assert "Phụ nữ mang thai" in step2
    assert "Sức khỏe không bảo đảm thực hiện nhiệm vụ" not in step2  # a release reason

    maternity = StatusReason.objects.get(code="hoan-thai-san")
    data = {"tinh_trang": "postponed", "reason": maternity.pk, "on": "01/03/2024"}
    response = client.post(url("service_status", person), {**data, "decision": "09/QĐ"})
    assert response.status_code == 302
    service = Service.objects.get(person=person)
    assert (service.status, service.status_reason, service.ended_on) == (
        "postponed",
        maternity,
        None,
    )


def test_a_discharge_dated_before_joining_is_refused_in_vietnamese(world, client_for):
    person = make_person(world.agency1)
    enlist(person, world.formation1)
    health = StatusReason.objects.get(code="thoi-suc-khoe")
    data = {"tinh_trang": "released", "reason": health.pk, "on": "01/01/2020", "decision": ""}
    response = client_for(world.clerk).post(url("service_status", person), data)

    assert "Ngày thay đổi không thể trước ngày vào tự vệ." in response.content.decode()
    assert Service.objects.get(person=person).ended_on is None


def test_a_reason_of_another_status_is_not_accepted(world, client_for):
    person = make_person(world.agency1)
    enlist(person, world.formation1)
    death = StatusReason.objects.get(code="loai-tu-tran")
    data = {"tinh_trang": "released", "reason": death.pk, "on": "01/06/2024", "decision": ""}
    response = client_for(world.clerk).post(url("service_status", person), data)

    assert response.status_code == 200
    assert "Lý do này không thuộc tình trạng đã chọn." in response.content.decode()
    assert Service.objects.get(person=person).ended_on is None


def test_an_action_on_a_person_without_open_service_says_so(world, client_for):
    person = make_person(world.agency1, "Nguyễn Văn Hùng")
    response = client_for(world.clerk).get(url("service_transfer", person), follow=True)

    assert "Nguyễn Văn Hùng không có quá trình tham gia tự vệ đang mở." in (
        response.content.decode()
    )


def test_a_transfer_closes_the_record_and_opens_the_next(world, client_for, platoon):
    person = make_person(world.agency1)
    enlist(person, world.formation1)
    data = {"formation": platoon.pk, "on": "01/03/2024", "position": "", "decision": "11/QĐ"}
    response = client_for(world.clerk).post(url("service_transfer", person), data)

    assert response.status_code == 302
    old, new = Service.objects.filter(person=person).order_by("joined_on")
    assert (old.status, old.ended_on) == ("transferred", dt.date(2024, 3, 1))
    assert (new.formation, new.ended_on, new.decision) == (platoon, None, "11/QĐ")


def test_a_transfer_to_the_same_formation_is_refused(world, client_for):
    person = make_person(world.agency1)
    enlist(person, world.formation1)
    data = {"formation": world.formation1.pk, "on": "01/03/2024", "decision": ""}
    response = client_for(world.clerk).post(url("service_transfer", person), data)

    assert "Không có gì thay đổi so với quá trình hiện tại." in response.content.decode()


def test_a_clerk_cannot_transfer_to_a_formation_of_another_agency(world, client_for):
    person = make_person(world.agency1)
    enlist(person, world.formation1)
    data = {"formation": world.formation2.pk, "on": "01/03/2024", "decision": ""}
    response = client_for(world.clerk).post(url("service_transfer", person), data)

    assert "nằm ngoài phạm vi quản lý của đồng chí" in response.content.decode()
    assert Service.objects.filter(person=person).count() == 1


def test_an_extension_is_recorded_and_refused_past_the_age_limit(world, client_for):
    person = make_person(world.agency1, born=dt.date(1980, 6, 1))  # 45 ends 31/05/2026
    enlist(person, world.formation1, term_end=dt.date(2025, 1, 15))
    client = client_for(world.clerk)

    too_far = {"new_end": "15/01/2027", "decision": "05/QĐ", "decided_on": "10/01/2025"}
    response = client.post(url("service_extend", person), too_far)
    assert "vượt quá độ tuổi" in response.content.decode()
    assert not ServiceExtension.objects.exists()

    ok = {**too_far, "new_end": "31/05/2026"}
    assert client.post(url("service_extend", person), ok).status_code == 302
    assert Service.objects.get(person=person).term_end == dt.date(2026, 5, 31)


# -- bulk actions ------------------------------------------------------------------------


def bulk(client, people, **data):
    payload = {"chon": [p.pk for p in people], "on": "01/03/2024", "decision": "20/QĐ"}
    payload.update(data)
    return client.post(reverse("personnel:bulk"), payload)


def test_the_selected_members_move_to_one_formation(world, client_for, platoon):
    members = [make_person(world.agency1, f"Người {n}") for n in range(3)]
    for member in members:
        enlist(member, world.formation1)
    response = bulk(client_for(world.clerk), members, action="dieu_chuyen", formation=platoon.pk)

    assert response.status_code == 302
    assert Service.objects.filter(formation=platoon, ended_on=None).count() == 3


def test_the_selected_members_end_their_service_with_one_reason(world, client_for):
    members = [make_person(world.agency1, f"Người {n}") for n in range(2)]
    for member in members:
        enlist(member, world.formation1)
    health = StatusReason.objects.get(code="thoi-suc-khoe")
    response = bulk(
        client_for(world.staff), members, action="ket_thuc", status="released", reason=health.pk
    )

    assert response.status_code == 302
    assert Service.objects.filter(status="released", ended_on=dt.date(2024, 3, 1)).count() == 2


def test_one_bad_row_writes_nothing_and_names_the_person(world, client_for, platoon):
    members = [make_person(world.agency1, f"Người {n}") for n in range(2)]
    for member in members:
        enlist(member, world.formation1)
    newcomer = make_person(world.agency1, "Người Chưa Vào Tự Vệ")
    before = list(Service.objects.order_by("pk").values_list("pk", "ended_on", "formation"))
    response = bulk(
        client_for(world.clerk),
        [*members, newcomer],
        action="dieu_chuyen",
        formation=platoon.pk,
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert "Không có thay đổi nào được ghi" in text
    assert "Người Chưa Vào Tự Vệ" in text
    assert "không có quá trình tham gia tự vệ đang mở" in text
    assert list(Service.objects.order_by("pk").values_list("pk", "ended_on", "formation")) == (
        before
    )


def test_a_discharge_reason_of_another_status_is_refused_before_any_row(world, client_for):
    member = make_person(world.agency1)
    enlist(member, world.formation1)
    death = StatusReason.objects.get(code="loai-tu-tran")
    response = bulk(
        client_for(world.clerk), [member], action="ket_thuc", status="released", reason=death.pk
    )

    assert "không thuộc tình trạng đã chọn" in response.content.decode()
    assert Service.objects.get(person=member).ended_on is None


def test_a_person_outside_the_scope_cannot_be_slipped_into_a_bulk_action(world, client_for):
    mine, theirs = make_person(world.agency1), make_person(world.agency2)
    for person, formation in ((mine, world.formation1), (theirs, world.formation2)):
        enlist(person, formation)
    health = StatusReason.objects.get(code="thoi-suc-khoe")
    response = bulk(
        client_for(world.clerk), [mine, theirs], action="ket_thuc", status="released",
        reason=health.pk,
    )  # fmt: skip

    assert "không thuộc phạm vi quản lý" in response.content.decode()
    assert not Service.objects.filter(ended_on__isnull=False).exists()


def test_a_commander_may_not_run_a_bulk_action(world, client_for, platoon):
    member = make_person(world.agency1)
    enlist(member, world.formation1)
    response = bulk(
        client_for(world.commander), [member], action="dieu_chuyen", formation=platoon.pk
    )

    assert response.status_code == 403
    assert Service.objects.get(person=member).formation == world.formation1


def test_the_roster_offers_checkboxes_and_the_bulk_form_to_clerks_only(world, client_for):
    enlist(make_person(world.agency1), world.formation1, joined=JOIN)
    clerk_page = client_for(world.clerk).get(reverse("personnel:roster")).content.decode()
    assert 'name="chon"' in clerk_page and "Thực hiện" in clerk_page

    commander_page = client_for(world.commander).get(reverse("personnel:roster"))
    assert 'name="chon"' not in commander_page.content.decode()
