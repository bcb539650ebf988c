"""What users of Excel, WPS and LibreOffice put in cells is read as they meant it.

Codes that a spreadsheet program turned into numbers, empty optional cells,
Chinese and English choice values, lower-case product codes; and a file with
several mistakes reports all of them in its first preview (issue 11).
"""

import pytest
from django.core.management import CommandError, call_command

from pilot_products.models import (
    CbecListEntry,
    ImportRecord,
    Listing,
    PilotProduct,
    TariffLine,
)
from pilot_products.spreadsheets import cells, reading
from pilot_products.spreadsheets.columns import MSG_UNKNOWN_COLUMN
from pilot_products.spreadsheets.engine import run_import
from pilot_products.spreadsheets.specs.base import MSG_REQUIRED
from pilot_products.spreadsheets.specs.trade import MSG_UNKNOWN_PRODUCT
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
        tariff_lines=[factories.make_tariff_line("95030060")]
    )
    booth = factories.make_booth(wholesaler)
    return wholesaler, product, booth


def _without_credit_code(row: list) -> list:
    row[LISTING_HEADERS.index("wholesaler")] = ""
    return row


def _errors(result):
    return [(error.row, error.column, error.message) for error in result.errors]


# Numeric code cells -----------------------------------------------------------------


def test_full_length_number_cell_is_the_customs_code(trade):
    wholesaler, product, booth = trade
    row = listing_row(wholesaler, product, booth, customs_code=9503006000)
    result = run_import(
        "listings", file_name="l.xlsx", data=xlsx_bytes([LISTING_HEADERS, row])
    )
    assert _errors(result) == []
    assert Listing.objects.get().customs_code == "9503006000"


def test_number_cell_one_digit_short_says_the_zero_was_dropped(trade):
    wholesaler, product, booth = trade
    row = listing_row(wholesaler, product, booth, customs_code=401100000)
    result = run_import(
        "listings", file_name="l.xlsx", data=xlsx_bytes([LISTING_HEADERS, row])
    )
    assert _errors(result) == [(2, "customs_code", str(cells.MSG_CODE_LEADING_ZERO))]


@pytest.mark.parametrize("number", [12345, 95030060001, 9503006000.5])
def test_number_cell_of_another_length_never_blames_a_leading_zero(trade, number):
    wholesaler, product, booth = trade
    row = listing_row(wholesaler, product, booth, customs_code=number)
    result = run_import(
        "listings", file_name="l.xlsx", data=xlsx_bytes([LISTING_HEADERS, row])
    )
    assert _errors(result) == [(2, "customs_code", str(cells.MSG_CODE_NUMBER_CELL))]


def test_tariff_lines_saved_as_numbers_are_read_as_codes(db):
    factories.make_category(code="toys")
    rows = [
        ["code", "name_zh", "name_en", "category"],
        [95030060, "玩具", "Toys", "toys"],
        [4019000, "奶", "Milk", "toys"],
    ]
    result = run_import("tariff-lines", file_name="t.xlsx", data=xlsx_bytes(rows))
    assert _errors(result) == [(3, "code", str(cells.MSG_CODE_LEADING_ZERO))]
    rows.pop()
    result = run_import("tariff-lines", file_name="t.xlsx", data=xlsx_bytes(rows))
    assert _errors(result) == []
    assert TariffLine.objects.filter(code="95030060").exists()


def test_a_product_s_single_tariff_line_saved_as_a_number(db):
    factories.make_tariff_line("95030060")
    rows = [
        ["code", "name_zh", "name_en", "pilot_category", "tariff_lines"],
        ["p77", "拼图", "Puzzles", "childrens_toys", 95030060],
    ]
    result = run_import("pilot-products", file_name="p.xlsx", data=xlsx_bytes(rows))
    assert _errors(result) == []
    product = PilotProduct.objects.get(code="P77")
    assert list(product.tariff_lines.values_list("code", flat=True)) == ["95030060"]


# Optional columns, one pass ---------------------------------------------------------


def test_portal_upload_accepts_empty_credit_code_cells(trade):
    wholesaler, product, booth = trade
    rows = [
        LISTING_HEADERS,
        _without_credit_code(listing_row(wholesaler, product, booth)),
        _without_credit_code(listing_row(wholesaler, product, booth, sku="SKU-2")),
    ]
    result = run_import(
        "listings", file_name="l.xlsx", data=xlsx_bytes(rows), wholesaler=wholesaler
    )
    assert _errors(result) == []
    assert Listing.objects.filter(wholesaler=wholesaler).count() == 2


def test_admin_upload_still_needs_the_credit_code(trade):
    wholesaler, product, booth = trade
    row = _without_credit_code(listing_row(wholesaler, product, booth))
    result = run_import(
        "listings", file_name="l.csv", data=csv_bytes([LISTING_HEADERS, row])
    )
    assert _errors(result) == [(2, "wholesaler", str(MSG_REQUIRED))]


