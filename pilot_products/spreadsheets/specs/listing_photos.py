"""Listings with photos by spreadsheet: a ``photos`` column naming files in a ZIP.

The column exists for imports only (an export or a template has no photos to name,
so an exported file imports back unchanged). A cell lists file names separated by
``;`` (or ``,`` or new lines); each must be in the ZIP uploaded beside the sheet and
pass ``clean_photo``, and all its mistakes are reported by row and column in the same
pass as the other cells. A row with photos replaces the listing's photos by these, in
this order, the first one main; an empty cell leaves them as they are. Nothing is
stored until every row is valid: the photos are stored after the last slice, in the
import's transaction, and removed again if it rolls back (``discard``).
"""

from collections import defaultdict

from pilot_products.models import Listing
from pilot_products.photos.archive import MSG_ZIP_NONE, split_names
from pilot_products.photos.rules import photo_count_error
from pilot_products.services.photos import delete_files, photos_replace_from_import

from .. import cells
from ..columns import Column
from .base import UNCHANGED, UPDATED, add_error
from .trade import ListingsSpec, in_chunks

PHOTOS_COLUMN = Column(
    "photos", "照片", cells.text, aliases=("images", "图片", "photo_files")
)


def photo_names(values) -> tuple[str, ...]:
    """The distinct names of a row's photos cell, in their order."""
    return tuple(dict.fromkeys(split_names(values.get("photos") or "")))


class ListingsWithPhotosSpec(ListingsSpec):
    """The listings spec, plus the import-only photos column."""

    def __init__(self, scope=None):
        if scope is not None and scope.importing:
            self.columns = (*ListingsSpec.columns, PHOTOS_COLUMN)
        super().__init__(scope)
        #: (wholesaler id, SKU) -> photo names, for the valid rows that name photos.
        self.photo_rows: dict[tuple, tuple[str, ...]] = {}
        #: Files stored by this run, removed if its transaction rolls back.
        self.stored_photos: list[str] = []

    def resolve(self, values, fields, errors):
        row = super().resolve(values, fields, errors)
        names = photo_names(values)
        if names:
            self._check_photos(names, errors)
        return row

    def _check_photos(self, names: tuple[str, ...], errors: dict) -> None:
        archive = self.scope.photos
        if archive is None:
            add_error(errors, "photos", MSG_ZIP_NONE)
            return
        if limit := photo_count_error(existing=len(names) - 1):
            add_error(errors, "photos", " ".join(limit.messages))
        for name in names:
            if problem := archive.error_for(name):
                add_error(errors, "photos", problem)

    def build(self, row, values, present, failed=frozenset()):
        candidate = super().build(row, values, present, failed)
        names = photo_names(values)
        if names:
            self.photo_rows[candidate.key] = names
            if candidate.action == UNCHANGED:
                candidate.action = UPDATED
            candidate.changed.append(PHOTOS_COLUMN.key)
        return candidate

    def after_write(self, user):
        notices = super().after_write(user)
        by_wholesaler: dict[int, list[str]] = defaultdict(list)
        for wholesaler_id, sku in self.photo_rows:
            by_wholesaler[wholesaler_id].append(sku)
        for wholesaler_id, skus in by_wholesaler.items():
            for chunk in in_chunks(sorted(skus)):
                for listing_id, sku in Listing.objects.filter(
                    wholesaler_id=wholesaler_id, sku__in=chunk
                ).values_list("pk", "sku"):
                    names = self.photo_rows[(wholesaler_id, sku)]
                    photos_replace_from_import(
                        listing_id=listing_id,
                        cleans=[self.scope.photos.clean(name) for name in names],
                        stored=self.stored_photos,
                        by=user,
                    )
        return notices

    def discard(self) -> None:
        for name in self.stored_photos:
            delete_files(name)
        self.stored_photos = []
