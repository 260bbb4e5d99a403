"""The upload as a job: progress while it runs, the summary once done, the sheet and the
column mapping chosen by the clerk, apply all-or-nothing or valid rows only, and the
permissions re-checked by the task itself."""

import datetime as dt

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from chqs.imports.tasks import apply_job, preview_job
from chqs.models import ImportJob, ImportStatus
from units.models import Role, Unit

from .sheets import HEADER, snapshot, to_tcvn3, unit_row, write_workbook
from .test_upload_page import UPLOAD, upload_file

pytestmark = pytest.mark.django_db

GOOD = unit_row("A3", "Trường Đại học Cần Thơ", parent="X1", valid_from="15/07/2023")
OUT_OF_SCOPE = unit_row("A5", "Trạm điện", parent="X2", valid_from="15/07/2023")


def url(name, job):
    return reverse(f"imports:{name}", kwargs={"token": job.token})


def upload(client, tmp_path, rows, **kwargs):
    response = client.post(UPLOAD, {"file": upload_file(tmp_path, rows, **kwargs)})
    return response, ImportJob.objects.latest("id")


def test_the_job_page_shows_the_final_summary_and_how_the_file_was_read(
    world, client_for, tmp_path
):
    rows = [["I. KHỐI TRƯỜNG HỌC"] + [None] * 9, GOOD, ["Cộng: 1 đơn vị"] + [None] * 9]
    path = write_workbook(tmp_path / "dv.xlsx", rows, above=[["DANH SÁCH ĐƠN VỊ"], []],
                          header=[*HEADER, "Ghi chú"])  # fmt: skip
    client = client_for(world.staff)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(UPLOAD, {"file": SimpleUploadedFile("dv.xlsx", path.read_bytes())})
    job = ImportJob.objects.get()
    assert response.url == url("job", job)

    page = client.get(response.url).content.decode()

    assert (job.status, job.progress, job.phase) == (ImportStatus.READY, 100, "")
    assert "Mới: 1" in page and "Bị từ chối: 0" in page and "Bỏ qua: 2" in page
    assert "1 dòng tiêu đề nhóm, 1 dòng tổng cộng" in page
    assert "Excel (.xlsx)" in page and "dòng tiêu đề 3" in page
    assert 'id="mapping"' in page and "Ghi chú" in page  # every heading, with its field
    assert 'hx-get="' not in page  # finished: nothing to poll
    assert "<script>" not in page  # no inline script (a CSP will forbid them)


def test_a_tcvn3_file_is_announced_on_the_page(world, client_for, tmp_path):
    rows = [[to_tcvn3(v) if isinstance(v, str) else v for v in GOOD]]
    header = [to_tcvn3(h) for h in HEADER]
    path = write_workbook(tmp_path / "cu.xlsx", rows, header=header)
    client = client_for(world.staff)
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(UPLOAD, {"file": SimpleUploadedFile("cu.xlsx", path.read_bytes())})
    job = ImportJob.objects.get()
    page = client.get(url("job", job)).content.decode()

    assert job.encoding == "tcvn3"
    assert "Tệp dùng bảng mã <strong>TCVN3 (ABC)</strong>: đã chuyển sang Unicode." in page
    assert "Trường Đại học Cần Thơ" in page


def test_a_running_job_shows_a_progress_bar_that_polls_until_done(world, client_for, tmp_path):
    client = client_for(world.staff)
    _, job = upload(client, tmp_path, [GOOD])
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, phase="checking", progress=40
    )

    page = client.get(url("job", job)).content.decode()
    partial = client.get(url("progress", job))

    assert f'hx-get="{url("progress", job)}" hx-trigger="every 1s"' in page
    assert 'value="40"' in page and "kiểm tra từng dòng" in page
    assert partial.status_code == 200 and "HX-Refresh" not in partial
    assert 'value="40"' in partial.content.decode()

    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.READY, progress=100)
    done = client.get(url("progress", job))
    assert done["HX-Refresh"] == "true"  # htmx reloads the page, which shows the result
    assert "hx-trigger" not in done.content.decode()


def test_with_a_queue_backend_the_page_can_be_left_and_come_back(
    world, client_for, tmp_path, settings
):  # fmt: skip
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client = client_for(world.staff)

    response, job = upload(client, tmp_path, [GOOD])

    assert response.status_code == 302 and job.status == ImportStatus.QUEUED
    assert "Đang chờ xử lý" in client.get(url("job", job)).content.decode()
    preview_job.call(job.pk)  # what a worker does later
    job.refresh_from_db()
    assert job.status == ImportStatus.READY and job.progress == 100
    assert "Mới: 1" in client.get(url("job", job)).content.decode()
    assert not Unit.objects.filter(code="A3").exists()


def test_an_abandoned_job_can_be_checked_again(world, client_for, tmp_path):
    client = client_for(world.staff)
    _, job = upload(client, tmp_path, [GOOD])
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - dt.timedelta(hours=1))

    page = client.get(url("job", job)).content.decode()
    assert "bị gián đoạn" in page and "hx-trigger" not in page

    client.post(url("recheck", job))
    job.refresh_from_db()
    assert job.status == ImportStatus.READY


def test_the_task_rechecks_the_uploaders_role(world, client_for, tmp_path):
    client = client_for(world.staff)
    _, job = upload(client, tmp_path, [GOOD])
    before = snapshot()
    world.staff.role = Role.CLERK  # demoted between the check and the apply
    world.staff.save()

    apply_job.call(job.pk)

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "không còn được nhập" in job.error
    assert snapshot() == before


