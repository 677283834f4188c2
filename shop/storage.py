"""Storage for files only some people may see: a buyer's reference photos and message
attachments. Nothing here is under MEDIA_URL; views that check who is asking serve them."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """A folder outside MEDIA_ROOT (PRIVATE_MEDIA_ROOT), read at use so tests can move it."""

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through a view.")
