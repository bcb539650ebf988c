"""Writes of a pilot product's reference photo: set (or replace) and remove.

Staff who may edit pilot products (catalogue editors, not reviewers) set it from the
admin's photo page, in any review state: the photo illustrates the product type and is
not part of what a reviewer approves. The upload passes ``photos.rules.clean_photo``
before anything is stored, files go through the shared photo storage like listing
photos, and each change is a new version in the product's history.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from pilot_products.catalogue_sync import catalogue_changed
from pilot_products.models import PilotProduct
from pilot_products.photos.rules import clean_photo
from pilot_products.services.photos import (
    delete_files,
    delete_files_after_commit,
    store_files,
)
from pilot_products.services.review import MSG_EDIT_NOT_ALLOWED, PERM_CHANGE

__all__ = ["pilot_product_photo_remove", "pilot_product_photo_set"]

HISTORY_PHOTO_SET = _("Reference photo set")
HISTORY_PHOTO_REMOVED = _("Reference photo removed")


def _require_editor(user) -> None:
    if not (user.is_active and user.has_perm(PERM_CHANGE)):
        raise ValidationError(MSG_EDIT_NOT_ALLOWED, code="not_allowed")


def _save(product: PilotProduct, *, user, reason) -> None:
    product.revision += 1
    product._history_user = user
    product._change_reason = str(reason)
    product.save(update_fields=["photo", "photo_width", "photo_height", "revision"])
    catalogue_changed(product_ids=[product.pk])


@transaction.atomic
def pilot_product_photo_set(*, product: PilotProduct, upload, user) -> PilotProduct:
    """Check the upload and make it the product's reference photo (replacing one)."""
    _require_editor(user)
    clean = clean_photo(upload)
    product = PilotProduct.objects.select_for_update().get(pk=product.pk)
    old_name = product.photo.name
    name = store_files(clean)
    try:
        product.photo = name
        product.photo_width, product.photo_height = clean.width, clean.height
        _save(product, user=user, reason=HISTORY_PHOTO_SET)
    except Exception:
        delete_files(name)
        raise
    if old_name:
        delete_files_after_commit(old_name)
    return product


@transaction.atomic
def pilot_product_photo_remove(*, product: PilotProduct, user) -> PilotProduct:
    """Remove the product's reference photo; its files go once the change commits."""
    _require_editor(user)
    product = PilotProduct.objects.select_for_update().get(pk=product.pk)
    old_name = product.photo.name
    if not old_name:
        return product
    product.photo = ""
    product.photo_width = product.photo_height = None
    _save(product, user=user, reason=HISTORY_PHOTO_REMOVED)
    delete_files_after_commit(old_name)
    return product
