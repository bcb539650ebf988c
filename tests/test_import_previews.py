"""The preview shows old -> new for every changed cell, in the admin and the portal
(issue 11, item 5): codes as users type them, not ids."""

import io

import pytest
from django.urls import reverse
from django.utils.html import escape

from pilot_products.models import Listing
from pilot_products.spreadsheets.engine import run_import
from pilot_products.spreadsheets.exporting import export_file
from pilot_products.spreadsheets.specs import ListingsSpec
from tests import factories
from tests.jobs_helpers import run_queued_jobs
from tests.spreadsheet_helpers import csv_bytes, read_xlsx

pytestmark = pytest.mark.django_db

KEYS = [column.key for column in ListingsSpec.columns]


@pytest.fixture
def listing(wholesaler_a):
    line = factories.make_tariff_line()
    product = factories.make_pilot_product(code="P0101", tariff_lines=[line])
    factories.make_pilot_product(code="P0202", tariff_lines=[line])
    booth = factories.make_booth(wholesaler_a, street=3, number="10001")
    factories.make_booth(wholesaler_a, street=4, number="10002")
    return factories.make_listing(
        wholesaler_a,
        product,
        booth=booth,
        unit_price="20.00",
        moq=10,
        stock=100,
        tiers=[(10, "20.00"), (100, "18.00")],
    )


def _changed_file(booth_address: str) -> bytes:
    """This wholesaler's export with the price, product, booth and tiers changed."""
    buffer = io.BytesIO()
    export_file(ListingsSpec(), buffer, "xlsx")
    rows = read_xlsx(buffer.getvalue())
    row = rows[1]
    row[KEYS.index("unit_price")] = "25.00"
    row[KEYS.index("pilot_product")] = "P0202"
    row[KEYS.index("booth")] = booth_address
    row[KEYS.index("tiers")] = "10=25.00;100=22.00"
    return csv_bytes(rows)


def _expected(booth_old: str, booth_new: str) -> list[list[str]]:
    return [
        ["试点商品编号 (pilot_product)", "P0101", "P0202"],
        ["单价（元） (unit_price)", "20.00", "25.00"],
        ["商位 (booth)", booth_old, booth_new],
        ["阶梯价 (tiers)", "10=20.00;100=18.00", "10=25.00;100=22.00"],
    ]


def _addresses():
    old, new = (
        booth.address
        for booth in Listing.objects.get().wholesaler.booths.order_by("street")
    )
    return old, new


def test_the_dry_run_names_old_and_new_value_of_every_changed_cell(listing):
    old, new = _addresses()
    result = run_import(
        "listings", file_name="c.csv", data=_changed_file(new), dry_run=True
    )
    assert result.errors == []
    (change,) = result.changes
    assert change.action == "updated"
    assert change.values == _expected(old, new)


def _shown(page: str, header: str, old: str, new: str) -> bool:
    return (
        f'<span class="column">{escape(header)}</span>: <del>{escape(old)}</del> → '
        f"<ins>{escape(new)}</ins>"
    ) in page


def test_admin_preview_shows_old_and_new_values(client, operator, listing):
    old, new = _addresses()
    upload = io.BytesIO(_changed_file(new))
    upload.name = "c.csv"
    client.force_login(operator)
    response = client.post("/admin/pilot_products/listing/import/", {"file": upload})
    assert run_queued_jobs() == 1
    page = client.get(response["Location"]).content.decode()
    for header, before, after in _expected(old, new):
        assert _shown(page, header, before, after), header
    assert Listing.objects.get().unit_price == 20  # a preview writes nothing


def test_portal_preview_shows_old_and_new_values(client, user_a, listing):
    old, new = _addresses()
    upload = io.BytesIO(_changed_file(new))
    upload.name = "c.csv"
    client.force_login(user_a)
    response = client.post(reverse("pilot_products:spreadsheets"), {"file": upload})
    assert run_queued_jobs() == 1
    page = client.get(response["Location"]).content.decode()
    for header, before, after in _expected(old, new):
        assert _shown(page, header, before, after), header
    assert Listing.objects.get().unit_price == 20


def test_a_changed_lookup_shows_codes_in_other_specs_too():
    """The tariff-line spec's category is an id in the database, a code on screen."""
    old_category = factories.make_category(code="prev_old")
    factories.make_category(code="prev_new")
    factories.make_tariff_line(
        "99123456", category=old_category, name_zh="旧", name_en="Line"
    )
    rows = [
        ["code", "name_zh", "name_en", "category"],
        ["99123456", "新", "Line", "prev_new"],
    ]
    result = run_import(
        "tariff-lines", file_name="l.csv", data=csv_bytes(rows), dry_run=True
    )
    assert result.errors == []
    (change,) = result.changes
    headers = [values[0] for values in change.values]
    assert [values[1:] for values in change.values] == [
        ["旧", "新"],
        ["prev_old", "prev_new"],
    ], headers
