import datetime as dt
import re

import pytest
from django.urls import reverse

from units.models import Board, Formation, Unit

pytestmark = pytest.mark.django_db


def new_agency_form(world, **overrides):
    data = {
        "code": "A3",
        "name": "Trường Đại học Cần Thơ",
        "short_name": "ĐHCT",
        "kind": world.agency1.kind_id,
        "level": "",
        "agency_type": world.agency1.agency_type_id,
        "staff_count": "1500",
        "address": "Khu II, đường 3/2, phường Ninh Kiều",
        "parent": world.commune1.pk,
        "valid_from": "15/07/2023",
        "decision": "01/QĐ-BCH",
    }
    data.update(overrides)
    return data


def test_a_staff_officer_creates_an_agency_under_a_commune_of_their_region(world, client_for):
    client = client_for(world.staff)
    response = client.post(reverse("units:create"), new_agency_form(world))

    assert response.status_code == 302
    unit = Unit.objects.get(code="A3")
    assert unit.parent_on(dt.date(2023, 7, 15)) == world.commune1
    assert unit.parent_on(dt.date(2023, 7, 14)) is None
    assert unit.staff_count == 1500


def test_creating_with_a_taken_code_says_so_in_vietnamese_and_writes_nothing(world, client_for):
    client = client_for(world.staff)
    response = client.post(reverse("units:create"), new_agency_form(world, code="A1"))

    assert response.status_code == 200
    assert "Mã đơn vị này đã có" in response.content.decode()
    assert Unit.objects.filter(name="Trường Đại học Cần Thơ").count() == 0


def test_an_impossible_date_is_refused_in_vietnamese(world, client_for):
    client = client_for(world.staff)
    response = client.post(reverse("units:create"), new_agency_form(world, valid_from="31/02/2024"))

    assert "Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy." in response.content.decode()
    assert not Unit.objects.filter(code="A3").exists()


def test_a_staff_officer_cannot_attach_a_unit_outside_their_subtree(world, client_for):
    client = client_for(world.staff)
    response = client.post(
        reverse("units:create"), new_agency_form(world, parent=world.commune2.pk)
    )

    assert response.status_code == 200
    assert "Lựa chọn không hợp lệ" in response.content.decode()
    assert not Unit.objects.filter(code="A3").exists()


def test_editing_a_unit_shows_who_changed_what_on_its_page(world, client_for):
    client = client_for(world.staff)
    data = new_agency_form(world, code="A1", name="Sở Y tế Cần Thơ", staff_count="130")
    response = client.post(reverse("units:edit", args=["A1"]), data)
    assert response.status_code == 302

    page = client.get(reverse("units:detail", args=["A1"])).content.decode()
    assert "Trần Thanh Bình" in page
    assert "Sở Y tế thành phố Cần Thơ → Sở Y tế Cần Thơ" in page
    assert "120 → 130" in page


def top_unit_form(unit, **overrides):
    data = {
        "code": unit.code,
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind_id,
        "level": unit.level,
        "agency_type": "",
        "staff_count": "",
        "address": unit.address,
        "superior_body": "",
    }
    data.update(overrides)
    return data


def test_a_top_unit_keeps_its_superior_body_for_the_letterhead_and_shows_it(world, client_for):
    client = client_for(world.admin)
    form = client.get(reverse("units:edit", args=["P"])).content.decode()
    assert "Cơ quan chủ quản" in form

    data = top_unit_form(world.province, superior_body="Quân khu 9")
    assert client.post(reverse("units:edit", args=["P"]), data).status_code == 302

    world.province.refresh_from_db()
    assert world.province.superior_body == "Quân khu 9"
    assert world.province.superior_body_on(dt.date(2023, 7, 15)) == "Quân khu 9"
    page = client.get(reverse("units:detail", args=["P"])).content.decode()
    assert "Cơ quan chủ quản" in page and "Quân khu 9" in page
    assert "<strong>Cơ quan chủ quản</strong>: — → Quân khu 9" in page  # in its history


@pytest.mark.parametrize("code", ["R1", "A1"])
def test_a_unit_with_a_parent_takes_the_parents_name_and_is_not_offered_the_field(
    world, client_for, code
):
    unit = Unit.objects.get(code=code)
    client = client_for(world.admin)
    assert "Cơ quan chủ quản" not in client.get(reverse("units:edit", args=[code])).content.decode()

    data = top_unit_form(unit, superior_body="Quân khu 9", agency_type=unit.agency_type_id or "")
    assert client.post(reverse("units:edit", args=[code]), data).status_code == 302

    unit.refresh_from_db()
    assert unit.superior_body == ""  # the posted value is not a field of this form
    page = client.get(reverse("units:detail", args=[code])).content.decode()
    assert "Cơ quan chủ quản" not in page
    assert unit.superior_body_on() == unit.parent_on().name


