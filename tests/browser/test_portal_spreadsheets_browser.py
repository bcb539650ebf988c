"""A wholesaler in Chromium runs listings by spreadsheet: create a listing with two
price tiers, download the template and own listings, upload a workbook, preview it,
confirm, and find the imported listings; the same pages on a phone."""

import pytest

from pilot_products.models import Listing, PilotProduct
from tests import factories
from tests.browser.conftest import log_in
from tests.spreadsheet_helpers import (
    LISTING_HEADERS,
    listing_row,
    read_xlsx,
    xlsx_bytes,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def company(portal_company, jobs_run_at_once):
    return portal_company


def create_listing_with_two_tiers(page) -> None:
    page.get_by_role("link", name="New listing").first.click()
    page.get_by_label("Pilot product").select_option(label="P02 Dolls and toy animals")
    page.get_by_label("SKU").fill("DOLL-001")
    page.get_by_label("Customs code").fill("9503002100")
    page.get_by_label("Chinese title").fill("樱花布艺玩偶")
    page.get_by_label("English title").fill("Sakura plush doll")
    page.get_by_label("Country of origin").select_option("JP")
    page.get_by_label("Unit price (CNY)").fill("38.00")
    page.get_by_label("Minimum order quantity").fill("12")
    page.locator("#id_stock").fill("300")
    page.get_by_label("Booth").select_option(label="5区 7门 1楼 12街 12345")
    page.get_by_label("Tier 1: from quantity").fill("12")
    page.get_by_label("Tier 1: unit price").fill("38.00")
    page.get_by_label("Tier 2: from quantity").fill("120")
    page.get_by_label("Tier 2: unit price").fill("34.50")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/portal/listings/")


def download(page, link_name: str, tmp_path):
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path


def test_wholesaler_uploads_previews_and_confirms_a_spreadsheet(
    page, screenshot, company, tmp_path
):
    log_in(page, "wholesaler-a", factories.PASSWORD)
    page.wait_for_url("**/portal/")
    create_listing_with_two_tiers(page)
    assert "DOLL-001" in page.locator("table.listings").inner_text()
    screenshot("1-listing-created")

    page.locator(".subnav").get_by_role("link", name="Spreadsheets").click()
    page.wait_for_url("**/portal/spreadsheets/")
    assert page.locator("h1").inner_text() == "Listings by spreadsheet"
    screenshot("2-spreadsheets")

    template = download(page, "Blank template (XLSX)", tmp_path)
    assert template.name == "listings-template.xlsx"
    assert read_xlsx(template.read_bytes())[0][1] == "货号 (sku)"
    own = read_xlsx(download(page, "Your listings (XLSX)", tmp_path).read_bytes())
    assert [row[1] for row in own[1:]] == ["DOLL-001"]

    product = PilotProduct.objects.get(code="P02")
    booth = company.booths.get()
    workbook = tmp_path / "new-listings.xlsx"
    workbook.write_bytes(
        xlsx_bytes(
            [
                LISTING_HEADERS,
                listing_row(
                    company,
                    product,
                    booth,
                    sku="DOLL-002",
                    title_en="Sakura rag doll",
                    tiers="10:12.50;100:11.00",
                ),
                listing_row(
                    company, product, booth, sku="DOLL-003", title_en="Panda plush"
                ),
            ]
        )
    )
    page.get_by_label("Spreadsheet").set_input_files(workbook)
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url("**/portal/spreadsheets/preview/**")
    assert page.locator("h1").inner_text() == "Import preview"
    assert page.locator(".rows-new").inner_text() == "2"
    assert page.locator(".rows-invalid").inner_text() == "0"
    assert not Listing.objects.filter(sku="DOLL-002").exists()
    screenshot("3-preview")
    page.set_viewport_size(PHONE)
    screenshot("4-preview-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.get_by_role("button", name="Confirm import").click()
    page.wait_for_url("**/portal/spreadsheets/preview/**")
    assert "Imported new-listings.xlsx: 2 new, 0 updated, 0 unchanged." in (
        page.locator(".import-done").inner_text()
    )
    screenshot("5-imported-phone")

    page.locator(".subnav").get_by_role("link", name="My listings").click()
    skus = page.locator("table.listings tbody tr td:first-child").all_inner_texts()
    assert skus == ["DOLL-001", "DOLL-002", "DOLL-003"]
    screenshot("6-listings-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot("7-listings")
    imported = Listing.objects.get(sku="DOLL-002")
    assert imported.wholesaler == company
    assert list(imported.price_tiers.values_list("min_quantity", flat=True)) == [
        10,
        100,
    ]


def test_rejected_upload_shows_each_error_on_a_phone(
    page, screenshot, company, tmp_path
):
    other = factories.make_wholesaler()
    product = PilotProduct.objects.get(code="P02")
    workbook = tmp_path / "mixed.xlsx"
    workbook.write_bytes(
        xlsx_bytes(
            [
                LISTING_HEADERS,
                listing_row(company, product, company.booths.get(), sku="MINE-1"),
                listing_row(other, product, sku="THEIRS-1"),
            ]
        )
    )
    page.set_viewport_size(PHONE)
    log_in(page, "wholesaler-a", factories.PASSWORD)
    page.goto("/portal/spreadsheets/")
    screenshot("1-spreadsheets-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_label("Spreadsheet").set_input_files(workbook)
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url("**/portal/spreadsheets/preview/**")
    errors = page.locator("table.import-errors tbody").inner_text()
    assert "another wholesaler" in errors
    assert page.get_by_role("button", name="Confirm import").count() == 0
    screenshot("2-rejected-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot("3-rejected")
    assert not Listing.objects.filter(sku__in=["MINE-1", "THEIRS-1"]).exists()
