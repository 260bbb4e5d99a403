"""Reference data every installation starts with: unit kinds, agency types, kinds of
force and Ban CHQS seats. All of it is data, editable by an administrator later."""

from django.db import migrations

UNIT_KINDS = [
    # code, name, default level, is agency, order
    ("province", "Bộ CHQS tỉnh/thành phố", "tinh", False, 10),
    ("region", "Ban Chỉ huy phòng thủ khu vực", "tinh", False, 20),
    ("district", "Ban CHQS huyện", "huyen", False, 30),
    ("commune", "Ban CHQS xã/phường", "xa", False, 40),
    ("agency", "Cơ quan, tổ chức", "", True, 50),
]
AGENCY_TYPES = [
    ("state", "Cơ quan nhà nước", 10),
    ("public-service", "Đơn vị sự nghiệp", 20),
    ("enterprise", "Doanh nghiệp", 30),
    ("political", "Tổ chức chính trị", 40),
    ("socio-political", "Tổ chức chính trị - xã hội", 50),
    ("other", "Tổ chức khác", 90),
]
FORCE_KINDS = [
    ("tai-cho", "Tự vệ tại chỗ", 10),
    ("co-dong", "Tự vệ cơ động", 20),
    ("phong-khong", "Phòng không", 30),
    ("phao-binh", "Pháo binh", 40),
    ("trinh-sat", "Trinh sát", 50),
    ("thong-tin", "Thông tin", 60),
    ("cong-binh", "Công binh", 70),
    ("phong-hoa", "Phòng hóa", 80),
    ("y-te", "Y tế", 90),
]
# NĐ 72/2020 Điều 4.2: one commander, one political officer, 1–2 deputy commanders,
# one deputy political officer.
BOARD_POSITIONS = [
    ("chi-huy-truong", "Chỉ huy trưởng", 1, 1, 10),
    ("chinh-tri-vien", "Chính trị viên", 1, 1, 20),
    ("pho-chi-huy-truong", "Phó Chỉ huy trưởng", 1, 2, 30),
    ("chinh-tri-vien-pho", "Chính trị viên phó", 1, 1, 40),
]


def seed(apps, schema_editor):
    UnitKind = apps.get_model("units", "UnitKind")
    AgencyType = apps.get_model("units", "AgencyType")
    ForceKind = apps.get_model("units", "ForceKind")
    BoardPositionKind = apps.get_model("units", "BoardPositionKind")
    for code, name, level, is_agency, order in UNIT_KINDS:
        UnitKind.objects.update_or_create(
            code=code,
            defaults={"name": name, "default_level": level, "is_agency": is_agency, "order": order},
        )
    for code, name, order in AGENCY_TYPES:
        AgencyType.objects.update_or_create(code=code, defaults={"name": name, "order": order})
    for code, name, order in FORCE_KINDS:
        ForceKind.objects.update_or_create(code=code, defaults={"name": name, "order": order})
    for code, name, low, high, order in BOARD_POSITIONS:
        BoardPositionKind.objects.update_or_create(
            code=code, defaults={"name": name, "min_count": low, "max_count": high, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("units", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