def test_apply_writes_everything_or_nothing_and_only_once(world, client_for, tmp_path):
    client = client_for(world.staff)
    _, job = upload(client, tmp_path, [GOOD])

    first = client.post(url("apply", job), follow=True).content.decode()
    second = client.post(url("apply", job), follow=True).content.decode()

    assert "Đã áp dụng: ghi 1 dòng." in first
    assert "đã được áp dụng trước đó" in second
    assert Unit.objects.filter(code="A3").count() == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.APPLIED and not job.valid_only


def test_the_valid_rows_only_are_applied_when_the_clerk_says_so(world, client_for, tmp_path):
    client = client_for(world.staff)
    _, job = upload(client, tmp_path, [GOOD, OUT_OF_SCOPE])
    assert job.status == ImportStatus.REJECTED and job.can_apply_valid_rows

    refused = client.post(url("apply", job), follow=True).content.decode()
    assert "Không áp dụng: có dòng bị từ chối." in refused
    assert not Unit.objects.filter(code="A3").exists()

    page = client.post(url("apply", job), {"valid_only": "1"}, follow=True).content.decode()

    job.refresh_from_db()
    assert job.status == ImportStatus.APPLIED and job.valid_only
    assert Unit.objects.filter(code="A3").exists() and not Unit.objects.filter(code="A5").exists()
    assert "(chỉ các dòng hợp lệ)" in page and "1 dòng bị từ chối không được ghi" in page


def test_the_clerk_picks_the_sheet_when_the_workbook_has_several(world, client_for, tmp_path):
    path = tmp_path / "hai-trang.xlsx"
    workbook = openpyxl.Workbook()
    first = workbook.active
    first.title = "Đợt 1"
    first.append(HEADER)
    first.append(GOOD)
    second = workbook.create_sheet("Đợt 2")
    second.append(HEADER)
    second.append(unit_row("A4", "Bệnh viện Nhi", parent="X1", valid_from="15/07/2023"))
    workbook.save(path)
    client = client_for(world.staff)
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(UPLOAD, {"file": SimpleUploadedFile("hai-trang.xlsx", path.read_bytes())})
    job = ImportJob.objects.get()
    page = client.get(url("job", job)).content.decode()

    assert job.sheets == ["Đợt 1", "Đợt 2"] and job.sheet == "Đợt 1"
    assert "Tệp có 2 trang tính" in page and '<option value="Đợt 2">' in page
    assert "Trường Đại học Cần Thơ" in page

    client.post(url("recheck", job), {"sheet": "Đợt 2"})

    job.refresh_from_db()
    assert job.sheet == "Đợt 2" and job.summary["file"]["sheet"] == "Đợt 2"
    assert "Bệnh viện Nhi" in client.get(url("job", job)).content.decode()


def test_the_clerk_corrects_the_column_mapping(world, client_for, tmp_path):
    header = ["Mã đơn vị", "Tên gọi", "Loại đơn vị", "Mã đơn vị cấp trên", "Hiệu lực từ ngày"]
    path = write_workbook(tmp_path / "dv.xlsx", [GOOD[:2] + GOOD[3:6]], header=header)
    client = client_for(world.staff)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(UPLOAD, {"file": SimpleUploadedFile("dv.xlsx", path.read_bytes())})
    job = ImportJob.objects.get()
    # The header was found but "Tên gọi" was not recognised: the job page offers the mapping.
    assert response.status_code == 302 and job.status == ImportStatus.UNREADABLE
    page = client.get(url("job", job)).content.decode()
    assert "thiếu cột bắt buộc: “Tên đơn vị”" in page and 'name="col_1"' in page

    choices = {f"col_{i}": key for i, key in enumerate(["code", "name", "kind", "parent",
                                                        "valid_from"])}  # fmt: skip
    client.post(url("recheck", job), {"sheet": job.sheet, **choices})

    job.refresh_from_db()
    assert job.status == ImportStatus.READY and job.mapping == {"1": "name"}
    assert "đã chọn tay" in client.get(url("job", job)).content.decode()


def test_one_field_cannot_take_two_columns(world, client_for, tmp_path):
    client = client_for(world.staff)
    _, job = upload(client, tmp_path, [GOOD])

    response = client.post(url("recheck", job), {"col_0": "code", "col_1": "code"})

    assert response.status_code == 400
    assert "chỉ ghép được với một cột" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "method"),
    [("job", "get"), ("progress", "get"), ("marked", "get"), ("recheck", "post"),
     ("apply", "post")],
)  # fmt: skip
def test_another_users_job_is_not_found(world, client_for, tmp_path, name, method):
    _, job = upload(client_for(world.admin), tmp_path, [GOOD, OUT_OF_SCOPE])
    client = client_for(world.staff)

    response = getattr(client, method)(url(name, job))

    assert response.status_code == 404
    assert not Unit.objects.filter(code="A3").exists()


def test_a_clerk_cannot_have_a_units_job_run_for_them(world):
    # Not through the page (403), and not through a task either: the task checks again.
    job = ImportJob.objects.create(
        kind="units", user=world.clerk, original_name="x.xlsx", stored_path="uploads/x.xlsx"
    )

    preview_job.call(job.pk)

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.progress == 100
