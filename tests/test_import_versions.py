"""An old file never reverts a web edit: exports carry each listing's version
(issue 11, item 5)."""

import io

import pytest

from pilot_products.models import Listing, ListingStatus
from pilot_products.spreadsheets import cells
from pilot_products.spreadsheets.engine import run_import
from pilot_products.spreadsheets.exporting import export_file
from pilot_products.spreadsheets.specs import ListingsSpec
from pilot_products.spreadsheets.specs.trade import MSG_STALE_ROW
from tests import factories
from tests.spreadsheet_helpers import csv_bytes, read_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing(db):
    wholesaler = factories.make_wholesaler()
    product = factories.make_pilot_product()
    return factories.make_listing(
        wholesaler, product, booth=factories.make_booth(wholesaler)
    )


def _export(file_format="xlsx") -> bytes:
    buffer = io.BytesIO()
    export_file(ListingsSpec(), buffer, file_format)
    return buffer.getvalue()


def _errors(result):
    return [(error.row, error.column, error.message) for error in result.errors]


def test_exports_carry_the_version_as_text(listing):
    rows = read_xlsx(_export())
    assert rows[0][-1] == "版本 (version)"
    listing.refresh_from_db()
    assert rows[1][-1] == cells.version_of(listing.updated_at)
    assert cells.version(rows[1][-1]) == cells.version_number(listing.updated_at)


def test_a_file_exported_before_a_web_edit_does_not_revert_it(listing):
    status_column = [c.key for c in ListingsSpec.columns].index("status")
    rows = read_xlsx(_export())
    # Meanwhile on the web: the listing is paused (saved, so its version moves on).
    Listing.objects.filter(pk=listing.pk).update(status=ListingStatus.PAUSED)
    Listing.objects.get(pk=listing.pk).save()
    # The old file, with another cell changed, still says "active".
    price_column = [c.key for c in ListingsSpec.columns].index("unit_price")
    rows[1][price_column] = "99.00"
    result = run_import("listings", file_name="old.csv", data=csv_bytes(rows))
    old_price = str(listing.unit_price)
    changes = (
        f"{rows[0][price_column]}: {old_price} → 99.00; "
        f"{rows[0][status_column]}: paused → {rows[1][status_column]}"
    )
    assert _errors(result) == [
        (2, "版本 (version)", str(MSG_STALE_ROW % {"changes": changes}))
    ]
    listing.refresh_from_db()
    assert listing.status == ListingStatus.PAUSED


def test_a_fresh_export_updates_and_an_untouched_old_row_passes(listing):
    rows = read_xlsx(_export())
    price_column = [c.key for c in ListingsSpec.columns].index("unit_price")
    rows[1][price_column] = "99.00"
    result = run_import("listings", file_name="new.csv", data=csv_bytes(rows))
    assert (_errors(result), result.rows_updated) == ([], 1)
    # The file is now older than the listing, but a row it does not change is fine.
    stale = read_xlsx(_export())
    Listing.objects.get(pk=listing.pk).save()
    result = run_import("listings", file_name="same.csv", data=csv_bytes(stale))
    assert (_errors(result), result.rows_unchanged) == ([], 1)


@pytest.mark.parametrize("typed", ["1764658621", "v12x", "2026-12-02"])
def test_a_version_cell_that_is_not_a_version_is_refused(listing, typed):
    rows = read_xlsx(_export())
    rows[1][-1] = typed
    result = run_import("listings", file_name="v.csv", data=csv_bytes(rows))
    assert _errors(result) == [(2, "版本 (version)", str(cells.MSG_VERSION))]
