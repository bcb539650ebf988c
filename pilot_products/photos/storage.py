"""The storage every photo goes through: ``STORAGES["photos"]``, shared by all servers.

A lazy proxy, so a change of ``STORAGES`` (another deployment, a test's folder) is
followed without the model field holding on to the first backend it saw.
"""

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

PHOTO_STORAGE_ALIAS = "photos"


class PhotoStorage(LazyObject):
    def _setup(self):
        self._wrapped = storages[PHOTO_STORAGE_ALIAS]


photo_storage = PhotoStorage()


def get_photo_storage():
    """Return the photo storage (the model field's callable, kept by migrations)."""
    return photo_storage


@receiver(setting_changed)
def _follow_storages(*, setting, **kwargs):
    if setting == "STORAGES":
        photo_storage._wrapped = empty
