"""Listing imports: strict cells, all or nothing, history, round trip, audit record."""

import io
from decimal import Decimal

import pytest
from django.utils.functional import lazy

from pilot_products.models import (
    ImportOutcome,
    ImportRecord,
    Listing,
    PriceTier,
    TariffLine,
)
from pilot_products.rules import MSG_BOOTH_NOT_OWN
from pilot_products.spreadsheets import cells
from pilot_products.spreadsheets.columns import MSG_MISSING_COLUMN, MSG_UNKNOWN_COLUMN
from pilot_products.spreadsheets.engine import run_import
from pilot_products.spreadsheets.exporting import export_file
from pilot_products.spreadsheets.specs import ListingsSpec
from pilot_products.spreadsheets.specs.trade import MSG_UNKNOWN_PRODUCT
from pilot_products.validators import MSG_TIERS_FIRST_AT_MOQ
from tests import factories
from tests.spreadsheet_helpers import (
    LISTING_HEADERS,
    csv_bytes,
    listing_row,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def trade(db):
    wholesaler = factories.make_wholesaler()
    product = factories.make_pilot_product(
        tariff_lines=[factories.make_tariff_line("04011000")]
    )
    booth = factories.make_booth(wholesaler)
    return wholesaler, product, booth


def _errors(result):
    return [(error.row, error.column, error.message) for error in result.errors]


def test_new_listings_are_written_with_tiers_history_and_record(trade, operator):
    wholesaler, product, booth = trade
    rows = [
        LISTING_HEADERS,
        listing_row(wholesaler, product, booth),
        listing_row(wholesaler, product, booth, sku="SKU-2", tiers=""),
    ]
    result = run_import(
        "listings", file_name="l.xlsx", data=xlsx_bytes(rows), user=operator
    )
    assert _errors(result) == []
    assert result.outcome == ImportOutcome.IMPORTED
    listing = Listing.objects.get(sku="SKU-1")
    assert listing.customs_code == "0401100000"
    assert listing.unit_price == Decimal("12.50")
    assert listing.booth == booth
    assert list(listing.price_tiers.values_list("min_quantity", "unit_price")) == [
        (10, Decimal("12.50")),
        (100, Decimal("11.00")),
    ]
    history = listing.history.get()
    assert history.history_type == "+"
    assert history.history_user == operator
    assert "l.xlsx" in history.history_change_reason
    record = ImportRecord.objects.get()
    assert (record.user, record.resource, record.file_format, record.outcome) == (
        operator,
        "listings",
        "xlsx",
        ImportOutcome.IMPORTED,
    )
    assert (record.rows_total, record.rows_new, record.rows_invalid) == (2, 2, 0)
    assert len(record.sha256) == 64


def test_one_bad_row_writes_nothing(trade):
    wholesaler, product, booth = trade
    rows = [
        LISTING_HEADERS,
        listing_row(wholesaler, product, booth),
        listing_row(wholesaler, product, booth, sku="SKU-2", moq="2.5"),
        listing_row(wholesaler, product, booth, sku="SKU-3", pilot_product="P999"),
    ]
    result = run_import("listings", file_name="l.csv", data=csv_bytes(rows))
    assert result.outcome == ImportOutcome.REJECTED
    assert _errors(result) == [
        (3, "moq", str(cells.MSG_WHOLE_NUMBER)),
        (4, "pilot_product", str(MSG_UNKNOWN_PRODUCT % {"code": "P999"})),
    ]
    assert not Listing.objects.exists()
    record = ImportRecord.objects.get()
    assert (record.outcome, record.rows_new, record.rows_invalid) == (
        ImportOutcome.REJECTED,
        1,
        2,
    )


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("unit_price", "NaN", cells.MSG_NOT_FINITE),
        ("unit_price", "inf", cells.MSG_NOT_FINITE),
        ("unit_price", "9,50", cells.MSG_THOUSANDS),
        ("unit_price", "$12", cells.MSG_CURRENCY),
        ("unit_price", "12.505", cells.MSG_DECIMAL_PLACES),
        ("moq", "１０", cells.MSG_FULL_WIDTH_NUMBER),
        ("moq", "2.5", cells.MSG_WHOLE_NUMBER),
        ("customs_code", "401100000", cells.MSG_CODE_LEADING_ZERO),
        ("customs_code", "4.011E+08", None),
        ("country_of_origin", "Narnia", cells.MSG_COUNTRY),
        ("tiers", "10-12.50", cells.MSG_TIERS),
        (
            "title_zh",
            "拼图\x07",
            # Lazy: the message is rendered in the test's language, not at import.
            lazy(
                lambda: cells.MSG_CONTROL_CHARACTER % {"char": "U+0007", "position": 3},
                str,
            )(),
        ),
    ],
)
def test_strict_cells_reject_with_exact_message(trade, column, value, message):
    wholesaler, product, booth = trade
    row = listing_row(wholesaler, product, booth, **{column: value})
    result = run_import(
        "listings", file_name="l.csv", data=csv_bytes([LISTING_HEADERS, row])
    )
    if message is None:
        from pilot_products.validators import MSG_CODE_SCIENTIFIC as message
    assert _errors(result) == [(2, column, str(message))]
    assert not Listing.objects.exists()