def test_every_mistake_of_a_file_is_in_the_first_preview(trade):
    wholesaler, product, booth = trade
    headers = [*LISTING_HEADERS, "colour"]
    rows = [
        headers,
        [*listing_row(wholesaler, product, booth, unit_price="abc",
                      pilot_product="P9999", title_zh=""), "red"],
        [*_without_credit_code(listing_row(wholesaler, product, booth, sku="SKU-2",
                      moq="2.5", country_of_origin="Narnia")), "blue"],
    ]  # fmt: skip
    result = run_import(
        "listings", file_name="l.csv", data=csv_bytes(rows), dry_run=True
    )
    known = ", ".join([*LISTING_HEADERS, "photos"])  # photos: an import-only column
    assert _errors(result) == [
        (1, "", str(MSG_UNKNOWN_COLUMN % {"header": "colour", "known": known})),
        (2, "unit_price", str(cells.MSG_NOT_A_NUMBER)),
        (2, "title_zh", str(MSG_REQUIRED)),
        (2, "pilot_product", str(MSG_UNKNOWN_PRODUCT % {"code": "P9999"})),
        (3, "country_of_origin", str(cells.MSG_COUNTRY)),
        (3, "moq", str(cells.MSG_WHOLE_NUMBER)),
        (3, "wholesaler", str(MSG_REQUIRED)),
    ]
    assert result.rows_invalid == 2
    assert not Listing.objects.exists()


def test_a_file_with_only_an_unknown_column_is_refused_with_that_message(trade):
    wholesaler, product, booth = trade
    rows = [
        [*LISTING_HEADERS, "colour"],
        [*listing_row(wholesaler, product, booth), "red"],
    ]
    result = run_import("listings", file_name="l.csv", data=csv_bytes(rows))
    assert [(e.row, e.column) for e in result.errors] == [(1, "")]
    assert result.message == result.errors[0].message
    assert not Listing.objects.exists()


# Chinese and English values ---------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "status"),
    [("上架", "active"), ("在售", "active"), ("Active", "active"),
     ("草稿", "draft"), ("Draft", "draft")],
)  # fmt: skip
def test_listing_status_in_chinese_or_english(trade, typed, status):
    wholesaler, product, booth = trade
    row = listing_row(wholesaler, product, booth, status=typed)
    result = run_import(
        "listings", file_name="l.csv", data=csv_bytes([LISTING_HEADERS, row])
    )
    assert _errors(result) == []
    assert Listing.objects.get().status == status


@pytest.mark.parametrize("typed", ["DE", "de", "DEU", "德国", "Germany", "germany"])
def test_country_by_iso_code_or_chinese_or_english_name(trade, typed):
    wholesaler, product, booth = trade
    row = listing_row(wholesaler, product, booth, country_of_origin=typed)
    result = run_import(
        "listings", file_name="l.csv", data=csv_bytes([LISTING_HEADERS, row])
    )
    assert _errors(result) == []
    assert Listing.objects.get().country_of_origin == "DE"


def test_unit_in_chinese_and_lower_case_product_code(trade):
    wholesaler, product, booth = trade
    row = listing_row(
        wholesaler, product, booth, unit="件", pilot_product=product.code.lower()
    )
    result = run_import(
        "listings", file_name="l.csv", data=csv_bytes([LISTING_HEADERS, row])
    )
    assert _errors(result) == []
    listing = Listing.objects.get()
    assert (listing.unit, listing.pilot_product) == ("piece", product)


@pytest.mark.parametrize(("typed", "verified"), [("是", True), ("否", False),
                                                 ("yes", True), ("No", False)])  # fmt: skip
def test_yes_no_in_chinese_or_english(db, typed, verified):
    edition = factories.make_edition(code="2099")
    line = factories.make_tariff_line()
    rows = [
        ["edition", "tariff_line", "row_number", "verified"],
        [edition.code, line.code, 1, typed],
    ]
    result = run_import("cbec-entries", file_name="e.csv", data=csv_bytes(rows))
    assert _errors(result) == []
    entry = CbecListEntry.objects.get(edition=edition, tariff_line=line)
    assert entry.verified is verified


# Command line -----------------------------------------------------------------------


def _listing_file(tmp_path, trade, rows=1):
    wholesaler, product, booth = trade
    path = tmp_path / "listings.csv"
    path.write_bytes(
        csv_bytes(
            [LISTING_HEADERS]
            + [
                listing_row(wholesaler, product, booth, sku=f"SKU-{n}")
                for n in range(rows)
            ]
        )
    )
    return path


def test_command_records_the_user_it_is_given(trade, tmp_path, operator, capsys):
    path = _listing_file(tmp_path, trade)
    call_command("catalogue_import", "listings", str(path), "--user", operator.username)
    record = ImportRecord.objects.get()
    assert record.user == operator
    listing = Listing.objects.get()
    assert listing.history.get().history_user == operator


def test_command_refuses_an_unknown_or_inactive_user(trade, tmp_path):
    path = _listing_file(tmp_path, trade)
    with pytest.raises(CommandError, match="No user named “nobody” exists"):
        call_command("catalogue_import", "listings", str(path), "--user", "nobody")
    factories.make_user("gone", is_active=False)
    with pytest.raises(CommandError, match="“gone” is inactive"):
        call_command("catalogue_import", "listings", str(path), "--user", "gone")
    assert not ImportRecord.objects.exists()
    assert not Listing.objects.exists()


def test_command_shows_progress_while_reading(trade, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(reading, "PROGRESS_ROWS", 2)
    path = _listing_file(tmp_path, trade, rows=5)
    call_command("catalogue_import", "listings", str(path), "--dry-run")
    stderr = capsys.readouterr().err
    assert "reading   [" in stderr
    assert stderr.index("reading") < stderr.index("read      [")
