"""The figures of a return: the tree as it stood in the period, strength as of a date,
movements in the window, boards and formations; a fixed number of queries."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from personnel.models import AppointmentState, BoardAppointment, ServiceStatus, StatusReason
from personnel.services import service_change_status
from reports.indicators import compute
from reports.periods import parse_period
from units.models import Board, BoardPositionKind, Formation, Unit, UnitKind
from units.services import unit_create, unit_move

from .helpers import member

D = dt.date


def test_an_agency_moved_in_july_2025_counts_under_its_old_parent_for_h1_and_new_for_h2(world):
    district = unit_create(
        parent=world.province, valid_from=D(2020, 1, 1), code="H1", name="Ban CHQS quận Ninh Kiều",
        kind=UnitKind.objects.get(code="district"), level="huyen",
    )  # fmt: skip
    unit_move(unit=world.agency1, new_parent=district, on=D(2020, 6, 1))
    member(world.agency1, world.formation1)
    unit_move(unit=world.agency1, new_parent=world.commune1, on=D(2025, 7, 1))

    h1, h2 = parse_period("2025-H1"), parse_period("2025-H2")
    assert compute(district, h1)["agencies"]["total"] == 1
    assert compute(district, h1)["members"]["total"] == 1
    assert compute(world.commune1, h1)["agencies"]["total"] == 0
    assert compute(district, h2)["agencies"]["total"] == 0
    assert compute(world.commune1, h2)["agencies"]["total"] == 1
    assert compute(world.commune1, h2)["members"]["total"] == 1


def test_strength_as_of_a_date_counts_women_party_youth_kinds_and_ages(world):
    as_of = D(2023, 7, 15)
    member(world.agency1, world.formation1, gender="F", born=D(1995, 7, 15), youth=D(2010, 3, 26))
    member(world.agency1, world.formation1, party=D(2015, 2, 3), born=D(1979, 7, 16))
    member(world.agency1, world.formation1, party=D(2023, 8, 1))  # Party after the date
    member(world.agency1, world.formation1, joined_on=D(2023, 8, 1))  # joins later
    member(world.agency2, world.formation2, gender="F")  # another subtree
    period = parse_period("2023-H1")

    figures = compute(world.region1, period, as_of)

    m = figures["members"]
    assert (m["total"], m["female"], m["party"], m["youth_union"]) == (3, 1, 1, 1)
    bands = {b["band"]: b["count"] for b in m["by_age_band"]}
    # 15/07/1995 turns 28 on the day; 16/07/1979 is still 43 on 15/07/2023.
    assert bands == {"18-30": 1, "31-40": 1, "41-45": 1, "46-50": 0, "khac": 0}
    assert {k["code"]: k["count"] for k in m["by_kind"]}["tai-cho"] == 3
    assert figures["staff_share"] == {
        "members": 3, "staff": 120, "rate": 2.5, "rate_text": "2,5%"
    }  # fmt: skip
    assert figures["period"]["as_of"] == "2023-07-15"
    whole = compute(world.province, period, as_of)
    assert whole["members"]["total"] == 4 and whole["agencies"]["total"] == 2
    assert [r["code"] for r in whole["rows"]] == ["A2", "A1"]  # by name: "Công ty" < "Sở"


def test_joined_and_left_in_the_window_by_reason_and_terms_ending(world):
    member(world.agency1, world.formation1, joined_on=D(2022, 12, 20))  # in H1 2023 window
    gone = member(world.agency1, world.formation1, joined_on=D(2019, 6, 1))
    reason = StatusReason.objects.get(code="thoi-nhap-ngu")
    service_change_status(
        person=gone, status=ServiceStatus.RELEASED, on=D(2023, 2, 1), reason=reason
    )
    member(world.agency1, world.formation1, joined_on=D(2019, 8, 1))  # term ends 01/08/2023

    m = compute(world.agency1, parse_period("2023-H1"))["members"]

    assert (m["joined"], m["left"]) == (1, 1)
    assert m["left_by_reason"] == [{"code": "thoi-nhap-ngu", "name": reason.name, "count": 1}]
    assert m["terms_ending"] == 1  # as of 14/06/2023: 01/08/2023 is within 90 days
    assert m["total"] == 2


def test_boards_complete_and_vacant_seats_by_kind(world):
    kinds = list(BoardPositionKind.objects.all())
    leader = member(world.agency1, world.formation1)
    for kind in kinds:
        BoardAppointment.objects.create(
            board=world.agency1.board, position=kind, person=leader, starts_on=D(2021, 1, 1),
            state=AppointmentState.CONFIRMED,
        )  # fmt: skip
    BoardAppointment.objects.create(
        board=world.agency2.board, position=kinds[0], person=leader, starts_on=D(2021, 1, 1),
        state=AppointmentState.PROPOSED,  # not confirmed: the seat is still vacant
    )  # fmt: skip
    Formation.objects.create(
        agency=world.agency2, code="KD1", name="Khẩu đội 1", level="khau_doi",
        force_kind_id=world.formation1.force_kind_id, dissolved_on=D(2023, 1, 1),
    )  # fmt: skip

    figures = compute(world.province, parse_period("2023-H1"))

    assert figures["boards"]["total"] == 2
    assert figures["boards"]["complete"] == 1
    assert figures["boards"]["vacant_positions"] == len(kinds)
    assert {v["code"]: v["vacant"] for v in figures["boards"]["vacant_by_position"]} == {
        k.code: 1 for k in kinds
    }
    assert figures["formations"]["total"] == 2  # the dissolved crew is not counted
    assert figures["formations"]["by_level"] == [
        {"code": "tieu_doi", "name": "Tiểu đội", "count": 2}
    ]


def test_query_count_does_not_grow_with_the_number_of_agencies(world):
    period = parse_period("2023-H1")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            compute(world.province, period)
        return len(ctx.captured_queries)

    member(world.agency1, world.formation1)
    few = queries()
    kind = UnitKind.objects.get(code="agency")
    for n in range(10):
        agency = unit_create(
            parent=world.commune1,
            valid_from=D(2020, 1, 1),
            code=f"N{n}",
            name=f"Cơ quan {n}",
            kind=kind,
        )
        Board.objects.create(unit=agency)
        Formation.objects.create(
            agency=agency, code="TD", name="Tiểu đội", level="tieu_doi",
            force_kind_id=world.formation1.force_kind_id,
        )  # fmt: skip
        member(agency)
    assert Unit.objects.agencies().count() == 12
    assert queries() == few


def test_the_dashboards_figures_leave_out_only_who_is_short_of_training_days(world):
    member(world.agency1, world.formation1, gender="F")
    period = parse_period("2023-H1")

    full = compute(world.region1, period, D(2023, 7, 15))
    light = compute(world.region1, period, D(2023, 7, 15), short_of_days=False)

    assert full["training"]["short_of_days"] == 1  # a member, no course attended
    assert light["training"].pop("short_of_days") is None
    full["training"].pop("short_of_days")
    assert light == full
