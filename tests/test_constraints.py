"""Every database constraint rejects a bad row by itself, without any form in front."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from pilot_products.models import (
    Booth,
    CbecListEntry,
    Listing,
    PilotList,
    PilotListStatus,
    PilotProduct,
    PriceTier,
    ReviewStatus,
    TariffLine,
    Wholesaler,
)
from tests import factories

pytestmark = pytest.mark.django_db


def _rejected(write) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


@pytest.fixture
def listing():
    wholesaler = factories.make_wholesaler()
    return factories.make_listing(wholesaler, booth=factories.make_booth(wholesaler))


def test_tariff_line_code_must_be_eight_digits():
    category = factories.make_category()
    _rejected(
        lambda: TariffLine.objects.create(
            code="4011000", name_zh="乳", category=category
        )
    )
    _rejected(
        lambda: TariffLine.objects.create(
            code="0401100A", name_zh="乳", category=category
        )
    )


def test_tariff_line_code_unique():
    line = factories.make_tariff_line("04011000")
    _rejected(
        lambda: TariffLine.objects.create(
            code="04011000", name_zh="乳", category=line.category
        )
    )


def test_cbec_entry_unique_line_and_row_per_edition():
    edition = factories.make_edition()
    line = factories.make_tariff_line(edition=edition)
    other = factories.make_tariff_line()
    entry = line.cbec_entries.get()
    _rejected(
        lambda: CbecListEntry.objects.create(
            edition=edition, tariff_line=line, row_number=999
        )
    )
    _rejected(
        lambda: CbecListEntry.objects.create(
            edition=edition, tariff_line=other, row_number=entry.row_number
        )
    )


def test_published_pilot_list_needs_effective_date():
    _rejected(
        lambda: PilotList.objects.create(
            version="2025-01",
            name_zh="清单",
            name_en="List",
            status=PilotListStatus.PUBLISHED,
        )
    )
    PilotList.objects.create(version="2025-02", name_zh="清单", name_en="List")


def test_pilot_product_code_format_and_rejection_reason():
    _rejected(
        lambda: PilotProduct.objects.create(
            code="X01", name_zh="玩具", name_en="Toys", pilot_category="childrens_toys"
        )
    )
    _rejected(
        lambda: PilotProduct.objects.create(
            code="P90",
            name_zh="玩具",
            name_en="Toys",
            pilot_category="childrens_toys",
            status=ReviewStatus.REJECTED,
        )
    )


def test_wholesaler_credit_code_shape_and_uniqueness():
    _rejected(
        lambda: Wholesaler.objects.create(
            name_zh="公司", credit_code="91350100I000100Y43"
        )
    )
    Wholesaler.objects.create(name_zh="公司", credit_code="91350100M000100Y43")
    _rejected(
        lambda: Wholesaler.objects.create(
            name_zh="公司二", credit_code="91350100M000100Y43"
        )
    )


def test_booth_location_unique_number_digits_and_lease_order():
    Booth.objects.create(district=5, floor=1, street=12, number="12345")
    _rejected(
        lambda: Booth.objects.create(district=5, floor=1, street=12, number="12345")
    )
    _rejected(
        lambda: Booth.objects.create(district=5, floor=1, street=12, number="12A45")
    )
    _rejected(
        lambda: Booth.objects.create(
            district=5,
            floor=1,
            street=13,
            number="1",
            lease_start=date(2025, 1, 1),
            lease_end=date(2024, 1, 1),
        )
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("unit_price", Decimal("0")),
        ("unit_price", Decimal("-1.00")),
        ("moq", 0),
        ("customs_code", "950300600"),
        ("customs_code", "95030060.0"),
        ("sku", ""),
    ],
)
def test_listing_check_constraints(listing, field, value):
    _rejected(lambda: Listing.objects.filter(pk=listing.pk).update(**{field: value}))


def test_listing_stock_cannot_be_negative(listing):
    _rejected(lambda: Listing.objects.filter(pk=listing.pk).update(stock=-1))


def test_listing_sku_unique_per_wholesaler(listing):
    product = listing.pilot_product
    _rejected(
        lambda: factories.make_listing(listing.wholesaler, product, sku=listing.sku)
    )
    # The same SKU at another wholesaler is fine.
    factories.make_listing(factories.make_wholesaler(), product, sku=listing.sku)


def test_price_tier_constraints(listing):
    PriceTier.objects.create(
        listing=listing, min_quantity=10, unit_price=Decimal("12.50")
    )
    _rejected(
        lambda: PriceTier.objects.create(
            listing=listing, min_quantity=10, unit_price=Decimal("1")
        )
    )
    _rejected(
        lambda: PriceTier.objects.create(
            listing=listing, min_quantity=50, unit_price=Decimal("0")
        )
    )
    _rejected(
        lambda: PriceTier.objects.create(
            listing=listing, min_quantity=0, unit_price=Decimal("1")
        )
    )
