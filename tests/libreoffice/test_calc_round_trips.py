"""Files the app writes, opened and saved again by LibreOffice Calc (headless).

A real spreadsheet program decides what a cell is when it opens a CSV: codes become
numbers, ``100:8.34`` becomes a time. These tests let LibreOffice do that and upload
what it saved (issue 11). Marked ``libreoffice``: ``-m "not libreoffice"`` skips
them locally; CI installs ``libreoffice-calc-nogui`` (``.ci/run``) and runs them.
"""

import io
import shutil
import subprocess
from decimal import Decimal

import pytest

from pilot_products.models import Listing
from pilot_products.spreadsheets import cells
from pilot_products.spreadsheets.engine import run_import
from pilot_products.spreadsheets.exporting import export_file
from pilot_products.spreadsheets.specs import ListingsSpec
from tests import factories
from tests.spreadsheet_helpers import LISTING_HEADERS, csv_bytes, listing_row

pytestmark = [pytest.mark.django_db, pytest.mark.libreoffice]

#: LibreOffice's CSV filter options: comma, double quote, UTF-8 (76), from line 1.
CSV_UTF8 = "CSV:44,34,76,1"


def calc_save_as_xlsx(tmp_path, name: str, data: bytes) -> bytes:
    """Open ``data`` in LibreOffice Calc as a person would and save it as XLSX."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice Calc is not installed (apt-get libreoffice-calc-nogui)"
    source = tmp_path / name
    source.write_bytes(data)
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         f"--infilter={CSV_UTF8}", "--convert-to", "xlsx", "--outdir", str(tmp_path),
         str(source)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return (tmp_path / f"{source.stem}.xlsx").read_bytes()


@pytest.fixture
def trade(db):
    wholesaler = factories.make_wholesaler()
    product = factories.make_pilot_product(
        tariff_lines=[factories.make_tariff_line("95030060")]
    )
    booth = factories.make_booth(wholesaler)
    for n in range(3):
        factories.make_listing(
            wholesaler,
            product,
            sku=f"SKU-{n}",
            booth=booth,
            customs_code="9503006000",
            moq=10,
            unit_price="12.50",
            tiers=[(10, Decimal("12.50")), (100, Decimal("11.00"))],
        )
    return wholesaler, product, booth


def test_listing_csv_export_saved_as_xlsx_imports_back_unchanged(trade, tmp_path):
    wholesaler, _product, _booth = trade
    buffer = io.BytesIO()
    export_file(ListingsSpec(), buffer, "csv")
    saved = calc_save_as_xlsx(tmp_path, "listings.csv", buffer.getvalue())
    for scope in ({}, {"wholesaler": wholesaler}):  # the admin's and the portal's
        result = run_import("listings", file_name="listings.xlsx", data=saved, **scope)
        assert [e.message for e in result.errors] == []
        assert (result.rows_unchanged, result.rows_updated) == (3, 0)
    assert set(Listing.objects.values_list("customs_code", flat=True)) == {"9503006000"}


def test_a_colon_tier_that_calc_turned_into_a_time_is_explained(trade, tmp_path):
    wholesaler, product, booth = trade
    row = listing_row(wholesaler, product, booth, sku="NEW-1", tiers="10:12.50")
    saved = calc_save_as_xlsx(tmp_path, "typed.csv", csv_bytes([LISTING_HEADERS, row]))
    result = run_import("listings", file_name="typed.xlsx", data=saved)
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "tiers", str(cells.MSG_TIERS_TIME))
    ]
    assert not Listing.objects.filter(sku="NEW-1").exists()
