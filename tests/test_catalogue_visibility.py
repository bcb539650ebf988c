"""Visibility as data: every write keeps ``is_public`` and the search document in step,
and ``manage.py catalogue_check`` proves it (or repairs it)."""

import io

import pytest
from django.core.management import CommandError, call_command

from pilot_products.models import (
    Listing,
    ListingSearchDocument,
    ListingStatus,
    WholesalerStatus,
)
from pilot_products.services import accounts, listings, review
from pilot_products.spreadsheets.engine import run_import
from tests import factories
from tests.spreadsheet_helpers import LISTING_HEADERS, csv_bytes, listing_row


def public(listing) -> bool:
    return Listing.objects.values_list("is_public", flat=True).get(pk=listing.pk)


def terms(listing) -> list[str]:
    return ListingSearchDocument.objects.get(listing=listing).terms.split()


def check(*args) -> str:
    out = io.StringIO()
    call_command("catalogue_check", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def listing(db):
    return factories.make_listing(title_zh="木制积木", title_en="Wooden blocks")


def test_listing_state_machine_moves_the_flag(listing):
    assert public(listing)
    listings.listing_pause(listing=listing)
    assert not public(listing)
    listings.listing_activate(listing=listing)
    assert public(listing)
    check()


def test_suspending_a_wholesaler_hides_all_its_listings(listing):
    other = factories.make_listing(wholesaler=listing.wholesaler)
    accounts.wholesaler_suspend(wholesaler=listing.wholesaler)
    assert not public(listing) and not public(other)
    accounts.wholesaler_reactivate(wholesaler=listing.wholesaler)
    assert public(listing) and public(other)
    check()


def test_retiring_the_pilot_product_hides_its_listings(listing, reviewer):
    review.pilot_product_retire(
        product=listing.pilot_product, user=reviewer, reason="Off the list"
    )
    assert not public(listing)
    check()


def test_a_spreadsheet_import_moves_the_flag_and_the_document(listing):
    product, wholesaler = listing.pilot_product, listing.wholesaler
    row = listing_row(
        wholesaler, product, sku=listing.sku, title_zh="童车", status="paused"
    )
    result = run_import(
        "listings", file_name="listings.csv", data=csv_bytes([LISTING_HEADERS, row])
    )
    assert not result.errors, result.errors
    assert not public(listing)
    assert "童车" in terms(listing)
    check()


def test_a_changed_title_changes_the_search_document(listing):
    assert "积木" in terms(listing)
    listings.listing_update(listing=listing, fields={"title_zh": "毛绒熊"}, tiers=None)
    assert "毛绒" in terms(listing) and "积木" not in terms(listing)
    assert "maorong" in terms(listing)  # pinyin of 毛绒


def test_check_command_finds_and_repairs_drift(listing):
    hidden = factories.make_listing(status=ListingStatus.PAUSED)
    Listing.objects.filter(pk=listing.pk).update(is_public=False)
    Listing.objects.filter(pk=hidden.pk).update(is_public=True)
    ListingSearchDocument.objects.filter(listing=listing).update(terms="stale")
    with pytest.raises(CommandError):
        check()
    assert "Repaired" in check("--fix")
    assert public(listing) and not public(hidden)
    assert "积木" in terms(listing)
    check()


def test_the_catalogue_reads_the_flag(client, listing):
    Listing.objects.filter(pk=listing.pk).update(status=ListingStatus.PAUSED)
    # Past every door: the flag still says public, so the page still shows it; the
    # check command is what notices such a write.
    assert "Wooden blocks" in client.get("/catalogue/").content.decode()
    assert Listing.objects.breaking_visibility_rule().count() == 1


def test_suspended_wholesaler_import_hides_listings(listing):
    wholesaler = listing.wholesaler
    rows = [
        ["credit_code", "name_zh", "status"],
        [wholesaler.credit_code, wholesaler.name_zh, WholesalerStatus.SUSPENDED],
    ]
    result = run_import("wholesalers", file_name="w.csv", data=csv_bytes(rows))
    assert not result.errors, result.errors
    assert not public(listing)
    check()


def test_rebuild_rewrites_every_flag_and_document(listing):
    Listing.objects.filter(pk=listing.pk).update(is_public=False)
    ListingSearchDocument.objects.all().delete()
    assert "1 flags changed, 1 search documents" in check("--rebuild")
    assert public(listing) and "积木" in terms(listing)
    check()
