"""Writes of listings: create, update and the status actions of the portal."""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pilot_products.models import (
    Listing,
    ListingStatus,
    PriceTier,
    ReviewStatus,
    Wholesaler,
)
from pilot_products.validators import validate_price_tiers

MSG_SKU_TAKEN = _("You already have a listing with this SKU.")
MSG_CANNOT_PAUSE = _("Only an active listing can be paused.")
MSG_CANNOT_ACTIVATE_DELISTED = _(
    "A delisted listing stays delisted: create a new listing instead."
)
MSG_ALREADY_ACTIVE = _("This listing is already active.")
MSG_ALREADY_DELISTED = _("This listing is already delisted.")
MSG_PRODUCT_NOT_APPROVED = _(
    "The pilot product of this listing is not approved, so the listing cannot be "
    "activated."
)

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

Tiers = Sequence[tuple[int, Decimal]]


def _check_sku_free(*, wholesaler: Wholesaler, sku: str, listing_pk=None) -> None:
    taken = Listing.objects.for_wholesaler(wholesaler).filter(sku=sku)
    if listing_pk is not None:
        taken = taken.exclude(pk=listing_pk)
    if taken.exists():
        raise ValidationError({"sku": ValidationError(MSG_SKU_TAKEN, code="sku_taken")})


def _save_with_tiers(listing: Listing, tiers: Tiers) -> Listing:
    ordered = sorted(tiers)
    try:
        validate_price_tiers(
            moq=listing.moq, unit_price=listing.unit_price, tiers=ordered
        )
    except ValidationError as error:
        raise ValidationError({"price_tiers": error.error_list}) from error
    listing.full_clean()
    listing.save()
    listing.price_tiers.all().delete()
    PriceTier.objects.bulk_create(
        PriceTier(listing=listing, min_quantity=quantity, unit_price=price)
        for quantity, price in ordered
    )
    return listing


@transaction.atomic
def listing_create(
    *, wholesaler: Wholesaler, fields: dict[str, Any], tiers: Tiers = ()
) -> Listing:
    """Create a draft listing of this wholesaler with its price tiers."""
    listing = Listing(wholesaler=wholesaler, status=ListingStatus.DRAFT)
    for name in EDITABLE_FIELDS:
        if name in fields:
            setattr(listing, name, fields[name])
    # Typing a stock figure is confirming it.
    listing.stock_confirmed_at = timezone.now()
    _check_sku_free(wholesaler=wholesaler, sku=listing.sku)
    return _save_with_tiers(listing, tiers)


@transaction.atomic
def listing_update(
    *, listing: Listing, fields: dict[str, Any], tiers: Tiers
) -> Listing:
    """Change a listing's fields and replace its price tiers."""
    stock_before = Listing.objects.values_list("stock", flat=True).get(pk=listing.pk)
    for name in EDITABLE_FIELDS:
        if name in fields:
            setattr(listing, name, fields[name])
    if listing.stock != stock_before:
        listing.stock_confirmed_at = timezone.now()
    _check_sku_free(
        wholesaler=listing.wholesaler, sku=listing.sku, listing_pk=listing.pk
    )
    return _save_with_tiers(listing, tiers)


def _set_status(listing: Listing, status: str) -> Listing:
    listing.status = status
    listing.full_clean()
    listing.save(update_fields=["status", "updated_at"])
    return listing


@transaction.atomic
def listing_pause(*, listing: Listing) -> Listing:
    """Take an active listing out of the catalogue for a while."""
    if listing.status != ListingStatus.ACTIVE:
        raise ValidationError(MSG_CANNOT_PAUSE, code="cannot_pause")
    return _set_status(listing, ListingStatus.PAUSED)


@transaction.atomic
def listing_activate(*, listing: Listing) -> Listing:
    """Show a draft or paused listing in the catalogue."""
    if listing.status == ListingStatus.ACTIVE:
        raise ValidationError(MSG_ALREADY_ACTIVE, code="already_active")
    if listing.status == ListingStatus.DELISTED:
        raise ValidationError(MSG_CANNOT_ACTIVATE_DELISTED, code="delisted")
    if listing.pilot_product.status != ReviewStatus.APPROVED:
        raise ValidationError(MSG_PRODUCT_NOT_APPROVED, code="product_not_approved")
    return _set_status(listing, ListingStatus.ACTIVE)


@transaction.atomic
def listing_delist(*, listing: Listing) -> Listing:
    """Withdraw a listing for good; it stays in the history."""
    if listing.status == ListingStatus.DELISTED:
        raise ValidationError(MSG_ALREADY_DELISTED, code="already_delisted")
    return _set_status(listing, ListingStatus.DELISTED)


@transaction.atomic
def listing_confirm_stock(*, listing: Listing) -> Listing:
    """Record that the stock figure was checked just now."""
    listing.stock_confirmed_at = timezone.now()
    listing.save(update_fields=["stock_confirmed_at", "updated_at"])
    return listing
