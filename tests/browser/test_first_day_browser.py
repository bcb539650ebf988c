"""A new user's first day in Chromium, in Chinese and English, at 1366 and 390 px:
staff land in the admin, a suspended company's user is told why, staff who open
the portal get a way out, and delisting asks first and can be undone."""

import pytest
from django.apps import apps

from pilot_products import roles
from pilot_products.models import Listing, ListingStatus, WholesalerStatus
from tests import factories
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {
    "desktop": {"width": 1366, "height": 900},
    "phone": {"width": 390, "height": 844},
}
LANGUAGES = ["zh-hans", "en"]


@pytest.fixture
def people(portal_company):
    roles.sync_roles(apps)
    operator = factories.make_staff_user("operator", roles.MALL_OPERATOR)
    product = factories.make_pilot_product(code="P41")
    listing = factories.make_listing(
        portal_company, product, sku="DOLL-9", status=ListingStatus.ACTIVE
    )
    return {"operator": operator, "company": portal_company, "listing": listing}


def _speak(page, language: str, size: str) -> None:
    page.set_viewport_size(SIZES[size])
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": page.url or "http://x"}]
    )


def _fits(page) -> None:
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("size", list(SIZES))
def test_staff_through_the_site_login_land_in_the_admin_and_portal_has_a_way_out(
    page, screenshot, people, live_server, language, size
):
    page.goto("/")
    _speak(page, language, size)
    log_in(page, "operator", factories.PASSWORD)
    page.wait_for_url("**/admin/")
    screenshot(f"{language}-{size}-1-admin")
    page.goto("/portal/")
    assert page.locator("a[href='/admin/']").first.is_visible()
    assert page.locator("form[action='/accounts/logout/'] button").is_visible()
    _fits(page)
    screenshot(f"{language}-{size}-2-portal-denied")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("size", list(SIZES))
def test_a_suspended_company_s_user_is_told_why(
    page, screenshot, people, language, size
):
    company = people["company"]
    company.status = WholesalerStatus.SUSPENDED
    company.save()
    page.goto("/")
    _speak(page, language, size)
    log_in(page, "wholesaler-a", factories.PASSWORD)
    alert = page.locator(".errorlist")
    alert.wait_for()
    assert str(company.name_zh if language == "zh-hans" else company.name_en) in (
        alert.inner_text()
    )
    _fits(page)
    screenshot(f"{language}-{size}-suspended")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("size", list(SIZES))
def test_delisting_asks_first_and_relisting_undoes_it(
    page, screenshot, people, language, size
):
    zh = language == "zh-hans"
    page.goto("/")
    _speak(page, language, size)
    log_in(page, "wholesaler-a", factories.PASSWORD)
    page.wait_for_url("**/portal/")
    page.goto("/portal/listings/")
    row = page.locator("table.listings tbody tr", has_text="DOLL-9")
    assert ("在售" if zh else "Active") in row.inner_text()
    row.get_by_role("button", name="停售 DOLL-9" if zh else "Delist DOLL-9").click()
    page.wait_for_url("**/delist/")
    assert Listing.objects.get(sku="DOLL-9").status == ListingStatus.ACTIVE
    _fits(page)
    screenshot(f"{language}-{size}-1-delist-asks")
    page.locator("main form button.danger").click()
    row = page.locator("table.listings tbody tr", has_text="DOLL-9")
    assert ("已停售" if zh else "Delisted") in row.inner_text()
    screenshot(f"{language}-{size}-2-delisted")
    row.get_by_role("button", name="重新上架 DOLL-9" if zh else "Relist DOLL-9").click()
    row = page.locator("table.listings tbody tr", has_text="DOLL-9")
    assert ("在售" if zh else "Active") in row.inner_text()
    assert Listing.objects.get(sku="DOLL-9").status == ListingStatus.ACTIVE
