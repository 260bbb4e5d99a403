import getpass
import os

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from chqs.audit import export_record
from chqs.imports import cli
from chqs.imports.xlsx import write_xlsx


class Command(BaseCommand):
    help = (
        "Xuất dữ liệu hiện có ra tệp .xlsx đúng theo mẫu nhập (nhập lại tệp này: mọi dòng "
        "“không đổi”), ví dụ: export_data units --unit R1 --user binh -o don-vi.xlsx; "
        "export_data people --unit SYT-CT -o danh-sach.xlsx (danh sách của một cơ quan)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", help="loại dữ liệu (xem: export_template --list)")
        parser.add_argument(
            "--unit", help="chỉ xuất đơn vị này và các đơn vị trực thuộc (people: mã cơ quan)"
        )
        parser.add_argument("--user", help="chỉ xuất trong phạm vi của người dùng này")
        parser.add_argument("-o", "--output", help="tệp ghi ra (mặc định: <loại>.xlsx)")

    def handle(self, *args, **options):
        kind = cli.get_kind(options["kind"])
        user = cli.get_user(options["user"])
        scope = cli.get_scope(user, kind.export_capability)
        output = options["output"] or f"{kind.code}.xlsx"
        try:
            rows = list(kind.export_rows(scope, unit=options["unit"]))
        except Http404:
            raise CommandError(
                f"Không tìm thấy đơn vị “{options['unit']}” trong phạm vi được xem."
            ) from None
        with open(output, "wb") as target:
            count = write_xlsx(kind, rows, target)
        # Recorded like the site's exports (Nhật ký xuất dữ liệu): the account given by
        # --user, else the operating-system account that ran the command.
        os_user = _os_user()
        export_record(
            user=user, username=f"{os_user} (dòng lệnh)", what=kind.title,
            filters={"unit": options["unit"], "command": "export_data", "os_user": os_user},
            rows=count, masked=not scope.can("change_people"),
        )  # fmt: skip
        self.stdout.write(f"Đã xuất {count} dòng “{kind.title}” vào {output}.")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name and no passwd entry (a bare container)
        return f"uid {os.getuid()}"
