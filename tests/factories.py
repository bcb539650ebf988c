"""Plain factory functions: each makes one valid object, overridable by keyword."""

import itertools
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from pilot_products import roles
from pilot_products.catalogue_sync import catalogue_changed
from pilot_products.models import (
    Booth,
    CbecCategory,
    CbecListEdition,
    CbecListEntry,
    Listing,
    ListingStatus,
    PilotCategory,
    PilotProduct,
    PriceTier,
    ReviewStatus,
    TariffLine,
    Wholesaler,
    WholesalerMember,
)
from pilot_products.validators import credit_code_check_character

PASSWORD = "a-long-test-password-1"
_sequence = itertools.count(1)


def _next() -> int:
    return next(_sequence)


def valid_credit_code(serial: int | None = None) -> str:
    serial = _next() if serial is None else serial
    body = f"91330782MA{serial:07d}"
    return body + credit_code_check_character(body)


def make_user(username: str, **fields):
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, **fields
    )
    return user


def make_staff_user(username: str, group_name: str):
    user = make_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def make_wholesaler_user(username: str, wholesaler: Wholesaler):
    user = make_user(username)
    user.groups.add(Group.objects.get(name=roles.WHOLESALER_USER))
    WholesalerMember.objects.create(user=user, wholesaler=wholesaler)
    return user


def make_category(**fields) -> CbecCategory:
    n = _next()
    defaults = {"code": f"cat_{n}", "name_zh": f"类别{n}", "name_en": f"Category {n}"}
    return CbecCategory.objects.create(**(defaults | fields))


def make_edition(**fields) -> CbecListEdition:
    from datetime import date

    n = _next()
    defaults = {
        "code": f"ed-{n}",
        "name_zh": f"清单{n}",
        "name_en": f"Edition {n}",
        "issued_on": date(2022, 1, 28),
        "effective_on": date(2022, 3, 1),
        "official_line_count": 1476,
    }
    return CbecListEdition.objects.create(**(defaults | fields))


def make_tariff_line(code: str | None = None, *, edition=None, **fields) -> TariffLine:
    """A tariff line, on ``edition`` when one is given."""
    n = _next()
    # Chapter 99 is not in the reference data, so factory codes never collide with it.
    code = code or f"99{n:06d}"
    category = fields.pop("category", None) or make_category()
    line = TariffLine.objects.create(
        code=code,
        name_zh=fields.pop("name_zh", f"商品{n}"),
        name_en=fields.pop("name_en", f"Goods {n}"),
        category=category,
        **fields,
    )
    if edition is not None:
        CbecListEntry.objects.create(edition=edition, tariff_line=line, row_number=n)
    return line


def make_pilot_product(*, tariff_lines=(), **fields) -> PilotProduct:
    n = _next()
    defaults = {
        "code": f"P{n:04d}",
        "name_zh": f"试点商品{n}",
        "name_en": f"Pilot product {n}",
        "pilot_category": PilotCategory.CHILDRENS_TOYS,
        "status": ReviewStatus.APPROVED,
    }
    product = PilotProduct.objects.create(**(defaults | fields))
    if not tariff_lines:
        tariff_lines = [make_tariff_line()]
    product.tariff_lines.set(tariff_lines)
    return product


def make_wholesaler(**fields) -> Wholesaler:
    n = _next()
    defaults = {
        "name_zh": f"义乌测试进口贸易有限公司{n}",
        "name_en": f"Yiwu Test Import Trading {n}",
        "credit_code": valid_credit_code(n),
    }
    return Wholesaler.objects.create(**(defaults | fields))


def make_booth(wholesaler: Wholesaler | None = None, **fields) -> Booth:
    n = _next()
    defaults = {
        "district": 5,
        "floor": 1,
        "street": n % 40 + 1,
        "number": f"{10000 + n}",
    }
    return Booth.objects.create(wholesaler=wholesaler, **(defaults | fields))


def make_listing(
    wholesaler: Wholesaler | None = None,
    pilot_product: PilotProduct | None = None,
    *,
    tiers=(),
    **fields,
) -> Listing:
    n = _next()
    wholesaler = wholesaler or make_wholesaler()
    pilot_product = pilot_product or make_pilot_product()
    line = pilot_product.tariff_lines.first()
    defaults = {
        "sku": f"SKU-{n:06d}",
        "customs_code": f"{line.code}00",
        "title_zh": f"测试商品{n}",
        "title_en": f"Test goods {n}",
        "country_of_origin": "JP",
        "unit_price": Decimal("12.50"),
        "moq": 10,
        "stock": 100,
        "status": ListingStatus.ACTIVE,
    }
    listing = Listing.objects.create(
        wholesaler=wholesaler, pilot_product=pilot_product, **(defaults | fields)
    )
    for quantity, price in tiers:
        PriceTier.objects.create(
            listing=listing, min_quantity=quantity, unit_price=price
        )
    # Written past the services, so tell the catalogue as every write does.
    catalogue_changed(listing_ids=[listing.pk])
    listing.refresh_from_db(fields=["is_public"])
    return listing
