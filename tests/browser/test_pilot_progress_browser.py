"""The pilot progress page as a buyer or an official opens it, in both languages, on
a desktop and a phone: the target bars, a chart beside the table of every scope."""

from decimal import Decimal

import pytest

from pilot_products.models import PilotProduct
from tests import factories

pytestmark = pytest.mark.browser

WIDTHS = {
    "desktop": {"width": 1366, "height": 900},
    "phone": {"width": 390, "height": 844},
}
EXPECTED = {
    "zh-CN": ("试点进展", "772.1 亿元", "义乌保税物流中心进口额"),
    "en-US": ("Pilot progress", "CNY 77.21 bn", "Yiwu Bonded Logistics Centre imports"),
}


@pytest.mark.parametrize("locale", EXPECTED)
def test_the_progress_page_shows_targets_charts_and_tables(
    browser, live_server, portal_company, locale, request
):
    from tests.browser.conftest import ARTIFACTS

    factories.make_listing(
        portal_company, PilotProduct.objects.get(code="P06"),
        customs_code="9503006000", unit_price=Decimal("12.50"),
    )  # fmt: skip
    heading, reached, scope = EXPECTED[locale]
    context = browser.new_context(base_url=live_server.url, locale=locale)
    page = context.new_page()
    for name, size in WIDTHS.items():
        page.set_viewport_size(size)
        page.goto("/progress/")
        assert page.locator("h1").inner_text() == heading
        assert reached in page.locator(".target-reached").first.inner_text()
        assert page.get_by_role("heading", name=scope).is_visible()
        charts = page.locator("svg.chart")
        assert charts.count() == page.locator("table.figures").count() >= 3
        # Every chart has a bar per row of its table.
        for index in range(charts.count()):
            bars = charts.nth(index).locator("rect").count()
            rows = page.locator("table.figures").nth(index).locator("tbody tr").count()
            assert bars == rows
        offers = page.locator("table.products-on-offer tbody tr", has_text="P06")
        assert "1" in offers.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(ARTIFACTS / f"{request.node.name}-{name}.png"), full_page=True
        )
    context.close()
