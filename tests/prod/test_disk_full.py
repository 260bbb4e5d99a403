"""The disk fills up while an upload is being saved: the clerk reads why in Vietnamese,
no job and no partial file are left. (bench/faults/disk_full.py does it on a real
full tmpfs.)"""

import errno

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chqs.models import ImportJob
from chqs.storage import PrivateStorage

from .conftest import people_file

pytestmark = pytest.mark.django_db
UPLOAD = reverse("imports:upload", kwargs={"kind": "people"})


class FillsUpStorage(PrivateStorage):
    """Writes the first 8 KB of a file, then the disk is full (as ENOSPC comes from
    write(2) on a full filesystem)."""

    def _save(self, name, content):
        class Chunks:
            size = content.size

            def chunks(self, chunk_size=None):
                yield from [content.read(8192)]
                raise OSError(errno.ENOSPC, "No space left on device")

        return super()._save(name, Chunks())


@pytest.fixture
def full_disk(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": f"{__name__}.FillsUpStorage"},
    }


def test_a_full_disk_while_saving_an_upload_says_so_and_keeps_nothing(
    world, client_for, tmp_path, private_root, full_disk
):
    content = people_file(tmp_path / "ds.xlsx", 500).read_bytes()
    assert len(content) > 8192  # the failure comes mid-file
    response = client_for(world.clerk).post(
        UPLOAD, {"file": SimpleUploadedFile("ds.xlsx", content), "unit": "A1"}
    )

    assert response.status_code == 400
    assert "Máy chủ hết dung lượng lưu trữ nên chưa lưu được tệp" in response.content.decode()
    assert ImportJob.objects.count() == 0
    assert not any(p.is_file() for p in private_root.rglob("*"))  # no partial file