def test_unambiguous_money_and_thousands_are_understood(trade):
    wholesaler, product, booth = trade
    row = listing_row(
        wholesaler, product, booth, unit_price="¥1,234.50", stock="1,000", tiers=""
    )
    result = run_import(
        "listings", file_name="l.csv", data=csv_bytes([LISTING_HEADERS, row])
    )
    assert _errors(result) == []
    listing = Listing.objects.get()
    assert (listing.unit_price, listing.stock) == (Decimal("1234.50"), 1000)


def test_number_cell_code_in_xlsx_is_explained(trade):
    wholesaler, product, booth = trade
    row = listing_row(wholesaler, product, booth, customs_code=401100000)
    result = run_import(
        "listings", file_name="l.xlsx", data=xlsx_bytes([LISTING_HEADERS, row])
    )
    assert _errors(result) == [(2, "customs_code", str(cells.MSG_CODE_LEADING_ZERO))]


def test_chinese_headers_and_rules_with_row_and_column(trade):
    wholesaler, product, _booth = trade
    foreign_booth = factories.make_booth(factories.make_wholesaler())
    headers = [column.header_zh for column in ListingsSpec.columns]
    row = listing_row(wholesaler, product, foreign_booth, tiers="5:12.50")
    result = run_import("listings", file_name="l.csv", data=csv_bytes([headers, row]))
    assert _errors(result) == [
        (2, "商位", str(MSG_BOOTH_NOT_OWN)),
        (2, "阶梯价", str(MSG_TIERS_FIRST_AT_MOQ)),
    ]


@pytest.mark.parametrize("older", ["摊位", "摊位 (booth)"])
def test_files_with_the_older_booth_header_still_import(trade, older):
    """Exports and templates once said 摊位 where the pages say 商位: both are read."""
    wholesaler, product, booth = trade
    headers = [column.header for column in ListingsSpec.columns]
    headers[headers.index("商位 (booth)")] = older
    row = listing_row(wholesaler, product, booth)
    result = run_import("listings", file_name="l.csv", data=csv_bytes([headers, row]))
    assert _errors(result) == []
    assert Listing.objects.get(sku="SKU-1").booth == booth