def test_moving_an_agency_closes_the_old_link_on_the_date(world, client_for):
    client = client_for(world.admin)
    response = client.post(
        reverse("units:move", args=["A1"]),
        {"new_parent": world.commune2.pk, "on": "01/07/2025", "decision": "220/2025/NĐ-CP"},
    )

    assert response.status_code == 302
    assert world.agency1.parent_on(dt.date(2025, 6, 30)) == world.commune1
    assert world.agency1.parent_on(dt.date(2025, 7, 1)) == world.commune2
    page = client.get(reverse("units:detail", args=["A1"])).content.decode()
    assert "01/07/2025" in page and "220/2025/NĐ-CP" in page


def test_moving_a_unit_under_itself_is_not_offered(world, client_for):
    client = client_for(world.admin)
    response = client.post(
        reverse("units:move", args=["R1"]), {"new_parent": world.commune1.pk, "on": "01/07/2025"}
    )

    assert "Lựa chọn không hợp lệ" in response.content.decode()
    assert world.region1.parent_on() == world.province


def test_dissolving_a_command_with_agencies_under_it_is_refused(world, client_for):
    client = client_for(world.staff)
    response = client.post(
        reverse("units:dissolve", args=["X1"]), {"on": "01/07/2025", "reason": "QĐ 2786"}
    )

    assert "Còn 1 đơn vị trực thuộc" in response.content.decode()
    world.commune1.refresh_from_db()
    assert world.commune1.dissolved_on is None


def test_dissolving_an_agency_marks_its_board_dissolved_and_keeps_the_page(world, client_for):
    client = client_for(world.staff)
    client.post(reverse("units:dissolve", args=["A1"]), {"on": "01/07/2025", "reason": "Sáp nhập"})

    assert Board.objects.get(unit=world.agency1).status == "dissolved"
    page = client.get(reverse("units:detail", args=["A1"])).content.decode()
    assert "Đã giải thể từ 01/07/2025" in page


def test_the_board_page_lists_every_position_as_vacant_until_people_are_appointed(
    world, client_for
):
    page = client_for(world.clerk).get(reverse("units:detail", args=["A1"])).content.decode()

    for position in [
        "Chỉ huy trưởng",
        "Chính trị viên",
        "Phó Chỉ huy trưởng",
        "Chính trị viên phó",
    ]:
        assert position in page
    assert page.count("Còn trống 1") == 4


def test_a_board_is_created_with_its_establishing_decision(world, client_for):
    client = client_for(world.staff)
    response = client.post(
        reverse("units:board", args=["X1"]),
        {
            "status": "active",
            "decision_number": "35/QĐ-BCH",
            "decision_date": "02/03/2021",
            "decision_signer": "Đại tá Lê Trọng Thủy",
        },
    )

    assert response.status_code == 302
    board = Board.objects.get(unit=world.commune1)
    assert board.decision_date == dt.date(2021, 3, 2)


def test_a_formation_code_is_unique_within_its_agency(world, client_for):
    client = client_for(world.staff)
    response = client.post(
        reverse("units:formation_create", args=["A1"]),
        {"code": "TD1", "name": "Tiểu đội 2", "level": "tieu_doi", "force_kind": 1},
    )

    assert "Mã này đã dùng cho một đơn vị tự vệ khác" in response.content.decode()
    assert Formation.objects.filter(agency=world.agency1).count() == 1


def test_a_formation_cannot_be_placed_under_itself(world, client_for):
    client = client_for(world.staff)
    f = world.formation1
    platoon = Formation.objects.create(
        agency=f.agency, code="TRD1", name="Trung đội 1", level="trung_doi", force_kind=f.force_kind
    )
    f.parent = platoon
    f.save()
    response = client.post(
        reverse("units:formation_edit", args=["A1", platoon.pk]),
        {
            "code": "TRD1",
            "name": "Trung đội 1",
            "level": "trung_doi",
            "force_kind": f.force_kind_id,
            "parent": f.pk,
        },
    )

    assert "Không thể đặt đơn vị tự vệ dưới chính nó" in response.content.decode()


def test_the_unit_list_filters_and_searches_without_accents(world, client_for):
    client = client_for(world.admin)
    url = reverse("units:list")

    page = client.get(url, {"q": "phong dien"}).content.decode()
    assert "Ban CHQS xã Phong Điền" in page and "Sở Y tế" not in page

    page = client.get(url, {"kind": world.agency1.kind_id, "agency_type": 3}).content.decode()
    assert "Công ty Điện lực Cần Thơ" in page and "Sở Y tế" not in page

    page = client.get(url, {"parent": "X1"}).content.decode()
    assert "Sở Y tế thành phố Cần Thơ" in page and "Công ty Điện lực" not in page


