from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chqs.imports import cli, engine
from chqs.imports.engine import ImportRefused
from chqs.imports.readers import ImportFileError


class Command(BaseCommand):
    help = (
        "Nhập dữ liệu từ tệp Excel (.xlsx, .xls, .ods) hoặc CSV (UTF-8), ví dụ: "
        "import_data units don-vi.xlsx --dry-run; import_data people ds.xlsx --unit SYT-CT. "
        "Không ghi gì nếu có dòng bị từ chối (trừ khi chọn --valid-only). "
        "Mã thoát: 0 đã áp dụng hoặc không có gì phải làm; 1 có dòng bị từ chối, không ghi "
        "gì; 2 tệp không đọc được (hoặc loại dữ liệu, người dùng, đơn vị không hợp lệ)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", help="loại dữ liệu (xem: export_template --list)")
        parser.add_argument("file", help="tệp .xlsx hoặc .csv")
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi")
        parser.add_argument("--user", help="chạy với phạm vi của người dùng này")
        parser.add_argument("--sheet", help="tên trang tính (mặc định: tự tìm)")
        parser.add_argument(
            "--unit",
            help="mã đơn vị mà tệp nói về (danh sách nhân sự: mã cơ quan, tổ chức; "
            "văn thư: mặc định là cơ quan của mình)",
        )
        parser.add_argument(
            "--valid-only",
            action="store_true",
            help="ghi các dòng hợp lệ, bỏ qua các dòng bị từ chối",
        )

    def handle(self, *args, **options):
        kind = cli.get_kind(options["kind"])
        user = cli.get_user(options["user"])
        scope = cli.get_scope(user, kind.capability)
        path = Path(options["file"])
        run = engine.apply
        extra = {"valid_only": options["valid_only"]}
        if options["dry_run"]:
            run, extra = engine.preview, {}
        try:
            result = run(
                kind, path, scope=scope, user=user, sheet=options["sheet"],
                filename=path.name, unit=options["unit"], **extra,
            )  # fmt: skip
        except ImportRefused as exc:
            raise CommandError(str(exc), returncode=cli.EXIT_UNREADABLE) from None
        except ImportFileError as exc:
            raise CommandError(
                f"Không đọc được tệp “{path.name}”: {exc}", returncode=cli.EXIT_UNREADABLE
            ) from None
        verbosity = options["verbosity"]
        for line in cli.preview_lines(result, filename=path.name, verbosity=verbosity):
            self.stdout.write(line)
        self.stdout.write("")
        if result.has_rejections and not result.applied:
            raise CommandError(
                f"Không ghi gì vào cơ sở dữ liệu: {len(result.rejected_rows)} dòng bị từ chối.",
                returncode=cli.EXIT_REJECTED,
            )
        if not result.has_changes:
            self.stdout.write("Không có gì thay đổi.")
        elif options["dry_run"]:
            self.stdout.write("Chạy thử (--dry-run): tệp hợp lệ, chưa ghi gì vào cơ sở dữ liệu.")
        else:
            skipped = len(result.rejected_rows)
            note = f", bỏ qua {skipped} dòng bị từ chối" if skipped else ""
            self.stdout.write(
                self.style.SUCCESS(f"Đã áp dụng: ghi {len(result.changed_rows)} dòng{note}.")
            )
