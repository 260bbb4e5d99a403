"""Where CHQS keeps files, through Django's storage API.

`storages["private"]`: uploads (PRIVATE_ROOT, outside the web root); `storages["default"]`:
generated files (MEDIA_ROOT). Both are plain directories that, on more than one host,
are one shared mount (README "Production"). Both roots are read when a file is saved,
not when the settings are loaded, so a test or a command may point them elsewhere.
"""

import contextlib
import errno

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property


class DiskFull(OSError):
    """The disk (or the shared mount) is full: the message is for the user."""

    MESSAGE = (
        "Máy chủ hết dung lượng lưu trữ nên chưa lưu được tệp; không có gì được ghi. "
        "Hãy báo quản trị viên giải phóng dung lượng rồi thử lại."
    )

    def __init__(self):
        super().__init__(errno.ENOSPC, self.MESSAGE)

    def __str__(self) -> str:
        return self.MESSAGE


class PrivateStorage(FileSystemStorage):
    """FileSystemStorage on PRIVATE_ROOT; a full disk leaves no partial file behind."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def _save(self, name, content):
        return save_or_clean_up(super()._save, self, name, content)


class MediaStorage(FileSystemStorage):
    """FileSystemStorage on MEDIA_ROOT with the same full-disk behaviour."""

    def _save(self, name, content):
        return save_or_clean_up(super()._save, self, name, content)


def save_or_clean_up(save, storage, name, content):
    """Run `save`; on ENOSPC/EDQUOT remove what was written and raise DiskFull."""
    try:
        return save(name, content)
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        with contextlib.suppress(OSError):
            storage.delete(name)
        raise DiskFull() from exc