def test_the_unit_list_shows_only_the_users_subtree(world, client_for):
    page = client_for(world.staff).get(reverse("units:list")).content.decode()

    assert "Sở Y tế thành phố Cần Thơ" in page
    assert "Công ty Điện lực Cần Thơ" not in page
    assert "Tìm thấy 3 đơn vị" in page


def tree_nodes(client, **params) -> dict[str, dict]:
    """The tree page's nodes as shown: {code: {"counts": (agencies, boards, formations),
    "leaf": no children, "parent": code of the node it is nested in}}."""
    page = client.get(reverse("units:tree"), params).content.decode()
    nodes, stack = {}, []
    for tag in re.finditer(r'<details[^>]*data-unit="([^"]+)"|<div class="leaf" data-unit="([^"]+)"'
                           r'|</details>', page):  # fmt: skip
        if tag.group(0) == "</details>":
            stack.pop()
            continue
        code = tag.group(1) or tag.group(2)
        counts = re.search(r'class="counts">· (\d+) cơ quan · (\d+) Ban CHQS · (\d+) đơn vị tự vệ',
                           page[tag.end():])  # fmt: skip
        nodes[code] = {"counts": tuple(int(n) for n in counts.groups()), "leaf": bool(tag.group(2)),
                       "parent": stack[-1] if stack else None}  # fmt: skip
        if tag.group(1):
            stack.append(code)
    return nodes


def test_the_tree_counts_agencies_boards_and_formations_per_node(world, client_for):
    nodes = tree_nodes(client_for(world.admin))

    assert nodes[world.province.code] == {"counts": (2, 2, 2), "leaf": False, "parent": None}
    assert nodes[world.region1.code]["parent"] == world.province.code
    assert nodes[world.region1.code]["counts"] == (1, 1, 1)


def test_the_tree_on_a_past_date_shows_the_tree_as_it_stood(world, client_for):
    from units.services import unit_move

    unit_move(unit=world.agency1, new_parent=world.commune2, on=dt.date(2025, 7, 1))
    client = client_for(world.admin)

    before = tree_nodes(client, ngay="30/06/2025")
    after = tree_nodes(client)
    assert before[world.region1.code]["counts"][0] == 1  # R1 still had A1
    assert after[world.region1.code]["counts"][0] == 0


def test_home_counts_only_what_lies_under_the_user(world, client_for):
    figures = client_for(world.staff).get(reverse("home")).context["figures"]

    assert figures == {
        "agencies": 1,
        "commands": 2,
        "boards": 1,
        "agencies_without_board": 0,
        "formations": 1,
        "staff": 120,
    }


def test_home_counts_agencies_boards_apart_from_the_communes_own(world, client_for):
    Board.objects.create(unit=world.commune2)
    figures = client_for(world.admin).get(reverse("home")).context["figures"]

    assert figures["boards"] + figures["agencies_without_board"] == figures["agencies"]


def test_home_page_title_is_plain_text(world, client_for):
    page = client_for(world.admin).get(reverse("home")).content.decode()

    assert "<title>Tổng quan · CHQS</title>" in page


def test_numbers_and_dates_are_written_the_vietnamese_way(world, client_for):
    Unit.objects.filter(pk=world.agency2.pk).update(staff_count=1122)
    page = client_for(world.admin).get(reverse("units:list")).content.decode()

    assert "1.122" in page
    assert 'lang="vi"' in page


def test_the_tree_hides_dissolved_units_unless_asked(world, client_for):
    from units.services import unit_dissolve, unit_move

    unit_move(unit=world.agency1, new_parent=world.commune2, on=dt.date(2025, 7, 1))
    unit_dissolve(unit=world.commune1, on=dt.date(2025, 7, 1), reason="QĐ 2786/QĐ-BQP")
    client = client_for(world.admin)

    hidden = tree_nodes(client)
    assert hidden[world.region1.code]["leaf"] and "X1" not in hidden
    shown = tree_nodes(client, giai_the="1")
    assert [c for c, n in shown.items() if n["parent"] == world.region1.code] == ["X1"]


def test_an_impossible_tree_date_is_explained_and_today_is_shown(world, client_for):
    response = client_for(world.admin).get(reverse("units:tree"), {"ngay": "31/02/2024"})

    assert "Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy" in response.content.decode()
    assert response.context["is_today"]
