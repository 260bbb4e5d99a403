"""The training pages as users see them: a clerk nominates the qualifying people of
their agency (warned over quota, substitutions kept), the organiser records attendance
and results in bulk, the compliance page adds it up in a fixed number of queries."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from training.models import Attendance, Nomination, NominationState, Quota
from units.models import Unit

from . import factories as f

pytestmark = pytest.mark.django_db
ON = dt.date(2025, 3, 3)


@pytest.fixture
def course(world):
    """A1's own in-place course, quota 2; three members qualify, a rookie does not."""
    w = world
    c = f.course(w.agency1, "HL-A1-2025", "in-place", ON, days=7, place="Hội trường Sở Y tế")
    f.quota(c, w.agency1, 2)
    for name in ("Trần Văn An", "Lê Văn Bảo", "Phạm Văn Cường"):
        f.member(f.person(w.agency1, name), joined=dt.date(2022, 1, 10), formation=w.formation1)
    f.member(f.person(w.agency1, "Võ Văn Mới"), joined=dt.date(2024, 9, 1))
    return c


def person_named(name):
    from personnel.models import Person

    return Person.objects.get(full_name=name)


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_clerk_sees_who_qualifies_and_why_not(world, course, client_for):
    page = client_for(world.clerk).get(
        reverse("training:nominate", kwargs={"pk": course.pk, "code": "A1"})
    )
    html = page.content.decode()

    assert page.status_code == 200
    assert html.count("Đủ điều kiện") == 3
    assert "Mới là năm thứ 1 tham gia tự vệ (từ năm thứ 2)" in html


def test_the_clerk_nominates_and_is_warned_over_quota(world, course, client_for):
    client = client_for(world.clerk)
    url = reverse("training:nominate", kwargs={"pk": course.pk, "code": "A1"})
    chosen = [person_named(n).pk for n in ("Trần Văn An", "Lê Văn Bảo", "Phạm Văn Cường")]

    response = client.post(url, {"chon": chosen})

    assert response.status_code == 302
    assert Nomination.objects.active().filter(course=course).count() == 3
    assert "Đã cử 3 người, vượt chỉ tiêu 2." in texts(response)
    nomination = Nomination.objects.filter(course=course).first()
    assert nomination.agency == world.agency1 and nomination.nominated_by == world.clerk
    assert nomination.history.get().history_user == world.clerk


def test_a_person_who_does_not_qualify_is_refused_and_nothing_is_written(world, course, client_for):
    client = client_for(world.clerk)
    url = reverse("training:nominate", kwargs={"pk": course.pk, "code": "A1"})
    chosen = [person_named("Trần Văn An").pk, person_named("Võ Văn Mới").pk]

    response = client.post(url, {"chon": chosen}, follow=True)

    assert Nomination.objects.filter(course=course).count() == 0
    assert "Võ Văn Mới: không thuộc đối tượng" in response.content.decode()


def test_a_clerk_cannot_nominate_someone_of_another_agency(world, course, client_for):
    stranger = f.person(world.agency2, "Người Ngoài")
    f.member(stranger, joined=dt.date(2020, 1, 1))
    client = client_for(world.clerk)
    url = reverse("training:nominate", kwargs={"pk": course.pk, "code": "A1"})

    client.post(url, {"chon": [stranger.pk]})

    assert not Nomination.objects.filter(person=stranger).exists()


def test_a_substitution_keeps_who_was_replaced_and_why(world, course, client_for):
    an, bao = person_named("Trần Văn An"), person_named("Lê Văn Bảo")
    first = Nomination.objects.create(course=course, person=an, agency=world.agency1)
    client = client_for(world.clerk)
    url = reverse(
        "training:substitute", kwargs={"pk": course.pk, "code": "A1", "nomination_pk": first.pk}
    )

    client.post(url, {"person": bao.pk, "reason": "Đi công tác"})

    first.refresh_from_db()
    assert (first.state, first.change_reason) == (NominationState.REPLACED, "Đi công tác")
    assert Nomination.objects.active().get(course=course).replaces == first
    page = client.get(reverse("training:nominate", kwargs={"pk": course.pk, "code": "A1"}))
    assert "Thay Trần Văn An" in page.content.decode()


