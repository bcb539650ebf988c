"""The portal's listing export keeps the listing list's filters and offers a choice
of columns, as the admin's export does; a wholesaler's file holds only their own."""

import csv
import io

import pytest
from django.urls import reverse

from pilot_products.models import ListingStatus
from tests import factories
from tests.spreadsheet_helpers import read_xlsx

CSV_EXPORT = reverse("pilot_products:spreadsheet-export", args=["csv"])


@pytest.fixture
def listings(wholesaler_a, wholesaler_b):
    product = factories.make_pilot_product(code="P66")
    other = factories.make_pilot_product(code="P67")
    factories.make_listing(
        wholesaler_a, product, sku="A-ACTIVE", status=ListingStatus.ACTIVE
    )
    factories.make_listing(
        wholesaler_a, product, sku="A-PAUSED", status=ListingStatus.PAUSED
    )
    factories.make_listing(
        wholesaler_a, other, sku="A-OTHER", status=ListingStatus.ACTIVE
    )
    factories.make_listing(
        wholesaler_b, product, sku="B-ACTIVE", status=ListingStatus.ACTIVE
    )


def rows_of(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def skus(rows) -> set[str]:
    column = next(i for i, header in enumerate(rows[0]) if header.endswith("(sku)"))
    return {row[column] for row in rows[1:]}


def test_the_export_keeps_the_list_filters(client, user_a, listings):
    client.force_login(user_a)
    assert skus(rows_of(client.get(CSV_EXPORT))) == {"A-ACTIVE", "A-PAUSED", "A-OTHER"}
    active = rows_of(client.get(CSV_EXPORT, {"status": "active"}))
    assert skus(active) == {"A-ACTIVE", "A-OTHER"}
    both = rows_of(client.get(CSV_EXPORT, {"status": "active", "product": "P66"}))
    assert skus(both) == {"A-ACTIVE"}


def test_the_listing_list_links_its_filtered_export(client, user_a, listings):
    client.force_login(user_a)
    page = client.get(
        reverse("pilot_products:portal-listings"), {"status": "active", "page": "1"}
    )
    assert f'href="{CSV_EXPORT}?status=active"' in page.content.decode()


def test_chosen_columns_and_always_the_natural_key(client, user_a, listings):
    client.force_login(user_a)
    response = client.get(
        reverse("pilot_products:spreadsheet-export", args=["xlsx"]),
        {"fields": ["unit_price", "stock", "no_such_column"]},
    )
    data = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    header = read_xlsx(data)[0]
    assert [name.rsplit("(", 1)[-1].rstrip(")") for name in header] == [
        "wholesaler", "sku", "unit_price", "stock",
    ]  # fmt: skip


def test_a_bad_filter_goes_back_to_the_list_not_to_a_wrong_file(
    client, user_a, listings
):
    client.force_login(user_a)
    response = client.get(CSV_EXPORT, {"status": "bogus"})
    assert response.status_code == 302
    assert (
        response["Location"]
        == reverse("pilot_products:portal-listings") + "?status=bogus"
    )


def test_the_spreadsheets_page_offers_the_columns_in_its_language(
    client, user_a, listings
):
    client.force_login(user_a)
    page = client.get(
        reverse("pilot_products:spreadsheets"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert 'name="fields" value="unit_price"' in page
    assert "选择列" in page


def test_a_large_filtered_export_runs_as_a_job_with_the_same_rows_and_columns(
    client, user_a, listings, settings
):
    from pilot_products.models import ExportRecord
    from tests.jobs_helpers import run_queued_jobs

    settings.EXPORT_INLINE_MAX_ROWS = 1
    client.force_login(user_a)
    response = client.get(CSV_EXPORT, {"status": "active", "fields": ["stock"]})
    assert response.status_code == 302
    assert run_queued_jobs() == 1
    record = ExportRecord.objects.get()
    file = client.get(f"/portal/spreadsheets/exports/{record.token}/?download=1")
    rows = (
        rows_of(file)
        if file.streaming
        else list(csv.reader(io.StringIO(file.content.decode("utf-8-sig"))))
    )
    assert skus(rows) == {"A-ACTIVE", "A-OTHER"}
    assert len(rows[0]) == 3
