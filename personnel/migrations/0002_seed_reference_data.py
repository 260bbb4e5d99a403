"""Reference data: the 54 ethnic groups (TCTK codes), self-defence posts (Luật DQTV
Điều 19) and legal reasons for each status (Điều 11–13). Editable data afterwards."""

from django.db import migrations

ETHNICITIES = """Kinh Tày Thái Hoa Khơ-me Mường Nùng Mông Dao Gia-rai Ngái Ê-đê Ba-na Xơ-đăng
Sán_Chay Cơ-ho Chăm Sán_Dìu Hrê Mnông Ra-glai Xtiêng Bru-Vân_Kiều Thổ Giáy Cơ-tu Gié-Triêng
Mạ Khơ-mú Co Tà-ôi Chơ-ro Kháng Xinh-mun Hà_Nhì Chu-ru Lào La_Chí La_Ha Phù_Lá La_Hủ Lự
Lô_Lô Chứt Mảng Pà_Thẻn Cơ_Lao Cống Bố_Y Si_La Pu_Péo Brâu Ơ_Đu Rơ-măm""".split()

POSITIONS = [
    # code, name, is unit leader (cán bộ đơn vị), allowed gender ("" = anyone)
    ("chien-si", "Chiến sĩ", False),
    ("to-truong", "Tổ trưởng", True),
    ("khau-doi-truong", "Khẩu đội trưởng", True),
    ("tieu-doi-truong", "Tiểu đội trưởng", True),
    ("pho-trung-doi-truong", "Phó Trung đội trưởng", True),
    ("trung-doi-truong", "Trung đội trưởng", True),
    ("pho-dai-doi-truong", "Phó Đại đội trưởng", True),
    ("chinh-tri-vien-pho-dai-doi", "Chính trị viên phó đại đội", True),
    ("chinh-tri-vien-dai-doi", "Chính trị viên đại đội", True),
    ("dai-doi-truong", "Đại đội trưởng", True),
    ("pho-tieu-doan-truong", "Phó Tiểu đoàn trưởng", True),
    ("chinh-tri-vien-pho-tieu-doan", "Chính trị viên phó tiểu đoàn", True),
    ("chinh-tri-vien-tieu-doan", "Chính trị viên tiểu đoàn", True),
    ("tieu-doan-truong", "Tiểu đoàn trưởng", True),
]

REASONS = [
    # status, code, name, legal basis
    ("postponed", "hoan-thai-san", "Phụ nữ mang thai hoặc nuôi con dưới 36 tháng tuổi", "Luật DQTV 2019, Điều 11.1.a"),
    ("postponed", "hoan-suc-khoe", "Không đủ sức khỏe thực hiện nhiệm vụ", "Luật DQTV 2019, Điều 11.1.b"),
    ("postponed", "hoan-vo-chong-llvt", "Có chồng hoặc vợ là sĩ quan, quân nhân chuyên nghiệp, công chức, công nhân, viên chức quốc phòng, hạ sĩ quan, binh sĩ đang phục vụ trong Quân đội hoặc Công an", "Luật DQTV 2019, Điều 11.1.c"),
    ("postponed", "hoan-lao-dong-duy-nhat", "Lao động duy nhất phải trực tiếp nuôi dưỡng thân nhân không còn khả năng lao động", "Luật DQTV 2019, Điều 11.1.d"),
    ("postponed", "hoan-hoc-tap", "Đang học tập, làm việc ở xa nơi cư trú, nơi làm việc", "Luật DQTV 2019, Điều 11.1.đ"),
    ("exempt", "mien-than-nhan-liet-si", "Vợ hoặc chồng, con của liệt sĩ", "Luật DQTV 2019, Điều 11.2.a"),
    ("exempt", "mien-thuong-binh", "Vợ hoặc chồng, con của thương binh, bệnh binh, người nhiễm chất độc da cam suy giảm khả năng lao động từ 61% trở lên", "Luật DQTV 2019, Điều 11.2.b"),
    ("exempt", "mien-du-bi", "Quân nhân dự bị đã được sắp xếp vào đơn vị dự bị động viên", "Luật DQTV 2019, Điều 11.2.c"),
    ("exempt", "mien-nuoi-duong", "Người trực tiếp nuôi dưỡng thân nhân không còn khả năng lao động hoặc chưa đến tuổi lao động", "Luật DQTV 2019, Điều 11.2.d"),
    ("exempt", "mien-co-yeu", "Người làm công tác cơ yếu", "Luật DQTV 2019, Điều 11.2.đ"),
    ("released", "thoi-suc-khoe", "Sức khỏe không bảo đảm thực hiện nhiệm vụ", "Luật DQTV 2019, Điều 12.1"),
    ("released", "thoi-hoan-canh", "Hoàn cảnh gia đình khó khăn đột xuất", "Luật DQTV 2019, Điều 12.1"),
    ("released", "thoi-nhap-ngu", "Được gọi nhập ngũ hoặc thực hiện nghĩa vụ tham gia Công an nhân dân", "Luật DQTV 2019, Điều 12.1"),
    ("released", "thoi-chuyen-cong-tac", "Chuyển công tác, nghỉ việc tại cơ quan, tổ chức", "Luật DQTV 2019, Điều 12.1"),
    ("released", "thoi-nuoc-ngoai", "Đi học tập, làm việc, lao động ở nước ngoài", "Luật DQTV 2019, Điều 12.1"),
    ("removed", "loai-tu-tran", "Chết", "Luật DQTV 2019, Điều 13"),
    ("removed", "loai-truy-cuu", "Bị khởi tố, truy cứu trách nhiệm hình sự", "Luật DQTV 2019, Điều 13"),
    ("removed", "loai-tuoc-danh-hieu", "Bị tước danh hiệu quân nhân", "Luật DQTV 2019, Điều 13"),
    ("removed", "loai-ma-tuy", "Sử dụng trái phép chất ma túy", "Luật DQTV 2019, Điều 13"),
    ("removed", "loai-xu-ly-hanh-chinh", "Bị áp dụng biện pháp xử lý hành chính", "Luật DQTV 2019, Điều 13"),
    ("completed", "hoan-thanh-thoi-han", "Hoàn thành thời hạn tham gia", "Luật DQTV 2019, Điều 9"),
    ("transferred", "chuyen-don-vi", "Chuyển đơn vị tự vệ hoặc cơ quan, tổ chức", ""),
]


def seed(apps, schema_editor):
    Ethnicity = apps.get_model("personnel", "Ethnicity")
    ServicePosition = apps.get_model("personnel", "ServicePosition")
    StatusReason = apps.get_model("personnel", "StatusReason")
    for code, name in enumerate(ETHNICITIES, start=1):
        Ethnicity.objects.update_or_create(code=code, defaults={"name": name.replace("_", " ")})
    for order, (code, name, leader) in enumerate(POSITIONS, start=1):
        ServicePosition.objects.update_or_create(
            code=code, defaults={"name": name, "order": order * 10, "is_leader": leader}
        )
    for status, code, name, basis in REASONS:
        StatusReason.objects.update_or_create(
            code=code, defaults={"status": status, "name": name, "legal_basis": basis}
        )


class Migration(migrations.Migration):
    dependencies = [("personnel", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
