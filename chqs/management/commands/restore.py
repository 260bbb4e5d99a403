"""`manage.py restore FILE [--force]`: an archive made by `backup` into an empty
database, the files back under PRIVATE_ROOT/MEDIA_ROOT, the row counts checked."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chqs.backup import BackupError, restore
from chqs.text import format_int


class Command(BaseCommand):
    help = "Khôi phục một bản sao lưu của lệnh backup vào cơ sở dữ liệu trống."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Tệp .tar.gz do lệnh backup tạo ra.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Ghi đè cả khi cơ sở dữ liệu đích đã có dữ liệu.",
        )

    def handle(self, *args, archive, force=False, **options):
        try:
            manifest = restore(Path(archive), force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            f"Đã khôi phục bản sao lưu lúc {manifest['created']}: {format_int(rows)} dòng "
            f"(khớp bản sao lưu), {format_int(manifest['files'])} tệp."
        )
