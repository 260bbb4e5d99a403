"""The roster page: scope, filters, search, sort, masking and a fixed query count.

The helpers here (`make_person`, `enlist`) are shared by the other test_pages_* files.
"""

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from personnel.models import Person, ServicePosition, StatusReason, add_years
from personnel.services import service_change_status, service_open, service_transfer
from units.models import ForceKind, Formation, today

pytestmark = pytest.mark.django_db
JOIN = dt.date(2023, 1, 15)
_ids = itertools.count(1)


def make_person(agency, name="Nguyễn Văn Hùng", *, cccd=None, born=None, gender="M", **extra):
    return Person.objects.create(
        agency=agency,
        full_name=name,
        birth_date=born or dt.date(1990, 5, 1),
        gender=gender,
        cccd=cccd or f"0920{next(_ids):08d}",
        **extra,
    )


def enlist(person, formation=None, *, joined=JOIN, **extra):
    extra.setdefault("position", ServicePosition.objects.get(code="chien-si"))
    if formation is None:
        extra.setdefault("force_kind", ForceKind.objects.get(code="tai-cho"))
    service, _ = service_open(person=person, joined_on=joined, formation=formation, **extra)
    return service


def roster(client, **params) -> str:
    response = client.get(reverse("personnel:roster"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_search_without_accents_finds_the_vietnamese_name(world, client_for):
    make_person(world.agency1, "Nguyễn Văn Hùng")
    make_person(world.agency1, "Trần Thị Mai")
    page = roster(client_for(world.staff), q="nguyen van")

    assert "Nguyễn Văn Hùng" in page
    assert "Trần Thị Mai" not in page


def test_a_search_by_citizen_id_finds_the_person(world, client_for):
    make_person(world.agency1, "Nguyễn Văn Hùng", cccd="092090000123")
    make_person(world.agency1, "Trần Thị Mai")
    page = roster(client_for(world.staff), q="092090000123")

    assert "Nguyễn Văn Hùng" in page
    assert "Trần Thị Mai" not in page


def test_a_staff_officer_of_region_1_does_not_see_people_of_agency_2(world, client_for):
    make_person(world.agency1, "Nguyễn Văn Hùng")
    make_person(world.agency2, "Võ Văn Kiệt")
    page = roster(client_for(world.staff))

    assert "Nguyễn Văn Hùng" in page
    assert "Võ Văn Kiệt" not in page
    assert "Võ Văn Kiệt" in roster(client_for(world.admin))


def test_filtering_by_a_unit_outside_the_scope_is_not_found(world, client_for):
    response = client_for(world.staff).get(reverse("personnel:roster"), {"don_vi": "A2"})
    assert response.status_code == 404


def test_the_unit_filter_takes_the_whole_subtree(world, client_for):
    make_person(world.agency1, "Nguyễn Văn Hùng")
    make_person(world.agency2, "Võ Văn Kiệt")
    client = client_for(world.admin)

    page = roster(client, don_vi="R1")
    assert "Nguyễn Văn Hùng" in page
    assert "Võ Văn Kiệt" not in page
    assert "Võ Văn Kiệt" in roster(client, don_vi="X2")


def test_filters_on_the_person(world, client_for):
    make_person(world.agency1, "Nguyễn Văn Hùng", party_joined_on=dt.date(2015, 3, 2))
    make_person(world.agency1, "Trần Thị Mai", gender="F", youth_union_joined_on=JOIN)
    make_person(world.agency1, "Lê Văn Dự Bị", is_reservist=True)
    client = client_for(world.staff)

    def names(**params):
        page = roster(client, **params)
        return {n for n in ("Nguyễn Văn Hùng", "Trần Thị Mai", "Lê Văn Dự Bị") if n in page}

    assert names(gioi_tinh="F") == {"Trần Thị Mai"}
    assert names(dang_vien="1") == {"Nguyễn Văn Hùng"}
    assert names(dang_vien="0") == {"Trần Thị Mai", "Lê Văn Dự Bị"}
    assert names(doan_vien="1") == {"Trần Thị Mai"}
    assert names(du_bi="1") == {"Lê Văn Dự Bị"}


def test_age_bands_count_full_years_on_today(world, client_for):
    day = today()
    make_person(world.agency1, "Người Ba Mươi", born=add_years(day, -30))  # 30 today
    make_person(world.agency1, "Người Ba Mốt", born=add_years(day, -31))  # 31 today
    make_person(world.agency1, "Người Năm Lăm", born=add_years(day, -55))
    client = client_for(world.staff)

    assert "Người Ba Mươi" in roster(client, tuoi="18-30")
    assert "Người Ba Mốt" not in roster(client, tuoi="18-30")
    assert "Người Ba Mốt" in roster(client, tuoi="31-40")
    page = roster(client, tuoi="khac")
    assert "Người Năm Lăm" in page
    assert "Người Ba Mươi" not in page


def test_filters_on_service(world, client_for):
    platoon = Formation.objects.create(
        agency=world.agency1,
        code="TRD1",
        name="Trung đội 1",
        level="trung_doi",
        force_kind=ForceKind.objects.get(code="co-dong"),
    )
    world.formation1.parent = platoon
    world.formation1.save()
    serving = make_person(world.agency1, "Người Tiểu Đội")
    enlist(serving, world.formation1)
    mobile = make_person(world.agency1, "Người Cơ Động")
    enlist(mobile, platoon)
    postponed = make_person(world.agency1, "Người Tạm Hoãn", gender="F")
    enlist(postponed, world.formation1)
    service_change_status(
        person=postponed,
        status="postponed",
        on=dt.date(2024, 1, 1),
        reason=StatusReason.objects.get(code="hoan-thai-san"),
    )
    released = make_person(world.agency1, "Người Đã Thôi")
    enlist(released)
    service_change_status(
        person=released,
        status="released",
        on=dt.date(2024, 1, 1),
        reason=StatusReason.objects.get(code="thoi-suc-khoe"),
    )
    make_person(world.agency1, "Người Chưa Vào")
    everyone = {"Người Tiểu Đội", "Người Cơ Động", "Người Tạm Hoãn", "Người Đã Thôi"}
    everyone.add("Người Chưa Vào")
    client = client_for(world.staff)

    def names(**params):
        page = roster(client, **params)
        return {n for n in everyone if n in page}

    # A platoon's list includes its squads.
    assert names(dv_tu_ve=platoon.pk) == {"Người Tiểu Đội", "Người Cơ Động", "Người Tạm Hoãn"}
    assert names(dv_tu_ve=world.formation1.pk) == {"Người Tiểu Đội", "Người Tạm Hoãn"}
    assert names(thanh_phan=platoon.force_kind_id) == {"Người Cơ Động"}
    assert names(tinh_trang="serving") == {"Người Tiểu Đội", "Người Cơ Động"}
    assert names(tinh_trang="postponed") == {"Người Tạm Hoãn"}
    assert names(tinh_trang="released") == {"Người Đã Thôi"}
    assert names(tinh_trang="none") == {"Người Đã Thôi", "Người Chưa Vào"}


def test_terms_ending_within_ninety_days_are_a_preset_filter(world, client_for):
    day = today()
    soon = make_person(world.agency1, "Người Sắp Hết Hạn")
    enlist(soon, world.formation1, joined=add_years(day, -3), term_end=day + dt.timedelta(30))
    later = make_person(world.agency1, "Người Còn Hạn")
    enlist(later, world.formation1, joined=add_years(day, -1))
    page = roster(client_for(world.clerk), sap_het_han="1", don_vi="A1")

    assert "Người Sắp Hết Hạn" in page
    assert "Người Còn Hạn" not in page


def test_sorting_by_birth_date_reverses_on_the_second_click(world, client_for):
    make_person(world.agency1, "Người Sinh Sớm", born=dt.date(1980, 1, 1))
    make_person(world.agency1, "Người Sinh Muộn", born=dt.date(2000, 1, 1))
    client = client_for(world.staff)

    page = roster(client, sap_xep="ngay_sinh")
    assert page.index("Người Sinh Sớm") < page.index("Người Sinh Muộn")
    page = roster(client, sap_xep="-ngay_sinh")
    assert page.index("Người Sinh Muộn") < page.index("Người Sinh Sớm")
    # An unknown key falls back to the name, never to an arbitrary column.
    page = roster(client, sap_xep="cccd")
    assert page.index("Người Sinh Muộn") < page.index("Người Sinh Sớm")


def test_sorting_by_joined_date_uses_the_first_joining_before_a_transfer(world, client_for):
    early = make_person(world.agency1, "Người Vào Sớm")
    enlist(early, world.formation1, joined=dt.date(2021, 1, 1))
    platoon = Formation.objects.create(
        agency=world.agency1, code="TRD1", name="Trung đội 1", level="trung_doi",
        force_kind=world.formation1.force_kind,
    )  # fmt: skip
    service_transfer(person=early, on=dt.date(2024, 6, 1), formation=platoon)
    late = make_person(world.agency1, "Người Vào Muộn")
    enlist(late, world.formation1, joined=dt.date(2023, 1, 1))
    page = roster(client_for(world.staff), sap_xep="ngay_vao")

    assert page.index("Người Vào Sớm") < page.index("Người Vào Muộn")
    assert "01/01/2021" in page


def test_the_joined_date_restarts_after_a_discharge_and_rejoining(world, client_for):
    back = make_person(world.agency1, "Người Vào Lại")
    enlist(back, world.formation1, joined=dt.date(2018, 1, 1))
    platoon = Formation.objects.create(
        agency=world.agency1, code="TRD1", name="Trung đội 1", level="trung_doi",
        force_kind=world.formation1.force_kind,
    )  # fmt: skip
    service_transfer(person=back, on=dt.date(2019, 1, 1), formation=platoon)
    service_change_status(
        person=back,
        status="released",
        on=dt.date(2020, 1, 1),
        reason=StatusReason.objects.get(code="thoi-suc-khoe"),
    )
    enlist(back, world.formation1, joined=dt.date(2022, 6, 1))
    steady = make_person(world.agency1, "Người Vào Năm 2021")
    enlist(steady, world.formation1, joined=dt.date(2021, 1, 1))
    client = client_for(world.staff)

    page = roster(client, sap_xep="ngay_vao")
    assert "01/06/2022" in page and "01/01/2018" not in page
    assert page.index("Người Vào Năm 2021") < page.index("Người Vào Lại")
    person_page = client.get(reverse("personnel:person", args=[back.pk])).content.decode()
    assert "01/06/2022" in person_page


def test_the_roster_is_paginated_by_fifty(world, client_for):
    for n in range(55):
        make_person(world.agency1, f"Người Thứ {n:02d}")
    client = client_for(world.staff)

    first = roster(client)
    assert "Tìm thấy <strong>55</strong> người" in first
    assert "Người Thứ 49" in first and "Người Thứ 50" not in first
    assert "Người Thứ 50" in roster(client, page=2)


def test_a_commander_sees_the_citizen_id_and_phone_masked(world, client_for):
    make_person(world.agency1, "Nguyễn Văn Hùng", cccd="092090000123", phone="0912345678")
    page = roster(client_for(world.commander))

    assert "0920******23" in page
    assert "092090000123" not in page
    assert "092090000123" in roster(client_for(world.staff))


@pytest.mark.parametrize(
    ("persona", "params"),
    [("staff", {}), ("commander", {}), ("clerk", {"sap_xep": "ngay_vao", "tinh_trang": "serving"})],
)
def test_the_roster_query_count_does_not_grow_with_the_people(world, client_for, persona, params):
    client = client_for(getattr(world, persona))

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            roster(client, **params)
        return len(queries)

    for n in range(5):
        enlist(make_person(world.agency1, f"Người {n}"), world.formation1)
    five = count_queries()
    for n in range(25):
        person = make_person(world.agency1, f"Người thêm {n}", party_joined_on=JOIN)
        enlist(person, world.formation1 if n % 2 else None)
    assert Person.objects.count() == 30
    assert count_queries() == five
    assert roster(client, **params).count('class="num">') >= 30  # every row was rendered


def test_roster_rows_escape_what_people_typed(world, client_for):
    make_person(world.agency1, '<b>Lê</b> "Văn" & Tú', job_title="<script>x</script>")
    page = roster(client_for(world.staff))

    assert "&lt;b&gt;Lê&lt;/b&gt; &quot;Văn&quot; &amp; Tú</a>" in page
    assert 'aria-label="Chọn &lt;b&gt;Lê&lt;/b&gt; &quot;Văn&quot; &amp; Tú"' in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x" not in page
