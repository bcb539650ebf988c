"""No rejected row can break the rejected-rows download: control characters (which a
workbook cannot hold) come back visible, as ``[U+000B]``, in the portal and admin."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.doors.helpers import _file
from tests.jobs_helpers import run_queued_jobs
from tests.spreadsheet_helpers import LISTING_HEADERS, listing_row

pytestmark = pytest.mark.django_db

HOSTILE = "拼图\x0b\x1b\x07\x7f\u202e end"
SHOWN = "拼图[U+000B][U+001B][U+0007][U+007F][U+202E] end"


def _client(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def _rejected_cells(response) -> list:
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return [cell for row in sheet.iter_rows(values_only=True) for cell in row]


@pytest.mark.parametrize("door", ["portal", "admin"])
def test_the_rejected_rows_workbook_shows_control_characters(door, world):
    listing = world["listing"]
    row = listing_row(
        listing.wholesaler,
        listing.pilot_product,
        listing.booth,
        sku="HOSTILE-1",
        customs_code=listing.customs_code,
        title_zh=HOSTILE,
        brand='=HYPERLINK("http://x")',
    )
    rows = [LISTING_HEADERS, row]
    if door == "portal":
        client = _client(world["user"])
        upload = client.post(
            reverse("pilot_products:spreadsheets"), {"file": _file(rows, "h.csv")}
        )
        run_queued_jobs()
        download = client.get(f"{upload['Location']}?download=errors")
    else:
        client = _client(world["operator"])
        upload = client.post(
            reverse("admin:pilot_products_listing_import"),
            {"file": _file(rows, "h.csv")},
        )
        run_queued_jobs()
        download = client.get(f"{upload['Location']}&download=errors")
    cells = _rejected_cells(download)
    assert SHOWN in cells
    assert '\'=HYPERLINK("http://x")' in cells
