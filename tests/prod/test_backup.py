"""`manage.py backup` / `restore`: one archive with the database and the files, restored
into an empty database, gives back the same rows, the same people and the same files."""

import json
import os
import subprocess
import sys
import uuid

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from chqs.backup import BackupError, restore, row_counts
from chqs.models import ImportJob, ImportStatus
from personnel.models import Person
from units.models import Unit

from .conftest import ROOT, people_file

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PROBE = """
import json
from chqs.models import ImportJob
from personnel.models import Person
from units.models import Unit
from units.models import Unit
from chqs.backup import row_counts
job = ImportJob.objects.get()
print(json.dumps({
    "rows": row_counts(),
    "people": sorted(Person.objects.values_list("cccd", "full_name"))[:3],
    "units": sorted(Unit.objects.values_list("code", "name")),
    "job": [job.status, job.original_name, job.path.read_bytes().hex()],
}))
"""


@pytest.fixture
def filled(world, client_for, tmp_path, settings):
    """People imported through the upload page (a file under PRIVATE_ROOT), and a
    generated file under MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    client = client_for(world.clerk)
    content = SimpleUploadedFile(
        "Danh sách.xlsx", people_file(tmp_path / "ds.xlsx", 40).read_bytes()
    )
    client.post(
        reverse("imports:upload", kwargs={"kind": "people"}), {"file": content, "unit": "A1"}
    )
    job = ImportJob.objects.get()
    client.post(reverse("imports:apply", kwargs={"token": job.token}))
    job.refresh_from_db()
    assert job.status == ImportStatus.APPLIED and Person.objects.count() == 40
    storages["default"].save("bao-cao/thang-10.pdf", ContentFile(b"%PDF-1.7 generated"))
    return job


@pytest.fixture
def empty_database(tmp_path):
    """A new, empty database of the kind under test, as DATABASE_URL for a subprocess."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    db = connection.settings_dict
    name = f"{db['NAME']}_restore_{uuid.uuid4().hex[:6]}"
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    admin = f"postgresql://{db['USER']}@{host}:{port}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://{db['USER']}@{host}:{port}/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(*args, database_url, roots):
    env = {k: v for k, v in os.environ.items() if k not in ("CHQS_ENV",)}
    env.update(DATABASE_URL=database_url, PRIVATE_ROOT=str(roots / "private"),
               MEDIA_ROOT=str(roots / "media"))  # fmt: skip
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def test_a_backup_restored_into_an_empty_database_gives_back_rows_people_and_files(
    filled, tmp_path, empty_database
):
    archive = tmp_path / "sao-luu.tar.gz"
    call_command("backup", "--output", str(archive))
    before = row_counts()
    elsewhere = tmp_path / "may-moi"  # another server: empty roots

    restored = manage("restore", str(archive), database_url=empty_database, roots=elsewhere)

    assert restored.returncode == 0, restored.stderr
    assert "Đã khôi phục" in restored.stdout and "(khớp bản sao lưu)" in restored.stdout
    probe = manage("shell", "-c", PROBE, database_url=empty_database, roots=elsewhere)
    assert probe.returncode == 0, probe.stderr
    after = json.loads(probe.stdout.strip().splitlines()[-1])
    assert after["rows"] == before
    assert after["rows"]["personnel.Person"] == 40
    assert after["people"] == [
        list(p) for p in sorted(Person.objects.values_list("cccd", "full_name"))[:3]
    ]
    assert after["units"] == [list(u) for u in sorted(Unit.objects.values_list("code", "name"))]
    assert after["job"] == [ImportStatus.APPLIED, "Danh sách.xlsx", filled.path.read_bytes().hex()]
    generated = elsewhere / "media" / "bao-cao" / "thang-10.pdf"
    assert generated.read_bytes() == b"%PDF-1.7 generated"
    assert "2 tệp" in restored.stdout


def test_restore_refuses_a_database_that_holds_data(filled, tmp_path):
    archive = tmp_path / "sao-luu.tar.gz"
    call_command("backup", "--output", str(archive))

    with pytest.raises(BackupError, match="đã có dữ liệu; chỉ khôi phục vào cơ sở dữ liệu trống"):
        restore(archive)
    assert Person.objects.count() == 40


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    bogus = tmp_path / "khong-phai.tar.gz"
    bogus.write_bytes(b"not an archive")

    with pytest.raises(BackupError, match="không phải bản sao lưu CHQS"):
        restore(bogus)
