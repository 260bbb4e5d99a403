"""The duty pages as the staff officer, the clerk and the commander use them."""

import datetime as dt
import io
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from personnel.duty.models import DutyTurn, TurnState, Unavailability
from tests.duty.conftest import MONTH, make_members, plan_payload


def test_the_planner_previews_without_saving_and_explains_each_pick(
    world, members, kinds, client_for
):
    client = client_for(world.staff)
    response = client.post(
        reverse("duty:planner", kwargs={"code": "A1"}),
        {**plan_payload(kinds), "action": "preview"},
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert "Đề xuất: 31 lượt" in text
    assert "lần trực gần nhất: chưa trực lần nào" in text
    assert "chưa nghỉ đủ 48 giờ giữa hai lượt" in text
    assert not DutyTurn.objects.exists()


def test_the_planner_refuses_bad_input_in_vietnamese(world, members, kinds, client_for):
    client = client_for(world.staff)
    response = client.post(
        reverse("duty:planner", kwargs={"code": "A1"}),
        {"kinds": [], "starts_on": "31/02/2024", "ends_on": "01/01/2024", "action": "save"},
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert "Chọn ít nhất một loại trực." in text
    assert "Ngày không hợp lệ (dd/mm/yyyy)." in text
    assert not DutyTurn.objects.exists()


def test_saving_a_plan_makes_drafts_the_calendar_shows_and_publishing_counts_them(
    world, planned, members
):
    turns = DutyTurn.objects.filter(unit=world.agency1)
    assert turns.count() == 31
    assert set(turns.values_list("state", flat=True)) == {TurnState.DRAFT}

    page = planned.get(reverse("duty:month", kwargs={"code": "A1"}) + f"?thang={MONTH}")
    text = page.content.decode()
    assert "Lịch trực tháng 03/2024" in text
    assert "Ban hành 31 lượt dự kiến" in text
    assert "Chỉ huy:" in text
    # Ids in attributes stay digits whatever the locale's grouping (10.241 is no id).
    marked = re.findall(r'data-turn="([^"]*)"', text)
    assert sorted(marked) == sorted(str(pk) for pk in turns.values_list("pk", flat=True))

    planned.post(reverse("duty:publish", kwargs={"code": "A1"}), {"thang": MONTH})
    assert turns.filter(state=TurnState.PUBLISHED).count() == 31
    assert turns.first().history.filter(state=TurnState.PUBLISHED).exists()


def test_planning_again_replaces_the_drafts_but_never_a_published_turn(
    world, planned, members, kinds
):
    first = DutyTurn.objects.order_by("starts_at").first()
    first.state = TurnState.PUBLISHED
    first.save()

    planned.post(
        reverse("duty:planner", kwargs={"code": "A1"}), {**plan_payload(kinds), "action": "save"}
    )

    assert DutyTurn.objects.filter(pk=first.pk, state=TurnState.PUBLISHED).exists()
    assert DutyTurn.objects.filter(starts_on=first.starts_on).count() == 2
    assert DutyTurn.objects.filter(state=TurnState.DRAFT).count() == 31


def test_an_unavailable_member_is_left_out_of_the_plan(world, members, kinds, client_for):
    Unavailability.objects.create(
        person=members[0],
        starts_on=dt.date(2024, 3, 1),
        ends_on=dt.date(2024, 3, 31),
        reason="leave",
    )
    client = client_for(world.staff)
    client.post(
        reverse("duty:planner", kwargs={"code": "A1"}), {**plan_payload(kinds), "action": "save"}
    )

    assert not DutyTurn.objects.filter(assignments__person=members[0]).exists()
    turn = DutyTurn.objects.first()
    detail = client.get(reverse("duty:turn", kwargs={"pk": turn.pk})).content.decode()
    assert f"{members[0].full_name}</strong>: vắng mặt: Nghỉ phép" in detail


def test_the_calendar_of_a_month_takes_a_fixed_number_of_queries(
    world, kinds, client_for, django_assert_max_num_queries
):
    people = make_members(world.agency1, 30)
    client = client_for(world.staff)
    client.post(
        reverse("duty:planner", kwargs={"code": "A1"}),
        {**plan_payload(kinds), "crew_size": "5", "action": "save"},
    )
    url = reverse("duty:month", kwargs={"code": "A1"}) + f"?thang={MONTH}"
    client.get(url)  # warm the session and the user

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    few = count()
    client.post(
        reverse("duty:planner", kwargs={"code": "A1"}),
        {
            **plan_payload(kinds),
            "kinds": [kinds["san-sang-chien-dau"].pk, kinds["tuan-tra-canh-gac"].pk],
            "crew_size": "4",
            "action": "save",
        },
    )
    assert DutyTurn.objects.count() == 62 and len(people) == 30
    assert count() == few


def test_the_rota_pdf_names_the_month_the_crew_and_the_official_header(world, planned, members):
    response = planned.get(reverse("duty:month_pdf", kwargs={"code": "A1"}) + f"?thang={MONTH}")

    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "LỊCH TRỰC" in text
    assert "Tháng 03/2024" in text
    assert "Trực sẵn sàng chiến đấu" in text
    assert "01/03/2024" in text and "31/03/2024" in text
    officer = DutyTurn.objects.order_by("starts_at").first().officer.full_name
    assert officer in text
    box = reader.pages[0].mediabox
    assert box.width > box.height  # A4 landscape


def test_the_rota_in_excel_has_a_row_per_turn(world, planned):
    response = planned.get(reverse("duty:month_xlsx", kwargs={"code": "A1"}) + f"?thang={MONTH}")

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert sheet["A2"].value == "STT" and sheet["H2"].value == "Người trực"
    assert len(rows) == 31
    assert rows[0][1] == dt.datetime(2024, 3, 1)
    assert rows[0][3] == "Trực sẵn sàng chiến đấu (dự kiến)"


def test_editing_a_turn_refuses_an_overlap_and_keeps_the_turn(world, planned, members):
    turns = list(DutyTurn.objects.order_by("starts_at"))
    first, second = turns[0], turns[1]
    busy = second.assignments.first().person
    url = reverse("duty:turn_edit", kwargs={"pk": first.pk})
    crew = [a.person_id for a in first.assignments.all()]
    payload = {
        "kind": first.kind_id,
        "day": "01/03/2024",
        "start_time": "07:30",
        "end_day": "02/03/2024",
        "end_time": "12:00",  # now overlaps the next morning's turn
        "place": "Cổng chính",
        "officer": crew[0],
        "crew": [*crew, busy.pk],
    }

    response = planned.post(url, payload)

    assert response.status_code == 200
    assert "đã có lượt trực trùng thời gian" in response.content.decode()
    first.refresh_from_db()
    assert first.place == "" and first.assignments.count() == 2


def test_the_live_check_flags_the_overlap_before_saving(world, planned, members):
    first, second = DutyTurn.objects.order_by("starts_at")[:2]
    crew = [a.person_id for a in first.assignments.all()]
    busy = second.assignments.first().person
    payload = {
        "kind": first.kind_id, "day": "01/03/2024", "start_time": "07:30",
        "end_day": "02/03/2024", "end_time": "12:00", "place": "", "officer": crew[0],
        "crew": [*crew, busy.pk],
    }  # fmt: skip

    response = planned.post(reverse("duty:turn_check", kwargs={"pk": first.pk}), payload)

    text = response.content.decode()
    assert response.status_code == 200
    assert f"{busy.full_name} đã có lượt trực trùng thời gian" in text
    payload["crew"], payload["end_time"] = crew, "07:30"
    ok = planned.post(reverse("duty:turn_check", kwargs={"pk": first.pk}), payload)
    assert "Không có xung đột." in ok.content.decode()


def test_editing_a_turn_swaps_a_member_and_recounts(world, planned, members):
    turn = DutyTurn.objects.order_by("starts_at").first()
    crew = [a.person_id for a in turn.assignments.all()]
    spare = next(
        m for m in members if not DutyTurn.objects.filter(
            assignments__person=m, starts_on__lte=dt.date(2024, 3, 3)
        ).exists()
    )  # fmt: skip
    response = planned.post(
        reverse("duty:turn_edit", kwargs={"pk": turn.pk}),
        {
            "kind": turn.kind_id,
            "day": "01/03/2024",
            "start_time": "07:30",
            "end_day": "02/03/2024",
            "end_time": "07:30",
            "place": "Cổng chính",
            "officer": crew[0],
            "crew": [crew[0], spare.pk],
        },
    )

    assert response.status_code == 302
    assert set(turn.assignments.values_list("person_id", flat=True)) == {crew[0], spare.pk}
    turn.refresh_from_db()
    assert turn.place == "Cổng chính" and turn.man_days == 2


def test_the_clerk_records_an_absence_with_a_stand_in(world, planned, members, client_for):
    turn = DutyTurn.objects.order_by("starts_at").first()
    row = turn.assignments.exclude(is_officer=True).first()
    busy = set(
        DutyTurn.objects.filter(starts_on__lte=dt.date(2024, 3, 4)).values_list(
            "assignments__person_id", flat=True
        )
    )
    stand_in = next(m for m in members if m.pk not in busy)
    clerk = client_for(world.clerk)

    response = clerk.post(
        reverse("duty:attendance", kwargs={"pk": turn.pk, "member": row.pk}),
        {"absent": "on", "reason": "sick", "hours": "", "replaced_by": stand_in.pk},
    )

    assert response.status_code == 302
    row.refresh_from_db()
    assert row.absent and row.replaced_by.person == stand_in
    page = clerk.get(reverse("duty:turn", kwargs={"pk": turn.pk})).content.decode()
    assert "Vắng: Ốm đau" in page and f"trực thay: {stand_in.full_name}" in page


def test_the_ledger_counts_weekday_and_weekend_turns(world, planned, members):
    planned.post(reverse("duty:publish", kwargs={"code": "A1"}), {"thang": MONTH})
    person = members[0]
    mine = DutyTurn.objects.filter(assignments__person=person)
    weekend = sum(1 for t in mine if t.starts_on.weekday() >= 5)

    page = planned.get(reverse("duty:ledger", kwargs={"pk": person.pk}) + "?nam=2024")

    text = page.content.decode()
    assert f"Sổ theo dõi trực năm 2024: {person.full_name}" in text
    assert page.context["ledger"]["weekend"] == weekend
    assert page.context["ledger"]["weekday"] == mine.count() - weekend


def test_tallies_show_published_man_days_of_the_subtree(world, planned, client_for):
    planned.post(reverse("duty:publish", kwargs={"code": "A1"}), {"thang": MONTH})

    page = client_for(world.commander).get(
        reverse("duty:tallies") + "?tu=01/01/2024&den=30/06/2024"
    )

    text = page.content.decode()
    assert "<strong>31</strong> lượt trực đã ban hành, <strong>62</strong> ngày công" in text
    assert world.agency1.name in text


def test_the_turn_list_filters_by_person(world, planned, members):
    person = members[0]
    expected = DutyTurn.objects.filter(assignments__person=person).count()

    page = planned.get(reverse("duty:turns") + f"?nguoi={person.full_name}")

    assert page.context["page"].paginator.count == expected > 0
