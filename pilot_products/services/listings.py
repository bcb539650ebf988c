"""Writes of listings and their price tiers: the portal, the admin and its history
revert all save through ``listing_save``, and the status buttons through
``listing_set_status``; both apply the rules in ``rules.py`` that the spreadsheet
import applies row by row.
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pilot_products import rules
from pilot_products.catalogue_sync import catalogue_changed
from pilot_products.models import Listing, ListingStatus, PriceTier, Wholesaler
from pilot_products.rules import (
    MSG_ALREADY_ACTIVE,
    MSG_ALREADY_DELISTED,
    MSG_ALREADY_PAUSED,
    MSG_CANNOT_PAUSE,
    MSG_PRODUCT_NOT_APPROVED,
)
from pilot_products.validators import MSG_SKU_TAKEN, validate_price_tiers

__all__ = [
    "ADMIN_FIELDS",
    "EDITABLE_FIELDS",
    "MSG_ALREADY_ACTIVE",
    "MSG_ALREADY_DELISTED",
    "MSG_CANNOT_PAUSE",
    "MSG_PRODUCT_NOT_APPROVED",
    "MSG_SKU_TAKEN",
    "listing_activate",
    "listing_confirm_stock",
    "listing_create",
    "listing_delist",
    "listing_pause",
    "listing_relist",
    "listing_save",
    "listing_set_status",
    "listing_update",
]

#: Fields a wholesaler edits; the wholesaler and the status are set by the server.
EDITABLE_FIELDS = (
    "pilot_product",
    "sku",
    "customs_code",
    "title_zh",
    "title_en",
    "brand",
    "country_of_origin",
    "unit",
    "unit_price",
    "moq",
    "stock",
    "booth",
)
#: Fields a Mall operator edits in the admin: the wholesaler's and the status too.
ADMIN_FIELDS = ("wholesaler", *EDITABLE_FIELDS, "status")

MSG_RELIST_NOT_DELISTED = _("Only a delisted listing can be relisted.")

_ALREADY = {
    ListingStatus.ACTIVE: (MSG_ALREADY_ACTIVE, "already_active"),
    ListingStatus.PAUSED: (MSG_ALREADY_PAUSED, "already_paused"),
    ListingStatus.DELISTED: (MSG_ALREADY_DELISTED, "already_delisted"),
}

Tiers = Sequence[tuple[int, Decimal]]


def flatten(error: ValidationError) -> ValidationError:
    """The same errors without their fields, for a button's message (codes kept)."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        [item for items in error.error_dict.values() for item in items]
    )


def _check_sku_free(*, wholesaler_id: int, sku: str, listing_pk=None) -> None:
    taken = Listing.objects.filter(wholesaler_id=wholesaler_id, sku=sku)
    if listing_pk is not None:
        taken = taken.exclude(pk=listing_pk)
    taken_status = taken.values_list("status", flat=True).first()
    if taken_status is not None:
        raise ValidationError(
            {"sku": rules.sku_taken_error(sku=sku, taken_status=taken_status)}
        )


def _check_transition(listing: Listing, old_status: str | None) -> None:
    wholesaler = Wholesaler.objects.only("status", "name_zh", "name_en").get(
        pk=listing.wholesaler_id
    )
    error = rules.listing_transition_error(
        old_status=old_status,
        new_status=listing.status,
        wholesaler_status=wholesaler.status,
        wholesaler_name=str(wholesaler),
    )
    if error is not None:
        raise ValidationError({"status": [error]})


def _check_tiers(listing: Listing, tiers: Tiers) -> None:
    try:
        validate_price_tiers(
            moq=listing.moq, unit_price=listing.unit_price, tiers=sorted(tiers)
        )
    except ValidationError as error:
        raise ValidationError({"price_tiers": error.error_list}) from error


