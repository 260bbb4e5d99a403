#!/usr/bin/env python
"""Fault drill: the disk fills up while an upload, then a generated PDF, is being saved.

    .venv/bin/python bench/faults/disk_full.py        # as root: it mounts a tmpfs

PRIVATE_ROOT (uploads) and MEDIA_ROOT (generated files) go on a 512 KB tmpfs mounted at
/tmp/chqs-fault-disk/files (unmounted at the end); the database is a throwaway SQLite
file with the test personas (tests/personas.py). Through Django's test client, as the
clerk Chi:
1. a 0,6 MB people list (20.000 rows) is uploaded: the disk fills in the middle of writing it;
2. an official PDF is rendered (chqs/pdf.py) and saved to a disk with 8 KB left;
3. space is freed and a small list is uploaded again.
Shown: what the clerk reads, the import jobs and files left behind (none after 1 and 2),
and that 3 works. Nothing here needs PostgreSQL.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from common import ROOT, say

HOME = Path("/tmp/chqs-fault-disk")
FILES = HOME / "files"


def mount() -> None:
    if os.geteuid() != 0:
        raise SystemExit("Cần quyền root để gắn tmpfs (mount -t tmpfs). Không chạy được.")
    shutil.rmtree(HOME, ignore_errors=True)
    FILES.mkdir(parents=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(FILES)], check=True)


def files_left() -> list[str]:
    return sorted(str(p.relative_to(FILES)) for p in FILES.rglob("*") if p.is_file())


def main() -> None:
    mount()
    database = Path(tempfile.mkdtemp(prefix="chqs-fault-db-")) / "db.sqlite3"
    os.environ.update(DATABASE_URL=f"sqlite:///{database}", PRIVATE_ROOT=str(FILES),
                      MEDIA_ROOT=str(FILES / "media"), DJANGO_SETTINGS_MODULE="chqs.settings",
                      AXES_ENABLED="false")  # fmt: skip
    sys.path.insert(0, str(ROOT))
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.test.utils import setup_test_environment

        setup_test_environment()
        call_command("migrate", verbosity=0)
        print(drill())
    finally:
        subprocess.run(["umount", str(FILES)], check=False)
        shutil.rmtree(HOME, ignore_errors=True)
        shutil.rmtree(database.parent, ignore_errors=True)


def drill() -> str:
    import datetime as dt
    import re

    from django.core.files.base import ContentFile
    from django.core.files.storage import storages
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from chqs.models import ImportJob
    from chqs.pdf import Letterhead, render_pdf
    from chqs.storage import DiskFull
    from tests.personas import make_world
    from tests.prod.conftest import people_file

    world = make_world()
    client = Client()
    client.force_login(world.clerk)
    upload = reverse("imports:upload", kwargs={"kind": "people"})
    work = Path(tempfile.mkdtemp(prefix="chqs-fault-files-"))
    lines = []

    big = people_file(work / "lon.xlsx", 20_000)
    say(f"1. tải lên {big.stat().st_size / 1e6:.1f} MB vào đĩa 512 KB")
    response = client.post(upload, {"file": SimpleUploadedFile("lon.xlsx", big.read_bytes()),
                                    "unit": "A1"})  # fmt: skip
    error = re.search(r"Máy chủ hết dung lượng[^<]*", response.content.decode())
    told = error.group(0) if error else "—"
    lines.append(f"1. Tải lên tệp {big.stat().st_size / 1e6:.1f} MB: HTTP {response.status_code}, "
                 f"người dùng đọc: “{told}”; phiên nhập: {ImportJob.objects.count()}; "
                 f"tệp còn lại: {files_left() or 'không'}.")  # fmt: skip
    ok = response.status_code == 400 and error and not ImportJob.objects.exists()
    ok = ok and not files_left()

    filler = FILES / "filler.bin"
    free = shutil.disk_usage(FILES).free
    filler.write_bytes(b"\0" * (free - 8192))
    say(f"2. PDF vào đĩa còn {shutil.disk_usage(FILES).free // 1024} KB")
    doc = Letterhead(parent_body="BỘ CHQS THÀNH PHỐ CẦN THƠ", issuer="BAN CHỈ HUY QUÂN SỰ",
                     place="Cần Thơ", on=dt.date(2026, 11, 23), title="BÁO CÁO",
                     subject="Diễn tập đầy đĩa", signer_name="Nguyễn Văn An")  # fmt: skip
    pdf = render_pdf("pdf/_specimen.html", {"doc": doc})
    try:
        storages["default"].save("bao-cao/dien-tap.pdf", ContentFile(pdf))
        message = "đã lưu (không mong đợi)"
    except DiskFull as exc:
        message = str(exc)
    left = [f for f in files_left() if f != "filler.bin"]
    lines.append(f"2. Lưu PDF {len(pdf) / 1024:.0f} KB: “{message}”; tệp còn lại: "
                 f"{left or 'không'}.")  # fmt: skip
    ok = ok and message == DiskFull.MESSAGE and not left

    filler.unlink()
    small = people_file(work / "nho.xlsx", 30)
    response = client.post(upload, {"file": SimpleUploadedFile("nho.xlsx", small.read_bytes()),
                                     "unit": "A1"})  # fmt: skip
    job = ImportJob.objects.first()
    lines.append(f"3. Giải phóng dung lượng rồi tải lên lại: HTTP {response.status_code}, phiên "
                 f"nhập “{job.get_status_display() if job else '—'}”.")  # fmt: skip
    ok = ok and response.status_code == 302 and job is not None
    shutil.rmtree(work, ignore_errors=True)
    lines.append("ĐẠT" if ok else "KHÔNG ĐẠT")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