def test_unknown_and_missing_columns_are_reported_before_rows(trade):
    wholesaler, product, booth = trade
    headers = [h for h in LISTING_HEADERS if h != "sku"] + ["colour"]
    result = run_import("listings", file_name="l.csv", data=csv_bytes([headers]))
    messages = [message for _row, _col, message in _errors(result)]
    assert messages[0].startswith(
        str(MSG_UNKNOWN_COLUMN % {"header": "colour", "known": ""})[:30]
    )
    assert messages[1] == str(MSG_MISSING_COLUMN % {"header": "货号 (sku)"})


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_round_trip_reports_every_row_unchanged(trade, file_format):
    wholesaler, product, booth = trade
    for n in range(5):
        factories.make_listing(
            wholesaler,
            product,
            sku=f"00{n}",
            booth=booth,
            title_zh=f"=拼图{n}",
            moq=10,
            tiers=[(10, Decimal("12.50")), (50, Decimal("11.00"))],
        )
    buffer = io.BytesIO()
    export_file(ListingsSpec(), buffer, file_format)
    history_before = Listing.history.count()
    result = run_import(
        "listings", file_name=f"l.{file_format}", data=buffer.getvalue()
    )
    assert _errors(result) == []
    assert (result.rows_unchanged, result.rows_new, result.rows_updated) == (5, 0, 0)
    assert Listing.history.count() == history_before
    assert set(Listing.objects.values_list("sku", flat=True)) == {
        f"00{n}" for n in range(5)
    }


def test_update_writes_changes_and_history(trade):
    wholesaler, product, booth = trade
    listing = factories.make_listing(
        wholesaler, product, sku="SKU-1", booth=booth, moq=10
    )
    row = listing_row(wholesaler, product, booth, unit_price="13.00", tiers="10:13.00")
    result = run_import(
        "listings", file_name="l.csv", data=csv_bytes([LISTING_HEADERS, row])
    )
    assert result.rows_updated == 1
    listing.refresh_from_db()
    assert listing.unit_price == Decimal("13.00")
    assert list(PriceTier.objects.values_list("min_quantity", flat=True)) == [10]
    assert listing.history.first().history_type == "~"


def test_data_changed_between_preview_and_confirm_writes_nothing(trade):
    wholesaler, product, booth = trade
    data = csv_bytes([LISTING_HEADERS, listing_row(wholesaler, product, booth)])
    preview = run_import("listings", file_name="l.csv", data=data, dry_run=True)
    assert preview.outcome == ImportOutcome.PREVIEWED
    assert not Listing.objects.exists()
    product.tariff_lines.set([factories.make_tariff_line("95030060")])
    confirm = run_import("listings", file_name="l.csv", data=data)
    assert confirm.outcome == ImportOutcome.REJECTED
    assert [e.column for e in confirm.errors] == ["customs_code"]
    assert not Listing.objects.exists()
    assert list(ImportRecord.objects.values_list("outcome", flat=True)) == [
        ImportOutcome.REJECTED,
        ImportOutcome.PREVIEWED,
    ]


def test_duplicate_keys_in_one_file_are_rejected(trade):
    wholesaler, product, booth = trade
    row = listing_row(wholesaler, product, booth)
    result = run_import(
        "listings", file_name="l.csv", data=csv_bytes([LISTING_HEADERS, row, row])
    )
    assert [(e.row, e.column) for e in result.errors] == [(3, "")]
    assert "row 2" in result.errors[0].message


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_leading_zero_tariff_lines_both_ways(reference_data, file_format):
    category = factories.make_category(code="dairy")
    rows = [["code", "name_zh", "name_en", "category"], ["04019000", "奶", "", "dairy"]]
    data = csv_bytes(rows) if file_format == "csv" else xlsx_bytes(rows)
    result = run_import("tariff-lines", file_name=f"t.{file_format}", data=data)
    assert _errors(result) == []
    assert TariffLine.objects.get(code="04019000").category == category
    buffer = io.BytesIO()
    from pilot_products.spreadsheets.specs import TariffLinesSpec

    export_file(TariffLinesSpec(), buffer, file_format)
    exported = buffer.getvalue()
    if file_format == "csv":
        assert exported.startswith(b"\xef\xbb\xbf")
        assert b"\r\n04019000," in exported
    else:
        from tests.spreadsheet_helpers import read_xlsx

        codes = [row[0] for row in read_xlsx(exported)]
        assert "04019000" in codes
