"""Templates offer drop-downs for pilot product, country and (a wholesaler's own
template) their booths, from a hidden list sheet, with Excel's error alert on, on
every row the import accepts (issue 11, item 7)."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pilot_products.spreadsheets import cells
from pilot_products.spreadsheets.engine import run_import
from pilot_products.spreadsheets.specs import ListingsSpec
from tests import factories

pytestmark = pytest.mark.django_db

KEYS = [column.key for column in ListingsSpec.columns]


@pytest.fixture
def catalogue(wholesaler_a, wholesaler_b):
    factories.make_pilot_product(code="P0901")
    factories.make_pilot_product(code="P0902")
    own = factories.make_booth(wholesaler_a, street=7, number="20001")
    other = factories.make_booth(wholesaler_b, street=8, number="20002")
    return own, other


def _validations(data: bytes):
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    by_range = {
        str(validation.sqref): validation
        for validation in sheet.data_validations.dataValidation
    }
    return workbook, by_range


def _list_of(workbook, validation) -> list[str]:
    """The values a list validation points at, read from its hidden sheet."""
    sheet_name, cells_range = validation.formula1.rsplit("!", 1)
    sheet = workbook[sheet_name.strip("'")]
    return [
        cell.value
        for (cell,) in sheet[cells_range.replace("$", "")]
        if cell.value is not None
    ]


def _column_validation(by_range, key: str, rows: int):
    letter = chr(ord("A") + KEYS.index(key))
    return by_range[f"{letter}2:{letter}{rows + 1}"]


def _check_list(workbook, validation, expected):
    assert validation.type == "list"
    assert (validation.showErrorMessage, validation.errorStyle) == (True, "stop")
    assert validation.allow_blank
    assert _list_of(workbook, validation) == expected
    lists = workbook[validation.formula1.rsplit("!", 1)[0].strip("'")]
    assert lists.sheet_state == "hidden"


def test_admin_template_lists_products_and_countries(
    client, operator, catalogue, settings
):
    settings.IMPORT_MAX_ROWS = 3000
    client.force_login(operator)
    response = client.get("/admin/pilot_products/listing/import/?template=1")
    assert response.status_code == 200
    workbook, by_range = _validations(response.content)
    products = _column_validation(by_range, "pilot_product", 3000)
    _check_list(workbook, products, ["P0901", "P0902"])
    countries = _column_validation(by_range, "country_of_origin", 3000)
    _check_list(workbook, countries, sorted(cells.country_codes()))
    assert "JP" in _list_of(workbook, countries)
    # Every booth of the market is too many for a list: the admin's has none.
    booth = chr(ord("A") + KEYS.index("booth"))
    assert not any(key.startswith(f"{booth}2:") for key in by_range)


def test_portal_template_lists_only_the_wholesalers_own_booths(
    client, user_a, catalogue, settings
):
    settings.IMPORT_MAX_ROWS = 4000
    own, _other = catalogue
    client.force_login(user_a)
    response = client.get(reverse("pilot_products:spreadsheet-template"))
    assert response.status_code == 200
    workbook, by_range = _validations(response.content)
    _check_list(workbook, _column_validation(by_range, "booth", 4000), [own.address])
    _check_list(
        workbook,
        _column_validation(by_range, "pilot_product", 4000),
        ["P0901", "P0902"],
    )
    # The inline lists stay as they were, on the same rows.
    status = _column_validation(by_range, "status", 4000)
    assert status.formula1 == '"draft,active,paused,delisted"'


def test_the_list_sheet_is_never_imported(wholesaler_a, catalogue):
    """Only the first visible sheet is read: the template imports as its example."""
    from pilot_products.spreadsheets.specs import Scope
    from pilot_products.spreadsheets.workbooks import template_workbook

    data = template_workbook(ListingsSpec(Scope(wholesaler=wholesaler_a)))
    result = run_import("listings", file_name="t.xlsx", data=data, dry_run=True)
    assert result.rows_total == 1
