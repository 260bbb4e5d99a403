"""The five audiences and who qualifies (Luật DQTV 2019 Điều 28; TT 69/2020/TT-BQP).
Codes are stable: the periodic returns' JSON uses them. Editable data afterwards."""

from django.db import migrations

SPECIALISED = [
    "co-dong", "phong-khong", "phao-binh", "trinh-sat", "thong-tin", "cong-binh", "phong-hoa",
    "y-te",
]  # fmt: skip
COMPANY_COMMANDERS = [
    "pho-dai-doi-truong", "chinh-tri-vien-pho-dai-doi", "chinh-tri-vien-dai-doi",
    "dai-doi-truong", "pho-tieu-doan-truong", "chinh-tri-vien-pho-tieu-doan",
    "chinh-tri-vien-tieu-doan", "tieu-doan-truong",
]  # fmt: skip
UNIT_LEADERS = [
    "to-truong", "khau-doi-truong", "tieu-doi-truong", "pho-trung-doi-truong",
    "trung-doi-truong",
]  # fmt: skip
AUDIENCES = [
    # code, name, days, is cadre, board members, positions, force kinds, min/max year, basis
    ("board-cadre", "Cán bộ Ban CHQS", 7, True, True, COMPANY_COMMANDERS, [], None, None,
     "Luật DQTV 2019 Điều 28"),
    ("unit-leader", "Cán bộ đơn vị (trung đội, tiểu đội, khẩu đội)", 5, True, False,
     UNIT_LEADERS, [], None, None, "Thông tư 69/2020/TT-BQP"),
    ("first-year", "Tự vệ năm thứ nhất", 15, False, False, [], [], None, 1,
     "Luật DQTV 2019 Điều 28"),
    ("mobile", "Tự vệ cơ động, binh chủng (từ năm thứ hai)", 12, False, False, [],
     SPECIALISED, 2, None, "Luật DQTV 2019 Điều 28"),
    ("in-place", "Tự vệ tại chỗ (từ năm thứ hai)", 7, False, False, [], ["tai-cho"], 2, None,
     "Luật DQTV 2019 Điều 28"),
]  # fmt: skip


def seed(apps, schema_editor):
    Audience = apps.get_model("training", "Audience")
    ServicePosition = apps.get_model("personnel", "ServicePosition")
    ForceKind = apps.get_model("units", "ForceKind")
    for order, row in enumerate(AUDIENCES, start=1):
        code, name, days, cadre, board, positions, kinds, low, high, basis = row
        audience, _ = Audience.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "required_days": days,
                "is_cadre": cadre,
                "board_members": board,
                "min_year": low,
                "max_year": high,
                "legal_basis": basis,
                "order": order * 10,
            },
        )
        audience.positions.set(ServicePosition.objects.filter(code__in=positions))
        audience.force_kinds.set(ForceKind.objects.filter(code__in=kinds))


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_initial"),
        ("personnel", "0002_seed_reference_data"),
        ("units", "0002_seed_reference_data"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
