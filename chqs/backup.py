"""One archive with everything CHQS keeps: the database and the files (uploads under
PRIVATE_ROOT, generated files under MEDIA_ROOT), and a manifest of row counts that the
restore checks against.

PostgreSQL: `pg_dump --format=custom` (one consistent snapshot while users work) and
`pg_restore`; the client tools must be the server's major version or newer. SQLite: the
SQLite online backup API, the same file byte for byte. The archive is a .tar.gz:

    manifest.json      format, date, database vendor, Django version, rows per model
    database.dump      (PostgreSQL) or database.sqlite3 (SQLite)
    private/...        the PRIVATE_ROOT tree (media/ included when it lives under it)
    media/...          MEDIA_ROOT, when it lives elsewhere

Restoring goes into an empty database (migrated or not): it refuses one that holds
CHQS data unless told `--force`, so a backup is never poured over live data by mistake.
"""

import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.db import connection

from . import versions

FORMAT = 1
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot go on: the message says why, in Vietnamese."""


def row_counts() -> dict[str, int]:
    """Rows of every CHQS table (managed models of every installed app)."""
    counts = {}
    for model in apps.get_models():
        if model._meta.managed and not model._meta.proxy:
            counts[model._meta.label] = model._default_manager.using("default").count()
    return counts


def _pg_env() -> tuple[list[str], dict]:
    """libpq connection options for pg_dump/pg_restore; the password through the
    environment, never on a command line other users of the host can read."""
    db = connection.settings_dict
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return args, env


def _run(command: list[str], env: dict | None = None) -> None:
    tool = shutil.which(command[0])
    if tool is None:
        raise BackupError(
            f"Không tìm thấy lệnh {command[0]} (gói postgresql-client cùng phiên bản máy chủ)."
        )
    done = subprocess.run([tool, *command[1:]], env=env, capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"{command[0]} báo lỗi: {done.stderr.strip()[-2000:]}")


def _roots() -> list[tuple[str, Path]]:
    private = Path(settings.PRIVATE_ROOT).resolve()
    media = Path(settings.MEDIA_ROOT).resolve()
    roots = [("private", private)]
    if not media.is_relative_to(private):
        roots.append(("media", media))
    return roots


def backup(output: Path) -> dict:
    """Write the archive to `output` (written aside and renamed: never a half archive)."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu {vendor}.")
    manifest = {
        "format": FORMAT,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "vendor": vendor,
        "django": django.get_version(),
        "rows": row_counts(),
        "files": 0,
    }
    with tempfile.TemporaryDirectory(prefix="chqs-backup-") as work:
        work = Path(work)
        if vendor == "postgresql":
            database = work / "database.dump"
            args, env = _pg_env()
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                  "--file", str(database), *args], env)  # fmt: skip
        else:
            database = work / "database.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(database)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(database, arcname=database.name)
            for name, root in _roots():
                if not root.is_dir():
                    continue
                for path in sorted(root.rglob("*")):
                    if path.is_file() and not path.is_symlink():
                        archive.add(path, arcname=f"{name}/{path.relative_to(root)}")
                        manifest["files"] += 1
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(dt.datetime.now().timestamp())
            archive.addfile(info, fileobj=io.BytesIO(data))
        partial.replace(output)
    return manifest


# A migrated database already holds the reference rows its migrations seed; the command
# tree is what only a live installation has. (By label: chqs imports no app above it.)
LIVE_DATA = ("units.Unit",)


def _has_data() -> bool:
    tables = set(connection.introspection.table_names())
    for label in LIVE_DATA:
        model = apps.get_model(label)
        if model._meta.db_table in tables and model._default_manager.using("default").exists():
            return True
    return False


def restore(archive_path: Path, *, force: bool = False) -> dict:
    """Restore the archive into this database and these file roots; return the manifest.

    Raises BackupError when the archive is not a CHQS backup, is for another database
    kind, or the database already holds data (without `force`), and when the restored
    row counts differ from the manifest's.
    """
    archive_path = Path(archive_path)
    if not archive_path.is_file():
        raise BackupError(f"Không có tệp sao lưu {archive_path}.")
    try:
        archive = tarfile.open(archive_path, "r:gz")  # noqa: SIM115 (closed by the with below)
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"Tệp {archive_path.name} không phải bản sao lưu CHQS ({exc}).") from exc
    with archive, tempfile.TemporaryDirectory(prefix="chqs-restore-") as work:
        work = Path(work)
        try:
            manifest = json.load(archive.extractfile(MANIFEST))
        except (KeyError, ValueError) as exc:
            raise BackupError(f"Tệp {archive_path.name} thiếu manifest.json.") from exc
        if manifest.get("format") != FORMAT:
            raise BackupError(f"Bản sao lưu định dạng {manifest.get('format')} không đọc được.")
        if manifest["vendor"] != connection.vendor:
            raise BackupError(
                f"Bản sao lưu của {manifest['vendor']}, không khôi phục vào {connection.vendor}."
            )
        if not force and _has_data():
            raise BackupError(
                "Cơ sở dữ liệu đích đã có dữ liệu; chỉ khôi phục vào cơ sở dữ liệu trống "
                "(hoặc thêm --force để ghi đè)."
            )
        archive.extractall(work, filter="data")
        if connection.vendor == "postgresql":
            args, env = _pg_env()
            connection.close()
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                  "--single-transaction", "--exit-on-error", *args,
                  str(work / "database.dump")], env)  # fmt: skip
        else:
            connection.ensure_connection()
            source = sqlite3.connect(work / "database.sqlite3")
            try:
                source.backup(connection.connection)
            finally:
                source.close()
        for name, root in _roots():
            tree = work / name
            if tree.is_dir():
                shutil.copytree(tree, root, dirs_exist_ok=True)
    # The restored version numbers are the backup's: start them afresh so no process
    # serves a value it cached from the database as it was before the restore.
    versions.renew()
    counts = row_counts()
    wrong = {k: (v, counts.get(k)) for k, v in manifest["rows"].items() if counts.get(k) != v}
    if wrong:
        details = ", ".join(f"{k}: {a} → {b}" for k, (a, b) in sorted(wrong.items())[:10])
        raise BackupError(f"Số dòng sau khi khôi phục không khớp bản sao lưu: {details}.")
    return manifest
