"""seed_demo step: the demo province's reporting calendar, so its returns carry a place
("Cần Thơ, ngày … tháng … năm …") like a real one."""

from __future__ import annotations

from units.demo import PROVINCE
from units.models import Unit

from .models import ReportingRule

PLACE = "Cần Thơ"


def build_reporting_rule() -> list[tuple[str, int, int, int]]:
    province = Unit.objects.filter(code=PROVINCE).first()
    if province is None:
        return []
    _, created = ReportingRule.objects.get_or_create(unit=province, defaults={"place": PLACE})
    return [("Quy định kỳ báo cáo", int(created), 0, int(not created))]
