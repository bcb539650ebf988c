"""Specs keep no per-row state: building a row changes nothing on the spec, so the
order rows come in (or a second run on the same spec) cannot change an answer."""

import copy

import pytest

from pilot_products.spreadsheets.columns import match_headers
from pilot_products.spreadsheets.specs import SPECS, RowInvalid, Scope
from tests.spreadsheet_helpers import LISTING_HEADERS, listing_row

pytestmark = pytest.mark.django_db


def _parsed(spec, headers, row):
    mapping, errors = match_headers(spec.columns, headers)
    assert not errors
    return {column.key: column.parse(row[i]) for i, column in mapping.items()}, {
        column.key for column in mapping.values()
    }


@pytest.mark.parametrize("wholesaler_scope", [False, True])
def test_building_listing_rows_leaves_the_spec_as_it_was(world, wholesaler_scope):
    listing = world["listing"]
    scope = Scope(
        user=world["user"], wholesaler=world["wholesaler"] if wholesaler_scope else None
    )
    spec = SPECS["listings"](scope)
    rows = [
        listing_row(
            listing.wholesaler,
            listing.pilot_product,
            listing.booth,
            sku=listing.sku,
            customs_code=listing.customs_code,
            tiers="10:12.50;100:11.00",
        ),
        listing_row(
            listing.wholesaler,
            world["rejected"],
            sku="NEW-1",
            customs_code=listing.customs_code,
            status="active",
        ),
    ]
    parsed = [_parsed(spec, LISTING_HEADERS, row) for row in rows]
    spec.start()
    spec.prepare([values for values, _present in parsed])
    before = copy.deepcopy(vars(spec))
    outcomes = []
    for number, (values, present) in enumerate(parsed * 2, start=2):
        try:
            outcomes.append(spec.build(number, values, present).action)
        except RowInvalid as invalid:
            outcomes.append(sorted(invalid.errors))
    assert vars(spec) == before
    assert outcomes[:2] == outcomes[2:]
