"""Price tiers in a form no spreadsheet program reads as a time (issue 11, item 1).

Exports and templates write ``100=9.50;500=8.80``; the older ``100:9.50`` still
reads, and a tier a program already turned into a time is refused with a message
that says so (docs/architecture.md, "Price tiers in spreadsheets").
"""

import io
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from pilot_products.models import Listing
from pilot_products.spreadsheets import cells
from pilot_products.spreadsheets.engine import run_import
from pilot_products.spreadsheets.exporting import TEXT_FORMAT, export_file
from pilot_products.spreadsheets.specs import ListingsSpec
from pilot_products.spreadsheets.workbooks import template_workbook
from tests import factories
from tests.spreadsheet_helpers import (
    LISTING_HEADERS,
    csv_bytes,
    listing_row,
    read_xlsx,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

TIERS = LISTING_HEADERS.index("tiers")


@pytest.fixture
def trade(db):
    wholesaler = factories.make_wholesaler()
    product = factories.make_pilot_product(
        tariff_lines=[factories.make_tariff_line("95030060")]
    )
    booth = factories.make_booth(wholesaler)
    return wholesaler, product, booth


def _errors(result):
    return [(error.row, error.column, error.message) for error in result.errors]


@pytest.mark.parametrize(
    "typed", ["10=12.50;100=11.00", "10:12.50;100:11.00", "10＝12.50；100＝11.00"]
)
def test_tiers_in_the_equals_form_and_the_older_colon_form(trade, typed):
    wholesaler, product, booth = trade
    row = listing_row(wholesaler, product, booth, tiers=typed)
    result = run_import(
        "listings", file_name="l.csv", data=csv_bytes([LISTING_HEADERS, row])
    )
    assert _errors(result) == []
    assert list(
        Listing.objects.get().price_tiers.values_list("min_quantity", "unit_price")
    ) == [(10, Decimal("12.50")), (100, Decimal("11.00"))]


@pytest.mark.parametrize(
    "cell",
    [time(16, 8, 20), timedelta(hours=100, minutes=8, seconds=20),
     datetime(1900, 1, 4, 4, 8, 20)],
)  # fmt: skip
def test_a_tier_turned_into_a_time_cell_says_so(trade, cell):
    wholesaler, product, booth = trade
    row = listing_row(wholesaler, product, booth, tiers=cell)
    result = run_import(
        "listings", file_name="l.xlsx", data=xlsx_bytes([LISTING_HEADERS, row])
    )
    assert _errors(result) == [(2, "tiers", str(cells.MSG_TIERS_TIME))]
    assert not Listing.objects.exists()


@pytest.mark.parametrize("shown", ["40:08.34", "10:12.50;100:08:20", "100:08:20.00"])
def test_a_tier_shown_as_a_time_in_a_csv_says_so(trade, shown):
    wholesaler, product, booth = trade
    row = listing_row(wholesaler, product, booth, tiers=shown)
    result = run_import(
        "listings", file_name="l.csv", data=csv_bytes([LISTING_HEADERS, row])
    )
    assert _errors(result) == [(2, "tiers", str(cells.MSG_TIERS_TIME))]


@pytest.mark.parametrize("typed", ["10-12.50", "10=12.50=3", "10=1:2", 12.5])
def test_other_malformed_tiers_get_the_format_message(trade, typed):
    wholesaler, product, booth = trade
    row = listing_row(wholesaler, product, booth, tiers=typed)
    result = run_import(
        "listings", file_name="l.xlsx", data=xlsx_bytes([LISTING_HEADERS, row])
    )
    assert _errors(result) == [(2, "tiers", str(cells.MSG_TIERS))]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_exports_write_the_equals_form_as_text(trade, file_format):
    wholesaler, product, booth = trade
    factories.make_listing(
        wholesaler,
        product,
        booth=booth,
        moq=10,
        unit_price="12.50",
        tiers=[(10, Decimal("12.50")), (100, Decimal("11.00"))],
    )
    buffer = io.BytesIO()
    export_file(ListingsSpec(), buffer, file_format)
    data = buffer.getvalue()
    if file_format == "csv":
        assert b",10=12.50;100=11.00,v" in data
    else:
        sheet = load_workbook(io.BytesIO(data)).worksheets[0]
        headers = [cell.value for cell in sheet[1]]
        cell = sheet.cell(row=2, column=headers.index("阶梯价 (tiers)") + 1)
        assert (cell.value, cell.number_format) == ("10=12.50;100=11.00", TEXT_FORMAT)
    result = run_import("listings", file_name=f"l.{file_format}", data=data)
    assert (_errors(result), result.rows_unchanged) == ([], 1)


def test_template_tiers_column_is_text_with_an_equals_example(trade):
    data = template_workbook(ListingsSpec())
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    column = TIERS + 1
    assert sheet.cell(row=2, column=column).value == "10=12.50;100=11.80"
    assert sheet.cell(row=500, column=column).number_format == TEXT_FORMAT
    assert read_xlsx(data)[1][TIERS] == "10=12.50;100=11.80"


def test_template_drop_downs_refuse_other_values_to_the_row_limit(trade, settings):
    settings.IMPORT_MAX_ROWS = 5000
    sheet = load_workbook(io.BytesIO(template_workbook(ListingsSpec()))).worksheets[0]
    validations = {
        str(validation.sqref): validation
        for validation in sheet.data_validations.dataValidation
    }
    status = [c.key for c in ListingsSpec.columns].index("status")
    letter = chr(ord("A") + status)
    validation = validations[f"{letter}2:{letter}5001"]
    assert validation.type == "list"
    assert validation.formula1 == '"draft,active,paused,delisted"'
    assert (validation.showErrorMessage, validation.errorStyle) == (True, "stop")
    assert all(v.showErrorMessage for v in validations.values())
