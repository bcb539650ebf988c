"""The staff dashboard as an operator opens it, in both languages, on a desktop and a
phone: a chart beside the table of every breakdown, nothing wider than the screen."""

from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps

from pilot_products import roles
from pilot_products.models import ImportBatch, ListingStatus, PilotProduct, TariffLine
from pilot_products.services.batches import LineData, batch_save
from tests import factories
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

WIDTHS = {
    "desktop": {"width": 1366, "height": 900},
    "phone": {"width": 390, "height": 844},
}
EXPECTED = {
    "zh-CN": ("进口看板", "按申报月份的进口", "中欧班列回程"),
    "en-US": (
        "Import dashboard",
        "Imports by month of declaration",
        "China–Europe Railway Express return train",
    ),
}


@pytest.fixture
def recorded(portal_company):
    # A transactional test before this one may have flushed the migration's groups.
    roles.sync_roles(apps)
    factories.make_staff_user("operator", roles.MALL_OPERATOR)
    product = PilotProduct.objects.get(code="P06")
    line = TariffLine.objects.get(code="95030060")
    listing = factories.make_listing(
        portal_company, product, customs_code="9503006000",
        unit_price=Decimal("12.50"), status=ListingStatus.ACTIVE,
    )  # fmt: skip
    for number, (declared_on, mode, country, value) in enumerate(
        [
            (date(2024, 5, 3), "rail", "DE", "180000.00"),
            (date(2025, 5, 12), "rail", "DE", "362000.50"),
            (date(2025, 5, 20), "sea", "IT", "98000.00"),
            (date(2025, 6, 2), "air", "JP", "45500.25"),
        ],
        start=1,
    ):
        batch = ImportBatch(
            wholesaler=portal_company,
            declaration_number=f"2920202510000000{number:02d}",
            declared_on=declared_on, supervision_mode="bonded_centre",
            transport_mode=mode, origin_country=country, dispatch_country=country,
        )  # fmt: skip
        batch_save(
            batch=batch,
            lines=[LineData(line, 1000, "piece", Decimal(value), [listing])],
        )


@pytest.mark.parametrize("locale", EXPECTED)
def test_the_dashboard_shows_a_chart_beside_every_table(
    browser, live_server, recorded, locale, request
):
    from tests.browser.conftest import ARTIFACTS

    title, months, rail = EXPECTED[locale]
    context = browser.new_context(base_url=live_server.url, locale=locale)
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, "operator", factories.PASSWORD)
    for name, size in WIDTHS.items():
        page.set_viewport_size(size)
        page.goto("/admin/pilot_products/importbatch/dashboard/")
        assert page.locator("h1").first.inner_text() == title
        assert page.get_by_role("heading", name=months).is_visible()
        charts = page.locator(".dashboard svg.chart")
        assert charts.count() == 5
        tables = ["months", "products", "categories", "origins", "transport"]
        for index, table in enumerate(tables):
            bars = charts.nth(index).locator("rect").count()
            rows = page.locator(f"table.{table} tbody tr").count()
            assert bars == rows >= 1, table
        assert rail in page.locator("table.transport").inner_text()
        assert "+155.6%" in page.locator("table.months").inner_text()
        assert page.locator("table.offers tbody tr", has_text="P06").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(ARTIFACTS / f"{request.node.name}-{name}.png"), full_page=True
        )
    context.close()
