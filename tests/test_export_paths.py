"""Every way out: admin (filters, selection, permissions), command line, portal;
formula escaping on each, CSV with BOM, command exit codes."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command

from pilot_products.models import ImportRecord, Listing, ListingStatus
from pilot_products.spreadsheets.exporting import cell_value, csv_chunks
from pilot_products.spreadsheets.specs import ListingsSpec
from tests import factories
from tests.jobs_helpers import run_queued_jobs
from tests.spreadsheet_helpers import LISTING_HEADERS, csv_bytes, listing_row, read_xlsx

pytestmark = pytest.mark.django_db
FORMULA = '=HYPERLINK("http://evil")'
ALL_FIELDS = {f"listingsresource_{c.key}": "on" for c in ListingsSpec.columns}


@pytest.fixture
def listings(db):
    wholesaler = factories.make_wholesaler()
    product = factories.make_pilot_product()
    active = factories.make_listing(wholesaler, product, sku="A-1", title_zh=FORMULA)
    paused = factories.make_listing(
        wholesaler, product, sku="P-1", title_zh="@cmd", status=ListingStatus.PAUSED
    )
    return wholesaler, product, active, paused


def _csv_text(content: bytes) -> str:
    assert content.startswith(b"\xef\xbb\xbf")
    return content.decode("utf-8-sig")


def test_csv_escapes_every_formula_start():
    row = ["=1+1", "+1", "-1", "@x", "\tx", "\rx", "safe", 5]
    content = b"".join(csv_chunks(["h"], [[cell_value(value) for value in row]]))
    parsed = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert parsed[1] == ["'=1+1", "'+1", "'-1", "'@x", "'\tx", "'\rx", "safe", "5"]


def test_admin_export_keeps_filters_and_escapes(client, operator, listings):
    client.force_login(operator)
    url = "/admin/pilot_products/listing/export/?status__exact=active"
    response = client.post(url, {"format": "1", "resource": "0", **ALL_FIELDS})
    assert response.status_code == 200
    text = _csv_text(b"".join(response.streaming_content))
    assert "'=HYPERLINK" in text
    assert "A-1" in text and "P-1" not in text


def test_admin_export_xlsx_with_selected_fields(client, operator, listings):
    client.force_login(operator)
    response = client.post(
        "/admin/pilot_products/listing/export/",
        {"format": "0", "resource": "0", "listingsresource_sku": "on",
         "listingsresource_title_zh": "on"},
    )  # fmt: skip
    rows = read_xlsx(b"".join(response.streaming_content))
    assert rows[0] == ["货号 (sku)", "中文标题 (title_zh)"]
    assert ["A-1", "'" + FORMULA] in rows
    assert ["P-1", "'@cmd"] in rows


def test_admin_export_action_on_selected_rows(client, operator, listings):
    _wholesaler, _product, active, _paused = listings
    client.force_login(operator)
    response = client.post(
        "/admin/pilot_products/listing/export/",
        {"format": "1", "resource": "0", "export_items": [active.pk], **ALL_FIELDS},
    )
    text = _csv_text(b"".join(response.streaming_content))
    assert "A-1" in text and "P-1" not in text


def test_buttons_and_urls_follow_permissions(client, reviewer, operator, listings):
    client.force_login(reviewer)
    page = client.get("/admin/pilot_products/listing/").content.decode()
    assert "/listing/import/" not in page and "/listing/export/" not in page
    assert client.get("/admin/pilot_products/listing/import/").status_code == 403
    assert client.get("/admin/pilot_products/listing/export/").status_code == 403
    reviewer.user_permissions.add(Permission.objects.get(codename="export_listing"))
    client.force_login(reviewer)
    page = client.get("/admin/pilot_products/listing/").content.decode()
    assert "/listing/export/" in page and "/listing/import/" not in page
    client.force_login(operator)
    page = client.get("/admin/pilot_products/listing/").content.decode()
    assert "/listing/import/" in page


def test_admin_import_preview_then_confirm(client, operator, listings):
    wholesaler, product, *_ = listings
    client.force_login(operator)
    data = csv_bytes([LISTING_HEADERS, listing_row(wholesaler, product, sku="NEW-1")])
    upload = io.BytesIO(data)
    upload.name = "new.csv"
    response = client.post("/admin/pilot_products/listing/import/", {"file": upload})
    assert response.status_code == 302
    run_queued_jobs()
    preview = client.get(response["Location"]).content.decode()
    assert 'class="encoding">UTF-8<' in preview
    assert 'name="confirm"' in preview
    assert not Listing.objects.filter(sku="NEW-1").exists()
    token = response["Location"].split("preview=")[1]
    confirm = client.post(
        "/admin/pilot_products/listing/process_import/", {"preview": token}
    )
    assert confirm.status_code == 302
    assert not Listing.objects.filter(sku="NEW-1").exists()
    run_queued_jobs()
    assert Listing.objects.filter(sku="NEW-1").exists()


def test_command_line_exit_codes_and_messages(tmp_path, listings):
    wholesaler, product, *_ = listings
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([LISTING_HEADERS, listing_row(wholesaler, product)]))
    call_command("catalogue_import", "listings", str(good), "--dry-run")
    assert not Listing.objects.filter(sku="SKU-1").exists()
    call_command("catalogue_import", "listings", str(good))
    assert Listing.objects.filter(sku="SKU-1").exists()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        csv_bytes([LISTING_HEADERS, listing_row(wholesaler, product, moq="2.5")])
    )
    errors = io.StringIO()
    with pytest.raises(CommandError, match="rejected"):
        call_command("catalogue_import", "listings", str(bad), stderr=errors)
    assert "row 2, column “moq”: Enter a whole number" in errors.getvalue()
    assert ImportRecord.objects.count() == 3


def test_command_line_export_escapes(tmp_path, listings):
    target = tmp_path / "out.csv"
    call_command("catalogue_export", "listings", str(target), "--format", "csv")
    assert "'=HYPERLINK" in _csv_text(target.read_bytes())
    xlsx = tmp_path / "out.xlsx"
    call_command("catalogue_export", "listings", str(xlsx))
    titles = [row[4] for row in read_xlsx(xlsx.read_bytes())]
    assert "'" + FORMULA in titles and "'@cmd" in titles


def test_portal_exports_only_own_listings_escaped(
    client, listings, user_a, wholesaler_a
):
    wholesaler, product, *_ = listings
    factories.make_listing(wholesaler_a, product, sku="OWN-1", title_zh="-5%")
    client.force_login(user_a)
    response = client.get("/portal/spreadsheets/listings.csv")
    text = _csv_text(b"".join(response.streaming_content))
    assert "OWN-1" in text and "'-5%" in text and "A-1" not in text
    response = client.get("/portal/spreadsheets/listings.xlsx")
    rows = read_xlsx(b"".join(response.streaming_content))
    assert [row[1] for row in rows[1:]] == ["OWN-1"]


def test_portal_rejects_rows_of_another_wholesaler(client, listings, user_a, user_b,
                                                   wholesaler_a):  # fmt: skip
    wholesaler, product, *_ = listings
    client.force_login(user_a)
    data = csv_bytes(
        [
            LISTING_HEADERS,
            listing_row(wholesaler_a, product, sku="MINE"),
            listing_row(wholesaler, product, sku="THEIRS"),
        ]
    )
    upload = io.BytesIO(data)
    upload.name = "mine.csv"
    response = client.post("/portal/spreadsheets/", {"file": upload})
    preview_url = response["Location"]
    run_queued_jobs()
    page = client.get(preview_url).content.decode()
    assert "another wholesaler" in page
    errors = client.get(preview_url + "?download=errors")
    rows = read_xlsx(b"".join(errors.streaming_content))
    assert rows[1][0] == 3 and "another wholesaler" in rows[1][-1]
    client.force_login(user_b)
    assert client.get(preview_url).status_code == 404
    assert not Listing.objects.filter(sku="MINE").exists()


def test_templates_have_bilingual_headers_and_text_codes(client, operator):
    client.force_login(operator)
    response = client.get("/admin/pilot_products/listing/import/?template=1")
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert sheet["B1"].value == "货号 (sku)"
    assert sheet["D3"].number_format == "@"
    # The example amount is a number, shown as exports show amounts.
    assert sheet["J1"].value == "单价（元） (unit_price)"
    assert (sheet["J2"].value, sheet["J2"].number_format) == (12.5, "0.00")
    assert sheet.data_validations.dataValidation
