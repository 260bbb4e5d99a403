"""`manage.py seed_demo`: the demo province of Cần Thơ, before and after the 2025 reform."""

import datetime as dt
import unicodedata
from dataclasses import astuple
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test.utils import override_settings

from units.demo import (
    DISSOLVE_REASON,
    PASSWORD,
    REFORM,
    board_specs,
    build_demo,
    formation_specs,
    unit_specs,
)
from units.models import Board, BoardStatus, Formation, FormationLevel, Role, Unit, User
from units.scope import Scope

pytestmark = pytest.mark.django_db

IN_2023 = dt.date(2023, 7, 15)
IN_2026 = dt.date(2026, 1, 15)
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the whole module, in a transaction rolled back at the end.

    Each test still runs in its own savepoint (pytest-django's `db`), so a test that
    writes leaves nothing behind for the next one.
    """
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        out = StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def units(kind: str):
    return Unit.objects.filter(kind__code=kind, code__startswith="CT")


def row_counts() -> dict[str, int]:
    """Rows in every table, history tables included."""
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_it_builds_a_province_with_regions_communes_and_about_fifty_agencies(seeded):
    assert Unit.objects.get(code="CT").name == "Bộ CHQS thành phố Cần Thơ"
    assert units("province").count() == 1
    assert units("region").count() >= 2
    assert units("district").count() == 3
    assert 8 <= units("commune").count() <= 12
    assert 45 <= units("agency").count() <= 55
    assert units("agency").values("agency_type").distinct().count() == 6
    assert not units("agency").filter(staff_count__isnull=True).exists()


def test_the_demo_province_is_headed_by_its_military_region_on_its_documents(seeded):
    from reports.documents import letterhead
    from reports.periods import parse_period

    province = Unit.objects.get(code="CT")
    assert province.superior_body == "Quân khu 9"
    doc = letterhead(province, parse_period("2026-H1"))
    assert (doc.parent_body, doc.issuer) == ("QUÂN KHU 9", "BỘ CHQS THÀNH PHỐ CẦN THƠ")
    region = Unit.objects.get(code="CT-KV1")  # a unit below takes its parent's name
    assert letterhead(region, parse_period("2026-H1")).parent_body == "BỘ CHQS THÀNH PHỐ CẦN THƠ"


def test_running_it_twice_changes_no_row_and_adds_no_history(seeded):
    passwords = dict(User.objects.values_list("username", "password"))
    before = row_counts()

    result = build_demo()

    assert row_counts() == before
    assert not result.changed
    assert all(tally.created == tally.updated == 0 for tally in result.tallies.values())
    assert dict(User.objects.values_list("username", "password")) == passwords


def test_a_second_run_restores_a_changed_field_and_writes_only_that_row(seeded):
    agency = Unit.objects.get(code="CT-SYT")
    agency.staff_count = 1
    agency.save()
    history_before = Unit.history.count()

    result = build_demo()

    agency.refresh_from_db()
    assert agency.staff_count == 96
    assert result.tallies["unit"].updated == 1
    assert Unit.history.count() == history_before + 1


def test_in_2023_local_agencies_sat_under_districts_and_no_region_existed(seeded):
    ninh_kieu = Unit.objects.get(code="CT-NK")
    subtree = set(Unit.objects.subtree(ninh_kieu, on=IN_2023).values_list("code", flat=True))

    assert {"CT-TTYTNK", "CT-THPTCVL", "CT-PNK", "CT-PTA"} <= subtree
    assert Unit.objects.get(code="CT-TTYTNK").parent_on(IN_2023) == ninh_kieu
    province = Unit.objects.get(code="CT")
    assert not Unit.objects.subtree(province, on=IN_2023).filter(kind__code="region").exists()
    assert list(Unit.objects.subtree(Unit.objects.get(code="CT-KV1"), on=IN_2023)) == [
        Unit.objects.get(code="CT-KV1")
    ]


def test_in_2026_local_agencies_sit_under_communes_under_regions(seeded):
    region = Unit.objects.get(code="CT-KV1")
    subtree = Unit.objects.subtree(region, on=IN_2026)

    assert {"CT-TTYTNK", "CT-PNK", "CT-PTA"} <= set(subtree.values_list("code", flat=True))
    assert not subtree.filter(code="CT-SYT").exists()
    for agency in units("agency").exclude(level="tinh"):
        commune = agency.parent_on(IN_2026)
        assert commune.kind.code == "commune", agency
        assert commune.parent_on(IN_2026).kind.code == "region", agency
        assert agency.parent_on(IN_2023).kind.code == "district", agency
    assert Unit.objects.get(code="CT-NK").child_links.filter(valid_to__isnull=True).count() == 0


def test_provincial_agencies_stay_under_the_province_the_whole_time(seeded):
    province = Unit.objects.get(code="CT")
    provincial = units("agency").filter(level="tinh")

    assert provincial.count() >= 30
    for agency in provincial:
        assert agency.parent_on(IN_2023) == province
        assert agency.parent_on(IN_2026) == province


def test_the_districts_were_dissolved_on_the_reform_date(seeded):
    for district in units("district"):
        assert district.dissolved_on == REFORM
        assert district.dissolved_reason == DISSOLVE_REASON
    province = Unit.objects.get(code="CT")
    active = Unit.objects.subtree(province, on=IN_2026).active_on(IN_2026)
    assert not active.filter(kind__code="district").exists()
    moves = Unit.objects.get(code="CT-TTYTNK").parent_links.order_by("valid_from")
    assert [(link.parent.code, link.valid_to, link.decision) for link in moves] == [
        ("CT-NK", REFORM, ""),
        ("CT-PTA", None, "NĐ 220/2025/NĐ-CP"),
    ]


def test_most_agencies_have_an_active_board_and_every_commune_has_one(seeded):
    agency_boards = Board.objects.filter(unit__kind__code="agency", unit__code__startswith="CT")
    active = agency_boards.filter(status=BoardStatus.ACTIVE)

    assert active.count() >= 0.85 * units("agency").count()
    assert 1 <= agency_boards.filter(status=BoardStatus.NOT_ESTABLISHED).count() <= 8
    assert not active.filter(decision_number="").exists()
    assert not active.filter(decision_date__isnull=True).exists()
    assert active.first().decision_signer.startswith("Đại tá ")
    for commune in units("commune"):
        assert commune.board.status == BoardStatus.ACTIVE


def test_formations_are_small_trees_sized_by_staff(seeded):
    levels = {
        code: set(Formation.objects.filter(agency__code=code).values_list("level", flat=True))
        for code in ("CT-DHCT", "CT-PCCT", "CT-CTN", "CT-SYT", "CT-HND")
    }

    assert Formation.objects.filter(agency__code="CT-DHCT", level="dai_doi").count() == 2
    assert FormationLevel.COMPANY in levels["CT-PCCT"]
    assert FormationLevel.CREW in levels["CT-PCCT"]  # air defence of a key target
    assert FormationLevel.PLATOON in levels["CT-CTN"] - {FormationLevel.COMPANY}
    assert FormationLevel.COMPANY not in levels["CT-CTN"]
    assert levels["CT-SYT"] == {FormationLevel.SQUAD}
    assert levels["CT-HND"] == set()
    for squad in Formation.objects.filter(agency__code="CT-CTN", code__startswith="B1-"):
        assert squad.parent.code == "B1"
        assert squad.level == FormationLevel.SQUAD
    kinds = set(Formation.objects.values_list("force_kind__code", flat=True))
    assert {"tai-cho", "co-dong", "phong-khong", "y-te", "thong-tin"} <= kinds


def test_every_role_has_an_account_attached_to_a_unit(seeded):
    for role in Role.values:
        users = User.objects.filter(role=role)
        assert users.exists(), role
        assert not users.filter(unit__isnull=True).exists(), role
    admin = User.objects.get(username="quantri")
    assert admin.is_staff and admin.unit.code == "CT"
    assert admin.check_password(PASSWORD)
    assert User.objects.get(username="troly").unit.kind.code == "region"
    assert User.objects.get(username="vanthu").unit.is_agency
    assert User.objects.get(username="troly.tinh").unit.code == "CT"
    assert User.objects.get(username="chihuy").get_full_name() == "Võ Minh Tuấn"


def test_the_regional_staff_officer_sees_the_clerks_agency_but_not_the_provinces(seeded):
    scope = Scope(User.objects.get(username="troly"), on=IN_2026)
    clerk_agency = User.objects.get(username="vanthu").unit

    assert scope.contains(clerk_agency)
    assert not scope.contains(Unit.objects.get(code="CT-SYT"))
    assert not scope.contains(Unit.objects.get(code="CT-KV2"))


def test_it_prints_a_summary_and_the_accounts_with_the_password(seeded):
    assert "52 cơ quan, tổ chức" in seeded
    assert "Đã nạp dữ liệu mẫu." in seeded
    for username in ("quantri", "troly", "vanthu", "chihuy", "troly.tinh"):
        assert username in seeded
    assert PASSWORD in seeded


def test_it_refuses_to_run_in_production_without_the_flag(settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo", stdout=StringIO())


def test_every_demo_text_is_nfc_and_the_seed_is_deterministic():
    specs = unit_specs()
    texts = [v for spec in specs for v in astuple(spec) if isinstance(v, str)]
    texts += [v for spec in board_specs(specs) for v in astuple(spec) if isinstance(v, str)]
    texts += [f.name for spec in specs for f in formation_specs(spec.staff_count, spec.specialty)]

    assert all(unicodedata.is_normalized("NFC", text) for text in texts)
    assert unit_specs() == specs and board_specs(specs) == board_specs(unit_specs())
