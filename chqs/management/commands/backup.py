"""`manage.py backup [--output FILE]`: the database and the uploaded/generated files in
one archive (chqs/backup.py says what is in it)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from chqs.backup import BackupError, backup
from chqs.text import format_int


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu và các tệp tải lên/tệp sinh ra vào một tệp .tar.gz."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="Tệp sao lưu (mặc định: BACKUP_DIR/chqs-YYYYmmdd-HHMMSS.tar.gz).",
        )

    def handle(self, *args, output=None, **options):
        if not output:
            folder = Path(getattr(settings, "BACKUP_DIR", settings.BASE_DIR / "var" / "backups"))
            output = folder / f"chqs-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
        try:
            manifest = backup(Path(output))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            f"Đã sao lưu vào {output}: {format_int(rows)} dòng dữ liệu, "
            f"{format_int(manifest['files'])} tệp."
        )
