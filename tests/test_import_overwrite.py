"""A stale row (a file exported before the listing's last change) is a conflict:
refused by default, written only when the user chooses to overwrite, a choice
stored on the ImportRecord at confirm time so the worker's job sees it. One test
per door: the engine, the admin, the portal and the command line (issue 11, item 5).
"""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.html import escape

from pilot_products.models import ImportRecord, Listing, ListingStatus
from pilot_products.spreadsheets.engine import run_import
from pilot_products.spreadsheets.exporting import export_file
from pilot_products.spreadsheets.specs import ListingsSpec
from pilot_products.spreadsheets.specs.trade import MSG_STALE_ROW
from tests import factories
from tests.jobs_helpers import run_queued_jobs
from tests.spreadsheet_helpers import csv_bytes, read_xlsx

pytestmark = pytest.mark.django_db

KEYS = [column.key for column in ListingsSpec.columns]
# The conflict names columns by the header the export wrote (单价 (unit_price)).
HEADER = {column.key: column.header for column in ListingsSpec.columns}
CHANGES = f"{HEADER['unit_price']}: 20.00 → 25.00; {HEADER['status']}: paused → active"


@pytest.fixture
def stale_file(wholesaler_a) -> bytes:
    """A's listing exported, then paused on the web; the old file changes its price."""
    product = factories.make_pilot_product()
    listing = factories.make_listing(
        wholesaler_a,
        product,
        booth=factories.make_booth(wholesaler_a),
        unit_price="20.00",
        status=ListingStatus.ACTIVE,
    )
    buffer = io.BytesIO()
    export_file(ListingsSpec(), buffer, "xlsx")
    rows = read_xlsx(buffer.getvalue())
    rows[1][KEYS.index("unit_price")] = "25.00"
    Listing.objects.filter(pk=listing.pk).update(status=ListingStatus.PAUSED)
    Listing.objects.get(pk=listing.pk).save()  # the web edit moves the version on
    return csv_bytes(rows)


def _state():
    listing = Listing.objects.get()
    return str(listing.unit_price), listing.status


def test_engine_refuses_by_default_and_overwrites_when_asked(stale_file):
    refused = run_import("listings", file_name="old.csv", data=stale_file)
    (error,) = refused.errors
    assert error.message == str(MSG_STALE_ROW % {"changes": CHANGES})
    assert (refused.stale_rows, refused.only_stale_rows) == (1, True)
    assert _state() == ("20.00", ListingStatus.PAUSED)
    written = run_import(
        "listings", file_name="old.csv", data=stale_file, overwrite_stale=True
    )
    assert (written.errors, written.rows_updated) == ([], 1)
    assert _state() == ("25.00", ListingStatus.ACTIVE)
    assert ImportRecord.objects.filter(overwrite_stale=True).count() == 1


def test_command_line_overwrites_only_with_the_flag(stale_file, tmp_path):
    path = tmp_path / "old.csv"
    path.write_bytes(stale_file)
    errors = io.StringIO()
    with pytest.raises(CommandError, match="rejected"):
        call_command("catalogue_import", "listings", str(path), stderr=errors)
    assert "row 2" in errors.getvalue()
    assert CHANGES in errors.getvalue()
    assert _state() == ("20.00", ListingStatus.PAUSED)
    call_command(
        "catalogue_import",
        "listings",
        str(path),
        "--overwrite-stale",
        stdout=io.StringIO(),
    )
    assert _state() == ("25.00", ListingStatus.ACTIVE)
    assert ImportRecord.objects.latest("pk").overwrite_stale is True


OVERWRITE_BUTTON = 'name="overwrite_stale" value="1"'


def _preview(client, url: str, stale_file) -> tuple[str, str]:
    upload = io.BytesIO(stale_file)
    upload.name = "old.csv"
    response = client.post(url, {"file": upload})
    assert run_queued_jobs() == 1
    page = client.get(response["Location"])
    return page.context["preview"].token, page.content.decode()


def _check_preview(page: str) -> None:
    assert OVERWRITE_BUTTON in page
    assert escape(f"{HEADER['unit_price']}: 20.00 → 25.00") in page
    assert "unit_price: 20.00" not in page  # never the bare key


def test_admin_confirm_refuses_then_overwrites_on_choice(client, operator, stale_file):
    client.force_login(operator)
    token, page = _preview(client, "/admin/pilot_products/listing/import/", stale_file)
    _check_preview(page)
    confirm = "/admin/pilot_products/listing/process_import/"
    client.post(confirm, {"preview": token})
    assert run_queued_jobs() == 1
    assert _state() == ("20.00", ListingStatus.PAUSED)
    assert ImportRecord.objects.latest("pk").overwrite_stale is False
    client.post(confirm, {"preview": token, "overwrite_stale": "1"})
    assert run_queued_jobs() == 1
    assert ImportRecord.objects.latest("pk").overwrite_stale is True
    assert _state() == ("25.00", ListingStatus.ACTIVE)


def test_portal_confirm_refuses_then_overwrites_on_choice(client, user_a, stale_file):
    client.force_login(user_a)
    token, page = _preview(client, reverse("pilot_products:spreadsheets"), stale_file)
    _check_preview(page)
    confirm = reverse("pilot_products:spreadsheet-confirm")
    client.post(confirm, {"preview": token})
    assert run_queued_jobs() == 1
    assert _state() == ("20.00", ListingStatus.PAUSED)
    client.post(confirm, {"preview": token, "overwrite_stale": "1"})
    assert run_queued_jobs() == 1
    record = ImportRecord.objects.latest("pk")
    assert (record.overwrite_stale, record.dry_run) == (True, False)
    assert _state() == ("25.00", ListingStatus.ACTIVE)


def test_no_overwrite_offer_when_another_problem_is_there(client, user_a, stale_file):
    broken = stale_file.replace(b"25.00", b"abc")
    client.force_login(user_a)
    _token, page = _preview(client, reverse("pilot_products:spreadsheets"), broken)
    assert OVERWRITE_BUTTON not in page
