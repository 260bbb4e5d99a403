#!/usr/bin/env python
"""Fault drill: a worker is killed (SIGKILL) in the middle of writing a 50.000-row upload.

    .venv/bin/python bench/faults/kill_worker.py [--rows 50000]

On a database of its own (chqs_fault_kill on the PostgreSQL at FAULT_ADMIN_URL, default
postgres://postgres@127.0.0.1:5432/postgres; created, then dropped): the people list of
bench/import_people.py for a 200-squad agency is uploaded as an administrator, checked by
a db_worker process, then applied; as soon as that worker's transaction is COPYing people
in, it is killed with SIGKILL. Shown: people in the database afterwards (must be 0), the
job's status and message as its page shows them, then "Thử lại" with a new worker, and
the people afterwards (must be all of them).
"""

import argparse
import os
import shutil
import signal
import sys
import time
from pathlib import Path

from common import ROOT, create_database, drop_database, manage, say, start_worker, stop, wait_for

NAME = "chqs_fault_kill"
PRIVATE = Path("/tmp/chqs-fault-kill")


def main() -> None:
    parser = argparse.ArgumentParser(description="SIGKILL a worker mid-upload")
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    url = create_database(NAME)
    shutil.rmtree(PRIVATE, ignore_errors=True)
    env = dict(os.environ, DATABASE_URL=url, PRIVATE_ROOT=str(PRIVATE),
               TASKS_BACKEND="django_tasks_db.DatabaseBackend", IMPORT_MAX_ROWS="60000",
               DJANGO_SETTINGS_MODULE="chqs.settings")  # fmt: skip
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    workers = []
    try:
        say(f"CSDL {NAME}: migrate")
        manage("migrate", "--noinput", env=env)
        import django

        django.setup()
        outcome = drill(args.rows, env, workers)
    finally:
        for worker in workers:
            stop(worker)
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(NAME)
    print(outcome)


def drill(rows: int, env: dict, workers: list) -> str:
    sys.path.insert(0, str(ROOT / "bench"))
    import import_people
    from django.db import connection

    from chqs.imports.tasks import LOCK_CLASS, apply_job, check_lost, preview_job, retry
    from chqs.models import ImportJob, ImportStatus
    from personnel.models import Person, Service
    from units.models import Role, User

    path = import_people.WORK / f"people-{rows}-v{import_people.FILE_VERSION}.xlsx"
    agency = import_people.make_agency()
    if not path.exists():
        say(f"tạo tệp {rows} dòng…")
        path.parent.mkdir(parents=True, exist_ok=True)
        import_people.write_file(import_people.generate(rows), path)
    admin = User.objects.create(username="kiemthu", role=Role.ADMIN, is_superuser=True)
    (PRIVATE / "uploads").mkdir(parents=True, exist_ok=True)
    shutil.copy(path, PRIVATE / "uploads" / "drill.xlsx")
    job = ImportJob.objects.create(kind="people", user=admin, original_name=path.name,
                                   stored_path="uploads/drill.xlsx", unit=agency.code)  # fmt: skip

    def status():
        job.refresh_from_db()
        return job.status

    workers.append(start_worker(env))
    preview_job.enqueue(job.pk)
    took = wait_for(lambda: status() == ImportStatus.READY, timeout=600, what="bản xem trước")
    say(f"worker 1 (pid {workers[0].pid}): kiểm tra xong {rows} dòng trong {took:.1f} s")

    def writing() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT a.query FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.classid = %s AND l.objid = %s",
                [LOCK_CLASS, job.pk],
            )
            row = cursor.fetchone()
        return bool(row) and "COPY" in row[0].upper() and "personnel_person" in row[0]

    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.APPLYING)  # as the view
    apply_job.enqueue(job.pk, False)
    took = wait_for(writing, timeout=600, what="worker bắt đầu ghi", every=0.05)
    time.sleep(0.3)  # well inside the COPYs
    workers[0].send_signal(signal.SIGKILL)
    workers[0].wait()
    say(f"SIGKILL worker 1 khi đang ghi ({took:.1f} s sau khi bấm áp dụng)")

    people, services = Person.objects.count(), Service.objects.count()
    job = check_lost(ImportJob.objects.get(pk=job.pk))  # what the job page does
    lines = [
        f"Sau SIGKILL: {people} người, {services} quá trình tự vệ trong CSDL (phải là 0, 0).",
        f"Phiên nhập: {job.get_status_display()} — “{job.error}”; thử lại được: {job.can_retry}.",
    ]
    workers.append(start_worker(env))
    started = time.monotonic()
    assert retry(job), "retry refused"
    wait_for(lambda: status() in (ImportStatus.APPLIED, ImportStatus.FAILED), timeout=900,
             what="áp dụng lại")  # fmt: skip
    lines.append(
        f"Thử lại (worker 2, pid {workers[1].pid}): {job.get_status_display()} sau "
        f"{time.monotonic() - started:.1f} s; {Person.objects.count()} người, "
        f"{Service.objects.count()} quá trình tự vệ (phải là {rows} người)."
    )
    ok = people == 0 and services == 0 and job.status == ImportStatus.APPLIED
    ok = ok and Person.objects.count() == rows
    lines.append("ĐẠT" if ok else "KHÔNG ĐẠT")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
