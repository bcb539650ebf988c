"""Portal spreadsheets: a wholesaler's upload that names someone else's wholesaler or
booth is rejected whole, even when confirmed by hand, and nothing is written."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from openpyxl import load_workbook

from pilot_products.models import ImportOutcome, ImportRecord, Listing
from pilot_products.rules import MSG_BOOTH_NOT_OWN
from pilot_products.spreadsheets.engine import MSG_NOTHING_WRITTEN
from pilot_products.spreadsheets.specs import ListingsSpec
from pilot_products.spreadsheets.specs.trade import MSG_OTHER_WHOLESALER
from pilot_products.spreadsheets.workbooks import REQUIRED_FILL
from tests import factories
from tests.jobs_helpers import run_queued_jobs
from tests.spreadsheet_helpers import (
    LISTING_HEADERS,
    csv_bytes,
    listing_row,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(client, user_a, settings, tmp_path):
    """The test client logged in as wholesaler A, reading English pages."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user_a)
    return client


@pytest.fixture
def own_trade(wholesaler_a):
    """A's booth and an existing listing of A that a good row would update."""
    product = factories.make_pilot_product()
    booth = factories.make_booth(wholesaler_a)
    existing = factories.make_listing(
        wholesaler_a, product, sku="A-OLD", booth=booth, moq=10, unit_price="20.00"
    )
    return product, booth, existing


def upload(client, name: str, data: bytes):
    """Post a real file to the portal's upload form, let its preview job run and
    return the preview page."""
    file = io.BytesIO(data)
    file.name = name
    response = client.post(reverse("pilot_products:spreadsheets"), {"file": file})
    assert response.status_code == 302
    assert response["Location"].startswith("/portal/spreadsheets/preview/")
    assert run_queued_jobs() == 1
    return client.get(response["Location"])


def listing_state(wholesaler) -> list[tuple]:
    return sorted(
        (listing.sku, listing.unit_price, listing.moq, listing.booth_id)
        + tuple(listing.price_tiers.values_list("min_quantity", "unit_price"))
        for listing in Listing.objects.filter(wholesaler=wholesaler)
    )


def force_confirm(client, preview_page):
    """Post the confirm form even though the page offers no confirm button, let the
    import job run and return the upload's page."""
    response = client.post(
        reverse("pilot_products:spreadsheet-confirm"),
        {"preview": preview_page.context["preview"].token},
    )
    assert response.status_code == 302
    assert run_queued_jobs() == 1
    return client.get(response["Location"])


def test_row_naming_another_wholesaler_rejects_the_whole_file(
    portal, wholesaler_a, wholesaler_b, own_trade
):
    product, booth, _existing = own_trade
    before = listing_state(wholesaler_a)
    records_before = ImportRecord.objects.count()
    data = xlsx_bytes(
        [
            LISTING_HEADERS,
            listing_row(wholesaler_a, product, booth, sku="A-NEW"),
            listing_row(
                wholesaler_a, product, booth, sku="A-OLD", unit_price="9.00", tiers=""
            ),
            listing_row(wholesaler_b, product, sku="B-SNEAK"),
        ]
    )
    preview = upload(portal, "mine.xlsx", data)

    with translation.override("en"):
        expected = str(MSG_OTHER_WHOLESALER % {"code": wholesaler_b.credit_code})
        nothing_written = str(MSG_NOTHING_WRITTEN % {"count": 1})
    assert [
        (error["row"], error["message"]) for error in preview.context["meta"]["errors"]
    ] == [(4, expected)]
    page = preview.content.decode()
    assert escape(nothing_written) in page
    assert 'name="confirm"' not in page

    confirmed = force_confirm(portal, preview)
    assert "Import preview" in confirmed.content.decode()
    assert listing_state(wholesaler_a) == before
    assert not Listing.objects.filter(sku__in=["A-NEW", "B-SNEAK"]).exists()
    assert not Listing.objects.filter(wholesaler=wholesaler_b).exists()
    outcomes = list(
        ImportRecord.objects.order_by("pk")[records_before:].values_list(
            "outcome", "dry_run", "wholesaler_id"
        )
    )
    assert outcomes == [
        (ImportOutcome.REJECTED, True, wholesaler_a.pk),
        (ImportOutcome.REJECTED, False, wholesaler_a.pk),
    ]


