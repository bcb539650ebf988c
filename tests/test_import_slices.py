"""Imports larger than one slice (IMPORT_SLICE_ROWS): still all or nothing, one file.

The engine validates and writes a file slice by slice in one transaction; with
slices of 4 rows these files cross several slice boundaries.
"""

from decimal import Decimal

import pytest

from pilot_products.models import ImportOutcome, Listing, PriceTier
from pilot_products.spreadsheets.engine import MSG_DUPLICATE_ROW, run_import
from pilot_products.spreadsheets.specs.trade import MSG_UNKNOWN_PRODUCT
from tests import factories
from tests.spreadsheet_helpers import LISTING_HEADERS, csv_bytes, listing_row

pytestmark = pytest.mark.django_db

EXISTING = 5


@pytest.fixture
def trade(db, settings):
    settings.IMPORT_SLICE_ROWS = 4
    wholesaler = factories.make_wholesaler()
    product = factories.make_pilot_product(
        tariff_lines=[factories.make_tariff_line("04011000")]
    )
    booth = factories.make_booth(wholesaler)
    rows = [
        listing_row(wholesaler, product, booth, sku=f"OLD-{index}")
        for index in range(EXISTING)
    ]
    result = run_import(
        "listings", file_name="old.csv", data=csv_bytes([LISTING_HEADERS, *rows])
    )
    assert result.outcome == ImportOutcome.IMPORTED, result.errors
    return wholesaler, product, booth


def _state():
    """Everything an import could touch, to compare before and after."""
    return (
        sorted(Listing.objects.values_list("sku", "unit_price", "stock")),
        sorted(PriceTier.objects.values_list("listing__sku", "min_quantity")),
        Listing.history.count(),
    )


def _file(wholesaler, product, booth, *, new: int, **changes_to_last) -> bytes:
    """Every existing listing with stock 7 and new tiers, then ``new`` new ones."""
    rows = [
        listing_row(wholesaler, product, booth, sku=f"OLD-{index}", stock="7",
                    tiers="10:12.50;50:12.00")
        for index in range(EXISTING)
    ] + [
        listing_row(wholesaler, product, booth, sku=f"NEW-{index}", tiers="")
        for index in range(new)
    ]  # fmt: skip
    if changes_to_last:
        rows[-1] = listing_row(
            wholesaler, product, booth, sku="LAST", **changes_to_last
        )
    return csv_bytes([LISTING_HEADERS, *rows])


def test_a_file_of_several_slices_is_written_whole(trade):
    wholesaler, product, booth = trade

    result = run_import(
        "listings", file_name="big.csv", data=_file(wholesaler, product, booth, new=6)
    )

    assert result.outcome == ImportOutcome.IMPORTED, result.errors
    assert (result.rows_total, result.rows_new, result.rows_updated) == (11, 6, 5)
    assert [change.row for change in result.changes] == list(range(2, 13))
    assert Listing.objects.filter(sku__startswith="NEW-").count() == 6
    assert set(
        Listing.objects.filter(sku__startswith="OLD-").values_list("stock", flat=True)
    ) == {7}
    old_tiers = PriceTier.objects.filter(listing__sku__startswith="OLD-")
    assert sorted(set(old_tiers.values_list("min_quantity", "unit_price"))) == [
        (10, Decimal("12.50")),
        (50, Decimal("12.00")),
    ]
    assert old_tiers.count() == 2 * EXISTING
    # One history row per listing written, created or changed, across all slices.
    assert Listing.history.filter(history_type="~").count() == EXISTING
    assert Listing.history.filter(history_type="+").count() == EXISTING + 6


def test_an_invalid_row_in_the_last_slice_undoes_the_slices_before_it(trade):
    wholesaler, product, booth = trade
    before = _state()
    data = _file(wholesaler, product, booth, new=6, pilot_product="P99")

    result = run_import("listings", file_name="bad-last.csv", data=data)

    assert result.outcome == ImportOutcome.REJECTED
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (12, "pilot_product", str(MSG_UNKNOWN_PRODUCT % {"code": "P99"}))
    ]
    assert [row for row, _cells, _messages in result.rejected_rows] == [12]
    assert _state() == before


def test_a_key_repeated_in_a_later_slice_is_rejected_and_nothing_written(trade):
    wholesaler, product, booth = trade
    before = _state()
    data = _file(wholesaler, product, booth, new=6)
    data = data.replace(b"NEW-5", b"OLD-0")

    result = run_import("listings", file_name="repeat.csv", data=data)

    assert result.outcome == ImportOutcome.REJECTED
    message = str(MSG_DUPLICATE_ROW % {"row": 2, "key": "wholesaler + sku"})
    assert [(e.row, e.message) for e in result.errors] == [(12, message)]
    assert _state() == before


def test_a_preview_of_several_slices_reports_every_row_and_writes_nothing(trade):
    wholesaler, product, booth = trade
    before = _state()
    data = _file(wholesaler, product, booth, new=6)

    result = run_import("listings", file_name="big.csv", data=data, dry_run=True)

    assert result.outcome == ImportOutcome.PREVIEWED
    assert (result.rows_new, result.rows_updated, result.rows_unchanged) == (6, 5, 0)
    assert [change.changed for change in result.changes[:EXISTING]] == [
        ["stock", "tiers"]
    ] * EXISTING
    assert _state() == before
