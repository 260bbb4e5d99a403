"""`manage.py seed_demo`: load the demo province (units/demo.py). Safe to run again."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from units.demo import LABELS, PASSWORD, DemoResult, build_demo

KIND_LABELS = [
    ("province", "Bộ CHQS tỉnh"),
    ("region", "Ban Chỉ huy PTKV"),
    ("district", "Ban CHQS huyện (giải thể 01/07/2025)"),
    ("commune", "Ban CHQS xã/phường"),
    ("agency", "cơ quan, tổ chức"),
]


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu mẫu: Bộ CHQS thành phố Cần Thơ trước và sau cải cách 2025 (quận/huyện "
        "giải thể, Ban Chỉ huy PTKV, xã/phường), khoảng 50 cơ quan, tổ chức với Ban CHQS và "
        "đơn vị tự vệ, và 5 tài khoản mẫu: quantri, troly, vanthu, chihuy, troly.tinh. "
        f"Mật khẩu chung của các tài khoản mẫu: {PASSWORD} (chỉ đặt khi tạo tài khoản). "
        "Chạy lại nhiều lần không tạo bản ghi trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Cho phép chạy khi CHQS_ENV=production (tài khoản mẫu có mật khẩu công khai).",
        )

    def handle(self, *args, **options):
        if getattr(settings, "PRODUCTION", False) and not options["allow_production"]:
            raise CommandError(
                "Đang ở môi trường production: không nạp dữ liệu mẫu (tài khoản mẫu có mật khẩu "
                "công khai). Dùng --allow-production nếu thật sự cần."
            )
        try:
            result = build_demo()
        except ValidationError as error:
            raise CommandError(
                "Không nạp được dữ liệu mẫu (dữ liệu hiện có mâu thuẫn): "
                + "; ".join(error.messages)
            ) from error
        self.report(result)

    def report(self, result: DemoResult) -> None:
        out = self.stdout
        kinds = ", ".join(
            f"{_number(result.kinds.get(code, 0))} {label}" for code, label in KIND_LABELS
        )
        out.write(self.style.MIGRATE_HEADING("Dữ liệu mẫu: Bộ CHQS thành phố Cần Thơ (mã CT)"))
        out.write(f"  {kinds}.")
        out.write("")
        out.write(f"  {'':<22}{'Tạo mới':>9}{'Cập nhật':>10}{'Không đổi':>11}")
        rows = [(label, result.tallies[key]) for key, label in LABELS.items()]
        for label, tally in [*rows, *result.extra.items()]:
            out.write(
                f"  {label:<22}{_number(tally.created):>9}{_number(tally.updated):>10}"
                f"{_number(tally.unchanged):>11}"
            )
        out.write("")
        if result.changed:
            out.write(self.style.SUCCESS("Đã nạp dữ liệu mẫu."))
        else:
            out.write(self.style.SUCCESS("Không có thay đổi: dữ liệu mẫu đã đầy đủ."))
        out.write("")
        out.write(f"Tài khoản mẫu (mật khẩu chung: {PASSWORD}, chỉ đặt khi tạo tài khoản):")
        for username, role, unit in result.accounts:
            out.write(f"  {username:<12}{role:<10}{unit}")
