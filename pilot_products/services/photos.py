"""Writes of listing photos: add, replace, remove, move and choose the main one.

Every door (the portal's photo page, the admin) saves through these functions, and
each upload passes ``photos.rules.clean_photo`` before anything is stored. A file is
written to storage only after its checks passed, and removed again if the database
write that refers to it rolls back.
"""

from django.db import transaction

from pilot_products.catalogue_sync import catalogue_changed
from pilot_products.models import Listing, ListingPhoto
from pilot_products.photos.renditions import RENDITIONS, rendition_name
from pilot_products.photos.rules import CleanPhoto, clean_photo, photo_count_error
from pilot_products.photos.storage import photo_storage

__all__ = [
    "delete_files",
    "delete_files_after_commit",
    "photo_add",
    "photo_move",
    "photo_remove",
    "photo_replace",
    "photo_set_main",
    "photos_replace_from_import",
    "store_files",
]


def _lock(listing: Listing) -> list[ListingPhoto]:
    """Lock the listing (one photo write at a time) and return its photos in order."""
    Listing.objects.select_for_update().filter(pk=listing.pk).exists()
    return list(ListingPhoto.objects.filter(listing=listing).order_by("position", "pk"))


def _save(photo: ListingPhoto, by) -> None:
    if by is not None:
        photo._history_user = by
    photo.full_clean(validate_unique=False, validate_constraints=False)
    photo.save()


def _renumber(photos: list[ListingPhoto], by) -> None:
    """Number the photos 1..n in this order; the first is main when none is."""
    if photos and not any(photo.is_main for photo in photos):
        photos[0].is_main = True
    for index, photo in enumerate(photos, start=1):
        if photo.position != index or photo.tracker_main != photo.is_main:
            photo.position = index
            _save(photo, by)


def _track(photos: list[ListingPhoto]) -> list[ListingPhoto]:
    for photo in photos:
        photo.tracker_main = photo.is_main
    return photos


def _files_of(name: str) -> list[str]:
    return [name, *(rendition_name(name, rendition) for rendition in RENDITIONS)]


def delete_files(name: str) -> None:
    """Delete a stored photo and its renditions."""
    for file_name in _files_of(name):
        photo_storage.delete(file_name)


def delete_files_after_commit(name: str) -> None:
    """Delete a photo's files once the change that drops them commits."""
    transaction.on_commit(lambda: delete_files(name))


def store_files(clean) -> str:
    """Write a checked photo and its renditions; return the photo's name."""
    for content in clean.files():
        saved = photo_storage.save(content.name, content)
        if saved != content.name:  # a generated name never exists already
            delete_files(clean.content.name)
            photo_storage.delete(saved)
            raise RuntimeError(f"photo name {content.name} was taken")
    return clean.content.name


@transaction.atomic
def photo_add(*, listing: Listing, upload, by=None) -> ListingPhoto:
    """Add a photo at the end; the first photo of a listing becomes its main one."""
    clean = clean_photo(upload)
    photos = _lock(listing)
    if error := photo_count_error(existing=len(photos)):
        raise error
    name = store_files(clean)
    try:
        photo = ListingPhoto(
            listing=listing,
            image=name,
            width=clean.width,
            height=clean.height,
            position=len(photos) + 1,
            is_main=not photos,
        )
        _save(photo, by)
    except Exception:
        delete_files(name)
        raise
    _changed()
    return photo


@transaction.atomic
def photo_replace(*, photo: ListingPhoto, upload, by=None) -> ListingPhoto:
    """Put a new image in a photo's place (same position, same main mark)."""
    clean = clean_photo(upload)
    _lock(photo.listing)
    old_name = photo.image.name
    name = store_files(clean)
    try:
        photo.image = name
        photo.width, photo.height = clean.width, clean.height
        _save(photo, by)
    except Exception:
        delete_files(name)
        raise
    # The old file stays in the history's past versions only as a name; it goes.
    delete_files_after_commit(old_name)
    _changed()
    return photo


@transaction.atomic
def photo_remove(*, photo: ListingPhoto, by=None) -> None:
    """Remove a photo; the next one becomes main if it was."""
    photos = _track(_lock(photo.listing))
    name, removed_pk = photo.image.name, photo.pk
    if by is not None:
        photo._history_user = by
    photo.delete()
    _renumber([other for other in photos if other.pk != removed_pk], by)
    delete_files_after_commit(name)
    _changed()


@transaction.atomic
def photo_move(*, photo: ListingPhoto, step: int, by=None) -> None:
    """Move a photo ``step`` places (-1 earlier, +1 later), within the list."""
    photos = _track(_lock(photo.listing))
    index = next(i for i, other in enumerate(photos) if other.pk == photo.pk)
    target = min(max(index + step, 0), len(photos) - 1)
    photos.insert(target, photos.pop(index))
    _renumber(photos, by)
    _changed()


@transaction.atomic
def photo_set_main(*, photo: ListingPhoto, by=None) -> None:
    """Mark a photo as the listing's main photo (and no other)."""
    photos = _track(_lock(photo.listing))
    for other in photos:
        if other.is_main and other.pk != photo.pk:
            other.is_main = False
            _save(other, by)
    for other in photos:
        if other.pk == photo.pk and not other.is_main:
            other.is_main = True
            _save(other, by)
    _changed()


def photos_replace_from_import(
    *, listing_id: int, cleans: list[CleanPhoto], stored: list[str], by=None
) -> None:
    """Make ``cleans`` (checked already) the listing's photos, the first one main.

    Runs inside the spreadsheet import's transaction, which has locked nothing else
    of the listing's photos; each stored name is added to ``stored`` at once, so the
    caller can remove the files if that transaction rolls back. The replaced photos'
    files go once it commits.
    """
    for old in ListingPhoto.objects.filter(listing_id=listing_id):
        if by is not None:
            old._history_user = by
        old.delete()
        delete_files_after_commit(old.image.name)
    for position, clean in enumerate(cleans, start=1):
        name = store_files(clean)
        stored.append(name)
        photo = ListingPhoto(
            listing_id=listing_id,
            image=name,
            width=clean.width,
            height=clean.height,
            position=position,
            is_main=position == 1,
        )
        _save(photo, by)


def _changed() -> None:
    """Retire cached catalogue pages (a photo changes what they show)."""
    catalogue_changed()
