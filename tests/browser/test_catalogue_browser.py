"""A buyer in Chromium: filter the catalogue, open a product, find the booth."""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache

from pilot_products.models import PilotProduct
from pilot_products.reference_data import load_reference_data
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def market(db, settings):
    settings.CATALOGUE_PAGE_CACHE_SECONDS = 0
    cache.clear()
    load_reference_data()
    dolls = PilotProduct.objects.get(code="P02")
    line = dolls.tariff_lines.order_by("code").first().code
    alpha = factories.make_wholesaler(
        name_zh="义乌环球进口贸易有限公司",
        name_en="Yiwu Global Import Trading Co., Ltd.",
    )
    beta = factories.make_wholesaler(
        name_zh="义乌丝路国际贸易有限公司", name_en="Yiwu Silk Road International Trade"
    )
    booth = factories.make_booth(
        alpha,
        gate="7",
        street=12,
        number="12345",
        pavilion_zh="日本馆",
        pavilion_en="Japan Pavilion",
    )
    factories.make_listing(
        alpha,
        dolls,
        customs_code=f"{line}00",
        title_zh="樱花布艺玩偶",
        title_en="Sakura plush doll",
        brand="Sakura",
        country_of_origin="JP",
        unit_price=Decimal("38.00"),
        moq=12,
        booth=booth,
        tiers=[(12, Decimal("38.00")), (120, Decimal("34.50"))],
    )
    factories.make_listing(
        beta,
        dolls,
        customs_code=f"{line}00",
        title_zh="德国泰迪熊",
        title_en="German teddy bear",
        brand="Klarwerk",
        country_of_origin="DE",
        unit_price=Decimal("120.00"),
        moq=6,
        booth=factories.make_booth(beta, street=3, number="30303"),
    )
    yield
    cache.clear()


def test_buyer_filters_by_category_and_country_and_finds_the_booth(
    page, screenshot, market
):
    page.goto("/")
    screenshot("1-home")
    page.get_by_role("link", name="Catalogue").first.click()
    page.get_by_label("Category").select_option("toys_games")
    page.get_by_label("Country of origin").select_option("JP")
    page.get_by_role("button", name="Apply filters").click()
    assert "category=toys_games" in page.url and "country=JP" in page.url
    assert page.locator(".results-count").inner_text().startswith("1 ")
    assert page.get_by_text("Sakura plush doll").is_visible()
    assert page.get_by_text("German teddy bear").count() == 0
    active = page.locator(".active-filters")
    assert "Country of origin: Japan" in active.inner_text()
    screenshot("2-filtered")

    # The card leads to the offer's own page, and its breadcrumb to the product's.
    page.get_by_role("link", name="Sakura plush doll").click()
    assert "/catalogue/offer/" in page.url
    page.locator(".breadcrumb a").nth(1).click()
    assert page.url.endswith("/catalogue/products/P02/")
    offers = page.locator("table.offers tbody tr")
    assert offers.count() == 2
    assert "Sakura plush doll" in offers.nth(0).inner_text()  # cheapest first
    assert "5区 7门 1楼 12街 12345" in offers.nth(0).inner_text()
    assert "≥120: CN¥34.50" in offers.nth(0).inner_text()
    assert "CN¥79.00" in page.locator(".summary").inner_text()  # median of two
    screenshot("3-product")

    page.set_viewport_size(PHONE)
    screenshot("4-product-phone")
    page.goto("/catalogue/?category=toys_games")
    screenshot("5-browse-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_removing_an_active_filter_keeps_the_others(page, market):
    page.goto("/catalogue/?category=toys_games&country=JP")
    page.locator(".active-filters a", has_text="Country of origin").click()
    assert "country=" not in page.url and "category=toys_games" in page.url
    assert page.locator(".results-count").inner_text().startswith("2 ")


def test_switching_to_chinese_shows_chinese(page, screenshot, market):
    page.goto("/catalogue/products/P02/")
    assert page.locator("h1").inner_text().endswith("Dolls and toy animals")
    page.select_option("#language-select", "zh-hans")
    page.get_by_role("button", name="Switch").click()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("h1").inner_text().endswith("玩偶及动物玩偶")
    assert "樱花布艺玩偶" in page.locator("table.offers").inner_text()
    assert "¥38.00" in page.locator("table.offers").inner_text()
    screenshot("1-product-zh")
    page.goto("/catalogue/")
    country_options = page.locator("#id_country option").all_inner_texts()
    # Country names from django-countries, each with its number of offers.
    assert any(re.fullmatch(r"日本（\d+）", option) for option in country_options)
    assert "玩具及游戏用品" in page.locator("#id_category").inner_text()
    screenshot("2-browse-zh")
    page.goto("/accounts/login/")
    assert page.get_by_label("用户名").is_visible()  # Django's own translation
