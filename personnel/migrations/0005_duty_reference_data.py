"""Duty reference data: the five kinds of duty named by the issue (nationwide defaults a
province may override), the public holidays of Bộ luật Lao động 2019 Điều 112 as rules
(lunar ones by the lunar calendar), and the 2024–2025 one-off days (compensatory days
off and swaps announced by the Government). Editable data afterwards."""

import datetime as dt

from django.db import migrations

from chqs.text import fold

KINDS = [
    # code, name, shift hours, crew, night apart, holiday apart, min rest hours, start
    ("san-sang-chien-dau", "Trực sẵn sàng chiến đấu", 24, 5, True, True, 48, dt.time(7, 30)),
    ("le-tet", "Trực ngày lễ, Tết", 24, 5, True, True, 24, dt.time(7, 30)),
    ("tuan-tra-canh-gac", "Tuần tra canh gác", 12, 4, True, True, 24, dt.time(19, 0)),
    ("phong-chong-thien-tai", "Trực phòng chống thiên tai", 24, 6, False, True, 24, dt.time(7, 0)),
    ("bao-ve-su-kien", "Trực bảo vệ sự kiện", 12, 6, False, True, 12, dt.time(6, 0)),
]

RULES = [
    # name, calendar, month, day, offset, days
    ("Tết Dương lịch", "solar", 1, 1, 0, 1),
    ("Tết Nguyên Đán", "lunar", 1, 1, -1, 5),
    ("Giỗ Tổ Hùng Vương", "lunar", 3, 10, 0, 1),
    ("Ngày Chiến thắng", "solar", 4, 30, 0, 1),
    ("Ngày Quốc tế Lao động", "solar", 5, 1, 0, 1),
    ("Quốc khánh", "solar", 9, 2, 0, 1),
]

ONE_OFF = [
    (dt.date(2024, 2, 8), "Nghỉ Tết Nguyên Đán (nghỉ bù)"),
    (dt.date(2024, 2, 14), "Nghỉ Tết Nguyên Đán (nghỉ bù)"),
    (dt.date(2024, 4, 29), "Nghỉ hoán đổi (làm bù 04/5/2024)"),
    (dt.date(2024, 9, 3), "Quốc khánh (ngày liền kề)"),
    (dt.date(2025, 1, 27), "Nghỉ Tết Nguyên Đán (nghỉ bù)"),
    (dt.date(2025, 5, 2), "Nghỉ hoán đổi (làm bù 26/4/2025)"),
    (dt.date(2025, 9, 1), "Quốc khánh (ngày liền kề)"),
]
WORKING = [
    (dt.date(2024, 5, 4), "Làm bù cho ngày 29/4/2024"),
    (dt.date(2025, 4, 26), "Làm bù cho ngày 02/5/2025"),
]


def seed(apps, schema_editor):
    DutyKind = apps.get_model("personnel", "DutyKind")
    HolidayRule = apps.get_model("personnel", "HolidayRule")
    HolidayDate = apps.get_model("personnel", "HolidayDate")
    for order, (code, name, hours, crew, night, holiday, rest, start) in enumerate(KINDS):
        DutyKind.objects.update_or_create(
            province=None,
            code=code,
            defaults=dict(
                name=name, folded_name=fold(name), shift_hours=hours, crew_size=crew,
                night_apart=night, holiday_apart=holiday, min_rest_hours=rest,
                start_time=start, order=order,
            ),
        )
    for name, calendar, month, day, offset, days in RULES:
        HolidayRule.objects.get_or_create(
            name=name, province=None,
            defaults=dict(calendar=calendar, month=month, day=day, offset=offset, days=days),
        )
    for date, name in ONE_OFF:
        HolidayDate.objects.get_or_create(date=date, province=None, defaults={"name": name})
    for date, name in WORKING:
        HolidayDate.objects.get_or_create(
            date=date, province=None, defaults={"name": name, "is_day_off": False}
        )


class Migration(migrations.Migration):
    dependencies = [("personnel", "0004_duty")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
