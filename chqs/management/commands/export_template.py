from django.core.management.base import BaseCommand, CommandError

from chqs.imports import cli, registry
from chqs.imports.xlsx import write_xlsx


class Command(BaseCommand):
    help = (
        "Ghi tệp mẫu nhập liệu (.xlsx, chưa có dữ liệu) của một loại dữ liệu, ví dụ: "
        "export_template units -o mau-don-vi.xlsx; --list: liệt kê các loại dữ liệu."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", nargs="?", help="loại dữ liệu")
        parser.add_argument("-o", "--output", help="tệp ghi ra (mặc định: mau-<loại>.xlsx)")
        parser.add_argument("--list", action="store_true", help="liệt kê các loại dữ liệu")

    def handle(self, *args, **options):
        if options["list"]:
            for kind in registry.kinds():
                self.stdout.write(f"{kind.code}\t{kind.title}")
            return
        if not options["kind"]:
            raise CommandError("Cần ghi loại dữ liệu (xem: export_template --list).")
        kind = cli.get_kind(options["kind"])
        output = options["output"] or f"mau-{kind.code}.xlsx"
        with open(output, "wb") as target:
            write_xlsx(kind, [], target)
        self.stdout.write(f"Đã ghi mẫu nhập “{kind.title}” vào {output}.")
