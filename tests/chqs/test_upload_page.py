import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse

import chqs.settings as project
from chqs.models import ImportJob, ImportStatus
from units.models import Unit

from .sheets import snapshot, unit_row, write_workbook

pytestmark = pytest.mark.django_db

UPLOAD = reverse("imports:upload", kwargs={"kind": "units"})


def upload_file(tmp_path, rows, name="Danh sách đơn vị.xlsx"):
    path = write_workbook(tmp_path / "tep.xlsx", rows)
    return SimpleUploadedFile(name, path.read_bytes())


def good_rows():
    return [unit_row("A3", "Trường Đại học Cần Thơ", parent="X1", valid_from="15/07/2023")]


def test_a_staff_officer_uploads_sees_the_preview_and_applies(world, client_for, tmp_path):
    client = client_for(world.staff)

    response = client.post(UPLOAD, {"file": upload_file(tmp_path, good_rows())})

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("imports:job", kwargs={"token": job.token})
    assert (job.user, job.kind, job.status) == (world.staff, "units", ImportStatus.READY)
    assert not Unit.objects.filter(code="A3").exists()  # a preview writes nothing
    page = client.get(response.url).content.decode()
    assert "Mới: 1" in page and "Trường Đại học Cần Thơ" in page and "Áp dụng" in page

    response = client.post(reverse("imports:apply", kwargs={"token": job.token}), follow=True)

    assert "Đã áp dụng: ghi 1 dòng." in response.content.decode()
    assert Unit.objects.get(code="A3").parent_on().code == "X1"
    job.refresh_from_db()
    assert job.status == ImportStatus.APPLIED and job.applied_at is not None
    assert job.summary["counts"]["new"] == 1
    assert Unit.history.get(code="A3").history_user == world.staff


def test_the_upload_is_stored_privately_under_a_generated_name(world, client_for, tmp_path):
    client_for(world.staff).post(
        UPLOAD, {"file": upload_file(tmp_path, good_rows(), name="../../etc/passwd.xlsx")}
    )

    job = ImportJob.objects.get()
    assert job.original_name == "passwd.xlsx"
    assert job.stored_path.startswith("uploads/") and "passwd" not in job.stored_path
    assert job.path.is_file() and job.path.parent.parent == tmp_path / "private"
    assert re.fullmatch(r"uploads/[0-9a-f]{32}\.xlsx", job.stored_path)


def test_uploads_are_kept_outside_every_folder_the_site_serves():
    """The default PRIVATE_ROOT (var/private) is not under the static files, and no URL
    of the site maps to it: an upload is only ever read by the job pages."""
    private = Path(project.PRIVATE_ROOT).resolve()  # as configured, not the tests' folder
    # MEDIA_ROOT is not served either: generated files are sent by views after a scope
    # check, and neither the URL patterns nor deploy/nginx mount MEDIA_URL.
    served = [Path(project.STATIC_ROOT), *map(Path, project.STATICFILES_DIRS)]
    nginx = (Path(project.BASE_DIR) / "deploy" / "nginx").glob("*")
    assert not any(project.MEDIA_URL in conf.read_text() for conf in nginx)
    for folder in served:
        folder = folder.resolve()
        assert private != folder and folder not in private.parents
        assert private not in folder.parents
    for pattern in get_resolver().url_patterns:
        route = str(pattern.pattern)
        assert "private" not in route and "uploads" not in route
        assert not route.startswith(project.MEDIA_URL.strip("/"))


@pytest.mark.parametrize("persona", ["clerk", "commander"])
def test_clerks_and_commanders_may_not_upload_units(world, client_for, tmp_path, persona):
    client = client_for(getattr(world, persona))

    assert client.get(UPLOAD).status_code == 403
    response = client.post(UPLOAD, {"file": upload_file(tmp_path, good_rows())})
    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_another_users_upload_is_not_found(world, client_for, tmp_path):
    client_for(world.admin).post(UPLOAD, {"file": upload_file(tmp_path, good_rows())})
    job = ImportJob.objects.get()
    client = client_for(world.staff)

    assert client.get(reverse("imports:job", kwargs={"token": job.token})).status_code == 404
    response = client.post(reverse("imports:apply", kwargs={"token": job.token}))
    assert response.status_code == 404
    assert not Unit.objects.filter(code="A3").exists()


def test_a_rejected_file_shows_why_and_applying_it_writes_nothing(world, client_for, tmp_path):
    client = client_for(world.staff)
    rows = [*good_rows(), unit_row("A5", "Trạm điện", parent="X2", valid_from="15/07/2023")]
    response = client.post(UPLOAD, {"file": upload_file(tmp_path, rows)}, follow=True)
    page = response.content.decode()
    assert "Bị từ chối: 1" in page and "Đơn vị cấp trên nằm ngoài phạm vi quản lý." in page
    assert ">Áp dụng</button>" not in page  # no all-or-nothing apply button
    assert "Chỉ áp dụng các dòng hợp lệ" in page  # one valid row could still be applied
    job = ImportJob.objects.get()
    before = snapshot()

    response = client.post(reverse("imports:apply", kwargs={"token": job.token}), follow=True)

    assert "Không áp dụng: có dòng bị từ chối." in response.content.decode()
    assert snapshot() == before
    job.refresh_from_db()
    assert job.status == ImportStatus.REJECTED


def test_an_unreadable_upload_is_refused_on_the_form_and_recorded(world, client_for):
    client = client_for(world.staff)

    response = client.post(UPLOAD, {"file": SimpleUploadedFile("ds.xlsx", b"not a workbook")})

    assert response.status_code == 400
    assert "không phải bảng tính Excel" in response.content.decode()
    assert ImportJob.objects.get().status == ImportStatus.UNREADABLE


def test_the_index_offers_template_export_and_upload_by_role(world, client_for):
    page = client_for(world.staff).get(reverse("imports:index")).content.decode()
    assert "Tải mẫu" in page and "Xuất dữ liệu" in page and UPLOAD in page

    page = client_for(world.clerk).get(reverse("imports:index")).content.decode()
    assert "Tải mẫu" in page and UPLOAD not in page


def test_downloads_are_workbooks_and_the_export_is_limited_to_scope(world, client_for):
    import io

    import openpyxl

    client = client_for(world.clerk)
    template = client.get(reverse("imports:template", kwargs={"kind": "units"}))
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="mau-units.xlsx"' in template["Content-Disposition"]

    export = client.get(reverse("imports:export", kwargs={"kind": "units"}))
    sheet = openpyxl.load_workbook(io.BytesIO(export.content))["Đơn vị"]
    assert [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)] == ["A1"]
    outside = client.get(reverse("imports:export", kwargs={"kind": "units"}), {"unit": "A2"})
    assert outside.status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        reverse("imports:index"),
        UPLOAD,
        reverse("imports:template", kwargs={"kind": "units"}),
        reverse("imports:export", kwargs={"kind": "units"}),
    ],
)
def test_every_import_page_needs_a_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/dang-nhap/" in response.url


def test_an_unknown_kind_is_not_found(world, client_for):
    response = client_for(world.staff).get(reverse("imports:upload", kwargs={"kind": "khong-co"}))
    assert response.status_code == 404
