"""A job whose worker died (any backend): the job page says so and "Thử lại" reruns it.

The dead worker is a process that has exited: on PostgreSQL nobody holds the job's
advisory lock, on SQLite its PID is gone from this host."""

import socket
import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chqs.models import ImportJob, ImportStatus
from personnel.models import Person

from .conftest import people_file

pytestmark = pytest.mark.django_db
UPLOAD = reverse("imports:upload", kwargs={"kind": "people"})


def dead_worker() -> str:
    process = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                             capture_output=True, text=True, check=True)  # fmt: skip
    return f"{socket.gethostname()}:{process.stdout.strip()}"


@pytest.fixture
def checked_job(world, client_for, tmp_path):
    client = client_for(world.clerk)
    content = SimpleUploadedFile("ds.xlsx", people_file(tmp_path / "ds.xlsx", 20).read_bytes())
    client.post(UPLOAD, {"file": content, "unit": "A1"})
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.READY
    return client, job


def page(client, job):
    return client.get(reverse("imports:job", kwargs={"token": job.token})).content.decode()


def test_an_apply_whose_worker_died_is_marked_failed_and_retried(checked_job):
    client, job = checked_job
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.APPLYING, task="apply", worker=dead_worker()
    )

    text = page(client, job)
    job.refresh_from_db()

    assert job.status == ImportStatus.FAILED and job.worker == ""
    assert "bị dừng đột ngột" in text and "khi đang ghi; không có gì được ghi" in text
    assert 'id="retry"' in text and Person.objects.count() == 0

    response = client.post(reverse("imports:retry", kwargs={"token": job.token}))
    job.refresh_from_db()

    assert response.status_code == 302
    assert job.status == ImportStatus.APPLIED and Person.objects.count() == 20


def test_a_check_whose_worker_died_is_checked_again_on_retry(checked_job):
    client, job = checked_job
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, task="preview", worker=dead_worker()
    )
    client.get(reverse("imports:progress", kwargs={"token": job.token}))  # the page's poll
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "khi đang kiểm tra tệp" in job.error

    client.post(reverse("imports:retry", kwargs={"token": job.token}))
    job.refresh_from_db()

    assert job.status == ImportStatus.READY and Person.objects.count() == 0


def test_a_job_whose_worker_is_alive_is_left_running(checked_job):
    client, job = checked_job
    alive = f"{socket.gethostname()}:{__import__('os').getpid()}"
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.APPLYING, task="apply", worker=alive
    )
    if __import__("django.db").db.connection.vendor == "postgresql":
        pytest.skip("PostgreSQL: một worker còn sống giữ khóa của nó (xem test_worker.py)")

    page(client, job)
    job.refresh_from_db()

    assert job.status == ImportStatus.APPLYING


def test_retry_refuses_a_job_that_did_not_fail(checked_job):
    client, job = checked_job
    response = client.post(reverse("imports:retry", kwargs={"token": job.token}), follow=True)

    assert "Không chạy lại được: sẵn sàng áp dụng." in response.content.decode()
    assert ImportJob.objects.get().status == ImportStatus.READY
