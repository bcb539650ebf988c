"""The doors' rules as people meet them in Chromium: the portal form and the admin's
price tier inline refuse the same tiers with the same sentence, in English and Chinese."""

from decimal import Decimal

import pytest

from pilot_products import roles
from pilot_products.models import Listing, PilotProduct, PriceTier
from pilot_products.validators import MSG_UNIT_PRICE_ABOVE_FIRST_TIER
from tests import factories
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def listing(portal_company):
    product = PilotProduct.objects.get(code="P06")
    return factories.make_listing(
        portal_company,
        product,
        sku="PUZZLE-1",
        customs_code="9503006000",
        unit_price=Decimal("12.50"),
        moq=10,
        tiers=[(10, Decimal("12.50")), (100, Decimal("11.00"))],
    )


def _tier_tables(page) -> str:
    return page.locator("body").inner_text()


def test_portal_refuses_a_unit_price_above_the_first_tier_and_a_bidi_title(
    page, screenshot, listing
):
    expected = str(
        MSG_UNIT_PRICE_ABOVE_FIRST_TIER
        % {"price": Decimal("13.00"), "tier_price": Decimal("12.50")}
    )
    page.set_viewport_size(DESKTOP)
    log_in(page, "wholesaler-a", factories.PASSWORD)
    page.wait_for_url("**/portal/")
    page.goto(f"/portal/listings/{listing.pk}/")
    page.get_by_label("Unit price (CNY)").fill("13.00")
    page.get_by_label("English title").fill("Puzzle \u202eelzzup")
    page.get_by_role("button", name="Save").click()
    page.get_by_text(expected).wait_for()
    body = _tier_tables(page)
    assert expected in body
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in body
    screenshot("1-desktop-en")
    assert Listing.objects.get(pk=listing.pk).unit_price == Decimal("12.50")

    page.set_viewport_size(PHONE)
    page.context.add_cookies(
        [{"name": "django_language", "value": "zh-hans", "url": page.url}]
    )
    page.goto(f"/portal/listings/{listing.pk}/")
    page.locator("#id_unit_price").fill("13.00")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("单价（13.00）是起批量时的价格", exact=False).wait_for()
    screenshot("2-phone-zh")


def test_admin_tier_inline_refuses_what_the_portal_refuses(page, screenshot, listing):
    operator = factories.make_staff_user("operator", roles.MALL_OPERATOR)
    assert operator.pk
    page.set_viewport_size(DESKTOP)
    page.goto("/admin/login/")
    page.fill("input[name=username]", "operator")
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    page.goto(f"/admin/pilot_products/listing/{listing.pk}/change/")
    page.locator("#id_price_tiers-0-unit_price").fill("12.00")
    page.locator("#id_unit_price").fill("13.00")
    page.locator("input[name=_save]").click()
    expected = str(
        MSG_UNIT_PRICE_ABOVE_FIRST_TIER
        % {"price": Decimal("13.00"), "tier_price": Decimal("12.00")}
    )
    page.get_by_text(expected).wait_for()
    assert expected in _tier_tables(page)
    screenshot("1-admin-desktop-en")
    assert sorted(
        PriceTier.objects.filter(listing=listing).values_list(
            "min_quantity", "unit_price"
        )
    ) == [(10, Decimal("12.50")), (100, Decimal("11.00"))]
