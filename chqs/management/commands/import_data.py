from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chqs.imports import cli, engine
from chqs.imports.readers import ImportFileError


class Command(BaseCommand):
    help = (
        "Nhập dữ liệu từ tệp Excel (.xlsx) hoặc CSV (UTF-8), ví dụ: "
        "import_data units don-vi.xlsx --dry-run. Không ghi gì nếu có dòng bị từ chối. "
        "Mã thoát: 0 đã áp dụng hoặc không có gì phải làm; 1 có dòng bị từ chối, không ghi "
        "gì; 2 tệp không đọc được (hoặc loại dữ liệu, người dùng không hợp lệ)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", help="loại dữ liệu (xem: export_template --list)")
        parser.add_argument("file", help="tệp .xlsx hoặc .csv")
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi")
        parser.add_argument("--user", help="chạy với phạm vi của người dùng này")
        parser.add_argument("--sheet", help="tên trang tính (mặc định: tự tìm)")

    def handle(self, *args, **options):
        kind = cli.get_kind(options["kind"])
        user = cli.get_user(options["user"])
        scope = cli.get_scope(user, kind.capability)
        path = Path(options["file"])
        run = engine.preview if options["dry_run"] else engine.apply
        try:
            result = run(
                kind, path, scope=scope, user=user, sheet=options["sheet"], filename=path.name
            )
        except ImportFileError as exc:
            raise CommandError(
                f"Không đọc được tệp “{path.name}”: {exc}", returncode=cli.EXIT_UNREADABLE
            ) from None
        verbosity = options["verbosity"]
        for line in cli.preview_lines(result, filename=path.name, verbosity=verbosity):
            self.stdout.write(line)
        self.stdout.write("")
        if result.has_rejections:
            raise CommandError(
                f"Không ghi gì vào cơ sở dữ liệu: {len(result.rejected_rows)} dòng bị từ chối.",
                returncode=cli.EXIT_REJECTED,
            )
        if not result.has_changes:
            self.stdout.write("Không có gì thay đổi.")
        elif options["dry_run"]:
            self.stdout.write("Chạy thử (--dry-run): tệp hợp lệ, chưa ghi gì vào cơ sở dữ liệu.")
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Đã áp dụng: ghi {len(result.changed_rows)} dòng.")
            )
