"""The staff dashboard in the admin: recorded imports by month (with year-on-year
growth), pilot product, category, origin and transport, each product's offers beside
its batches; exact money, the same queries whatever the data, every table a download,
staff with the right role only, one language per page."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from pilot_products.models import ImportBatch, ImportBatchLine, ListingStatus
from pilot_products.services.batches import LineData, batch_save
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/admin/pilot_products/importbatch/dashboard/"
_numbers = iter(range(1, 10**6))


def _batch(wholesaler, declared_on, mode, country, lines):
    batch = ImportBatch(
        wholesaler=wholesaler,
        declaration_number=f"29202025{next(_numbers):010d}",
        declared_on=declared_on, supervision_mode="bonded_centre",
        transport_mode=mode, origin_country=country, dispatch_country=country,
    )  # fmt: skip
    return batch_save(
        batch=batch,
        lines=[LineData(line, 10, "piece", Decimal(v), ls) for line, v, ls in lines],
    )


@pytest.fixture
def world(wholesaler_a, wholesaler_b):
    cache.clear()
    toys = factories.make_category(name_zh="玩具", name_en="Toys")
    kitchen = factories.make_category(name_zh="厨房电器", name_en="Kitchen appliances")
    puzzles = factories.make_tariff_line("95030060", category=toys)
    juicers = factories.make_tariff_line("85094000", category=kitchen)
    puzzle = factories.make_pilot_product(
        code="P06", name_en="Jigsaw puzzles", tariff_lines=[puzzles]
    )
    juicer = factories.make_pilot_product(
        code="P21", name_en="Juicers", tariff_lines=[juicers]
    )
    booth_a = factories.make_booth(wholesaler_a)
    booth_b = factories.make_booth(wholesaler_b)
    offers = [
        factories.make_listing(
            company,
            puzzle,
            customs_code="9503006000",
            booth=booth,
            unit_price=Decimal(price),
            status=ListingStatus.ACTIVE,
        )  # fmt: skip
        for company, booth, price in [
            (wholesaler_a, booth_a, "10.00"),
            (wholesaler_a, booth_a, "12.50"),
            (wholesaler_b, booth_b, "13.00"),
            (wholesaler_b, booth_b, "20.00"),
        ]
    ]
    blender = factories.make_listing(
        wholesaler_a, juicer, customs_code="8509400000", booth=booth_a,
        unit_price=Decimal("99.90"), status=ListingStatus.ACTIVE,
    )  # fmt: skip
    _batch(
        wholesaler_a, date(2024, 5, 3), "rail", "DE",
        [(puzzles, "1000.10", [offers[0]]), (juicers, "500.00", [blender])],
    )  # fmt: skip
    _batch(
        wholesaler_a, date(2025, 5, 20), "rail", "DE",
        [(puzzles, "2000.20", [offers[1]])],
    )  # fmt: skip
    _batch(
        wholesaler_b, date(2025, 5, 21), "sea", "ES",
        [(puzzles, "500.05", [offers[2], offers[3]])],
    )  # fmt: skip
    _batch(
        wholesaler_b, date(2025, 6, 1), "sea", "JP", [(juicers, "300.00", [])]
    )  # fmt: skip
    return {"puzzles": puzzles, "juicers": juicers, "a": wholesaler_a}


def _client(user, language="en") -> Client:
    client = Client()
    client.cookies["django_language"] = language
    client.force_login(user)
    return client


def test_the_dashboard_adds_up_to_the_fen(world, operator):
    dashboard = _client(operator).get(URL).context["dashboard"]
    assert dashboard.totals.total == Decimal("4300.35")
    assert [(m.label, m.value, m.yoy_percent) for m in dashboard.months] == [
        ("2024-05", Decimal("1500.10"), None),
        # (2500.25 - 1500.10) / 1500.10 = 66.67 %
        ("2025-05", Decimal("2500.25"), Decimal("66.7")),
        ("2025-06", Decimal("300.00"), None),
    ]
    assert [(p.label, p.value) for p in dashboard.by_product] == [
        ("P06 Jigsaw puzzles", Decimal("3500.35")),
        ("P21 Juicers", Decimal("500.00")),
        ("Not linked to one pilot product", Decimal("300.00")),
    ]
    assert [(p.label, p.value, p.of_total) for p in dashboard.by_category] == [
        ("Toys", Decimal("3500.35"), Decimal("81.4")),
        ("Kitchen appliances", Decimal("800.00"), Decimal("18.6")),
    ]
    # Europe: 3500.30 by rail (DE) of 4000.35 (DE and ES).
    assert dashboard.totals.rail_share_of_europe == Decimal("87.5")
    assert [s.key for s in dashboard.totals.by_origin] == ["DE", "ES", "JP"]


def test_each_pilot_product_shows_its_offers_beside_its_batches(world, operator):
    rows = {p.code: p for p in _client(operator).get(URL).context["dashboard"].products}
    puzzle = rows["P06"]
    assert (puzzle.offers, puzzle.wholesalers, puzzle.booths) == (4, 2, 2)
    assert (puzzle.lowest, puzzle.median, puzzle.highest) == (
        Decimal("10.00"),
        Decimal("12.75"),
        Decimal("20.00"),
    )
    assert (puzzle.batches, puzzle.batch_lines, puzzle.batch_value) == (
        3,
        3,
        Decimal("3500.35"),
    )
    assert (rows["P21"].median, rows["P21"].batch_value) == (
        Decimal("99.90"),
        Decimal("500.00"),
    )


def _queries(client) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_the_dashboard_takes_the_same_queries_however_many_batches(world, operator):
    client = _client(operator)
    before = _queries(client)
    product = factories.make_pilot_product(tariff_lines=[world["puzzles"]])
    for month in range(1, 13):
        listing = factories.make_listing(
            world["a"], product, customs_code="9503006000",
            status=ListingStatus.ACTIVE,
        )  # fmt: skip
        _batch(
            world["a"], date(2023, month, 1), "air", "FR",
            [(world["puzzles"], "1.00", [listing]), (world["juicers"], "2.00", [])],
        )  # fmt: skip
    assert _queries(client) == before


def test_many_small_values_add_up_exactly(db, wholesaler_a, operator):
    cache.clear()
    line = factories.make_tariff_line("95030060")
    batch = ImportBatch.objects.create(
        wholesaler=wholesaler_a, declaration_number="292020250000000001",
        declared_on=date(2025, 1, 2), supervision_mode="general_trade",
        transport_mode="sea", origin_country="JP", dispatch_country="JP",
    )  # fmt: skip
    ImportBatchLine.objects.bulk_create(
        ImportBatchLine(
            batch=batch,
            tariff_line=line,
            quantity=1,
            unit="piece",
            value_cny=Decimal("0.10") if n % 2 else Decimal("1234567.33"),
        )  # fmt: skip
        for n in range(20_000)
    )
    dashboard = _client(operator).get(URL).context["dashboard"]
    assert dashboard.totals.total == Decimal("12345673300.00") + Decimal("1000.00")
    assert dashboard.months[0].value == dashboard.totals.total


@pytest.mark.parametrize(
    "name", ["months", "products", "categories", "origins", "transport", "offers"]
)
def test_every_table_downloads_as_csv_and_xlsx(world, operator, name):
    client = _client(operator)
    context = client.get(URL).context
    response = client.get(URL, {"download": name, "format": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    response = client.get(URL, {"download": name, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert len(rows) == len(cells) > 1
    assert rows[0] == cells[0]
    if name == "months":
        assert rows[1:] == [
            ["2024-05", "1500.10", "2", ""],
            ["2025-05", "2500.25", "2", "66.7"],
            ["2025-06", "300.00", "1", ""],
        ]
        assert cells[2][1] == 2500.25
    if name == "offers":
        puzzle = next(row for row in rows if row[0].startswith("P06"))
        assert puzzle[1:] == ["4", "2", "2", "10.00", "12.75", "20.00", "3", "3",
                              "3500.35"]  # fmt: skip
    assert "dashboard" in context["title"].lower()


@pytest.mark.parametrize(
    "query",
    [
        {"download": "listings"},
        {"download": "months", "format": "pdf"},
    ],
)
def test_an_unknown_download_is_a_404(world, operator, query):
    assert _client(operator).get(URL, query).status_code == 404


def test_who_may_open_the_dashboard(world, operator, reviewer, editor, user_a):
    for staff in (operator, reviewer, editor):
        assert _client(staff).get(URL).status_code == 200, staff
    clerk = factories.make_user("clerk", is_staff=True)
    assert _client(clerk).get(URL).status_code == 403
    wholesaler = _client(user_a).get(URL)
    assert wholesaler.status_code == 302
    assert "/admin/login/" in wholesaler["Location"]
    assert "Import dashboard" in _client(operator).get("/admin/").content.decode()
    assert "Import dashboard" not in _client(clerk).get("/admin/").content.decode()


def test_the_dashboard_in_chinese_has_no_english_heading(world, operator):
    chinese = _client(operator, "zh-hans").get(URL).content.decode()
    english = _client(operator).get(URL).content.decode()
    for heading in ("Imports by month of declaration", "Imports by pilot product"):
        assert heading in english
        assert heading not in chinese
    assert "玩具" in chinese and "Toys" in english
    assert chinese.count('<svg class="chart"') == 5
