"""A wholesaler in Chromium: log in, create a listing with two price tiers, see it."""

import pytest

from pilot_products.models import Listing
from tests import factories
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_wholesaler_creates_a_listing_with_two_price_tiers(
    page, screenshot, portal_company
):
    log_in(page, "wholesaler-a", factories.PASSWORD)
    page.wait_for_url("**/portal/")
    assert page.locator("h1").inner_text() == "Dashboard"
    screenshot("1-dashboard")

    page.get_by_role("link", name="New listing").first.click()
    page.get_by_label("Pilot product").select_option(label="P02 Dolls and toy animals")
    page.get_by_label("SKU").fill("DOLL-001")
    page.get_by_label("Customs code").fill("9503002100")
    page.get_by_label("Chinese title").fill("樱花布艺玩偶")
    page.get_by_label("English title").fill("Sakura plush doll")
    page.get_by_label("Brand").fill("Sakura")
    page.get_by_label("Country of origin").select_option("JP")
    page.get_by_label("Unit price (CNY)").fill("38.00")
    page.get_by_label("Minimum order quantity").fill("12")
    page.locator("#id_stock").fill("300")
    page.get_by_label("Booth").select_option(
        label="District 5, Gate 7, Floor 1, Street 12, No. 12345"
    )
    # First a mistake: the first tier must start at the MOQ.
    page.get_by_label("Tier 1: from quantity").fill("10")
    page.get_by_label("Tier 1: unit price").fill("38.00")
    page.get_by_label("Tier 2: from quantity").fill("120")
    page.get_by_label("Tier 2: unit price").fill("34.50")
    page.get_by_role("button", name="Save").click()
    # The error is shown in the row of the wrong tier, which it names.
    assert page.locator(".tier-row-error").inner_text() == (
        "Tier 1: The first price tier must start at the minimum order quantity."
    )
    assert page.get_by_label("SKU").input_value() == "DOLL-001"
    screenshot("2-tier-error")

    page.get_by_label("Tier 1: from quantity").fill("12")
    page.get_by_role("button", name="Save").click()
    # The new draft is at hand: its own page, with the button that activates it.
    page.wait_for_url("**/portal/listings/*/")
    assert (
        "Listing DOLL-001 created as a draft" in page.locator(".messages").inner_text()
    )
    assert page.get_by_role("button", name="Activate").is_visible()
    page.get_by_role("link", name="My listings").first.click()
    row = page.locator("table.listings tbody tr", has_text="DOLL-001")
    assert "Draft" in row.inner_text()
    screenshot("3-listings")

    row.get_by_role("button", name="Activate").click()
    row = page.locator("table.listings tbody tr", has_text="DOLL-001")
    assert "Active" in row.inner_text()
    listing = Listing.objects.get(sku="DOLL-001")
    assert listing.wholesaler == portal_company
    assert list(listing.price_tiers.values_list("min_quantity", flat=True)) == [12, 120]

    page.set_viewport_size(PHONE)
    screenshot("4-listings-phone")
    page.get_by_role("link", name="Edit DOLL-001").click()
    screenshot("5-edit-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.goto("/portal/")
    screenshot("6-dashboard-phone")