def test_the_organiser_records_results_in_bulk(world, course, client_for):
    an, bao = person_named("Trần Văn An"), person_named("Lê Văn Bảo")
    n1 = Nomination.objects.create(course=course, person=an, agency=world.agency1)
    n2 = Nomination.objects.create(course=course, person=bao, agency=world.agency1)
    client = client_for(world.staff)
    url = reverse("training:results", kwargs={"pk": course.pk})

    bad = client.post(url, {f"att-{n1.pk}": "present", f"result-{n1.pk}": "kha",
                            f"att-{n2.pk}": "absent", f"reason-{n2.pk}": ""})  # fmt: skip
    assert bad.status_code == 200
    assert "Lê Văn Bảo: Vắng mặt cần ghi lý do." in bad.content.decode()
    n1.refresh_from_db()
    assert n1.attendance == ""  # nothing saved

    client.post(url, {f"att-{n1.pk}": "present", f"days-{n1.pk}": "6,5", f"result-{n1.pk}": "kha",
                      f"att-{n2.pk}": "absent", f"reason-{n2.pk}": "Ốm"})  # fmt: skip
    n1.refresh_from_db()
    n2.refresh_from_db()
    assert (n1.attendance, n1.days_attended, n1.result) == ("present", Decimal("6.5"), "kha")
    assert (n2.attendance, n2.absence_reason) == (Attendance.ABSENT, "Ốm")


def test_a_clerk_may_not_record_results(world, course, client_for):
    response = client_for(world.clerk).get(reverse("training:results", kwargs={"pk": course.pk}))
    assert response.status_code == 403


def test_the_quota_grid_refuses_a_bad_cell_and_saves_nothing(world, course, client_for):
    client = client_for(world.staff)
    url = reverse("training:quotas", kwargs={"pk": course.pk})

    response = client.post(url, {f"q-{world.agency1.pk}": "mười"})

    assert "Chỉ tiêu là số nguyên không âm." in response.content.decode()
    assert Quota.objects.get(course=course).quantity == 2
    client.post(url, {f"q-{world.agency1.pk}": "1.200"})
    assert Quota.objects.get(course=course).quantity == 1200


def test_the_signing_list_pdf_lists_the_nominees(world, course, client_for):
    Nomination.objects.create(
        course=course, person=person_named("Trần Văn An"), agency=world.agency1
    )
    response = client_for(world.staff).get(
        reverse("training:attendance_pdf", kwargs={"pk": course.pk})
    )

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert response["Content-Type"] == "application/pdf"
    assert "DANH SÁCH" in text
    assert "Trần Văn An" in text
    assert "Cộng hòa xã hội chủ nghĩa Việt Nam".upper() in text.upper()
    assert "Ký tên" in text


def test_a_province_course_list_is_headed_by_the_provinces_superior_body(world, client_for):
    Unit.objects.filter(pk=world.province.pk).update(superior_body="Quân khu 9")
    c = f.course(Unit.objects.get(pk=world.province.pk), "TH-P-2025", "in-place", ON)
    response = client_for(world.admin).get(reverse("training:attendance_pdf", kwargs={"pk": c.pk}))

    text = " ".join(PdfReader(io.BytesIO(response.content)).pages[0].extract_text().split())
    assert "QUÂN KHU 9 BỘ CHQS THÀNH PHỐ CẦN THƠ" in text


def test_the_person_page_shows_training_history(world, course, client_for):
    an = person_named("Trần Văn An")
    Nomination.objects.create(
        course=course, person=an, agency=world.agency1, attendance="present",
        days_attended=7, result="gioi",
    )  # fmt: skip
    page = client_for(world.clerk).get(reverse("personnel:person", kwargs={"pk": an.pk}))
    html = page.content.decode()

    assert "Huấn luyện, tập huấn" in html
    assert "HL-A1-2025" in html and "Giỏi" in html