def test_row_with_a_booth_that_is_not_theirs_rejects_the_whole_file(
    portal, wholesaler_a, wholesaler_b, own_trade
):
    product, booth, _existing = own_trade
    foreign_booth = factories.make_booth(wholesaler_b)
    before = listing_state(wholesaler_a)
    data = csv_bytes(
        [
            LISTING_HEADERS,
            listing_row(wholesaler_a, product, booth, sku="A-NEW"),
            listing_row(wholesaler_a, product, foreign_booth, sku="A-THEIR-BOOTH"),
            listing_row(
                wholesaler_a, product, booth, sku="A-OLD", unit_price="9.00", tiers=""
            ),
        ]
    )
    preview = upload(portal, "mine.csv", data)

    with translation.override("en"):
        expected = str(MSG_BOOTH_NOT_OWN)
    assert [
        (error["row"], error["message"]) for error in preview.context["meta"]["errors"]
    ] == [(3, expected)]
    assert escape(expected) in preview.content.decode()

    force_confirm(portal, preview)
    assert listing_state(wholesaler_a) == before
    assert not Listing.objects.filter(sku__in=["A-NEW", "A-THEIR-BOOTH"]).exists()
    assert not Listing.objects.filter(booth=foreign_booth).exists()


def test_own_rows_import_for_the_logged_in_wholesaler(portal, wholesaler_a, own_trade):
    product, booth, _existing = own_trade
    data = xlsx_bytes(
        [LISTING_HEADERS, listing_row(wholesaler_a, product, booth, sku="A-NEW")]
    )
    preview = upload(portal, "own.xlsx", data)
    assert preview.context["meta"]["errors"] == []
    assert 'name="confirm"' in preview.content.decode()
    done = force_confirm(portal, preview)
    assert "Imported own.xlsx: 1 new, 0 updated, 0 unchanged." in (
        done.content.decode()
    )
    listing = Listing.objects.get(sku="A-NEW")
    assert listing.wholesaler == wholesaler_a
    assert list(listing.price_tiers.values_list("min_quantity", flat=True)) == [
        10,
        100,
    ]


def test_dashboard_and_navigation_lead_to_the_spreadsheet_pages(portal):
    page = portal.get(reverse("pilot_products:portal-dashboard")).content.decode()
    spreadsheets = reverse("pilot_products:spreadsheets")
    export = reverse(
        "pilot_products:spreadsheet-export", kwargs={"file_format": "xlsx"}
    )
    assert f'href="{spreadsheets}">Spreadsheets</a>' in page
    assert f'href="{spreadsheets}#upload-heading">Upload spreadsheet</a>' in page
    assert f'href="{export}">Download my listings (XLSX)</a>' in page
    home = portal.get(spreadsheets).content.decode()
    assert f'href="{spreadsheets}" aria-current="page">Spreadsheets</a>' in home
    assert reverse("pilot_products:spreadsheet-template") in home


def test_portal_template_carries_the_wholesalers_own_credit_code(portal, wholesaler_a):
    response = portal.get(reverse("pilot_products:spreadsheet-template"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    wholesaler = headers.index(ListingsSpec.columns[0].header)
    sku = headers.index("货号 (sku)")
    assert sheet.cell(row=2, column=wholesaler + 1).value == wholesaler_a.credit_code
    # The credit code is optional here (the server knows whose upload it is), the
    # SKU is not: only required headers are highlighted.
    assert sheet.cell(row=1, column=wholesaler + 1).fill.fgColor.rgb != (
        REQUIRED_FILL.fgColor.rgb
    )
    assert sheet.cell(row=1, column=sku + 1).fill.fgColor.rgb == (
        REQUIRED_FILL.fgColor.rgb
    )
