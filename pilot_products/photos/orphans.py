"""Remove photo files no row refers to: what a rolled-back transaction left behind.

A photo's files are written before the row that names them (so a refused check
stores nothing, and a write only starts once the file is safe), and a service
removes them again when its own write fails. A transaction that rolls back after
the service returned (an outer ``atomic`` of the caller, a worker killed before the
commit) has no such hook, so its files stay. The hourly housekeeping job sweeps
them: a file in the photo storage whose photo no ``ListingPhoto`` and no
``PilotProduct`` names, and older than ``PHOTO_ORPHAN_MINUTES`` (so a transaction
still open is never robbed of its file), is deleted with its renditions.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from pilot_products.models import ListingPhoto, PilotProduct

from .storage import photo_storage

#: A stored file's name: the photo's own, or one of its renditions.
STORED_NAME = re.compile(r"([0-9a-f]{32})(?:-[a-z]+)?\.(jpg|png|webp)")
CHUNK = 500


def _photo_name(file_name: str) -> str | None:
    match = STORED_NAME.fullmatch(file_name)
    return f"{match.group(1)}.{match.group(2)}" if match else None


def _referenced(names: list[str]) -> set[str]:
    used = set(
        ListingPhoto.objects.filter(image__in=names).values_list("image", flat=True)
    )
    used |= set(
        PilotProduct.objects.filter(photo__in=names).values_list("photo", flat=True)
    )
    return used


def remove_orphan_photos(*, older_than: timedelta | None = None) -> int:
    """Delete the files of photos no row names, older than ``older_than``; count them."""
    if older_than is None:
        older_than = timedelta(minutes=settings.PHOTO_ORPHAN_MINUTES)
    if not photo_storage.exists(""):
        return 0
    files_of: dict[str, list[str]] = {}
    for file_name in photo_storage.listdir("")[1]:
        if (name := _photo_name(file_name)) is not None:
            files_of.setdefault(name, []).append(file_name)
    cutoff = timezone.now() - older_than
    removed = 0
    names = sorted(files_of)
    for start in range(0, len(names), CHUNK):
        chunk = names[start : start + CHUNK]
        used = _referenced(chunk)
        for name in chunk:
            if name in used:
                continue
            files = files_of[name]
            if any(photo_storage.get_modified_time(f) > cutoff for f in files):
                continue
            for file_name in files:
                photo_storage.delete(file_name)
            removed += 1
    return removed