@transaction.atomic
def listing_save(
    *,
    listing: Listing,
    fields: dict[str, Any],
    allowed: Sequence[str] = EDITABLE_FIELDS,
    tiers: Tiers | None = None,
    by=None,
) -> Listing:
    """Create or change a listing and (unless ``tiers`` is None) replace its tiers.

    Only ``allowed`` fields are taken from ``fields``. The status change, the stock
    confirmation, the SKU, the tiers (given, or the current ones against a changed
    MOQ or price) and every model rule are checked before anything is written.
    """
    creating = listing.pk is None
    before = (
        None
        if creating
        else Listing.objects.select_for_update()
        .values("status", "stock", "stock_confirmed_at")
        .get(pk=listing.pk)
    )
    for name in allowed:
        if name in fields:
            setattr(listing, name, fields[name])
    listing.stock_confirmed_at = rules.listing_stock_confirmed_at(
        creating=creating,
        old_stock=None if creating else before["stock"],
        new_stock=listing.stock,
        confirmed_at=None if creating else before["stock_confirmed_at"],
        now=timezone.now(),
    )
    if listing.wholesaler_id is not None and listing.status:
        _check_transition(listing, None if creating else before["status"])
    if listing.wholesaler_id is not None and listing.sku:
        _check_sku_free(
            wholesaler_id=listing.wholesaler_id, sku=listing.sku, listing_pk=listing.pk
        )
    listing.full_clean()
    current_tiers = (
        None
        if creating
        else list(listing.price_tiers.values_list("min_quantity", "unit_price"))
    )
    _check_tiers(listing, tiers if tiers is not None else current_tiers or ())
    if by is not None:
        listing._history_user = by
    listing.save()
    if tiers is not None:
        listing.price_tiers.all().delete()
        PriceTier.objects.bulk_create(
            PriceTier(listing=listing, min_quantity=quantity, unit_price=price)
            for quantity, price in sorted(tiers)
        )
    catalogue_changed(listing_ids=[listing.pk])
    return listing


def listing_create(
    *, wholesaler: Wholesaler, fields: dict[str, Any], tiers: Tiers = (), by=None
) -> Listing:
    """Create a draft listing of this wholesaler with its price tiers (portal)."""
    listing = Listing(wholesaler=wholesaler, status=ListingStatus.DRAFT)
    return listing_save(listing=listing, fields=fields, tiers=tiers, by=by)


def listing_update(
    *, listing: Listing, fields: dict[str, Any], tiers: Tiers | None, by=None
) -> Listing:
    """Change a listing's fields and replace its price tiers (portal)."""
    return listing_save(listing=listing, fields=fields, tiers=tiers, by=by)


@transaction.atomic
def listing_set_status(*, listing: Listing, status: str, by=None) -> Listing:
    """Move a listing along its state machine: the portal buttons' one door."""
    current = Listing.objects.select_for_update().get(pk=listing.pk)
    if current.status == status and status in _ALREADY:
        message, code = _ALREADY[status]
        raise ValidationError(message, code=code)
    listing.status = status
    try:
        _check_transition(listing, current.status)
        listing.full_clean()
    except ValidationError as error:
        listing.status = current.status
        raise flatten(error) from error
    if by is not None:
        listing._history_user = by
    listing.save(update_fields=["status", "updated_at"])
    catalogue_changed(listing_ids=[listing.pk])
    return listing


def listing_pause(*, listing: Listing, by=None) -> Listing:
    """Take an active listing out of the catalogue for a while."""
    return listing_set_status(listing=listing, status=ListingStatus.PAUSED, by=by)


def listing_activate(*, listing: Listing, by=None) -> Listing:
    """Show a draft or paused listing in the catalogue."""
    return listing_set_status(listing=listing, status=ListingStatus.ACTIVE, by=by)


def listing_delist(*, listing: Listing, by=None) -> Listing:
    """Stop selling a listing; it keeps its SKU and history and can be relisted."""
    return listing_set_status(listing=listing, status=ListingStatus.DELISTED, by=by)


def listing_relist(*, listing: Listing, by=None) -> Listing:
    """Put a delisted listing back in the catalogue, checked like any activation."""
    if listing.status != ListingStatus.DELISTED:
        raise ValidationError(MSG_RELIST_NOT_DELISTED, code="not_delisted")
    return listing_set_status(listing=listing, status=ListingStatus.ACTIVE, by=by)


@transaction.atomic
def listing_confirm_stock(*, listing: Listing, by=None) -> Listing:
    """Record that the stock figure was checked just now."""
    listing.stock_confirmed_at = timezone.now()
    if by is not None:
        listing._history_user = by
    listing.save(update_fields=["stock_confirmed_at", "updated_at"])
    catalogue_changed(listing_ids=[listing.pk])
    return listing
