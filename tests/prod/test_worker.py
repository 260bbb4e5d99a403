"""Uploads through the production queue: real `db_worker` processes, the database
backend (django-tasks-db), PostgreSQL. A worker killed in the middle of writing leaves
nothing behind; the job says so in Vietnamese and "Thử lại" finishes it."""

import signal

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from chqs.imports.tasks import LOCK_CLASS
from chqs.models import ImportJob, ImportStatus
from personnel.models import Person, Service

from .conftest import people_file, requires_postgresql, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
UPLOAD = reverse("imports:upload", kwargs={"kind": "people"})
HISTORY_TABLE = Person.history.model._meta.db_table
DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def queue(settings):
    requires_postgresql()
    settings.TASKS = DB_BACKEND


def upload(client, path):
    content = SimpleUploadedFile("Danh sách.xlsx", path.read_bytes())
    response = client.post(UPLOAD, {"file": content, "unit": "A1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.latest("id")


def status(job):
    job.refresh_from_db()
    return job.status


def page(client, job):
    return client.get(reverse("imports:job", kwargs={"token": job.token})).content.decode()


def test_a_worker_process_checks_and_applies_an_upload(queue, world, client_for, tmp_path,
                                                       start_worker):  # fmt: skip
    client = client_for(world.clerk)
    job = upload(client, people_file(tmp_path / "ds.xlsx", 300))
    assert status(job) == ImportStatus.QUEUED  # nothing ran in the web process

    start_worker()
    wait_for(lambda: status(job) == ImportStatus.READY, message=f"preview: {job.status}")
    assert "Mới: 300" in page(client, job)

    client.post(reverse("imports:apply", kwargs={"token": job.token}))
    wait_for(lambda: status(job) == ImportStatus.APPLIED, message=f"apply: {job.status}")

    assert Person.objects.count() == 300
    assert job.worker == ""  # the worker let go of it
    assert "Đã áp dụng" in page(client, job)


def _blocked_writing(job) -> bool:
    """The worker holding the job's lock is inside its write transaction (people copied
    in), waiting for the people's history table that the test holds locked."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.wait_event_type, a.query FROM pg_locks l "
            "JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.classid = %s AND l.objid = %s AND l.granted",
            [LOCK_CLASS, job.pk],
        )
        row = cursor.fetchone()
    return bool(row) and row[0] == "Lock" and HISTORY_TABLE in row[1]


def _session_of_its_own() -> psycopg.Connection:
    db = connection.settings_dict
    return psycopg.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"] or None
    )


def test_a_worker_killed_while_writing_leaves_nothing_and_the_job_can_be_retried(
    queue, world, client_for, tmp_path, start_worker
):
    client = client_for(world.clerk)
    job = upload(client, people_file(tmp_path / "ds.xlsx", 6000))
    worker = start_worker()
    wait_for(lambda: status(job) == ImportStatus.READY, message=f"preview: {job.status}")

    # Hold the people's history table so the worker stops inside its transaction, after
    # it copied the people in and before it can commit: the kill then lands mid-write
    # every time, however fast or slow the machine.
    with _session_of_its_own() as blocker:
        blocker.execute(f"LOCK TABLE {HISTORY_TABLE} IN SHARE MODE")
        client.post(reverse("imports:apply", kwargs={"token": job.token}))
        wait_for(lambda: _blocked_writing(job), timeout=180, message="the worker never wrote")
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        blocker.rollback()

    assert (Person.objects.count(), Service.objects.count()) == (0, 0)
    # The page notices the lost worker once PostgreSQL has ended the dead worker's
    # session (and so released its lock): a moment after the kill, as when the clerk
    # reloads the page.
    wait_for(
        lambda: page(client, job) and status(job) == ImportStatus.FAILED,
        timeout=60,
        message="the page never noticed the lost worker",
    )
    text = page(client, job)
    assert "Tiến trình xử lý bị dừng đột ngột" in text and "không có gì được ghi" in text
    assert 'id="retry"' in text and "Thử lại" in text

    start_worker()
    client.post(reverse("imports:retry", kwargs={"token": job.token}))
    wait_for(lambda: status(job) == ImportStatus.APPLIED, timeout=180, message=job.status)
    assert Person.objects.count() == 6000
    assert Person.objects.filter(cccd="092090006000").exists()
