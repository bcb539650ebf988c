"""Visibility as data: every write keeps ``is_public`` and the search document in step,
and ``manage.py catalogue_check`` proves it (or repairs it)."""

import io

import pytest
from django.core.management import CommandError, call_command

from pilot_products.catalogue_search import search
from pilot_products.catalogue_sync import catalogue_changed
from pilot_products.models import (
    Listing,
    ListingStatus,
    PilotProduct,
    WholesalerStatus,
)
from pilot_products.services import accounts, listings, review
from pilot_products.spreadsheets.engine import run_import
from tests import factories
from tests.spreadsheet_helpers import LISTING_HEADERS, csv_bytes, listing_row


def public(listing) -> bool:
    return Listing.objects.values_list("is_public", flat=True).get(pk=listing.pk)


def terms(listing) -> list[str]:
    return (
        Listing.objects.values_list("search_terms", flat=True)
        .get(pk=listing.pk)
        .split()
    )


def found(word: str) -> list[int]:
    matches = search(Listing.objects.visible_to_buyers(), word)
    return list(matches.listings.values_list("pk", flat=True))


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
    # The index follows the row (FTS5 by trigger, PostgreSQL's generated vector).
    assert found("毛绒") == [listing.pk] and found("积木") == []


def test_the_history_does_not_record_the_derived_columns(listing):
    fields = {field.name for field in Listing.history.model._meta.get_fields()}
    assert {"title_zh", "status"} <= fields
    assert not fields & {"is_public", "search_terms", "search_title_terms"}
    before = listing.history.count()
    # A renamed pilot product rewrites its listings' terms, not their history.
    PilotProduct.objects.filter(pk=listing.pilot_product_id).update(name_zh="益智玩具")
    catalogue_changed(product_ids=[listing.pilot_product_id])
    assert "益智" in terms(listing)
    assert listing.history.count() == before


def test_check_command_finds_and_repairs_drift(listing):
    hidden = factories.make_listing(status=ListingStatus.PAUSED)
    Listing.objects.filter(pk=listing.pk).update(is_public=False)
    Listing.objects.filter(pk=hidden.pk).update(is_public=True)
    Listing.objects.filter(pk=listing.pk).update(search_terms="stale")
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
    Listing.objects.update(search_terms="", search_title_terms="")
    assert "1 flags changed, 1 search documents" in check("--rebuild")
    assert public(listing) and "积木" in terms(listing)
    check()