def compliance(client, **query):
    return client.get(reverse("training:compliance"), {"nam": 2025, **query})


def test_compliance_adds_up_a_subtree_and_drills_down(world, course, client_for):
    f.attend(course, [person_named("Trần Văn An"), person_named("Lê Văn Bảo")], 1)
    client = client_for(world.staff)

    page = compliance(client, don_vi="R1").content.decode()
    assert "Sở Y tế thành phố Cần Thơ" in page
    assert "50%" in page  # 1 of 2

    agency = compliance(client, don_vi="A1").content.decode()
    assert "Chưa đủ thời gian huấn luyện" in agency
    assert "Phạm Văn Cường" in agency  # nominated to nothing: 0 of 7 days


def test_compliance_export_holds_the_agencies(world, course, client_for):
    response = client_for(world.staff).get(
        reverse("training:compliance_export"), {"nam": 2025, "don_vi": "R1"}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))

    assert rows == [(1, "A1", "Sở Y tế thành phố Cần Thơ", 2, 0, 0, 0, 0)]


def test_compliance_takes_the_same_queries_for_more_agencies_and_courses(world, client_for):
    client = client_for(world.admin)
    compliance(client, don_vi="P")  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as small:
        compliance(client, don_vi="P")
    for i in range(3):
        c = f.course(world.province, f"TH-{i}", "board-cadre", dt.date(2025, 3, 1 + i))
        f.quota(c, world.agency1, 2)
        f.quota(c, world.agency2, 2)
        f.attend(c, f.people(world.agency2, 2, f"Khóa {i}"), 1)
    with CaptureQueriesContext(connection) as large:
        response = compliance(client, don_vi="P", sap_xep="-ty_le")
    assert len(large) == len(small)
    html = response.content.decode()
    assert html.index("Công ty Điện lực") < html.index("Sở Y tế")  # 50% before 0%


def test_a_large_course_is_entered_page_by_page_under_the_form_field_limit(
    world, course, client_for
):
    f.attend(course, f.people(world.agency1, 230, "Học viên"), 0)
    Nomination.objects.filter(course=course).update(attendance="", absence_reason="")
    client = client_for(world.staff)
    url = reverse("training:results", kwargs={"pk": course.pk})

    first = client.get(url).content.decode()
    second = client.get(url, {"trang": 2}).content.decode()
    assert first.count('name="att-') == 200
    assert second.count('name="att-') == 30
    last = Nomination.objects.order_by("person__full_name").last()
    response = client.post(f"{url}?trang=2", {f"att-{last.pk}": "present"})
    assert response.status_code == 302 and response.url.endswith("?trang=2")
    last.refresh_from_db()
    assert last.attendance == "present"


def test_ids_in_forms_are_not_grouped_like_numbers(world, course, client_for):
    # Vietnamese number formatting would write 12.345: the form would post a wrong id.
    from personnel.models import Person

    big = Person.objects.create(
        pk=12345, agency=world.agency1, full_name="Nguyễn Văn Lớn",
        birth_date=dt.date(1990, 1, 1), gender="M", cccd="092090012345",
    )  # fmt: skip
    f.member(big, joined=dt.date(2021, 1, 1))
    n = Nomination.objects.create(pk=23456, course=course, person=big, agency=world.agency1)
    clerk, staff = client_for(world.clerk), None
    html = clerk.get(reverse("training:nominate", kwargs={"pk": course.pk, "code": "A1"}))
    assert 'value="12345"' in html.content.decode()
    staff = client_for(world.staff)
    sheet = staff.get(reverse("training:results", kwargs={"pk": course.pk})).content.decode()
    assert f'name="att-{n.pk}"' in sheet
    grid = staff.get(reverse("training:quotas", kwargs={"pk": course.pk})).content.decode()
    assert f'name="q-{world.agency1.pk}"' in grid
