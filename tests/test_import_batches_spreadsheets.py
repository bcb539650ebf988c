"""Import batches by spreadsheet, through the same engine and rules as every door:
the batches file, then the lines file naming the listings by SKU."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from pilot_products.models import ImportBatch, ImportBatchLine
from pilot_products.spreadsheets.engine import run_import
from pilot_products.spreadsheets.exporting import export_table
from pilot_products.spreadsheets.specs import (
    ImportBatchesSpec,
    ImportBatchLinesSpec,
    Scope,
)
from tests import factories
from tests.spreadsheet_helpers import csv_bytes, xlsx_bytes

BATCH_HEADERS = [c.key for c in ImportBatchesSpec.columns]
LINE_HEADERS = [c.key for c in ImportBatchLinesSpec.columns]
NUMBER = "292020251000123456"


@pytest.fixture
def goods(wholesaler_a, wholesaler_b):
    line = factories.make_tariff_line("95030060")
    other = factories.make_tariff_line("85094000")
    product = factories.make_pilot_product(tariff_lines=[line, other])
    return {
        "puzzle": factories.make_listing(
            wholesaler_a, product, sku="PUZZLE-1", customs_code="9503006000"
        ),
        "juicer": factories.make_listing(
            wholesaler_a, product, sku="JUICER-1", customs_code="8509400000"
        ),
        "foreign": factories.make_listing(
            wholesaler_b, product, sku="PUZZLE-B", customs_code="9503006000"
        ),
    }


def batch_row(company, **values):
    base = {
        "wholesaler": company.credit_code, "declaration_number": NUMBER,
        "declared_on": "2025-05-12", "supervision_mode": "bonded_centre",
        "transport_mode": "中欧班列回程", "route": "Duisburg – Yiwu",
        "origin_country": "DE", "dispatch_country": "DE",
    }  # fmt: skip
    base.update(values)
    return [base[key] for key in BATCH_HEADERS]


def line_row(**values):
    base = {
        "declaration_number": NUMBER, "tariff_line": "95030060", "quantity": "1200",
        "unit": "piece", "value_cny": "36000.50", "listings": "PUZZLE-1",
    }  # fmt: skip
    base.update(values)
    return [base[key] for key in LINE_HEADERS]


def load(resource, rows, **scope):
    return run_import(resource, file_name="f.csv", data=csv_bytes(rows), **scope)


def test_batches_then_lines_record_what_supplied_each_listing(
    operator, wholesaler_a, goods
):
    assert load(
        "import-batches", [BATCH_HEADERS, batch_row(wholesaler_a)], user=operator
    ).is_valid
    result = load("import-batch-lines", [LINE_HEADERS, line_row()], user=operator)
    assert result.is_valid, result.errors
    line = ImportBatchLine.objects.get()
    assert line.batch.transport_mode == "rail"
    assert (line.value_cny, list(line.listings.all())) == (
        Decimal("36000.50"),
        [goods["puzzle"]],
    )


def test_a_bad_batches_file_reports_every_row_and_writes_nothing(
    operator, wholesaler_a, db
):
    rows = [
        BATCH_HEADERS,
        batch_row(wholesaler_a, declaration_number="29202025100012345"),
        batch_row(wholesaler_a, declaration_number="292020251000000002",
                  declared_on=str(date.today() + timedelta(days=3))),
        batch_row(wholesaler_a, declaration_number="292020251000000003",
                  wholesaler="91330782MA00000000", transport_mode="teleport"),
    ]  # fmt: skip
    result = run_import(
        "import-batches", file_name="f.xlsx", data=xlsx_bytes(rows), user=operator
    )
    assert not result.is_valid
    found = {(e.row, e.column) for e in result.errors}
    assert {
        (2, "declaration_number"),
        (3, "declared_on"),
        (4, "transport_mode"),
    } <= found
    assert any(e.row == 4 and e.column == "wholesaler" for e in result.errors)
    assert ImportBatch.objects.count() == 0


def test_a_number_cell_for_the_declaration_is_refused(operator, wholesaler_a, db):
    rows = [
        BATCH_HEADERS,
        batch_row(wholesaler_a, declaration_number=292020251000123456),
    ]
    result = run_import(
        "import-batches", file_name="f.xlsx", data=xlsx_bytes(rows), user=operator
    )
    assert [e.column for e in result.errors] == ["declaration_number"]


def test_the_lines_rules_in_one_pass(operator, wholesaler_a, goods):
    load("import-batches", [BATCH_HEADERS, batch_row(wholesaler_a)], user=operator)
    rows = [
        LINE_HEADERS,
        line_row(declaration_number="292020259999999999"),
        line_row(listings="NO-SUCH-SKU"),
        line_row(tariff_line="85094000", listings="PUZZLE-1"),
        line_row(tariff_line="95030060", listings="PUZZLE-B"),
    ]
    result = load("import-batch-lines", rows, user=operator)
    by_row = {e.row: e for e in result.errors}
    assert sorted(by_row) == [2, 3, 4, 5]
    assert "batches file first" in by_row[2].message
    assert "NO-SUCH-SKU" in by_row[3].message
    assert "not under the tariff line 85094000" in by_row[4].message
    assert "PUZZLE-B" in by_row[5].message  # another wholesaler's SKU is not found
    assert ImportBatchLine.objects.count() == 0


def test_a_wholesaler_imports_only_into_their_own_batches(
    operator, wholesaler_a, wholesaler_b, user_b, goods
):
    load("import-batches", [BATCH_HEADERS, batch_row(wholesaler_a)], user=operator)
    # Wholesaler B, through the portal's scope, names A's declaration.
    lines = load(
        "import-batch-lines", [LINE_HEADERS, line_row(listings="")],
        user=user_b, wholesaler=wholesaler_b,
    )  # fmt: skip
    assert "batches file first" in lines.errors[0].message
    batches = load(
        "import-batches", [BATCH_HEADERS, batch_row(wholesaler_b, route="hijacked")],
        user=user_b, wholesaler=wholesaler_b,
    )  # fmt: skip
    assert "not one of this wholesaler's import batches" in batches.errors[0].message
    assert ImportBatch.objects.get().route == "Duisburg – Yiwu"


def test_an_export_imports_back_unchanged(operator, wholesaler_a, goods):
    load("import-batches", [BATCH_HEADERS, batch_row(wholesaler_a)], user=operator)
    load("import-batch-lines", [LINE_HEADERS, line_row()], user=operator)
    for spec, resource in (
        (ImportBatchesSpec, "import-batches"),
        (ImportBatchLinesSpec, "import-batch-lines"),
    ):
        headers, rows = export_table(spec(Scope()))
        result = load(resource, [headers, *rows], user=operator)
        assert result.is_valid, result.errors
        assert (result.rows_new, result.rows_updated, result.rows_unchanged) == (
            0,
            0,
            1,
        )
